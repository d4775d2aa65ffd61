// The index's gitlinks are listed again whenever someone else wrote the
// index (an agent that can write .git could plant one), and not after a
// write of ours, which never adds or drops one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Git } from '../../../src/git/command.js';
import { GitlinkCache } from '../../../src/git/embedded-repos.js';

const dir = mkdtempSync(join(tmpdir(), 'samocode-gitlinks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
const sh = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' });

describe('the gitlink cache', () => {
  it('lists again after a foreign write of the index, not after one of ours', async () => {
    sh('init', '-q');
    writeFileSync(join(dir, 'a.txt'), 'a');
    sh('add', 'a.txt');
    sh('commit', '-q', '-m', 'a');
    const lists: string[][] = [];
    const git = new Git(dir, env);
    const counting = { raw: async (args: string[]) => (lists.push(args), git.raw(args)) } as unknown as Git;
    const cache = new GitlinkCache(join(dir, '.git', 'index'));

    expect(await cache.current(counting)).toEqual([]);
    expect(await cache.current(counting)).toEqual([]);
    expect(lists).toHaveLength(1);

    // Ours: a file added; settled, so no second listing.
    writeFileSync(join(dir, 'b.txt'), 'b');
    await git.raw(['add', 'b.txt']);
    cache.settle();
    expect(await cache.current(counting)).toEqual([]);
    expect(lists).toHaveLength(1);

    // Someone else: a gitlink planted straight into the index.
    const head = sh('rev-parse', 'HEAD').trim();
    sh('update-index', '--add', '--cacheinfo', `160000,${head},planted`);
    expect(await cache.current(counting)).toEqual(['planted']);
    expect(lists).toHaveLength(2);

    // Forgotten (a rebase, a checkout): listed again.
    cache.forget();
    await cache.current(counting);
    expect(lists).toHaveLength(3);
  });
});
