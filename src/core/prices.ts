// What a model's tokens cost: a dated table per model, kept in the
// repository, which the workflow may override (input model-prices). The
// model gateway turns the usage it meters into dollars with it; this is the
// cost of record, the CLI's own figure is kept beside it for comparison.
import * as z from './schema.js';
import type { TokenUsage } from './ports.js';

/** US dollars per million tokens. `cacheRead`/`cacheWrite` default to `input` when a model has no cache price. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

export interface PriceTable {
  /** When these prices were read from `source`. */
  date: string;
  source: string;
  /** Keyed by model name or a prefix of it: the longest key that starts the model's name wins. */
  models: Record<string, ModelPrice>;
}

// The providers' list prices, standard tier, as published on their pricing
// pages; the 5-minute cache write for Anthropic (1.25 x input). Prompts over
// 200k tokens, batch and priority tiers cost otherwise and are not told apart.
export const PRICE_TABLE: PriceTable = {
  date: '2025-11-24',
  source: 'https://docs.claude.com/en/docs/about-claude/pricing, https://platform.openai.com/docs/pricing, https://ai.google.dev/gemini-api/docs/pricing',
  models: {
    'claude-opus-4-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
    'claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
    'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'claude-3-7-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
    'claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
    'gpt-5.1-codex-mini': { input: 0.25, output: 2, cacheRead: 0.025 },
    'gpt-5.1': { input: 1.25, output: 10, cacheRead: 0.125 },
    'gpt-5-codex': { input: 1.25, output: 10, cacheRead: 0.125 },
    'gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025 },
    'gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005 },
    'gpt-5': { input: 1.25, output: 10, cacheRead: 0.125 },
    'gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1 },
    'gpt-4.1': { input: 2, output: 8, cacheRead: 0.5 },
    'gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075 },
    'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
    'o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275 },
    'gemini-2.5-pro': { input: 1.25, output: 10, cacheRead: 0.125 },
    'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cacheRead: 0.01 },
    'gemini-2.5-flash': { input: 0.3, output: 2.5, cacheRead: 0.03 },
    // The Gemini 3 previews the Gemini CLI picks (0.61), from the same pricing page as quoted on 2026-03-28 (prompts up to 200k tokens).
    'gemini-3.1-pro': { input: 2, output: 12, cacheRead: 0.2 },
    'gemini-3-pro': { input: 2, output: 12, cacheRead: 0.2 },
    'gemini-3-flash': { input: 0.5, output: 3, cacheRead: 0.05 },
  },
};

const priceSchema = z.strictObject({
  input: z.number().check(z.nonnegative()),
  output: z.number().check(z.nonnegative()),
  cacheRead: z.optional(z.number().check(z.nonnegative())),
  cacheWrite: z.optional(z.number().check(z.nonnegative())),
});
const overrideSchema = z.record(z.string().check(z.minLength(1)), priceSchema);

/**
 * The input's JSON (`{"model-or-prefix": {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75}}`,
 * dollars per million tokens) laid over the table; an error names what is wrong.
 */
export function withOverride(table: PriceTable, json: string | undefined): PriceTable {
  if (!json || !json.trim()) return table;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`model-prices is not JSON: ${(error as Error).message}`);
  }
  const checked = overrideSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new Error(`model-prices: ${issue.path.join('.') || 'the value'}: ${issue.message} (expected {"model": {"input": n, "output": n, "cacheRead"?: n, "cacheWrite"?: n}}, dollars per million tokens)`);
  }
  return { ...table, source: `${table.source}; overridden by the model-prices input`, models: { ...table.models, ...checked.data } };
}

/** The model's price: its own key, else the longest key its name starts with (a dated id such as `claude-sonnet-4-5-20250929`). */
export function priceOf(table: PriceTable, model: string): ModelPrice | undefined {
  const name = model.toLowerCase().replace(/^models\//, '');
  let best: string | undefined;
  for (const key of Object.keys(table.models)) {
    const k = key.toLowerCase();
    if ((name === k || name.startsWith(k)) && (!best || k.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table.models[best];
}

/** Dollars for `usage`: input is the part neither read from nor written to the cache. */
export function costOf(price: ModelPrice, usage: TokenUsage): number {
  const perToken = (n: number | undefined, dollarsPerMillion: number) => ((n ?? 0) * dollarsPerMillion) / 1_000_000;
  return (
    perToken(usage.inputTokens, price.input) +
    perToken(usage.outputTokens, price.output) +
    perToken(usage.cacheReadTokens, price.cacheRead ?? price.input) +
    perToken(usage.cacheWriteTokens, price.cacheWrite ?? price.input)
  );
}
