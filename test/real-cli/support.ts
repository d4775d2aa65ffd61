// What the real-CLI tests share: the CLIs installed as devDependencies, a
// project whose HOME and TMPDIR are its own, `dist/cli.js` run asynchronously
// (the stand-ins live in this process), a trap for any traffic that tries to
// leave the machine, and a look at /proc for processes left behind.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { CLI, makeProject, ROOT, type CliRun, type Project } from '../helpers/project.js';

export const CLAUDE_BIN = join(ROOT, 'node_modules', '.bin', 'claude');
export const CODEX_BIN = join(ROOT, 'node_modules', '.bin', 'codex');

/** Fails early and plainly when a CLI is missing or is the stub left by an install without scripts. */
export async function checkCli(bin: string, expectedVersion: string): Promise<void> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm ci`);
  // Even --version writes under HOME (codex fills ~/.codex): give it a throwaway one.
  const home = mkdtempSync(join(tmpdir(), 'samocode-cli-version-'));
  try {
    const version = await execa(bin, ['--version'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TMPDIR: home },
      extendEnv: false,
      reject: false,
      timeout: 20_000,
      stdin: 'ignore',
    });
    if (version.exitCode !== 0 || !String(version.stdout).includes(expectedVersion)) {
      throw new Error(`${bin} --version gave ${version.exitCode}: ${version.stdout} ${version.stderr} (expected ${expectedVersion}; was npm run with --ignore-scripts?)`);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export interface RealCliProject extends Project {
  home: string;
  tmp: string;
}

export function makeRealCliProject(): RealCliProject {
  const project = makeProject();
  const home = join(project.dir, 'home');
  const tmp = join(project.dir, 'tmp');
  mkdirSync(home);
  mkdirSync(tmp);
  return { ...project, home, tmp };
}

/**
 * A proxy that lets nothing through. Every agent env has HTTPS_PROXY and
 * HTTP_PROXY pointing here (and NO_PROXY for loopback), so a CLI that tried
 * to reach the internet shows up in `attempts` instead of reaching it.
 */
export class EgressTrap {
  readonly attempts: string[] = [];
  url = '';
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  static async start(): Promise<EgressTrap> {
    const trap = new EgressTrap();
    trap.server = createServer((req, res) => {
      trap.attempts.push(`${req.method} ${req.url}`);
      res.writeHead(403).end();
    });
    trap.server.on('connection', (socket) => {
      trap.sockets.add(socket);
      socket.on('close', () => trap.sockets.delete(socket));
      // A client that gives up (or is killed) resets the connection: not the trap's failure.
      socket.on('error', () => socket.destroy());
    });
    trap.server.on('connect', (req, socket: Socket) => {
      trap.attempts.push(`CONNECT ${req.url}`);
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    });
    await new Promise<void>((done) => trap.server!.listen(0, '127.0.0.1', done));
    trap.url = `http://127.0.0.1:${(trap.server.address() as AddressInfo).port}`;
    return trap;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }
}

/** The environment samocode itself is started with: nothing of this machine's but PATH. */
export function baseEnv(project: RealCliProject, trap: EgressTrap): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: project.home,
    TMPDIR: project.tmp,
    LANG: 'C.UTF-8',
    HTTPS_PROXY: trap.url,
    HTTP_PROXY: trap.url,
    https_proxy: trap.url,
    http_proxy: trap.url,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  };
}

/** `samocode …` as a child, asynchronously: the stand-in answering the CLI runs in this process. */
export async function runSamocode(project: Project, args: string[], env: Record<string, string>): Promise<CliRun & { ms: number }> {
  const started = Date.now();
  const result = await execa(process.execPath, [CLI, ...args], {
    cwd: project.dir,
    env,
    extendEnv: false,
    reject: false,
    timeout: 60_000,
    stdin: 'ignore',
  });
  const stdout = String(result.stdout);
  return {
    code: typeof result.exitCode === 'number' ? result.exitCode : null,
    stdout,
    stderr: String(result.stderr),
    lines: stdout.trim().split('\n'),
    ms: Date.now() - started,
  };
}

export interface LiveProcess {
  pid: number;
  argv: string[];
  cwd: string;
}

/**
 * Live processes (zombies are dead) whose command line or working directory
 * mentions `marker`: a project's temp folder is in every agent's prompt and
 * working directory, and in nothing else.
 */
export function processesMentioning(marker: string): LiveProcess[] {
  const found: LiveProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (/^\d+ \(.*\) Z/s.test(stat)) continue;
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${name}/cwd`);
      } catch {
        // not ours to read, or gone
      }
      if (argv.some((a) => a.includes(marker)) || cwd.startsWith(marker)) found.push({ pid: Number(name), argv, cwd });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export async function waitFor(check: () => boolean, timeoutMs = 3_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** Every `_logs/*.jsonl` file of a session, oldest first, each line parsed (a line that is not JSON stays a string). */
export function readLogs(folder: string): { file: string; lines: unknown[] }[] {
  const dir = join(folder, '_logs');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((file) => ({
      file,
      lines: readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          try {
            return JSON.parse(l) as unknown;
          } catch {
            return l;
          }
        }),
    }));
}

export type Json = Record<string, any>;

/** What the orchestrator's session-context block in a prompt says. */
export function sessionContext(text: string): { sessionPath: string; workdir: string; phase: string; iteration: number } {
  const pick = (re: RegExp) => {
    const match = re.exec(text);
    if (!match) throw new Error(`no ${re} in the prompt`);
    return match[1]!;
  };
  return {
    sessionPath: pick(/^- Session folder: (.+)$/m),
    workdir: pick(/^- Working directory: (.+)$/m),
    phase: pick(/^- Phase: (\w+) \(iteration/m),
    iteration: Number(pick(/^- Phase: \w+ \(iteration (\d+)/m)),
  };
}

export function history(folder: string): Json[] {
  return readFileSync(join(folder, '_signals.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Json);
}

export function statusValue(folder: string, key: string): string | undefined {
  const match = new RegExp(`^${key}: (.*)$`, 'm').exec(readFileSync(join(folder, '_overview.md'), 'utf8'));
  return match?.[1];
}

export const isFile = (path: string) => existsSync(path) && statSync(path).isFile();
