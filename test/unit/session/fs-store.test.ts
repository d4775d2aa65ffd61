import { execFileSync } from 'node:child_process';
import { appendFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsSessionStore, READ_CAPS } from '../../../src/session/fs-store.js';

const entry = { iteration: 1, phase: 'init' as const, phaseIteration: 1, at: 'x', signal: null, verdict: 'accepted' as const, next: 'init' as const };

/** A work tree with a session folder, and a file and a folder outside it that nothing may touch. */
function setup(options: { guard?: boolean } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'samocode-safe-store-'));
  const work = join(root, 'work');
  const session = join(work, '.samocode', 'sessions', 's');
  mkdirSync(session, { recursive: true });
  const outsideFile = join(root, 'outside.txt');
  writeFileSync(outsideFile, 'SECRET=outside\n');
  const outsideDir = join(root, 'outside-dir');
  mkdirSync(outsideDir);
  const refusals: [string, string][] = [];
  const store = new FsSessionStore({
    sessionPath: session,
    workdir: work,
    guardFrom: options.guard ? work : undefined,
    onRefused: (file, why) => refusals.push([file, why]),
  });
  return { root, work, session, outsideFile, outsideDir, refusals, store };
}

const isRegular = (path: string) => lstatSync(path).isFile();

describe('reading the session folder follows no link', () => {
  it.each([
    ['_overview.md', (s: FsSessionStore) => s.readOverview(), null],
    ['_qa.md', (s: FsSessionStore) => s.readQa(), null],
    ['_gates.json', async (s: FsSessionStore) => (await s.readGates()).approvals, []],
    ['_signal.json', (s: FsSessionStore) => s.readSignal(1000), { text: null, bytes: 0 }],
    ['11-25-10:00-plan.md', (s: FsSessionStore) => s.readPlan(), null],
    ['11-25-10:00-plan.md', (s: FsSessionStore) => s.planFingerprint(), null],
  ])('%s as a link is not read, and is reported', async (name, read, absent) => {
    const t = setup();
    writeFileSync(t.outsideFile, '{"approvals":[{"gate":"plan_approval"}]}');
    symlinkSync(t.outsideFile, join(t.session, name));
    expect(await read(t.store)).toEqual(absent);
    expect(t.refusals).toEqual([[`.samocode/sessions/s/${name}`, 'is a link; not read']]);
    expect(t.store.refused).toEqual([{ file: `.samocode/sessions/s/${name}`, why: 'is a link; not read' }]);
  });

  it('a plan linked to the process environment is not read', async () => {
    const t = setup();
    symlinkSync('/proc/self/environ', join(t.session, '11-25-10:00-plan.md'));
    expect(await t.store.readPlan()).toBeNull();
    expect(t.refusals.map(([, why]) => why)).toEqual(['is a link; not read']);
  });

  it('a folder or a pipe where a file belongs is not read, and opening it does not hang', async () => {
    const t = setup();
    mkdirSync(join(t.session, '_qa.md'));
    execFileSync('mkfifo', [join(t.session, '_signal.json')]);
    expect(await t.store.readQa()).toBeNull();
    expect(await t.store.readSignal(100)).toEqual({ text: null, bytes: 0 });
    expect(t.refusals.map(([, why]) => why)).toEqual(['is a folder; not read', 'is a pipe; not read']);
  });

  it('a file over its cap is not read; a refusal is reported once', async () => {
    const t = setup();
    writeFileSync(join(t.session, '_overview.md'), 'x'.repeat(READ_CAPS.file + 1));
    expect(await t.store.readOverview()).toBeNull();
    expect(await t.store.readOverview()).toBeNull();
    expect(t.refusals).toEqual([['.samocode/sessions/s/_overview.md', `is ${READ_CAPS.file + 1} bytes, over the cap of ${READ_CAPS.file}; not read`]]);
  });

  it('the session folder as a link is not read through', async () => {
    const t = setup();
    const elsewhere = join(t.root, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, '_overview.md'), 'planted');
    writeFileSync(join(elsewhere, 'plan.md'), 'planted');
    execFileSync('rm', ['-r', t.session]);
    symlinkSync(elsewhere, t.session);
    expect(await t.store.readOverview()).toBeNull();
    expect(await t.store.readPlan()).toBeNull();
    expect(t.refusals[0]).toEqual(['.samocode/sessions/s', "is a link; the session's files there are not read"]);
  });

  it('with guardFrom, a link anywhere between the work tree and the session folder is not read through', async () => {
    const t = setup({ guard: true });
    const elsewhere = join(t.root, 'elsewhere');
    mkdirSync(join(elsewhere, 'sessions', 's'), { recursive: true });
    writeFileSync(join(elsewhere, 'sessions', 's', '_qa.md'), 'planted');
    execFileSync('rm', ['-r', join(t.work, '.samocode')]);
    symlinkSync(elsewhere, join(t.work, '.samocode'));
    expect(await t.store.readQa()).toBeNull();
    expect(t.refusals[0]).toEqual(['.samocode', "is a link; the session's files there are not read"]);
    await t.store.writeQa('mine');
    expect(lstatSync(join(t.work, '.samocode')).isDirectory()).toBe(true);
    expect(readFileSync(join(elsewhere, 'sessions', 's', '_qa.md'), 'utf8')).toBe('planted');
    expect(await t.store.readQa()).toBe('mine');
  });

  it('reads the plan with the blob id of the very bytes read', async () => {
    const t = setup();
    writeFileSync(join(t.session, '11-25-10:00-plan.md'), 'hello\n');
    expect(await t.store.readPlan()).toEqual({ file: '11-25-10:00-plan.md', blob: 'ce013625030ba8dba906f756967f9e9ca394464a', text: 'hello\n' });
    expect(await t.store.planFingerprint()).toEqual({ file: '11-25-10:00-plan.md', blob: 'ce013625030ba8dba906f756967f9e9ca394464a' });
  });
});

