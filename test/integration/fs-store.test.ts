import { mkdtempSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsSessionStore } from '../../src/session/fs-store.js';

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
