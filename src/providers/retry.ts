// Retrying an agent run that failed for a reason outside its control (an
// overloaded API, a dropped connection), shared by the CLI providers.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentRequest, AgentResult, LineSink, TokenUsage } from '../core/ports.js';

export const DEFAULT_RETRIES = 2;
export const DEFAULT_RETRY_DELAY_MS = 10_000;

// Both CLIs retry a few times themselves; what still gets through is an
// outage that may pass within minutes.
const TRANSIENT =
  /overloaded|rate[ _-]?limit|too many requests|\b(?:429|5\d\d)\b|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|network|Reconnecting|disconnected|connection (?:error|reset|refused|closed|failed|lost)|timed out|service unavailable|bad gateway/i;

export function isTransient(text: string | undefined): boolean {
  return text !== undefined && TRANSIENT.test(text);
}

function failed(result: AgentResult): boolean {
  return result.exitCode !== 0 || result.error !== undefined;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function sumUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!a || !b) return a ?? b;
  const optional = (x?: number, y?: number) => (x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0));
  const cacheReadTokens = optional(a.cacheReadTokens, b.cacheReadTokens);
  const cacheWriteTokens = optional(a.cacheWriteTokens, b.cacheWriteTokens);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    ...(cacheReadTokens !== undefined ? { cacheReadTokens } : {}),
    ...(cacheWriteTokens !== undefined ? { cacheWriteTokens } : {}),
  };
}

/** The last try's outcome, carrying what every try spent: failed tries are paid for too. */
function spentSoFar(earlier: AgentResult, last: AgentResult): AgentResult {
  const costUsd = earlier.costUsd === undefined && last.costUsd === undefined ? undefined : (earlier.costUsd ?? 0) + (last.costUsd ?? 0);
  const turns = earlier.turns === undefined && last.turns === undefined ? undefined : (earlier.turns ?? 0) + (last.turns ?? 0);
  const usage = sumUsage(earlier.usage, last.usage);
  const { costUsd: _c, turns: _t, usage: _u, ...rest } = last;
  return {
    ...rest,
    ...(costUsd !== undefined ? { costUsd } : {}),
    ...(turns !== undefined ? { turns } : {}),
    ...(usage !== undefined ? { usage } : {}),
  };
}

export interface RetryOptions {
  retries?: number;
  retryDelayMs?: number;
  sessionPath: string;
  log: LineSink;
  /** The iteration's whole budget: every try, and the waits between, share it. */
  timeoutMs: number;
  /** A reason no further try can succeed; a failed try then stands. */
  stop?: () => string | undefined;
}

/**
 * Runs `attempt` until it succeeds, fails for a lasting reason, or the tries
 * run out. A timeout is never retried (it would only time out again), nor is
 * a run that already gave its signal (its work would be done twice).
 */
export async function withRetries(attempt: (timeoutMs: number) => Promise<AgentResult>, options: RetryOptions): Promise<AgentResult> {
  const retries = Math.max(0, options.retries ?? DEFAULT_RETRIES);
  const delayMs = Math.max(0, options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS);
  const deadline = Date.now() + options.timeoutMs;
  let total: AgentResult | undefined;
  for (let tries = 1; ; tries++) {
    const result = await attempt(Math.max(1, deadline - Date.now()));
    total = total ? spentSoFar(total, result) : result;
    if (result.timedOut || !failed(result) || !isTransient(result.error) || options.stop?.()) return total;
    if (await exists(join(options.sessionPath, '_signal.json'))) return total;
    if (tries > retries) {
      return { ...total, error: `transient failure after ${tries} ${tries === 1 ? 'try' : 'tries'}: ${result.error}` };
    }
    const waitMs = delayMs * 2 ** (tries - 1);
    // A try needs time to do anything; without it, the failure stands.
    if (deadline - Date.now() - waitMs < Math.min(options.timeoutMs / 4, 60_000)) {
      return { ...total, error: `transient failure, no time left in the iteration for another try: ${result.error}` };
    }
    options.log.write(JSON.stringify({ type: 'samocode', event: 'retry', attempt: tries, of: retries + 1, waitMs, error: result.error }));
    await sleep(waitMs);
  }
}

/** One agent call with retries, each try given what is left of the request's time. */
export function runRetrying(
  request: AgentRequest,
  settings: { retries?: number; retryDelayMs?: number; stopRetrying?: () => string | undefined },
  once: (request: AgentRequest) => Promise<AgentResult>,
): Promise<AgentResult> {
  return withRetries((timeoutMs) => once({ ...request, timeoutMs }), {
    retries: settings.retries,
    retryDelayMs: settings.retryDelayMs,
    sessionPath: request.sessionPath,
    log: request.log,
    timeoutMs: request.timeoutMs,
    stop: settings.stopRetrying,
  });
}
