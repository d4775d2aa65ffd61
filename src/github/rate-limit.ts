// GitHub's rate limits are a wait, not an error. GitHub's guidance: wait as
// `retry-after` (or `x-ratelimit-reset`) says, else at least a minute, and
// when refused again back off exponentially. The jitter keeps many runs that
// were refused together from coming back together.

/** The first backoff step, doubled on every further refusal of the same request. */
export const BACKOFF_BASE_MS = 1_000;
/** The backoff added to what GitHub asks for is never longer than this. */
export const BACKOFF_CAP_MS = 10 * 60_000;

/**
 * How long to wait before try `retryCount + 2` of a refused request: what
 * GitHub asked for, plus a random part of a step that doubles with every
 * refusal of the same request (1 s, 2 s, 4 s … up to the cap). The first
 * refusal adds at most a fifth of what GitHub asked, to spread the runs out.
 */
export function rateLimitWaitMs(retryAfterSeconds: number, retryCount: number, random: () => number = Math.random): number {
  const asked = Math.max(0, retryAfterSeconds) * 1000;
  const step = retryCount === 0 ? asked * 0.2 : Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (retryCount - 1));
  return Math.ceil(asked + step * random());
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
