// GitHub's rate limits are a wait, not an error. GitHub's guidance: wait as
// `retry-after` (or `x-ratelimit-reset`) says, else at least a minute, and
// when refused again back off exponentially. The jitter keeps many runs that
// were refused together from coming back together.

/** The first backoff step, doubled on every further refusal of the same request. */
export const BACKOFF_BASE_MS = 1_000;
/** No single wait is longer than this, unless GitHub itself asks for longer. */
export const BACKOFF_CAP_MS = 10 * 60_000;

/**
 * How long to wait before try `retryCount + 1` of a refused request: what
 * GitHub asked for, or the exponential step when that is longer, plus up to
 * a fifth again of jitter.
 */
export function rateLimitWaitMs(retryAfterSeconds: number, retryCount: number, random: () => number = Math.random): number {
  const asked = Math.max(0, retryAfterSeconds) * 1000;
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retryCount));
  const wait = Math.max(asked, retryCount === 0 ? 0 : step);
  return Math.ceil(wait + wait * 0.2 * random());
}

/**
 * A request GitHub refused for a rate limit: 403 or 429 with the secondary
 * limit's message, or with no requests left until the reset. Reaching the
 * caller, it means the run's time budget ran out while waiting.
 */
export function isRateLimited(error: unknown): boolean {
  const e = error as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } } | null;
  if (!e || (e.status !== 403 && e.status !== 429)) return false;
  return /\bsecondary rate\b|\brate limit\b/i.test(e.message ?? '') || e.response?.headers?.['x-ratelimit-remaining'] === '0';
}
