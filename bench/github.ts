// GitHub mode: `node dist/index.js` as a runner starts it (the variables of
// test/helpers/runner.ts), a local bare remote, the API through the local
// stand-in, the bench agent through the `cli-path` input.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newOverview, type SessionStatus } from '../src/core/overview.js';
import { marker, trackingComment } from '../src/core/render.js';
import { datePrefix, slugify } from '../src/session/naming.js';
import type { FakeGitHub, RecordedRequest } from '../test/helpers/fake-github.js';
import { baseEnv, git, readUsage, runProc, tempDir, type Ctx, type ProcResult } from './lib.js';

export const REPOSITORY = 'Codertocat/Hello-World';

export interface Remote {
  bare: string;
  url: string;
}

/** A bare repository whose `main` holds one commit with `files`. */
export function makeRemote(ctx: Ctx, files: Record<string, string> = { 'README.md': '# Hello-World\n' }): Remote {
  const dir = tempDir(ctx, 'remote');
  const bare = join(dir, 'remote.git');
  git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
  const seed = join(dir, 'seed');
  git(dir, 'clone', '-q', bare, seed);
  git(seed, 'checkout', '-q', '-b', 'main');
  for (const [name, content] of Object.entries(files)) writeFileSync(join(seed, name), content);
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'initial');
  git(seed, 'push', '-q', 'origin', 'main');
  return { bare, url: `file://${bare}` };
}

export interface SessionBranchInfo {
  branch: string;
  folder: string;
  /** The branch's commit before any run, to reset to. */
  sha: string;
}

/** The session's branch on the remote as an earlier run left it: the session folder, resuming in `status.phase`. */
export function addSessionBranch(
  ctx: Ctx,
  remote: Remote,
  issue: number,
  title: string,
  status: SessionStatus,
  extra: (sessionDir: string) => void = () => {},
): SessionBranchInfo {
  const seed = join(tempDir(ctx, 'seed'), 'repo');
  git(ctx.tmp, 'clone', '-q', '--depth=1', '--single-branch', '--branch', 'main', remote.url, seed);
  const slug = slugify(title);
  const branch = `samocode/${issue}-${slug}`;
  const folder = `${datePrefix(new Date())}-${issue}-${slug}`;
  const sessionDir = join(seed, '.samocode', 'sessions', folder);
  git(seed, 'checkout', '-q', '-b', branch);
  mkdirSync(sessionDir, { recursive: true });
  writeFileSync(
    join(sessionDir, '_overview.md'),
    newOverview({ sessionName: folder, startedAt: new Date(Date.now() - 86_400_000).toISOString(), task: title, workingDir: '.', source: `https://github.com/${REPOSITORY}/issues/${issue}` }, status),
  );
  extra(sessionDir);
  git(seed, 'add', '-A');
  git(seed, '-c', 'user.name=github-actions[bot]', 'commit', '-q', '-m', `samocode: session ${folder} for #${issue}`);
  git(seed, 'push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
  return { branch, folder, sha: git(seed, 'rev-parse', 'HEAD').trim() };
}

/** What actions/checkout leaves: a shallow, single-branch clone of main, no identity. */
export function checkoutWorkspace(ctx: Ctx, remote: Remote): string {
  const ws = join(tempDir(ctx, 'ws'), 'repo');
  git(ctx.tmp, 'clone', '-q', '--depth=1', '--single-branch', '--branch', 'main', remote.url, ws);
  return ws;
}

/** An issue that already has a session: the trigger label, `samocode:running`, and the tracking comment. */
export function addSessionIssue(fake: FakeGitHub, issue: number, title: string, folder: string, status: SessionStatus): void {
  fake.addIssue({ number: issue, title, body: `${title}: the bench's issue.`, labels: ['samocode', 'samocode:running'] });
  const links = { branch: `https://github.com/${REPOSITORY}/tree/samocode/${issue}` };
  fake.addComment(issue, 'github-actions[bot]', trackingComment(folder, status, links), new Date(Date.now() - 3_600_000).toISOString(), 'Bot');
  if (!trackingComment(folder, status, links).includes(marker('tracking'))) throw new Error('the tracking comment lost its marker');
}

export function dispatchPayload(root: string, issue: number): Record<string, unknown> {
  const payload = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'events', 'workflow-dispatch.json'), 'utf8')) as Record<string, unknown>;
  payload.inputs = { issue: String(issue) };
  return payload;
}

export interface ActionRun extends ProcResult {
  outputs: Record<string, string>;
  requests: RecordedRequest[];
  rssMb: number | null;
  cpuMs: number | null;
}

