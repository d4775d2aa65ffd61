// Git as a child process with an argument array, on node's own spawn.
// Measured: simple-git waits an extra 50 ms after every command that prints
// nothing (add, commit -q, push -q, a clean status), and execa's wrapper costs
// twice the CPU of a plain spawn; both are paid several times per iteration.
import { spawn } from 'node:child_process';

export class GitError extends Error {
  override name = 'GitError';
  constructor(
    readonly args: string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(`git ${args.find((a) => !a.startsWith('-')) ?? ''} failed${exitCode !== undefined ? ` (exit ${exitCode})` : ''}: ${stderr.trim() || 'no output'}`);
  }
}

/** Runs before every git call: the place where what git reads is checked first. */
export type BeforeGit = () => Promise<void>;

export class Git {
  constructor(
    readonly cwd: string,
    /** The whole environment git gets; nothing else leaks in. */
    private readonly env: Record<string, string>,
    private readonly before: BeforeGit = async () => {},
  ) {}

  /** Runs git (with `input` on its stdin); resolves with stdout, rejects with a GitError carrying stderr. */
  async raw(args: string[], input?: string): Promise<string> {
    await this.before();
    return spawnGit(this.cwd, this.env, args, input);
  }
}

function spawnGit(cwd: string, env: Record<string, string>, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    // git may exit before reading it all (a bad argument): its error is the one to report.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error) => reject(new GitError(args, undefined, error.message)));
    child.once('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) return resolve(stdout);
      const stderr = Buffer.concat(err).toString('utf8');
      reject(new GitError(args, code ?? undefined, `${stderr}${stdout ? `\n${stdout}` : ''}`));
    });
  });
}

/** The environment a user's own git would get, for terminal mode. */
export function ambientEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}
