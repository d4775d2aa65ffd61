// Runs the built action the way a runner (or act) does: a process with the
// runner's variables, an event file, a workspace left by actions/checkout.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import examples from '@octokit/webhooks-examples/api.github.com/index.json' with { type: 'json' };
import { ROOT } from './project.js';

export const ACTION = join(ROOT, 'dist', 'index.js');

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

export interface Remote {
  bare: string;
  url: string;
}

/**
 * Refuses what GitHub refuses, in GitHub's words: a blob over 100 MB, and
 * (unless the token may) a change under .github/workflows/. Only the new
 * commits and objects of a push are looked at, so it stays quick.
 */
const PRE_RECEIVE = `#!/bin/sh
zero=0000000000000000000000000000000000000000
refused=0
while read old new ref; do
  [ "$new" = "$zero" ] && continue
  big=$(git rev-list --objects "$new" --not --all | git cat-file --batch-check='%(objecttype) %(objectsize) %(rest)' | awk '$1 == "blob" && $2 > 104857600 { printf "%s %.2f\\n", $3, $2 / 1048576 }')
  if [ -n "$big" ]; then
    printf '%s\\n' "$big" | while read path mb; do [ -n "$path" ] && echo "error: File $path is $mb MB; this exceeds GitHub's file size limit of 100.00 MB" >&2; done
    echo "error: GH001: Large files detected. You may want to try Git Large File Storage - https://git-lfs.github.com." >&2
    refused=1
  fi
  if [ ! -e "$GIT_DIR/allow-workflows" ]; then
    for commit in $(git rev-list "$new" --not --all); do
      file=$(git diff-tree --no-commit-id --no-renames --name-only -r --root "$commit" -- .github/workflows | head -n 1)
      if [ -n "$file" ]; then
        echo "refusing to allow a GitHub App to create or update workflow \\\`$file\\\` without \\\`workflows\\\` permission" >&2
        refused=1
        break
      fi
    done
  fi
done
exit $refused
`;

/**
 * A bare repository with a `main` branch holding one commit, which refuses
 * pushes as GitHub does; `workflows` lets pushes change workflows, as a token
 * with the workflows permission may.
 */
export function makeRemote(files: Record<string, string> = { 'README.md': '# Hello-World\n' }, options: { workflows?: boolean } = {}): Remote {
  const dir = mkdtempSync(join(tmpdir(), 'samocode-remote-'));
  const bare = join(dir, 'remote.git');
  git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
  const seed = join(dir, 'seed');
  git(dir, 'clone', '-q', bare, seed);
  git(seed, 'checkout', '-q', '-b', 'main');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(seed, name)), { recursive: true });
    writeFileSync(join(seed, name), content);
  }
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'initial');
  git(seed, 'push', '-q', 'origin', 'main');
  // The seed is the repository's history as it was; GitHub's rules apply from here on.
  writeFileSync(join(bare, 'hooks', 'pre-receive'), PRE_RECEIVE, { mode: 0o755 });
  if (options.workflows) writeFileSync(join(bare, 'allow-workflows'), '');
  return { bare, url: `file://${bare}` };
}

/** What actions/checkout leaves: a shallow, single-branch clone, no identity; optionally a persisted token header. */
export function checkout(remote: Remote, options: { persistToken?: string } = {}): string {
  const ws = join(mkdtempSync(join(tmpdir(), 'samocode-ws-')), 'repo');
  execFileSync('git', ['clone', '-q', '--depth=1', '--single-branch', '--branch', 'main', remote.url, ws]);
  if (options.persistToken) {
    const basic = Buffer.from(`x-access-token:${options.persistToken}`).toString('base64');
    git(ws, 'config', '--local', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${basic}`);
  }
  return ws;
}

export function remoteFile(remote: Remote, branch: string, path: string): string {
  return git(remote.bare, 'show', `${branch}:${path}`);
}

export function remoteBranches(remote: Remote): string[] {
  return git(remote.bare, 'for-each-ref', '--format=%(refname:short)', 'refs/heads').trim().split('\n').filter(Boolean);
}

type Example = { name: string; examples: Record<string, any>[] };

/** A real webhook payload from @octokit/webhooks-examples, adjusted. */
export function payload(event: string, action: string | undefined, adjust: (p: Record<string, any>) => void = () => {}): Record<string, any> {
  const found = (examples as Example[]).find((e) => e.name === event)!.examples.find((x) => x.action === action)!;
  const copy = structuredClone(found);
  adjust(copy);
  return copy;
}

/** `issues.labeled` with the trigger label, from the real payload. */
export function labeledEvent(issue: number, sender = 'Codertocat'): Record<string, any> {
  return payload('issues', 'labeled', (p) => {
    p.label.name = 'samocode';
    p.issue.number = issue;
    p.issue.labels = [{ name: 'samocode' }];
    p.sender.login = sender;
  });
}

/** `issue_comment.created` on an issue that has a session, from the real payload. */
export function commentEvent(issue: number, body: string, author = 'Codertocat', labels = ['samocode', 'samocode:waiting']): Record<string, any> {
  return payload('issue_comment', 'created', (p) => {
    p.issue.number = issue;
    p.issue.labels = labels.map((name) => ({ name }));
    delete p.issue.pull_request;
    p.comment.body = body;
    p.comment.user.login = author;
    p.sender.login = author;
  });
}

/** `pull_request_review.submitted` on a session's pull request, from the real payload. */
export function reviewEvent(pull: number, branch: string, author: string, state: string, body: string | null): Record<string, any> {
  return payload('pull_request_review', 'submitted', (p) => {
    p.pull_request.number = pull;
    p.pull_request.head.ref = branch;
    p.review.user.login = author;
    p.review.state = state;
    p.review.body = body;
    p.sender.login = author;
  });
}

/** `pull_request_review_comment.created` on a session's pull request, from the real payload. */
export function reviewCommentEvent(pull: number, branch: string, author: string, body: string): Record<string, any> {
  return payload('pull_request_review_comment', 'created', (p) => {
    p.pull_request.number = pull;
    p.pull_request.head.ref = branch;
    p.comment.user.login = author;
    p.comment.body = body;
    p.sender.login = author;
  });
}

/** `issue_comment.created` on a pull request's conversation, from the real payload. */
export function pullCommentEvent(pull: number, body: string, author = 'Codertocat'): Record<string, any> {
  return payload('issue_comment', 'created', (p) => {
    p.issue.number = pull;
    p.issue.pull_request = { url: `https://api.github.com/repos/Codertocat/Hello-World/pulls/${pull}` };
    p.comment.body = body;
    p.comment.user.login = author;
    p.sender.login = author;
  });
}

