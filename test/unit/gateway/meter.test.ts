// Usage read from each protocol's answers, streamed and whole, and the price table.
import { describe, expect, it } from 'vitest';
import { protocolOf, relayable, requestedModel, UsageMeter } from '../../../src/gateway/meter.js';
import { SseReader } from '../../../src/gateway/sse.js';
import { costOf, priceOf, PRICE_TABLE, withOverride } from '../../../src/core/prices.js';
import { usd } from '../../../src/core/spend.js';

const meter = (protocol: Parameters<typeof protocolOf>[0] extends string ? any : never, events: unknown[], model?: string) => {
  const m = new UsageMeter(protocol, model);
  for (const e of events) m.read(e);
  return m.result();
};

describe('metering', () => {
  it('knows each protocol by its path, and relays only model calls and what CLIs ask at start', () => {
    expect(protocolOf('/v1/messages')).toBe('anthropic-messages');
    expect(protocolOf('/responses')).toBe('openai-responses');
    expect(protocolOf('/v1/chat/completions')).toBe('openai-chat');
    expect(protocolOf('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse')).toBe('gemini');
    expect(relayable('POST', '/v1/messages/batches')).toBe(false);
    expect(relayable('POST', '/v1/files')).toBe(false);
    expect(relayable('GET', '/v1/models')).toBe(true);
    expect(requestedModel('/v1beta/models/gemini-2.5-flash:generateContent', {})).toBe('gemini-2.5-flash');
  });

  it('Anthropic Messages: input and cache counts from message_start, output from the last message_delta', () => {
    expect(
      meter('anthropic-messages', [
        { type: 'message_start', message: { model: 'claude-sonnet-4-5', usage: { input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 30, cache_creation_input_tokens: 5 } } },
        { type: 'message_delta', usage: { output_tokens: 42 } },
      ]),
    ).toEqual({ model: 'claude-sonnet-4-5', usage: { inputTokens: 10, outputTokens: 42, cacheReadTokens: 30, cacheWriteTokens: 5 } });
  });

  it('OpenAI Responses, Chat Completions and Gemini: cached input taken out of input', () => {
    expect(meter('openai-responses', [{ type: 'response.completed', response: { model: 'gpt-5', usage: { input_tokens: 100, input_tokens_details: { cached_tokens: 60 }, output_tokens: 7 } } }]).usage).toEqual({
      inputTokens: 40, outputTokens: 7, cacheReadTokens: 60, cacheWriteTokens: 0,
    });
    expect(meter('openai-chat', [{ model: 'gpt-4o', choices: [] }, { model: 'gpt-4o', choices: [], usage: { prompt_tokens: 50, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 20 } } }])).toEqual({
      model: 'gpt-4o', usage: { inputTokens: 30, outputTokens: 5, cacheReadTokens: 20, cacheWriteTokens: 0 },
    });
    expect(meter('gemini', [{ usageMetadata: { promptTokenCount: 9 } }, { modelVersion: 'gemini-2.5-pro', usageMetadata: { promptTokenCount: 90, cachedContentTokenCount: 30, candidatesTokenCount: 8, thoughtsTokenCount: 2 } }])).toEqual({
      model: 'gemini-2.5-pro', usage: { inputTokens: 60, outputTokens: 10, cacheReadTokens: 30, cacheWriteTokens: 0 },
    });
  });

  it('SSE split anywhere, CRLF or LF, multi-line data', () => {
    const seen: string[] = [];
    const reader = new SseReader((d) => seen.push(d));
    const text = 'event: a\r\ndata: {"x":\r\ndata: 1}\r\n\r\nevent: b\ndata: [DONE]\n\n';
    for (const ch of text) reader.push(Buffer.from(ch));
    reader.end();
    expect(seen).toEqual(['{"x":\n1}', '[DONE]']);
  });

  it('prices: the longest prefix wins, the override is checked, dollars come out right', () => {
    expect(priceOf(PRICE_TABLE, 'claude-sonnet-4-5-20250929')).toEqual(PRICE_TABLE.models['claude-sonnet-4']);
    expect(priceOf(PRICE_TABLE, 'gpt-5-mini-2025')).toEqual(PRICE_TABLE.models['gpt-5-mini']);
    expect(priceOf(PRICE_TABLE, 'unknown-model')).toBeUndefined();
    const table = withOverride(PRICE_TABLE, '{"my-model": {"input": 2, "output": 4}}');
    expect(costOf(priceOf(table, 'my-model')!, { inputTokens: 1_000_000, outputTokens: 500_000, cacheReadTokens: 1_000_000 })).toBe(6);
    expect(() => withOverride(PRICE_TABLE, '{"m": {"input": -1, "output": 1}}')).toThrow(/model-prices: m\.input/);
    expect(() => withOverride(PRICE_TABLE, 'nope')).toThrow(/not JSON/);
    expect([usd(5), usd(0.25), usd(0.015), usd(0.0102749), usd(12.5)]).toEqual(['$5', '$0.25', '$0.015', '$0.0103', '$12.50']);
  });
});
