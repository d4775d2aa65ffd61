// Reads the usage out of a model response, streamed or whole, for each wire
// protocol the engines speak. The relay feeds it every JSON object it sees
// (each SSE event's data, or the whole body) and asks at the end what the
// response used. Counts follow Anthropic's: `inputTokens` is input neither
// read from nor written to the prompt cache, whichever engine answered.
import type { TokenUsage } from '../core/ports.js';

export type Protocol = 'anthropic-messages' | 'openai-responses' | 'openai-chat' | 'gemini';

/** Which protocol a request path speaks, from the end of the path; null for paths that cost nothing (models, token counts). */
export function protocolOf(path: string): Protocol | null {
  const bare = path.split('?')[0]!.replace(/\/+$/, '');
  if (/\/messages$/.test(bare)) return 'anthropic-messages';
  if (/\/responses(\/compact)?$/.test(bare)) return 'openai-responses';
  if (/\/chat\/completions$/.test(bare)) return 'openai-chat';
  if (/:(stream)?generateContent$/i.test(bare)) return 'gemini';
  return null;
}

/** The paths the relay forwards at all: the model calls above, and what the CLIs ask at start. Anything else (files, batches) is refused. */
export function relayable(method: string, path: string): boolean {
  const bare = path.split('?')[0]!.replace(/\/+$/, '');
  if (method === 'POST' && protocolOf(bare)) return true;
  if (method === 'POST' && /\/messages\/count_tokens$/.test(bare)) return true;
  if (method === 'POST' && /:countTokens$/i.test(bare)) return true;
  return method === 'GET' && /\/models(\/[^/]+)?$/.test(bare);
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined);
const obj = (value: unknown): Record<string, unknown> | undefined => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);

export interface Metered {
  model?: string;
  usage?: TokenUsage;
}

/** Gathers one response's usage from the JSON objects it is made of. */
export class UsageMeter {
  private model: string | undefined;
  private usage: TokenUsage | undefined;

  constructor(
    private readonly protocol: Protocol,
    /** The model the request asked for: the answer's own name wins when it gives one. */
    requestedModel?: string,
  ) {
    this.model = requestedModel;
  }

  read(value: unknown): void {
    const event = obj(value);
    if (!event) return;
    switch (this.protocol) {
      case 'anthropic-messages':
        return this.anthropic(event);
      case 'openai-responses':
        return this.responses(event);
      case 'openai-chat':
        return this.chat(event);
      case 'gemini':
        return this.gemini(event);
    }
  }

  result(): Metered {
    return { ...(this.model ? { model: this.model } : {}), ...(this.usage ? { usage: this.usage } : {}) };
  }

  // message_start carries the input counts, message_delta the output so far
  // (and, lately, input counts again); a whole response carries all of them.
  private anthropic(event: Record<string, unknown>): void {
    const message = event.type === 'message_start' ? obj(event.message) : event.type === 'message' ? event : undefined;
    if (message) {
      if (typeof message.model === 'string') this.model = message.model;
      this.takeAnthropic(obj(message.usage));
    } else if (event.type === 'message_delta') this.takeAnthropic(obj(event.usage));
  }

  private takeAnthropic(usage: Record<string, unknown> | undefined): void {
    if (!usage) return;
    const was = this.usage ?? { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
    this.usage = {
      inputTokens: num(usage.input_tokens) ?? was.inputTokens,
      outputTokens: num(usage.output_tokens) ?? was.outputTokens,
      cacheReadTokens: num(usage.cache_read_input_tokens) ?? was.cacheReadTokens,
      cacheWriteTokens: num(usage.cache_creation_input_tokens) ?? was.cacheWriteTokens,
    };
  }

  // The final event (completed, incomplete or failed) holds the response with its usage; input_tokens counts the cached part too.
  private responses(event: Record<string, unknown>): void {
    const response = typeof event.type === 'string' && event.type.startsWith('response.') ? obj(event.response) : event.object === 'response' ? event : undefined;
    if (!response) return;
    if (typeof response.model === 'string') this.model = response.model;
    const usage = obj(response.usage);
    if (!usage) return;
    const input = num(usage.input_tokens) ?? 0;
    const cached = Math.min(input, num(obj(usage.input_tokens_details)?.cached_tokens) ?? 0);
    this.usage = { inputTokens: input - cached, outputTokens: num(usage.output_tokens) ?? 0, cacheReadTokens: cached, cacheWriteTokens: 0 };
  }

  // Streamed, the usage comes in the last chunk (when the request asked for it with stream_options.include_usage).
  private chat(event: Record<string, unknown>): void {
    if (typeof event.model === 'string') this.model = event.model;
    const usage = obj(event.usage);
    if (!usage) return;
    const prompt = num(usage.prompt_tokens) ?? 0;
    const cached = Math.min(prompt, num(obj(usage.prompt_tokens_details)?.cached_tokens) ?? 0);
    this.usage = { inputTokens: prompt - cached, outputTokens: num(usage.completion_tokens) ?? 0, cacheReadTokens: cached, cacheWriteTokens: 0 };
  }

  // Each streamed chunk repeats usageMetadata so far; the last one holds the totals. Thinking tokens are billed as output.
  private gemini(event: Record<string, unknown>): void {
    if (typeof event.modelVersion === 'string') this.model = event.modelVersion;
    const usage = obj(event.usageMetadata);
    if (!usage) return;
    const prompt = num(usage.promptTokenCount) ?? 0;
    const cached = Math.min(prompt, num(usage.cachedContentTokenCount) ?? 0);
    const output = (num(usage.candidatesTokenCount) ?? 0) + (num(usage.thoughtsTokenCount) ?? 0);
    this.usage = { inputTokens: prompt - cached, outputTokens: output, cacheReadTokens: cached, cacheWriteTokens: 0 };
  }
}

/** The model a request asks for: the body's `model`, or Gemini's `/models/<name>:…` in the path. */
export function requestedModel(path: string, body: unknown): string | undefined {
  const model = obj(body)?.model;
  if (typeof model === 'string' && model) return model;
  const match = /\/models\/([^/:?]+):/.exec(path);
  return match ? decodeURIComponent(match[1]!) : undefined;
}