/** `workflow_dispatch` with the issue input, from the real payload. */
export function dispatchEvent(issue: number): Record<string, any> {
  return payload('workflow_dispatch', undefined, (p) => (p.inputs = { issue: String(issue) }));
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  durationMs: number;
  /** Epoch ms when `signalWhen` sent its signal, if it did. */
  signalledAt?: number;
  /** Epoch ms when the action's process ended. */
  endedAt: number;
}

export interface RunOptions {
  apiUrl: string;
  /** The action's entry to run; the build of this checkout unless a test vendors a copy (`uses: ./.github/actions/…`). */
  entry?: string;
  workspace: string;
  event: string;
  payload: Record<string, unknown>;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  token?: string;
  timeoutMs?: number;
  /** Polled every 50 ms while the action runs; when it says so, the action gets SIGKILL. */
  killWhen?: () => boolean;
  /** Polled every 50 ms while the action runs; when `when` says so, the action gets `signal`, once (a cancelled run). */
  signalWhen?: { when: () => boolean; signal: NodeJS.Signals };
  /** Fills the payload's issue title and body from this stand-in, as GitHub's own event would carry them. */
  snapshotFrom?: { issues: Map<number, { title: string; body: string }> };
}

function parseOutputs(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  const outputs: Record<string, string> = {};
  const re = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) outputs[m[1]!] = m[3]!;
  return outputs;
}

export async function runBuiltAction(options: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'samocode-runner-'));
  const eventPath = join(dir, 'event.json');
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary.md');
  const issue = (options.payload as { issue?: { number?: number; title?: string; body?: string } }).issue;
  const known = issue?.number !== undefined ? options.snapshotFrom?.issues.get(issue.number) : undefined;
  if (issue && known) Object.assign(issue, { title: known.title, body: known.body });
  writeFileSync(eventPath, JSON.stringify(options.payload));
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const inputs = { provider: 'script', 'github-token': options.token ?? 'ghs_testtoken0000000000000000000000000000', ...options.inputs };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'Codertocat/Hello-World',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKFLOW_REF: 'Codertocat/Hello-World/.github/workflows/samocode.yml@refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
    SAMOCODE_RETRY_BASE_MS: '10',
    ...options.env,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const started = Date.now();
  const child = execa(process.execPath, [options.entry ?? ACTION], { cwd: options.workspace, env, extendEnv: false, reject: false, timeout: options.timeoutMs ?? 60_000 });
  let signalledAt: number | undefined;
  const poll =
    options.killWhen || options.signalWhen
      ? setInterval(() => {
          if (options.killWhen?.()) child.kill('SIGKILL');
          if (options.signalWhen && signalledAt === undefined && options.signalWhen.when()) {
            signalledAt = Date.now();
            child.kill(options.signalWhen.signal);
          }
        }, 50)
      : undefined;
  const result = await child;
  const endedAt = Date.now();
  clearInterval(poll);
  return {
    code: typeof result.exitCode === 'number' ? result.exitCode : null,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    outputs: parseOutputs(outputFile),
    summary: readFileSync(summaryFile, 'utf8'),
    durationMs: endedAt - started,
    signalledAt,
    endedAt,
  };
}
