// Git as a child process with an argument array. Measured: simple-git waits
// an extra 50 ms after every command that prints nothing (add, commit -q,
// push -q, a clean status), which was most of the loop's cost per iteration.
import { execa } from 'execa';

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

export class Git {
  constructor(
    readonly cwd: string,
    /** The whole environment git gets; nothing else leaks in. */
    private readonly env: Record<string, string>,
  ) {}

  /** Runs git; resolves with stdout, rejects with a GitError carrying stderr. */
  async raw(args: string[]): Promise<string> {
    const result = await execa('git', args, {
      cwd: this.cwd,
      env: this.env,
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
      stripFinalNewline: false,
    });
    if (result.exitCode !== 0 || result.failed) {
      throw new GitError(args, result.exitCode, `${result.stderr || ''}${result.stdout ? `\n${result.stdout}` : ''}`);
    }
    return result.stdout;
  }
}

/** The environment a user's own git would get, for terminal mode. */
export function ambientEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}
