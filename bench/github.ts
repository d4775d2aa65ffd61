// GitHub mode: `node dist/index.js` as a runner starts it (the variables of
// test/helpers/runner.ts), a local bare remote, the API through the local
// stand-in, the bench agent through the `cli-path` input.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newOverview, type SessionStatus } from '../src/core/overview.js';
import { marker, trackingComment } from '../src/core/render.js';
import { datePrefix, slugify } from '../src/session/naming.js';
import type { FakeGitHub, RecordedRequest } from '../test/helpers/fake-github.js';
import type { TraceHome } from './git-trace.js';
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
  /** HOME for this run. */
  home?: string;
  /** Git's trace2 on for this run: its `git` wrapper first on PATH (the action's git reads no config of ours). */
  trace?: TraceHome;
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
    ...(options.trace ? { HOME: options.trace.home, PATH: `${options.trace.bin}:${process.env.PATH ?? '/usr/bin:/bin'}` } : {}),
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
