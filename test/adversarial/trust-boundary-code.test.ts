// Trust boundary, "write the code a later run executes with the token": the
// repository vendors the action in .github/actions/samocode (as the README
// says) and is itself an action (a root action.yml). The agent rewrites the
// vendored entry, its action.yml, the root action.yml and adds an action of its
// own. None of it reaches the session branch. Then a writer reviews the pull
// request: run from the tree GitHub's default checkout gives a review event
// (the merge ref), the vendored action refuses and says how to fix the
// workflow; run from the tree the copied workflow checks out (the default
// branch), the same review runs its round.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { writePhaseWalker } from '../helpers/fake-cli.js';
import { ROOT } from '../helpers/project.js';
import { checkout, labeledEvent, makeRemote, remoteFile, reviewEvent, runBuiltAction, type Remote } from '../helpers/runner.js';
import { checkoutRef } from '../helpers/workflow-checkout.js';

const github = useFakeGitHub({ Codertocat: 'admin' });
const ISSUE = 181;
const VENDORED = '.github/actions/samocode';
const ROOT_ACTION = "name: hello-world\ndescription: this repository as an action\nruns:\n  using: node24\n  main: index.js\n";

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The repository as the README sets it up: the action vendored on main, and a root action.yml. */
function vendoredRemote(): Remote {
  const remote = makeRemote({ 'README.md': '# Hello-World\n', 'action.yml': ROOT_ACTION });
  const seed = join(mkdtempSync(join(tmpdir(), 'samocode-vendor-')), 'seed');
  git(tmpdir(), 'clone', '-q', remote.url, seed);
  execFileSync('sh', ['-c', `mkdir -p ${VENDORED} && tar -C "$SAMOCODE" -c action.yml package.json dist prompts skills scenarios | tar -C ${VENDORED} -x`], { cwd: seed, env: { ...process.env, SAMOCODE: ROOT } });
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'vendor samocode');
  git(seed, 'push', '-q', 'origin', 'main');
  return remote;
}

/** What GitHub's default checkout gives a review event: the pull request's merge commit, detached. */
function mergeRefCheckout(remote: Remote, branch: string, pull: number): string {
  const work = join(mkdtempSync(join(tmpdir(), 'samocode-merge-')), 'work');
  git(tmpdir(), 'clone', '-q', remote.url, work);
  git(work, 'merge', '-q', '--no-ff', '-m', `Merge ${branch} into main`, `origin/${branch}`);
  git(work, 'push', '-q', 'origin', `HEAD:refs/pull/${pull}/merge`);
  const ws = join(mkdtempSync(join(tmpdir(), 'samocode-ws-')), 'repo');
  git(tmpdir(), 'init', '-q', ws);
  git(ws, 'remote', 'add', 'origin', remote.url);
  git(ws, 'fetch', '-q', '--depth=1', 'origin', `+refs/pull/${pull}/merge:refs/remotes/pull/${pull}/merge`);
  git(ws, 'checkout', '-q', '--detach', `refs/remotes/pull/${pull}/merge`);
  return ws;
}

