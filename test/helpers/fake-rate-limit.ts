// GitHub's secondary rate limit, for the API stand-in: at most `writes`
// content-creating requests in any `windowMs`, across every caller (one
// repository, one app's tokens). Over that, GitHub's own answer: 403 or 429,
// "You have exceeded a secondary rate limit", and an honest `retry-after`
// (whole seconds until a write may go through again).
//
// Any test may switch it on (`github.rateLimit = new SecondaryRateLimit(…)`),
// and FAKE_GITHUB_RATE_LIMIT=<writes>/<seconds> switches it on for every
// stand-in of a test run, e.g. FAKE_GITHUB_RATE_LIMIT=80/60 as GitHub has it.

export interface RateLimitReply {
  status: number;
  data: { message: string; documentation_url: string };
  headers: Record<string, string>;
}

export const SECONDARY_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.';
const DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits';

export class SecondaryRateLimit {
  /** When each write that went through was accepted (epoch ms), newest last. */
  private readonly accepted: number[] = [];
  /** Requests refused for the limit. */
  refused = 0;
  /** Writes that went through. */
  passed = 0;
  /** The largest number of writes that went through in any one window, to check the limit held. */
  peak = 0;

  constructor(
    readonly writes: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(writes > 0) || !(windowMs > 0)) throw new Error(`a rate limit needs writes > 0 and a window > 0, got ${writes}/${windowMs} ms`);
  }

  /** `<writes>/<seconds>`, as FAKE_GITHUB_RATE_LIMIT holds it; null when unset. */
  static fromEnv(value = process.env.FAKE_GITHUB_RATE_LIMIT): SecondaryRateLimit | null {
    if (!value) return null;
    const m = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(value.trim());
    if (!m) throw new Error(`FAKE_GITHUB_RATE_LIMIT must be <writes>/<seconds>, got "${value}"`);
    return new SecondaryRateLimit(Number(m[1]), Number(m[2]) * 1000);
  }

  /** GitHub counts content-creating requests: every write, and GraphQL mutations (queries are reads). */
  static counts(method: string, path: string, body: unknown): boolean {
    if (method === 'GET' || method === 'HEAD') return false;
    if (/^\/bot[^/]+\//.test(path)) return false; // Telegram shares the stand-in in some tests; it is not GitHub.
    if (path === '/graphql' || path === '/api/graphql') return /^\s*mutation\b/.test(String((body as { query?: unknown } | null)?.query ?? ''));
    return true;
  }

  /** Null when the request may go on (and then it is counted); else GitHub's refusal. */
  check(method: string, path: string, body: unknown): RateLimitReply | null {
    if (!SecondaryRateLimit.counts(method, path, body)) return null;
    const now = this.now();
    while (this.accepted.length && this.accepted[0]! <= now - this.windowMs) this.accepted.shift();
    if (this.accepted.length < this.writes) {
      this.accepted.push(now);
      this.passed++;
      this.peak = Math.max(this.peak, this.accepted.length);
      return null;
    }
    this.refused++;
    const retryAfter = Math.max(1, Math.ceil((this.accepted[0]! + this.windowMs - now) / 1000));
    // GitHub answers either; both are seen.
    const status = this.refused % 2 ? 403 : 429;
    return { status, data: { message: SECONDARY_LIMIT_MESSAGE, documentation_url: DOCS }, headers: { 'retry-after': String(retryAfter) } };
  }
}
