// The guard alone, as a complement to the adversarial runs that drive it
// through the built action: whatever is planted in the watched parts of .git
// is put back byte for byte (mode too) and named; a swapped gitdir stops.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GitdirGuard, GitdirTamperedError } from '../../../src/git/gitdir-guard.js';
import { mkdtemp, removeTempDirs } from '../../helpers/fake-cli.js';

afterEach(removeTempDirs);

async function repo(): Promise<{ gitdir: string; reported: string[][]; guard: GitdirGuard }> {
  const dir = await mkdtemp(join(tmpdir(), 'samocode-guard-'));
  execFileSync('git', ['init', '-q', dir]);
  const gitdir = join(dir, '.git');
  const reported: string[][] = [];
  const guard = new GitdirGuard(gitdir, (files) => reported.push(files));
  await guard.arm();
  return { gitdir, reported, guard };
}

describe('GitdirGuard', () => {
  it('does nothing before it is armed, and nothing while .git is as it was', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'samocode-guard-'));
    execFileSync('git', ['init', '-q', dir]);
    const unarmed = new GitdirGuard(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'config'), '[core]\n\tfsmonitor = /bin/evil\n');
    expect(await unarmed.verify()).toEqual([]);
    const { guard, reported } = await repo();
    expect(await guard.verify()).toEqual([]);
    expect(reported).toEqual([]);
  });

  it('puts back a changed config, removes planted commondir, info and hook files, and names them', async () => {
    const { gitdir, guard, reported } = await repo();
    const config = readFileSync(join(gitdir, 'config'));
    writeFileSync(join(gitdir, 'config'), `${config}[filter "x"]\n\tclean = /bin/evil\n[remote "origin"]\n\tpushurl = /elsewhere\n`);
    writeFileSync(join(gitdir, 'commondir'), '/elsewhere\n');
    mkdirSync(join(gitdir, 'info'), { recursive: true });
    writeFileSync(join(gitdir, 'info', 'attributes'), '* filter=x\n');
    writeFileSync(join(gitdir, 'info', 'something-new'), 'x\n');
    writeFileSync(join(gitdir, 'hooks', 'pre-commit'), '#!/bin/sh\n/bin/evil\n');
    const restored = await guard.verify();
    expect(restored.sort()).toEqual(['commondir', 'config', 'hooks/pre-commit', 'info/attributes', 'info/something-new']);
    expect(reported).toEqual([restored]);
    expect(readFileSync(join(gitdir, 'config')).equals(config)).toBe(true);
    for (const gone of ['commondir', 'info/attributes', 'info/something-new', 'hooks/pre-commit']) expect(existsSync(join(gitdir, gone)), gone).toBe(false);
    expect(await guard.verify()).toEqual([]);
  });

  it('puts back a mode, and a file replaced by a link or a folder, without writing through the link', async () => {
    const { gitdir, guard } = await repo();
    const config = readFileSync(join(gitdir, 'config'));
    const mode = statSync(join(gitdir, 'config')).mode & 0o7777;
    const sample = join(gitdir, 'hooks', 'pre-push.sample');
    const sampleText = readFileSync(sample);
    chmodSync(join(gitdir, 'config'), 0o777);
    const outside = join(gitdir, '..', 'outside.txt');
    writeFileSync(outside, 'the agent owns this\n');
    rmSync(sample);
    symlinkSync(outside, sample);
    rmSync(join(gitdir, 'description'), { force: true });
    const restored = await guard.verify();
    expect(restored.sort()).toEqual(['config', 'hooks/pre-push.sample']);
    expect(statSync(join(gitdir, 'config')).mode & 0o7777).toBe(mode);
    expect(readFileSync(join(gitdir, 'config')).equals(config)).toBe(true);
    expect(lstatSync(sample).isFile()).toBe(true);
    expect(readFileSync(sample).equals(sampleText)).toBe(true);
    expect(readFileSync(outside, 'utf8')).toBe('the agent owns this\n');

    rmSync(join(gitdir, 'config'));
    mkdirSync(join(gitdir, 'config'));
    writeFileSync(join(gitdir, 'config', 'x'), 'x');
    expect(await guard.verify()).toEqual(['config']);
    expect(readFileSync(join(gitdir, 'config')).equals(config)).toBe(true);
  });

  it('puts back a watched folder swapped for a link, without writing into the link\'s target', async () => {
    const { gitdir, guard } = await repo();
    const exclude = readFileSync(join(gitdir, 'info', 'exclude'));
    const target = await mkdtemp(join(tmpdir(), 'samocode-guard-target-'));
    writeFileSync(join(target, 'attributes'), '* filter=x\n');
    rmSync(join(gitdir, 'info'), { recursive: true });
    symlinkSync(target, join(gitdir, 'info'));
    const restored = await guard.verify();
    expect(restored).toEqual(expect.arrayContaining(['info', 'info/exclude']));
    expect(lstatSync(join(gitdir, 'info')).isDirectory()).toBe(true);
    expect(readFileSync(join(gitdir, 'info', 'exclude')).equals(exclude)).toBe(true);
    expect(existsSync(join(gitdir, 'info', 'attributes'))).toBe(false);
    expect(readFileSync(join(target, 'attributes'), 'utf8')).toBe('* filter=x\n');
    expect(existsSync(join(target, 'exclude'))).toBe(false);
  });

  it('stops when the gitdir itself was replaced', async () => {
    const { gitdir, guard } = await repo();
    renameSync(gitdir, `${gitdir}-moved`);
    execFileSync('git', ['init', '-q', join(gitdir, '..')]);
    await expect(guard.verify()).rejects.toBeInstanceOf(GitdirTamperedError);
    rmSync(gitdir, { recursive: true });
    writeFileSync(gitdir, `gitdir: ${gitdir}-moved\n`);
    await expect(guard.verify()).rejects.toBeInstanceOf(GitdirTamperedError);
  });
});
