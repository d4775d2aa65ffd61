// What the real-CLI tests share: the CLIs installed as devDependencies, a
// project whose HOME and TMPDIR are its own, `dist/cli.js` run asynchronously
// (the stand-ins live in this process), a trap for any traffic that tries to
// leave the machine, a look at /proc for processes left behind, and the
// probe an agent runs to see what of the key and the upstream it can reach.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { CLI, makeProject, ROOT, type CliRun, type Project } from '../helpers/project.js';
import type { FakeGitHub } from '../helpers/fake-github.js';
import { checkout, labeledEvent, makeRemote, remoteFile, runBuiltAction, type ActionRun, type Remote, type RunOptions } from '../helpers/runner.js';

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

/**
 * One request the probe makes; its outcome (the status, or `error …`) goes
 * into probe.json under `name` (inside `group` when given). In `url` and the
 * header values, `{env.NAME}`, `{cli.NAME}` and `{config.a.b}` stand for what
 * the agent's process reads there, so the placeholder and the relay's
 * address are the ones the CLI was given.
 */
export interface ProbeAttempt {
  name: string;
  group?: string;
  url: string;
  headers?: Record<string, string>;
  /** POSTed when given (`bytes`: that many bytes of `x`); a GET without. */
  body?: string | { bytes: number };
  /** Written on a bare TCP connection to the url's host and port instead of HTTP; the outcome is the answer's first line. */
  raw?: string;
}

export interface ProbeOptions {
  /**
   * A variable only the CLI's environment has: the nearest ancestor holding it
   * is the CLI, whose environment is recorded as `cli` (the shell it runs
   * commands in may get less), and every ancestor's environment is searched
   * for the key. Without it, the parent's is searched.
   */
  cliMark?: string;
  /** A variable holding the JSON configuration the CLI was handed, recorded as `config`. */
  configVariable?: string;
  /** Variables naming more folders to search for the key. */
  searchVariables?: string[];
  attempts: ProbeAttempt[];
  /** Leave work.txt in the work tree, as work done before the budget ran out. */
  work?: boolean;
}

// The probe itself; OPTIONS is replaced by its JSON. It reads the key from
// its first argument (base64, so no command line holds a copy of it).
const PROBE = `import fs from 'node:fs'; import net from 'node:net'; import { execFileSync } from 'node:child_process';
const options = OPTIONS;
const key = Buffer.from(process.argv[2], 'base64').toString();
const ancestors = [];
for (let pid = process.ppid; pid > 1; ) {
  let environ = null;
  try { environ = Object.fromEntries(fs.readFileSync('/proc/' + pid + '/environ', 'utf8').split('\\0').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])); } catch {}
  ancestors.push({ pid, environ });
  if (!options.cliMark) break;
  try { pid = Number(/^PPid:\\s+(\\d+)/m.exec(fs.readFileSync('/proc/' + pid + '/status', 'utf8'))[1]); } catch { break; }
}
const out = { uid: process.getuid(), env: process.env };
const sources = { env: process.env };
if (options.cliMark) out.cli = sources.cli = ancestors.find((a) => a.environ && a.environ[options.cliMark])?.environ ?? {};
if (options.configVariable) out.config = sources.config = JSON.parse(process.env[options.configVariable]);
const places = [process.env.HOME, process.env.TMPDIR, ...(options.searchVariables ?? []).map((v) => process.env[v]), process.cwd(), ...ancestors.map((a) => '/proc/' + a.pid + '/environ')].filter(Boolean);
let grep = '';
try { grep = execFileSync('grep', ['-rlsF', key, ...places], { encoding: 'utf8' }); } catch (e) { grep = String(e.stdout || ''); }
out.hits = grep.split('\\n').filter(Boolean);
const fill = (text) => text.replace(/\\{(\\w+(?:\\.\\w+)*)\\}/g, (_, path) => String(path.split('.').reduce((o, k) => o?.[k], sources)));
const raw = (url, bytes) => new Promise((done) => { const s = net.connect(url.port, url.hostname, () => s.write(bytes)); let got = ''; s.on('data', (d) => (got += d)); s.on('close', () => done(got.split('\\r\\n')[0])); s.on('error', (e) => done('error ' + e.message)); });
for (const a of options.attempts) {
  const url = fill(a.url);
  const headers = Object.fromEntries(Object.entries(a.headers ?? {}).map(([k, v]) => [k, fill(v)]));
  const body = typeof a.body === 'object' ? 'x'.repeat(a.body.bytes) : a.body;
  const outcome = a.raw !== undefined ? await raw(new URL(url), a.raw) : await fetch(url, { method: body === undefined ? 'GET' : 'POST', headers, body }).then((r) => r.status, (e) => 'error ' + e.message);
  if (a.group) (out[a.group] ??= {})[a.name] = outcome;
  else out[a.name] = outcome;
}
fs.writeFileSync(process.env.SAMOCODE_SESSION_PATH + '/probe.json', JSON.stringify(out));
if (options.work) fs.writeFileSync('work.txt', 'work done before the budget ran out\\n');
console.log('probed');
`;

const base64 = (text: string) => Buffer.from(text).toString('base64');

/**
 * The shell command by which the agent probes what it can reach: it writes
 * the probe into its work tree (some CLIs run no command naming a path
 * outside their folders), runs it, and on success runs `then`. The probe
 * writes its environment down (and the CLI's, and its configuration, as
 * `options` ask), searches for `key` in everything it can read (HOME,
 * TMPDIR, the work tree, its ancestors' environments), makes each of the
 * `attempts` in turn, and puts all of it into probe.json in the session folder.
 */
export function probeCommand(key: string, options: ProbeOptions, then: string): string {
  const script = PROBE.replace('OPTIONS', () => JSON.stringify(options));
  return `printf '%s' '${base64(script)}' | base64 -d > probe.mjs && node probe.mjs ${base64(key)} && ${then}`;
}

/** The signal a probing turn leaves when the iteration should go on. */
export const CONTINUE = `printf '%s' '{"status":"continue","phase":"investigation"}' > "$SAMOCODE_SESSION_PATH/_signal.json"`;

/** dist/index.js as a runner starts it when `issue` (a task titled Greet, new) is labelled samocode, on a checkout of a fresh remote. */
export async function runOnNewIssue(github: FakeGitHub, issue: number, options: Pick<RunOptions, 'inputs' | 'env' | 'timeoutMs'>): Promise<{ run: ActionRun; remote: Remote }> {
  github.addIssue({ number: issue, title: 'Greet', body: 'Say hello.', labels: ['samocode'] });
  const remote = makeRemote();
  const run = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(issue), ...options });
  return { run, remote };
}

/** The session a run for `issue` pushed to `remote` (a task titled Greet). */
export function pushedSession(remote: Remote, issue: number): { branch: string; folder: string } {
  const branch = `samocode/${issue}-greet`;
  const name = remoteFile(remote, branch, '.samocode/sessions/').split('\n').find((l) => /greet\/$/.test(l))!.replace(/\/$/, '');
  return { branch, folder: `.samocode/sessions/${name}` };
}

/** What the probe recorded in that session. */
export function pushedProbe(remote: Remote, issue: number): Json {
  const { branch, folder } = pushedSession(remote, issue);
  return JSON.parse(remoteFile(remote, branch, `${folder}/probe.json`)) as Json;
}
