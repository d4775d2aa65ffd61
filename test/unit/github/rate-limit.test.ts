// A rate limit is a wait: the client waits as GitHub says, backs off with
// jitter, and gives up only when the run's time budget would run out.
import { describe, expect, it } from 'vitest';
import { createClient } from '../../../src/github/client.js';
import { BACKOFF_CAP_MS, isRateLimited, rateLimitWaitMs } from '../../../src/github/rate-limit.js';
import { useFakeGitHub } from '../../helpers/fake-github.js';
import { SECONDARY_LIMIT_MESSAGE, SecondaryRateLimit } from '../../helpers/fake-rate-limit.js';

const github = useFakeGitHub();

describe('rateLimitWaitMs', () => {
  it.each([
    // retry-after, refusals before, random → wait
    [5, 0, 0, 5_000],
    [5, 0, 1, 6_000],
    [1, 1, 1, 2_000],
    [1, 3, 1, 5_000],
    [1, 3, 0.5, 3_000],
    [30, 3, 0, 30_000],
    [0, 30, 1, BACKOFF_CAP_MS],
    [3600, 30, 0, 3_600_000],
  ])('retry-after %d s after %d refusals (jitter %d): %d ms', (retryAfter, count, random, wait) => {
    expect(rateLimitWaitMs(retryAfter, count, () => random)).toBe(wait);
  });

  it('never waits less than GitHub asked', () => {
    for (let i = 0; i < 200; i++) expect(rateLimitWaitMs(7, i % 5)).toBeGreaterThanOrEqual(7_000);
  });
});

describe('isRateLimited', () => {
  it.each([
    [{ status: 403, message: SECONDARY_LIMIT_MESSAGE }, true],
    [{ status: 429, message: SECONDARY_LIMIT_MESSAGE }, true],
    [{ status: 403, message: 'API rate limit exceeded for installation ID 1.' }, true],
    [{ status: 403, message: 'x', response: { headers: { 'x-ratelimit-remaining': '0' } } }, true],
    [{ status: 403, message: 'Resource not accessible by integration' }, false],
    [{ status: 500, message: SECONDARY_LIMIT_MESSAGE }, false],
    [null, false],
  ])('%j → %s', (error, expected) => expect(isRateLimited(error)).toBe(expected));
});

describe('the client under a secondary rate limit', () => {
  it('waits as retry-after says, with throttling on, until the write goes through', async () => {
    github.addIssue({ number: 1 });
    github.rateLimit = new SecondaryRateLimit(2, 1_000);
    const warnings: string[] = [];
    const client = createClient({ token: 'ghs_x', baseUrl: github.url, writeSpacingMs: 0, warn: (m) => warnings.push(m) });
    const started = Date.now();
    for (let i = 0; i < 4; i++) await client.rest.issues.createComment({ owner: github.owner, repo: github.repo, issue_number: 1, body: `c${i}` });
    const took = Date.now() - started;
    github.rateLimit = null;
    expect(github.issues.get(1)!.comments.map((c) => c.body)).toEqual(['c0', 'c1', 'c2', 'c3']);
    // Writes 3 and 4 waited for the window: at least one retry-after of a second.
    expect(took).toBeGreaterThanOrEqual(1_000);
    expect(warnings.find((w) => w.startsWith('GitHub secondary'))).toMatch(/^GitHub secondary rate limit on POST \S+\/comments \(refusal 1, retry-after 1 s\); retrying in 1\.\d s$/);
  });

  it('gives up with GitHub’s refusal when the wait would outlast the time budget', async () => {
    github.addIssue({ number: 2 });
    github.rateLimit = new SecondaryRateLimit(1, 60_000);
    const started = Date.now();
    const warnings: string[] = [];
    const client = createClient({ token: 'ghs_x', baseUrl: github.url, writeSpacingMs: 0, waitUntil: () => started + 5_000, warn: (m) => warnings.push(m) });
    await client.rest.issues.createComment({ owner: github.owner, repo: github.repo, issue_number: 2, body: 'first' });
    const error = await client.rest.issues.createComment({ owner: github.owner, repo: github.repo, issue_number: 2, body: 'second' }).catch((e: unknown) => e);
    github.rateLimit = null;
    expect(isRateLimited(error)).toBe(true);
    expect(warnings.filter((w) => w.startsWith('GitHub secondary')).at(-1)).toMatch(/retry-after 60 s\); waiting \d+ s would outlast this run's time budget/);
    expect(github.issues.get(2)!.comments.map((c) => c.body)).toEqual(['first']);
  });
});
