// The records guard alone, beside the adversarial run through the built
// action: what the agent changes, deletes or adds under the held paths is put
// back from HEAD and named; what already differed from HEAD before the call
// (a file a commit left out) and the call's own log are left as they are.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Git, ambientEnv } from '../../../src/git/command.js';
import { holdRecords } from '../../../src/git/held-records.js';
import { mkdtemp, removeTempDirs } from '../../helpers/fake-cli.js';

afterEach(removeTempDirs);

async function repo(): Promise<{ dir: string; git: Git }> {
  const dir = await mkdtemp(join(tmpdir(), 'samocode-records-'));
  const run = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir });
  run('init', '-q');
  mkdirSync(join(dir, 's', '_logs'), { recursive: true });
  writeFileSync(join(dir, 's', '_logs', '001-init.jsonl'), '{"line":1}\n');
  writeFileSync(join(dir, 's', '_logs', '002-investigation.jsonl'), '{"line":2}\n');
  writeFileSync(join(dir, 's', '_signals.jsonl'), '{"iteration":1}\n{"iteration":2}\n');
  writeFileSync(join(dir, 's', 'notes.md'), 'the agent writes here\n');
  run('add', '-A');
  run('commit', '-q', '-m', 'records');
  return { dir, git: new Git(dir, ambientEnv()) };
}

const PATHS = ['s/_logs', 's/_signals.jsonl', 's/_review.md', 's/_feedback.md'];

describe('holdRecords', () => {
  it('puts back what the agent changed, deleted, linked or added, and names it; the rest of the folder is the agent’s', async () => {
    const { dir, git } = await repo();
    const held = await holdRecords(git, dir, PATHS, ['s/_logs/003-requirements.jsonl']);
    writeFileSync(join(dir, 's', '_logs', '003-requirements.jsonl'), '{"this call":true}\n');
    rmSync(join(dir, 's', '_logs', '001-init.jsonl'));
    writeFileSync(join(dir, 's', '_signals.jsonl'), '{"forged":true}\n');
    writeFileSync(join(dir, 's', '_review.md'), 'forged\n');
    writeFileSync(join(dir, 's', 'notes.md'), 'changed, as it may\n');
    expect(await held.putBack()).toEqual(['s/_logs/001-init.jsonl', 's/_review.md', 's/_signals.jsonl']);
    expect(readFileSync(join(dir, 's', '_logs', '001-init.jsonl'), 'utf8')).toBe('{"line":1}\n');
    expect(readFileSync(join(dir, 's', '_signals.jsonl'), 'utf8')).toBe('{"iteration":1}\n{"iteration":2}\n');
    expect(() => lstatSync(join(dir, 's', '_review.md'))).toThrow();
    expect(readFileSync(join(dir, 's', '_logs', '003-requirements.jsonl'), 'utf8')).toBe('{"this call":true}\n');
    expect(readFileSync(join(dir, 's', 'notes.md'), 'utf8')).toBe('changed, as it may\n');
  });

  it('a link in place of the logs folder is removed and the folder comes back real', async () => {
    const { dir, git } = await repo();
    const elsewhere = await mkdtemp(join(tmpdir(), 'samocode-forged-'));
    writeFileSync(join(elsewhere, '001-init.jsonl'), '{"forged":true}\n');
    const held = await holdRecords(git, dir, PATHS, []);
    rmSync(join(dir, 's', '_logs'), { recursive: true });
    symlinkSync(elsewhere, join(dir, 's', '_logs'));
    expect(await held.putBack()).toEqual(['s/_logs', 's/_logs/001-init.jsonl', 's/_logs/002-investigation.jsonl']);
    expect(lstatSync(join(dir, 's', '_logs')).isDirectory()).toBe(true);
    expect(readFileSync(join(dir, 's', '_logs', '001-init.jsonl'), 'utf8')).toBe('{"line":1}\n');
    expect(readFileSync(join(elsewhere, '001-init.jsonl'), 'utf8')).toBe('{"forged":true}\n');
  });

  it('leaves what differed from HEAD before the call, and nothing when nothing was touched', async () => {
    const { dir, git } = await repo();
    writeFileSync(join(dir, 's', '_signals.jsonl'), '{"iteration":1}\n{"iteration":2}\n{"iteration":3, "left out of the commit":true}\n');
    writeFileSync(join(dir, 's', '_feedback.md'), 'written by the orchestrator, not yet committed\n');
    const held = await holdRecords(git, dir, PATHS, []);
    expect(await held.putBack()).toEqual([]);
    expect(readFileSync(join(dir, 's', '_signals.jsonl'), 'utf8')).toContain('left out');
    expect(readFileSync(join(dir, 's', '_feedback.md'), 'utf8')).toContain('not yet committed');
  });
});