describe('writing the session folder writes only files of its own', () => {
  it.each([
    ['_overview.md', (s: FsSessionStore) => s.writeOverview('mine')],
    ['_qa.md', (s: FsSessionStore) => s.writeQa('mine')],
    ['_gates.json', (s: FsSessionStore) => s.writeGates({ approvals: [], answers: [], pending: null, posted: { file: 'p.md', blob: 'b' } } as never)],
    ['_feedback.md', (s: FsSessionStore) => s.appendFeedback([{ by: 'o', commentId: 1, text: 't' }])],
    ['_signals.jsonl', (s: FsSessionStore) => s.appendHistory(entry)],
  ])('%s as a link is replaced by a regular file; what it pointed at is untouched', async (name, write) => {
    const t = setup();
    symlinkSync(t.outsideFile, join(t.session, name));
    await write(t.store);
    expect(readFileSync(t.outsideFile, 'utf8')).toBe('SECRET=outside\n');
    expect(isRegular(join(t.session, name))).toBe(true);
    expect(readFileSync(join(t.session, name), 'utf8')).not.toContain('SECRET');
    // Feedback is read before it is added to: that read is refused too.
    expect(t.refusals.at(-1)).toEqual([`.samocode/sessions/s/${name}`, 'was a link; removed and written as a regular file']);
  });

  it('a folder where a file belongs is replaced', async () => {
    const t = setup();
    mkdirSync(join(t.session, '_overview.md'));
    writeFileSync(join(t.session, '_overview.md', 'x'), 'x');
    await t.store.writeOverview('mine');
    expect(readFileSync(join(t.session, '_overview.md'), 'utf8')).toBe('mine');
  });

  it('a write leaves no temp file behind', async () => {
    const t = setup();
    await t.store.writeOverview('a');
    await t.store.writeQa('b');
    expect(readdirSync(t.session).sort()).toEqual(['_overview.md', '_qa.md']);
  });

  it('the session folder as a link is replaced by a real folder before a write', async () => {
    const t = setup();
    execFileSync('rm', ['-r', t.session]);
    symlinkSync(t.outsideDir, t.session);
    await t.store.writeOverview('mine');
    expect(lstatSync(t.session).isDirectory()).toBe(true);
    expect(readdirSync(t.outsideDir)).toEqual([]);
    expect(t.refusals).toEqual([['.samocode/sessions/s', 'was a link; removed and made a folder']]);
  });

  it('a deleted session folder is made again, with its parents', async () => {
    const t = setup();
    execFileSync('rm', ['-r', join(t.work, '.samocode')]);
    await t.store.appendHistory(entry);
    expect(isRegular(join(t.session, '_signals.jsonl'))).toBe(true);
  });

  it('clearing a signal that is a link removes the link only', async () => {
    const t = setup();
    symlinkSync(t.outsideFile, join(t.session, '_signal.json'));
    await t.store.clearSignal();
    expect(existsSync(join(t.session, '_signal.json'))).toBe(false);
    expect(readFileSync(t.outsideFile, 'utf8')).toBe('SECRET=outside\n');
  });

  it('logs go into a real _logs folder, never through a planted link', async () => {
    const t = setup();
    symlinkSync(t.outsideDir, join(t.session, '_logs'));
    const log = await t.store.openLog('a.jsonl');
    log.write('one');
    await log.close();
    expect(readdirSync(t.outsideDir)).toEqual([]);
    expect(readFileSync(join(t.session, '_logs', 'a.jsonl'), 'utf8')).toBe('one\n');

    symlinkSync(t.outsideFile, join(t.session, '_logs', 'b.jsonl'));
    const next = await t.store.openLog('b.jsonl');
    next.write('two');
    await next.close();
    expect(readFileSync(t.outsideFile, 'utf8')).toBe('SECRET=outside\n');
    expect(readFileSync(join(t.session, '_logs', 'b.jsonl'), 'utf8')).toBe('two\n');
    expect(t.refusals.map(([file]) => file)).toEqual(['.samocode/sessions/s/_logs', '.samocode/sessions/s/_logs/b.jsonl']);
  });
});