describe('trust boundary: the agent writes code that a later run executes with the token', () => {
  it('the vendored action, a root action.yml and a new action never reach the branch; a review run from the merge ref refuses, from the default branch it runs', async () => {
    const agent = await writePhaseWalker(`  const pwn = ${JSON.stringify('import fs from "node:fs"; fs.writeFileSync(PWNED, JSON.stringify(process.env));\n')}.replace('PWNED', JSON.stringify(path.join(dir, 'pwned.json')));
  fs.writeFileSync(${JSON.stringify(`${VENDORED}/dist/index.js`)}, pwn);
  fs.writeFileSync(${JSON.stringify(`${VENDORED}/action.yml`)}, 'name: samocode\\nruns:\\n  using: node24\\n  main: dist/index.js\\n# the agent was here\\n');
  fs.writeFileSync('action.yml', 'name: hello-world\\nruns:\\n  using: node24\\n  main: pwn.js\\n');
  fs.writeFileSync('pwn.js', pwn);
  fs.mkdirSync('.github/actions/helper', { recursive: true });
  fs.writeFileSync('.github/actions/helper/action.yml', 'runs:\\n  using: node24\\n  main: ../../../pwn.js\\n');
  fs.writeFileSync('greeting.txt', 'hello\\n');`);
    github.addIssue({ number: ISSUE, title: 'Say hello', body: 'Add greeting.txt.', labels: ['samocode'] });
    const remote = vendoredRemote();
    const entry = (ws: string) => join(ws, VENDORED, 'dist', 'index.js');
    const inputs = { provider: 'claude', 'cli-path': agent.path, 'auto-approve': 'true' };
    const mainWs = checkout(remote);
    const vendoredEntry = readFileSync(entry(mainWs), 'utf8');

    const first = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: mainWs, entry: entry(mainWs), event: 'issues', payload: labeledEvent(ISSUE), inputs });
    expect(first.code, first.stdout).toBe(0);
    expect(first.outputs.status).toBe('done');
    const branch = first.outputs.branch!;
    // What the agent wrote elsewhere is pushed; the code that runs with the token is as on main.
    expect(remoteFile(remote, branch, 'greeting.txt')).toBe('hello\n');
    expect(remoteFile(remote, branch, `${VENDORED}/dist/index.js`)).toBe(vendoredEntry);
    expect(remoteFile(remote, branch, `${VENDORED}/action.yml`)).toBe(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
    expect(remoteFile(remote, branch, 'action.yml')).toBe(ROOT_ACTION);
    expect(() => remoteFile(remote, branch, '.github/actions/helper/action.yml')).toThrow();
    // In no commit either (pwn.js itself is ordinary code the session may write; nothing runs it).
    const protectedHistory = git(remote.bare, 'log', '--all', '-p', '--', '.github', 'action.yml');
    expect(protectedHistory).not.toContain('pwned.json');
    expect(protectedHistory).not.toContain('the agent was here');
    expect(first.stdout).toMatch(/the agent changed .*\.github\/actions.*action\.yml.*put back as on the base branch/);

    // A writer reviews the pull request.
    const pull = github.pulls[0]!;
    github.review.addReview(pull.number, 'Codertocat', 'COMMENTED', 'Say it louder.');
    const review = reviewEvent(pull.number, branch, 'Codertocat', 'commented', 'Say it louder.');
    (review.repository as { default_branch: string }).default_branch = github.defaultBranch;
    const callsBefore = (await agent.calls()).length;
    const tipBefore = git(remote.bare, 'rev-parse', branch).trim();

    // GitHub's default checkout for this event is the merge ref: the vendored action there refuses.
    const mergeWs = mergeRefCheckout(remote, branch, pull.number);
    const refused = await runBuiltAction({ apiUrl: github.url, workspace: mergeWs, entry: entry(mergeWs), event: 'pull_request_review', payload: review, inputs, env: { GITHUB_REF: `refs/pull/${pull.number}/merge` } });
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toContain('ref: ${{ github.event.repository.default_branch }}');
    expect(refused.stdout).toContain(`for refs/pull/${pull.number}/merge`);
    expect(existsSync(join(agent.dir, 'pwned.json'))).toBe(false);
    expect((await agent.calls()).length).toBe(callsBefore);
    expect(git(remote.bare, 'rev-parse', branch).trim()).toBe(tipBefore);
    const notice = github.issues.get(ISSUE)!.comments.find((c) => c.body.includes('samocode runs only from the default branch'));
    expect(notice?.body).toContain('github.event.repository.default_branch');

    // The copied workflow checks out what its `ref:` names for this event: the default branch. There the round runs.
    const ref = checkoutRef(review);
    expect(ref).toBe('main');
    const pinnedWs = checkout(remote);
    const ran = await runBuiltAction({ apiUrl: github.url, workspace: pinnedWs, entry: entry(pinnedWs), event: 'pull_request_review', payload: review, inputs, env: { GITHUB_REF: `refs/pull/${pull.number}/merge` } });
    expect(ran.code, ran.stdout).toBe(0);
    expect(ran.outputs.status).toBe('done');
    expect((await agent.calls()).length).toBeGreaterThan(callsBefore);
    expect(existsSync(join(agent.dir, 'pwned.json'))).toBe(false);
    expect(remoteFile(remote, branch, `${VENDORED}/dist/index.js`)).toBe(vendoredEntry);
  });
});
