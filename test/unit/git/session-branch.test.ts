import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/core/redact.js';
import { checkBranchName } from '../../../src/git/branch-name.js';
import { BranchConflictError } from '../../../src/git/errors.js';
import { SessionBranch } from '../../../src/git/session-branch.js';
import { findSessionBranch, openWorkspace, type Workspace } from '../../../src/git/workspace.js';
import { checkout, makeRemote, remoteBranches, remoteFile, type Remote } from '../../helpers/runner.js';

const TOKEN = 'ghs_branchtesttoken000000000000000000000';
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=person', '-c', 'user.email=p@example.com', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A person's own clone of the session branch, to push from behind the action's back. */
function personPushes(remote: Remote, branch: string, file: string, content: string): void {
  const dir = join(mkdtempSync(join(tmpdir(), 'samocode-person-')), 'clone');
  git(tmpdir(), 'clone', '-q', '--branch', branch, remote.url, dir);
  writeFileSync(join(dir, file), content);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', `person edits ${file}`);
  git(dir, 'push', '-q', 'origin', branch);
}

async function open(ws: string, name: string, token?: string): Promise<{ workspace: Workspace; branch: SessionBranch }> {
  const workspace = await openWorkspace({ workspace: ws, token });
  return { workspace, branch: new SessionBranch(workspace, name, { redactor: new Redactor([token]) }) };
}

describe('the session branch', () => {
  it('creates the branch, commits as the action and pushes without writing the token anywhere', async () => {
    const remote = makeRemote();
    const ws = checkout(remote, { persistToken: 'ghs_persisted0000000000000000000000000000' });
    const { workspace, branch } = await open(ws, 'samocode/1-test', TOKEN);
    expect(workspace.removedCredentials).toEqual(['http.https://github.com/.extraheader']);
    expect(await findSessionBranch(workspace, 'samocode/1-')).toBeNull();
    await branch.create();
    writeFileSync(join(ws, 'a.txt'), 'a\n');
    await branch.checkpoint('samocode: first');
    expect(remoteFile(remote, 'samocode/1-test', 'a.txt')).toBe('a\n');
    expect(git(remote.bare, 'log', '-1', '--format=%an <%ae>', 'samocode/1-test').trim()).toBe(
      'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>',
    );
    expect(readFileSync(join(ws, '.git', 'config'), 'utf8')).not.toMatch(/ghs_|extraheader|AUTHORIZATION/);
    expect(await findSessionBranch(workspace, 'samocode/1-')).toBe('samocode/1-test');
  });

  it('fetches only the session branch, shallow, into a fresh checkout', async () => {
    const remote = makeRemote();
    const { branch: first } = await open(checkout(remote), 'samocode/2-x');
    await first.create();
    await first.checkpoint('samocode: empty');
    const ws = checkout(remote);
    const { branch: again } = await open(ws, 'samocode/2-x');
    await again.checkoutRemote();
    expect(git(ws, 'rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('samocode/2-x');
    expect(git(ws, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
  });

  it('rebases onto a push made behind its back and retries', async () => {
    const remote = makeRemote();
    const ws = checkout(remote);
    const { branch } = await open(ws, 'samocode/3-x');
    await branch.create();
    writeFileSync(join(ws, 'ours.txt'), 'ours\n');
    await branch.checkpoint('samocode: ours');
    personPushes(remote, 'samocode/3-x', 'theirs.txt', 'theirs\n');
    writeFileSync(join(ws, 'ours2.txt'), 'more\n');
    await branch.checkpoint('samocode: more');
    expect(remoteFile(remote, 'samocode/3-x', 'theirs.txt')).toBe('theirs\n');
    expect(remoteFile(remote, 'samocode/3-x', 'ours2.txt')).toBe('more\n');
  });

  it('on a conflict keeps its commit on a backup branch and says so', async () => {
    const remote = makeRemote();
    const ws = checkout(remote);
    const { branch } = await open(ws, 'samocode/4-x');
    await branch.create();
    writeFileSync(join(ws, 'same.txt'), 'base\n');
    await branch.checkpoint('samocode: base');
    personPushes(remote, 'samocode/4-x', 'same.txt', 'person\n');
    writeFileSync(join(ws, 'same.txt'), 'action\n');
    const error = await branch.checkpoint('samocode: conflicting').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BranchConflictError);
    const backup = (error as BranchConflictError).backupBranch;
    expect(backup).toMatch(/^samocode\/4-x-backup-\d+$/);
    expect(remoteBranches(remote)).toContain(backup!);
    expect(remoteFile(remote, backup!, 'same.txt')).toBe('action\n');
    expect(remoteFile(remote, 'samocode/4-x', 'same.txt')).toBe('person\n');
  });

  it.each(['-oProxyCommand=x', 'a..b', 'a b', 'x.lock', 'ref@{1}', ''])('refuses the unsafe branch name %j', (name) => {
    expect(() => checkBranchName(name)).toThrow(/unsafe branch name/);
  });

  it('runs no hook and no config the agent planted in .git, and puts .git/config back', async () => {
    const remote = makeRemote();
    const ws = checkout(remote);
    const { branch } = await open(ws, 'samocode/6-x', TOKEN);
    await branch.create();
    const marker = join(ws, '..', 'hook-ran');
    const hook = `#!/bin/sh\necho "$GIT_CONFIG_VALUE_0" > ${marker}\n`;
    for (const name of ['pre-commit', 'post-commit', 'pre-push']) {
      writeFileSync(join(ws, '.git', 'hooks', name), hook, { mode: 0o755 });
    }
    const config = readFileSync(join(ws, '.git', 'config'), 'utf8');
    writeFileSync(join(ws, '.git', 'config'), `${config}[core]\n\tfsmonitor = ${join(ws, '.git', 'hooks', 'pre-commit')}\n\thooksPath = .git/hooks\n`);
    writeFileSync(join(ws, 'work.txt'), 'work\n');
    await branch.checkpoint('samocode: with planted hooks');
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(join(ws, '.git', 'config'), 'utf8')).toBe(config);
    expect(remoteFile(remote, 'samocode/6-x', 'work.txt')).toBe('work\n');
  });

  it('finds a session branch whose title says "backup"', async () => {
    const remote = makeRemote();
    const { branch: first } = await open(checkout(remote), 'samocode/7-fix-the-backup-job');
    await first.create();
    await first.checkpoint('samocode: x');
    const { workspace } = await open(checkout(remote), 'samocode/7-other');
    expect(await findSessionBranch(workspace, 'samocode/7-')).toBe('samocode/7-fix-the-backup-job');
  });
});
