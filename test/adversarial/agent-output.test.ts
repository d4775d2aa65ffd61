// An agent that floods its output: every line reaches the log file as it
// comes, an endless line is cut, and the orchestrator's memory stays bounded.
import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsSessionStore } from '../../src/session/fs-store.js';
import { LineSplitter, MAX_LINE_BYTES, runProcess } from '../../src/providers/process.js';

describe('line splitting', () => {
  it('splits across chunks, including a multi-byte character cut in two', () => {
    const splitter = new LineSplitter(100);
    const euro = Buffer.from('€');
    expect(splitter.push(Buffer.concat([Buffer.from('one\ntw'), euro.subarray(0, 1)]))).toEqual(['one']);
    expect(splitter.push(Buffer.concat([euro.subarray(1), Buffer.from('o\r\nthree')]))).toEqual(['tw€o']);
    expect(splitter.end()).toEqual(['three']);
  });

  it('cuts an endless line and drops the rest of it', () => {
    const splitter = new LineSplitter(10);
    expect(splitter.push(Buffer.from('x'.repeat(25)))).toEqual([`${'x'.repeat(10)} …[line cut at 10 characters]`]);
    expect(splitter.push(Buffer.from('yyyy\nnext\n'))).toEqual(['next']);
    expect(splitter.end()).toEqual([]);
  });
});

describe('100 MB of agent output', () => {
  it('is streamed to the log file with memory bounded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samocode-flood-'));
    const agent = join(dir, 'flood');
    // 100 MiB in 100-byte lines, then one 3 MiB line without a newline.
    writeFileSync(
      agent,
      `#!/usr/bin/env node
const line = 'y'.repeat(99) + '\\n';
const block = line.repeat(10486);
let left = 100;
function more() {
  while (left > 0) { left--; if (!process.stdout.write(block)) return process.stdout.once('drain', more); }
  process.stdout.write('z'.repeat(3 * 1024 * 1024));
}
more();
`,
    );
    chmodSync(agent, 0o755);
    const store = new FsSessionStore({ sessionPath: join(dir, 'session'), workdir: dir });
    const log = await store.openLog('flood.jsonl');
    const before = process.memoryUsage().rss;
    let peak = before;
    const watch = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    let lines = 0;
    const outcome = await runProcess({ executable: agent, args: [], cwd: dir, env: { PATH: process.env.PATH! }, timeoutMs: 60_000, log, onLine: () => lines++ });
    clearInterval(watch);
    await log.close();
    expect(outcome.exitCode).toBe(0);
    expect(lines).toBe(100 * 10486 + 1);
    const size = statSync(join(dir, 'session', '_logs', 'flood.jsonl')).size;
    expect(size).toBeGreaterThan(100 * 1024 * 1024);
    expect(size).toBeLessThan(100 * 1024 * 1024 + 2 * MAX_LINE_BYTES);
    // Far less than the output itself stayed in memory.
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
    const tail = readFileSync(join(dir, 'session', '_logs', 'flood.jsonl'), 'utf8').slice(-60);
    expect(tail).toContain(`…[line cut at ${MAX_LINE_BYTES} characters]`);
  });
});

describe('an agent that leaves a process behind', () => {
  it('ends when the CLI exits, even if the leftover holds stdout open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samocode-leftover-'));
    const store = new FsSessionStore({ sessionPath: join(dir, 'session'), workdir: dir });
    const log = await store.openLog('leftover.jsonl');
    const started = Date.now();
    const outcome = await runProcess({ executable: '/bin/sh', args: ['-c', 'sleep 30 & echo done; exit 0'], cwd: dir, env: { PATH: process.env.PATH! }, timeoutMs: 20_000, log });
    await log.close();
    expect(outcome).toMatchObject({ exitCode: 0, timedOut: false });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(readFileSync(join(dir, 'session', '_logs', 'leftover.jsonl'), 'utf8')).toBe('done\n');
  });
});