export interface ActionOptions {
  fake: FakeGitHub;
  workspace: string;
  event: string;
  payload: Record<string, unknown>;
  agentPath: string;
  /** HOME for this run (e.g. one whose .gitconfig turns trace2 on). */
  home?: string;
  /** More action inputs (name → value). */
  inputs?: Record<string, string>;
  timeoutMs?: number;
  /** More environment, over the defaults. */
  env?: Record<string, string>;
}

function parseOutputs(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const outputs: Record<string, string> = {};
  for (const m of readFileSync(file, 'utf8').matchAll(/^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return outputs;
}

/** Runs dist/index.js the way test/helpers/runner.ts does, with the claude provider at `agentPath`. */
export async function runBuiltAction(ctx: Ctx, options: ActionOptions): Promise<ActionRun> {
  const dir = tempDir(ctx, 'runner');
  const eventPath = join(dir, 'event.json');
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary.md');
  const rssFile = join(dir, 'rss');
  writeFileSync(eventPath, JSON.stringify(options.payload));
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env = baseEnv(ctx, {
    ...(options.home ? { HOME: options.home } : {}),
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_API_URL: options.fake.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKFLOW_REF: `${REPOSITORY}/.github/workflows/samocode.yml@refs/heads/main`,
    GITHUB_REF_NAME: 'main',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
    SAMOCODE_RETRY_BASE_MS: '10',
    // The throttling plugin's spacing of writes (a write a second) would be all there is to measure.
    SAMOCODE_API_PACING_MS: '0',
    BENCH_RSS_FILE: rssFile,
    'INPUT_GITHUB-TOKEN': 'ghs_benchtoken00000000000000000000000000000',
    INPUT_PROVIDER: 'claude',
    'INPUT_CLI-PATH': options.agentPath,
    ...Object.fromEntries(Object.entries(options.inputs ?? {}).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...options.env,
  });
  const first = options.fake.requests.length;
  const r = await runProc(process.execPath, ['--import', ctx.rssHook, join(ctx.root, 'dist', 'index.js')], {
    cwd: options.workspace,
    env,
    timeoutMs: options.timeoutMs ?? 180_000,
  });
  return { ...r, outputs: parseOutputs(outputFile), requests: options.fake.requests.slice(first), ...readUsage(rssFile) };
}

/** `METHOD /path` with numbers as `:n`, for counting requests per endpoint. */
export function endpoint(r: RecordedRequest): string {
  const base = `/repos/${REPOSITORY}`;
  const path = r.path.startsWith(base) ? r.path.slice(base.length) || '/' : r.path;
  return `${r.method} ${path.replace(/\/\d+(?=\/|$)/g, '/:n').replace(/\/labels\/[^/]+$/, '/labels/:name')}`;
}

export function countEndpoints(requests: RecordedRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) counts[endpoint(r)] = (counts[endpoint(r)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
}

// ---------------------------------------------------------------- git trace2

/** A HOME whose .gitconfig makes every git process append trace2 events to `file`. */
export function traceHome(ctx: Ctx): { home: string; file: string } {
  const home = tempDir(ctx, 'trace-home');
  const file = join(home, 'trace2.jsonl');
  writeFileSync(join(home, '.gitconfig'), `[trace2]\n\teventTarget = ${file}\n\teventBrief = false\n`);
  return { home, file };
}

export interface GitTrace {
  /** Top-level git commands (started by samocode): count and total wall ms per subcommand. */
  commands: Record<string, { count: number; ms: number }>;
  totalMs: number;
  processes: number;
}

/** Sums what git spent per top-level command, from trace2 `start`/`exit` events. */
export function readTrace(file: string): GitTrace {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const starts = new Map<string, string>();
  const commands: Record<string, { count: number; ms: number }> = {};
  let totalMs = 0;
  let processes = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let e: { event?: string; sid?: string; argv?: string[]; t_abs?: number };
    try {
      e = JSON.parse(line);
    } catch {
      continue;
    }
    if (!e.sid) continue;
    if (e.event === 'start') {
      processes++;
      if (e.sid.includes('/')) continue; // a child of a git command (receive-pack, pack-objects, …): inside its parent's time
      const argv = e.argv ?? [];
      let i = 1;
      while (i < argv.length && argv[i]!.startsWith('-')) i += argv[i] === '-c' || argv[i] === '-C' ? 2 : 1;
      starts.set(e.sid, argv[i] ?? '?');
    } else if (e.event === 'exit' && starts.has(e.sid)) {
      const name = starts.get(e.sid)!;
      const ms = (e.t_abs ?? 0) * 1000;
      const c = (commands[name] ??= { count: 0, ms: 0 });
      c.count++;
      c.ms += ms;
      totalMs += ms;
    }
  }
  return { commands: Object.fromEntries(Object.entries(commands).sort((a, b) => b[1].ms - a[1].ms)), totalMs, processes };
}
