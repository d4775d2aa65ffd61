// Which trees the action runs from: the tip of the default branch, or a
// commit of it when the branch moved since the checkout; never a pull
// request's merge commit or a session branch.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Git, ambientEnv } from '../../../src/git/command.js';
import { isOnBranch } from '../../../src/git/trusted-tree.js';
import type { Workspace } from '../../../src/git/workspace.js';
import { checkout, makeRemote, type Remote } from '../../helpers/runner.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' });
const open = (ws: string, remote: Remote) => ({ path: ws, git: new Git(ws, ambientEnv()), remoteUrl: remote.url }) as unknown as Workspace;

function push(remote: Remote, ref: string, file: string, from = 'main'): void {
  const work = join(mkdtempSync(join(tmpdir(), 'samocode-push-')), 'w');
  git(tmpdir(), 'clone', '-q', '--branch', from, remote.url, work);
  writeFileSync(join(work, file), `${file}\n`);
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', file);
  git(work, 'push', '-q', 'origin', `HEAD:${ref}`);
}

describe('isOnBranch', () => {
  it('the tip of the branch, and a checkout the branch has since moved past', async () => {
    const remote = makeRemote();
    const ws = checkout(remote);
    expect(await isOnBranch(open(ws, remote), 'main')).toBe(true);
    for (const n of [1, 2, 3]) push(remote, 'refs/heads/main', `person-${n}.txt`);
    expect(await isOnBranch(open(ws, remote), 'main')).toBe(true);
    expect(git(ws, 'for-each-ref', 'refs/samocode').trim()).toBe('');
  });

  it("not a pull request's merge commit, another branch's tree, or a branch that does not exist", async () => {
    const remote = makeRemote();
    push(remote, 'refs/heads/samocode/1-x', 'session.txt');
    push(remote, 'refs/pull/1/merge', 'merged.txt', 'samocode/1-x');
    const ws = join(mkdtempSync(join(tmpdir(), 'samocode-ws-')), 'repo');
    git(tmpdir(), 'clone', '-q', '--depth=1', '--branch', 'samocode/1-x', remote.url, ws);
    expect(await isOnBranch(open(ws, remote), 'main')).toBe(false);
    git(ws, 'fetch', '-q', '--depth=1', 'origin', 'refs/pull/1/merge');
    git(ws, 'checkout', '-q', '--detach', 'FETCH_HEAD');
    expect(await isOnBranch(open(ws, remote), 'main')).toBe(false);
    expect(await isOnBranch(open(checkout(remote), remote), 'trunk')).toBe(false);
  });
});
