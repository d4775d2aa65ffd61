// A checkpoint stages only what status found changed and commits the index
// with plumbing (update-index, write-tree, commit-tree, update-ref). What it
// commits must be what `git add -A && git commit` would have: every kind of
// change, awkward names taken literally, the session folder even when
// ignored, repositories inside the work tree left out; and the commit must
// look like one of `git commit`'s (message, identity, reflog line).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/core/redact.js';
import { cleanMessage } from '../../../src/git/commit-index.js';
import { SessionBranch } from '../../../src/git/session-branch.js';
import { openWorkspace } from '../../../src/git/workspace.js';
import { checkout, makeRemote, remoteFile } from '../../helpers/runner.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function session(files: Record<string, string>, name: string) {
  const remote = makeRemote({ 'README.md': '# x\n', ...files });
  const ws = checkout(remote);
  const workspace = await openWorkspace({ workspace: ws });
  const leftOut: string[] = [];
  const branch = new SessionBranch(workspace, name, {
    redactor: new Redactor(['sekrit-value-0000000000']),
    forceAdd: ['.samocode/sessions'],
    onLeftOut: (files) => leftOut.push(...files.map((f) => f.path)),
  });
  await branch.create();
  return { remote, ws, branch, leftOut };
}

/** The files of the branch's tip as `path mode` lines. */
const tree = (remote: { bare: string }, branch: string) =>
  git(remote.bare, 'ls-tree', '-r', branch)
    .trim()
    .split('\n')
    .map((line) => `${line.split('\t')[1]} ${line.split(' ')[0]}`)
    .sort();