describe('feedback on the plan', () => {
  it('starts _feedback.md with its title and adds each request under who made it', async () => {
    const t = setup();
    await t.store.appendFeedback([]);
    expect(existsSync(join(t.session, '_feedback.md'))).toBe(false);
    await t.store.appendFeedback([{ by: 'owner', commentId: 5, text: 'smaller steps' }]);
    await t.store.appendFeedback([
      { by: 'owner', commentId: 7, text: 'and tests' },
      { by: 'maintainer', commentId: 8, text: 'no deploy' },
    ]);
    expect(readFileSync(join(t.session, '_feedback.md'), 'utf8')).toBe(
      '# Feedback on the plan\n\n## From @owner (comment 5)\nsmaller steps\n\n## From @owner (comment 7)\nand tests\n\n## From @maintainer (comment 8)\nno deploy\n',
    );
  });
});

describe('the session folder on disk', () => {
  it('sums the tokens of the whole session from its history, across runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samocode-store-'));
    const store = new FsSessionStore({ sessionPath: join(dir, 's'), workdir: dir });
    const entry = { iteration: 1, phase: 'init' as const, phaseIteration: 1, at: 'x', signal: null, verdict: 'accepted' as const, next: 'init' as const };
    await store.appendHistory({ ...entry, usage: { inputTokens: 100, outputTokens: 20 } });
    await store.appendHistory({ ...entry, iteration: 2 });
    await store.appendHistory({ ...entry, iteration: 3, usage: { inputTokens: 5, outputTokens: 1 } });
    appendFileSync(join(dir, 's', '_signals.jsonl'), '{"iteration": 4, "usage": {"inputTo');
    expect(await store.sessionTokens()).toBe(126);
  });

  it('reads at most the limit of a huge signal file, and says how big it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samocode-store-'));
    const store = new FsSessionStore({ sessionPath: join(dir, 's'), workdir: dir });
    await store.writeOverview('x');
    appendFileSync(join(dir, 's', '_signal.json'), 'y'.repeat(1_000_000));
    const signal = await store.readSignal(1000);
    expect(signal).toEqual({ text: 'y'.repeat(1001), bytes: 1_000_000 });
    expect(readFileSync(join(dir, 's', '_overview.md'), 'utf8')).toBe('x');
  });
});
