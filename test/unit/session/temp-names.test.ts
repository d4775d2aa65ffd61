// A session file is written through a temp file beside it, made with O_EXCL.
// Its name comes from the process, the clock and a count (not node:crypto:
// see writeRegular); a name that is taken is passed over, never written
// through. In a file of its own so that the count starts at zero here.
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeRegular } from '../../../src/session/safe-files.js';

afterEach(() => vi.restoreAllMocks());

function folder() {
  const root = mkdtempSync(join(tmpdir(), 'samocode-temp-names-'));
  const dir = join(root, 'session');
  mkdirSync(dir);
  const outside = join(root, 'outside.txt');
  writeFileSync(outside, 'outside\n');
  return { dir, outside };
}

describe('temp names of session writes', () => {
  it('passes over names that are taken (links planted ahead of it) and writes the file', async () => {
    const { dir, outside } = folder();
    // The clock's part held still, so that the names to come are known and can be planted.
    vi.spyOn(process.hrtime, 'bigint').mockReturnValue(12345n);
    const taken = [1, 2, 3, 4, 5].map((n) => join(dir, `._overview.md.${process.pid}-${(12345n).toString(36)}-${n}.tmp`));
    for (const name of taken) symlinkSync(outside, name);
    await writeRegular(join(dir, '_overview.md'), 'mine', () => {});
    expect(readFileSync(join(dir, '_overview.md'), 'utf8')).toBe('mine');
    expect(lstatSync(join(dir, '_overview.md')).isFile()).toBe(true);
    expect(readFileSync(outside, 'utf8')).toBe('outside\n');
    for (const name of taken) expect(readlinkSync(name)).toBe(outside);
    expect(readdirSync(dir)).toHaveLength(taken.length + 1);
  });

  it('gives up with the error after a hundred taken names, and leaves the file as it was', async () => {
    const { dir, outside } = folder();
    writeFileSync(join(dir, '_qa.md'), 'before');
    vi.spyOn(process.hrtime, 'bigint').mockReturnValue(777n);
    for (let n = 1; n <= 400; n++) symlinkSync(outside, join(dir, `._qa.md.${process.pid}-${(777n).toString(36)}-${n}.tmp`));
    await expect(writeRegular(join(dir, '_qa.md'), 'after', () => {})).rejects.toThrow(/EEXIST/);
    expect(readFileSync(join(dir, '_qa.md'), 'utf8')).toBe('before');
    // It made no file of its own, and every planted link is still a link.
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toHaveLength(400);
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.tmp'))) expect(lstatSync(join(dir, name)).isSymbolicLink()).toBe(true);
    expect(readFileSync(outside, 'utf8')).toBe('outside\n');
  });

  it('names two writes of one file apart', async () => {
    const { dir } = folder();
    vi.spyOn(process.hrtime, 'bigint').mockReturnValue(1n);
    await Promise.all([writeRegular(join(dir, 'a.md'), 'one', () => {}), writeRegular(join(dir, 'a.md'), 'two', () => {})]);
    expect(['one', 'two']).toContain(readFileSync(join(dir, 'a.md'), 'utf8'));
    expect(readdirSync(dir)).toEqual(['a.md']);
  });
});
