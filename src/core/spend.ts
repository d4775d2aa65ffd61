// Tokens and dollars as people read them: sums, the prompt cache's share, and
// amounts small enough that two decimals would show nothing.
import type { TokenUsage } from './ports.js';

export function addUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!a || !b) return a ?? b;
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: (a.cacheReadTokens ?? 0) + (b.cacheReadTokens ?? 0),
    cacheWriteTokens: (a.cacheWriteTokens ?? 0) + (b.cacheWriteTokens ?? 0),
  };
}

/** All the input the model read: fresh, from the cache, and written to it. */
export function inputOf(usage: TokenUsage): number {
  return usage.inputTokens + (usage.cacheReadTokens ?? 0) + (usage.cacheWriteTokens ?? 0);
}

/** The share of the input served from the prompt cache, 0..1; undefined without input. */
export function cacheShare(usage: TokenUsage): number | undefined {
  const all = inputOf(usage);
  return all > 0 ? (usage.cacheReadTokens ?? 0) / all : undefined;
}

/** `$5`, `$0.25`, `$0.015`, `$0.0038`: as many places as it takes, up to four, and at least cents. */
export function usd(amount: number): string {
  if (Number.isInteger(amount)) return `$${amount}`;
  if (amount >= 1) return `$${amount.toFixed(2)}`;
  const [whole, places] = amount.toFixed(4).split('.') as [string, string];
  return `$${whole}.${places.replace(/0+$/, '').padEnd(2, '0')}`;
}

/** `12000 in (64% from the prompt cache), 800 out`. */
export function usageLine(usage: TokenUsage): string {
  const share = cacheShare(usage);
  const cache = share === undefined ? '' : ` (${Math.round(share * 100)}% from the prompt cache)`;
  return `${inputOf(usage)} in${cache}, ${usage.outputTokens} out`;
}
