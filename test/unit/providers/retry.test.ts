import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentResult } from '../../../src/core/ports.js';
import { isTransient, withRetries } from '../../../src/providers/retry.js';
import { MemorySink, mkdtemp, removeTempDirs } from '../../helpers/fake-cli.js';

afterAll(removeTempDirs);

describe('transient failures', () => {
  it.each([
    'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    'API Error: 429 rate_limit_error',
    'API Error: Connection refused — a firewall or proxy may be blocking it (ECONNREFUSED)',
    'API Error: Request timed out.',
    'read ECONNRESET',
    'Reconnecting... waiting for network (Connection failed: error sending request)',
    'stream disconnected before completion: error sending request',
    'unexpected status 503 Service Unavailable',
  ])('treats %s as transient', (text) => {
    expect(isTransient(text)).toBe(true);
  });

  it.each(['Reached maximum number of turns (120)', 'Invalid API key · Please run /login', 'mock bad request', undefined])('treats %s as lasting', (text) => {
    expect(isTransient(text)).toBe(false);
  });
});

describe('withRetries', () => {
  const overloaded: AgentResult = { exitCode: 1, timedOut: false, error: 'Overloaded', costUsd: 0.5, turns: 1, usage: { inputTokens: 1, outputTokens: 2, cacheReadTokens: 3 } };

  it('adds up what every try spent', async () => {
    const sessionPath = await mkdtemp(join(tmpdir(), 'samocode-retry-'));
    const results: AgentResult[] = [overloaded, { exitCode: 0, timedOut: false, costUsd: 0.25, turns: 2, usage: { inputTokens: 10, outputTokens: 20, cacheWriteTokens: 4 } }];
    const result = await withRetries(async () => results.shift()!, { retryDelayMs: 1, sessionPath, log: new MemorySink(), timeoutMs: 60_000 });
    expect(result).toEqual({ exitCode: 0, timedOut: false, costUsd: 0.75, turns: 3, usage: { inputTokens: 11, outputTokens: 22, cacheReadTokens: 3, cacheWriteTokens: 4 } });
  });

  it('never retries a timeout, and retries nothing with retries 0', async () => {
    const sessionPath = await mkdtemp(join(tmpdir(), 'samocode-retry-'));
    let tries = 0;
    const timedOut = await withRetries(async () => (tries++, { exitCode: null, timedOut: true, error: 'network timed out' }), { retryDelayMs: 1, sessionPath, log: new MemorySink(), timeoutMs: 60_000 });
    expect([tries, timedOut.error]).toEqual([1, 'network timed out']);

    tries = 0;
    const once = await withRetries(async () => (tries++, overloaded), { retries: 0, retryDelayMs: 1, sessionPath, log: new MemorySink(), timeoutMs: 60_000 });
    expect([tries, once.error]).toEqual([1, 'transient failure after 1 try: Overloaded']);
  });

  it('stops once the signal is written', async () => {
    const sessionPath = await mkdtemp(join(tmpdir(), 'samocode-retry-'));
    await writeFile(join(sessionPath, '_signal.json'), '{}');
    let tries = 0;
    const result = await withRetries(async () => (tries++, overloaded), { retryDelayMs: 1, sessionPath, log: new MemorySink(), timeoutMs: 60_000 });
    expect([tries, result.error]).toEqual([1, 'Overloaded']);
  });
});

describe('withRetries and the iteration budget', () => {
  it('gives each try only what is left, and stops retrying when too little is', async () => {
    const sessionPath = await mkdtemp(join(tmpdir(), 'samocode-retry-'));
    const budgets: number[] = [];
    const result = await withRetries(
      async (timeoutMs) => {
        budgets.push(timeoutMs);
        await new Promise((r) => setTimeout(r, 150));
        return { exitCode: 1, timedOut: false, error: 'Overloaded' };
      },
      { retries: 5, retryDelayMs: 10, sessionPath, log: new MemorySink(), timeoutMs: 400 },
    );
    expect(budgets[0]).toBeGreaterThan(390);
    expect(budgets.length).toBeLessThan(4);
    expect(budgets[1]!).toBeLessThan(budgets[0]!);
    expect(result.error).toMatch(/^transient failure, no time left in the iteration for another try: Overloaded$/);
  });
});