describe('a checkpoint commits what add -A and commit would', () => {
  it('changes, deletions, new files, a file that became a folder and a folder that became a file, a link, an executable', async () => {
    const { remote, ws, branch } = await session({ 'keep.txt': 'k\n', 'edit.txt': 'e\n', 'gone.txt': 'g\n', 'was-file': 'f\n', 'was-dir/inner.txt': 'i\n' }, 'samocode/1-kinds');
    writeFileSync(join(ws, 'edit.txt'), 'edited\n');
    rmSync(join(ws, 'gone.txt'));
    writeFileSync(join(ws, 'new.txt'), 'new\n');
    rmSync(join(ws, 'was-file'));
    mkdirSync(join(ws, 'was-file'));
    writeFileSync(join(ws, 'was-file', 'now-inside.txt'), 'in\n');
    rmSync(join(ws, 'was-dir'), { recursive: true });
    writeFileSync(join(ws, 'was-dir'), 'now a file\n');
    symlinkSync('keep.txt', join(ws, 'link'));
    writeFileSync(join(ws, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    await branch.checkpoint('samocode: every kind');
    expect(tree(remote, 'samocode/1-kinds')).toEqual(
      ['README.md 100644', 'edit.txt 100644', 'keep.txt 100644', 'link 120000', 'new.txt 100644', 'run.sh 100755', 'was-dir 100644', 'was-file/now-inside.txt 100644'].sort(),
    );
    expect(remoteFile(remote, 'samocode/1-kinds', 'edit.txt')).toBe('edited\n');
    expect(git(ws, 'status', '--porcelain')).toBe('');
  });

  it('takes names literally: spaces, a newline, glob and pathspec magic, a leading dash', async () => {
    const { remote, ws, branch } = await session({ 'a*': 'star\n', 'ab': 'ab\n' }, 'samocode/2-names');
    const names = ['with space.txt', 'new\nline.txt', ':(glob)x', '-dash', 'ü.txt'];
    for (const name of names) writeFileSync(join(ws, name), `${name}\n`);
    writeFileSync(join(ws, 'a*'), 'star edited\n');
    await branch.checkpoint('samocode: names');
    for (const name of names) expect(remoteFile(remote, 'samocode/2-names', name)).toBe(`${name}\n`);
    expect(remoteFile(remote, 'samocode/2-names', 'a*')).toBe('star edited\n');
    // "a*" as a pattern would have matched "ab" too; it is unchanged.
    expect(remoteFile(remote, 'samocode/2-names', 'ab')).toBe('ab\n');
  });

  it('commits the session folder where a .gitignore hides it, leaves other ignored files and repositories inside out', async () => {
    const { remote, ws, branch, leftOut } = await session({ '.gitignore': '.samocode/\n*.log\n' }, 'samocode/3-ignored');
    mkdirSync(join(ws, '.samocode', 'sessions', '3', '_logs'), { recursive: true });
    writeFileSync(join(ws, '.samocode', 'sessions', '3', 'plan.md'), 'plan\n');
    writeFileSync(join(ws, '.samocode', 'sessions', '3', '_logs', '001.log'), 'log\n');
    writeFileSync(join(ws, 'build.log'), 'ignored\n');
    mkdirSync(join(ws, 'nested'));
    git(join(ws, 'nested'), 'init', '-q');
    writeFileSync(join(ws, 'nested', 'f.txt'), 'inside\n');
    writeFileSync(join(ws, 'work.txt'), 'work\n');
    await branch.checkpoint('samocode: ignored');
    expect(tree(remote, 'samocode/3-ignored')).toEqual(
      ['.gitignore 100644', '.samocode/sessions/3/_logs/001.log 100644', '.samocode/sessions/3/plan.md 100644', 'README.md 100644', 'work.txt 100644'].sort(),
    );
    expect(leftOut).toEqual(['nested']);
  });

  it('commits nothing when only a file\'s time changed, and writes what it learned back to the index', async () => {
    const { ws, branch } = await session({ 'a.txt': 'a\n' }, 'samocode/4-touch');
    await branch.checkpoint('samocode: first');
    const head = git(ws, 'rev-parse', 'HEAD');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(ws, 'a.txt'), later, later);
    expect(await branch.commit('samocode: nothing')).toBe(false);
    expect(git(ws, 'rev-parse', 'HEAD')).toBe(head);
    // Without a refresh written back, diff-files (which only compares stat data) would name a.txt.
    expect(git(ws, 'diff-files', '--name-only')).toBe('');
  });

  it('resolves a path left unmerged in the index with the file as it is', async () => {
    const { remote, ws, branch } = await session({ 'c.txt': 'base\n' }, 'samocode/5-unmerged');
    const blob = (text: string) => execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: ws, input: text, encoding: 'utf8' }).trim();
    execFileSync('git', ['update-index', '--index-info'], { cwd: ws, input: `0 ${'0'.repeat(40)}\tc.txt\n100644 ${blob('base\n')} 1\tc.txt\n100644 ${blob('ours\n')} 2\tc.txt\n100644 ${blob('theirs\n')} 3\tc.txt\n` });
    writeFileSync(join(ws, 'c.txt'), 'resolved\n');
    await branch.checkpoint('samocode: resolved');
    expect(remoteFile(remote, 'samocode/5-unmerged', 'c.txt')).toBe('resolved\n');
  });

  it('writes the commit as git commit -m would: the message cleaned, the action as author, a reflog line', async () => {
    const { remote, ws, branch } = await session({}, 'samocode/6-message');
    writeFileSync(join(ws, 'x.txt'), 'holds sekrit-value-0000000000\n');
    await branch.checkpoint('samocode: implementation #1   \n\n\n\nCo-authored-by: someone <s@example.com>  \n\n');
    const message = git(remote.bare, 'log', '-1', '--format=%B', 'samocode/6-message');
    expect(message).toBe('samocode: implementation #1\n\nCo-authored-by: someone <s@example.com>\n\nsamocode replaced a secret value in: x.txt\n\n');
    expect(git(remote.bare, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', 'samocode/6-message').trim()).toBe(
      'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>',
    );
    expect(remoteFile(remote, 'samocode/6-message', 'x.txt')).not.toContain('sekrit');
    expect(git(ws, 'reflog', '-1', '--format=%gs', 'samocode/6-message').trim()).toBe('commit: samocode: implementation #1');
    expect(git(ws, 'rev-parse', 'HEAD^')).toBe(git(remote.bare, 'rev-parse', 'main'));
  });
});

describe('cleanMessage', () => {
  it('keeps what git commit -m keeps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'samocode-message-'));
    git(dir, 'init', '-q');
    for (const message of ['\n\nsubject  \t\n\n\n\nbody\nline \n\n', 'one', '  indented stays\n\t\n# not a comment here\r\n']) {
      git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', message);
      expect(cleanMessage(message)).toBe(git(dir, 'cat-file', 'commit', 'HEAD').split('\n\n').slice(1).join('\n\n'));
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
