// Octokit with the retry and throttling plugins: 5xx answers are retried
// with backoff, primary and secondary rate limits wait as GitHub asks, up to
// a cap, then fail with GitHub's own message.
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

const Client = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof Client>;

export interface ClientOptions {
  token: string;
  baseUrl: string;
  /** Longest wait GitHub may ask for before a request gives up. */
  maxRetryAfterSeconds?: number;
  /** Base of the retry backoff (ms); small in tests. */
  retryBaseMs?: number;
  warn?: (message: string) => void;
  /**
   * GitHub asks integrations to space out writes (one a second, a comment
   * every three); the throttling plugin does that. A local stand-in of the
   * API does not need it.
   */
  pacing?: boolean;
}

export function createClient(options: ClientOptions): GitHubClient {
  const maxWait = options.maxRetryAfterSeconds ?? 120;
  const warn = options.warn ?? (() => {});
  const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    if (retryCount < 3 && retryAfter <= maxWait) {
      warn(`GitHub ${kind} rate limit on ${request.method} ${request.url}; retrying in ${retryAfter} s`);
      return true;
    }
    warn(`GitHub ${kind} rate limit on ${request.method} ${request.url}; giving up`);
    return false;
  };
  return new Client({
    auth: options.token,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: 'samocode',
    log: { debug: () => {}, info: () => {}, warn, error: warn },
    retry: { retryAfterBaseValue: options.retryBaseMs ?? 1_000 },
    throttle: {
      enabled: options.pacing ?? true,
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      fallbackSecondaryRateRetryAfter: 5,
    },
  });
}
