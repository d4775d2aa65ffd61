// Octokit with the retry and throttling plugins. 5xx answers are retried
// with backoff. Rate limits are a wait, never an error: a refused request
// waits as GitHub asks, then backs off exponentially with jitter, for as long
// as the run's time budget allows (rate-limit.ts). Writes are spaced out as
// GitHub asks of integrations: one a second, a comment every three.
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck/light.js';
import { rateLimitWaitMs } from './rate-limit.js';

const Client = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof Client>;

/** GitHub's pace for writes from one integration; comments (they notify people) three times that. */
export const WRITE_SPACING_MS = 1_000;

export interface ClientOptions {
  token: string;
  baseUrl: string;
  /** Base of the retry backoff for 5xx answers (ms); small in tests. */
  retryBaseMs?: number;
  warn?: (message: string) => void;
  /**
   * Spacing between writes (ms), GitHub's one a second unless a test asks
   * for less (SAMOCODE_API_PACING_MS). Rate-limit waits are never shortened.
   */
  writeSpacingMs?: number;
  /** Epoch ms, asked at each refusal: a rate-limit wait that would end later gives up, and the request fails with GitHub's refusal. */
  waitUntil?: () => number;
  now?: () => number;
  random?: () => number;
}

export function createClient(options: ClientOptions): GitHubClient {
  const warn = options.warn ?? (() => {});
  const now = options.now ?? Date.now;
  const spacing = options.writeSpacingMs ?? WRITE_SPACING_MS;
  const onLimit = (kind: string) => async (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    const wait = rateLimitWaitMs(retryAfter, retryCount, options.random);
    const what = `GitHub ${kind} rate limit on ${request.method} ${request.url} (refusal ${retryCount + 1}, retry-after ${retryAfter} s)`;
    if (options.waitUntil && now() + wait > options.waitUntil()) {
      warn(`${what}; waiting ${seconds(wait)} s would outlast this run's time budget, so this run stops waiting`);
      return false;
    }
    warn(`${what}; retrying in ${seconds(wait)} s`);
    // The plugin itself then waits retry-after; this is the backoff and jitter on top.
    await new Promise((done) => setTimeout(done, wait - retryAfter * 1000));
    return true;
  };
  const group = (minTime: number) => new Bottleneck.Group({ maxConcurrent: 1, minTime });
  return new Client({
    auth: options.token,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: 'samocode',
    log: { debug: () => {}, info: () => {}, warn, error: warn },
    // 429 is the throttling plugin's to wait out as GitHub says, not a fault to retry at once.
    retry: { retryAfterBaseValue: options.retryBaseMs ?? 1_000, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      // GitHub: with no retry-after, wait at least a minute.
      fallbackSecondaryRateRetryAfter: 60,
      write: group(spacing),
      notifications: group(spacing * 3),
    },
  });
}

const seconds = (ms: number) => (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
