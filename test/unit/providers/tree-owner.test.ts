// The hand-over of the work tree to the agent user when the orchestrator is
// root: everything but the top's .git and hard-linked files becomes the
// agent's; later hand-overs give what was written since, and on a tree where
// nothing changed they change nothing and look into no folder.
import { chownSync, linkSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TreeHandOver } from '../../../src/providers/tree-owner.js';

const asRoot = process.platform === 'linux' && process.getuid?.() === 0;
// An id no one on the machine has: only ownership is looked at.
const agent = { uid: 40_000 + (process.pid % 20_000), gid: 40_000 + (process.pid % 20_000) };
const root = mkdtempSync(join(tmpdir(), 'samocode-tree-owner-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const owner = (path: string) => lstatSync(path).uid;

describe.skipIf(!asRoot)('handing the work tree to the agent user (as root)', () => {
  it('gives everything but .git and hard-linked files, then only what was written since', () => {
    const top = join(root, 'work');
    mkdirSync(join(top, '.git', 'objects'), { recursive: true });
    mkdirSync(join(top, 'src', 'deep'), { recursive: true });
    writeFileSync(join(top, 'src', 'deep', 'a.ts'), 'a');
    writeFileSync(join(top, 'README.md'), 'r');
    const outside = join(root, 'outside-secret');
    writeFileSync(outside, 's');
    linkSync(outside, join(top, 'src', 'hard-link'));
    symlinkSync(outside, join(top, 'src', 'soft-link'));

    const handOver = new TreeHandOver(top, agent);
    expect(handOver.handOver()).toBe(5); // src, src/deep, a.ts, README.md, soft-link
    for (const path of ['src', 'src/deep', 'src/deep/a.ts', 'README.md', 'src/soft-link']) expect(owner(join(top, path)), path).toBe(agent.uid);
    expect(owner(top)).toBe(0);
    expect(owner(join(top, '.git'))).toBe(0);
    expect(owner(join(top, '.git', 'objects'))).toBe(0);
    // Neither the hard link nor what the soft link points at changed owner.
    expect(owner(outside)).toBe(0);

    // Nothing written since: nothing changes. (The folder of the settled lookups is re-read once, for the owners its entries got.)
    handOver.handOver();
    expect(handOver.handOver()).toBe(0);

    // What the orchestrator writes between calls: a new file, a file replaced by rename, a new tree.
    writeFileSync(join(top, 'src', 'deep', 'new.ts'), 'n');
    writeFileSync(join(top, 'README.tmp'), 'r2');
    renameSync(join(top, 'README.tmp'), join(top, 'README.md'));
    mkdirSync(join(top, 'lib', 'x', 'y'), { recursive: true });
    writeFileSync(join(top, 'lib', 'x', 'y', 'z.ts'), 'z');
    writeFileSync(join(top, '.git', 'index'), 'i');
    expect(handOver.handOver()).toBe(6);
    for (const path of ['src/deep/new.ts', 'README.md', 'lib', 'lib/x', 'lib/x/y', 'lib/x/y/z.ts']) expect(owner(join(top, path)), path).toBe(agent.uid);
    expect(owner(join(top, '.git', 'index'))).toBe(0);
  });

  it('on a tree where nothing changed, looks into no folder: a file given back in place (no folder changed) stays as it is', () => {
    const top = join(root, 'still');
    mkdirSync(join(top, 'a', 'b'), { recursive: true });
    writeFileSync(join(top, 'a', 'b', 'f'), 'f');
    const handOver = new TreeHandOver(top, agent);
    handOver.handOver();
    handOver.handOver();
    // chown changes the file's ctime, not its folder's: a hand-over that walked the tree would take it.
    chownSync(join(top, 'a', 'b', 'f'), 0, 0);
    expect(handOver.handOver()).toBe(0);
    expect(owner(join(top, 'a', 'b', 'f'))).toBe(0);
  });
});
