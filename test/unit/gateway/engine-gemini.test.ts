// The Gemini engine's entry of the gateway, and the relay speaking for it:
// the key taken from GEMINI_API_KEY or GOOGLE_API_KEY, Vertex AI refused
// plainly, the placeholder taken from the header or the query and never
// forwarded, the SSE stream metered and priced from the table.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PRICE_TABLE, priceOf } from '../../../src/core/prices.js';
import { GEMINI as GEMINI_ENTRY } from '../../../src/gateway/engine-gemini.js';
import { ENGINES } from '../../../src/gateway/engines.js';
import { RelayServer, type MeteredCall } from '../../../src/gateway/relay.js';

const PLACEHOLDER = 'samocode-gateway-gemini-unit-placeholder';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

// As the gateway sees it: the ENGINES map's type.
const GEMINI = ENGINES.gemini!;

describe('the gemini entry of the gateway', () => {
  it('is in the engines table', () => {
    expect(GEMINI).toBe(GEMINI_ENTRY);
  });

  it('takes the key from GEMINI_API_KEY, else GOOGLE_API_KEY, into x-goog-api-key', () => {
    expect(GEMINI.credential({ GEMINI_API_KEY: 'g' })).toEqual({ headers: { 'x-goog-api-key': 'g' }, from: 'GEMINI_API_KEY' });
    expect(GEMINI.credential({ GOOGLE_API_KEY: 'o' })).toEqual({ headers: { 'x-goog-api-key': 'o' }, from: 'GOOGLE_API_KEY' });
    expect(GEMINI.credential({ GEMINI_API_KEY: 'g', GOOGLE_API_KEY: 'o' })).toMatchObject({ from: 'GEMINI_API_KEY' });
    expect(GEMINI.credential({})).toBeNull();
    expect(GEMINI.credential({ GEMINI_API_KEY: '' })).toBeNull();
  });

  it('says Vertex AI is not carried, whatever key is there', () => {
    expect(GEMINI.credential({ GEMINI_API_KEY: 'g', GOOGLE_GENAI_USE_VERTEXAI: 'true' })).toEqual({ unsupported: expect.stringMatching(/^the Gemini CLI on Vertex AI .* the gateway does not carry them yet$/) });
    expect(GEMINI.credential({ GEMINI_API_KEY: 'g', GOOGLE_GENAI_USE_VERTEXAI: 'false' })).toMatchObject({ from: 'GEMINI_API_KEY' });
  });

  it('points the CLI at the relay with the placeholder; every credential and address of the workflow stays out of the agent', () => {
    expect(GEMINI.agentEnv('http://10.0.0.1:4000', 'p')).toEqual({ GOOGLE_GEMINI_BASE_URL: 'http://10.0.0.1:4000', GEMINI_API_KEY: 'p' });
    expect(GEMINI.agentArgs).toBeUndefined();
    expect(GEMINI.secretVariables).toEqual(expect.arrayContaining(['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_GEMINI_BASE_URL']));
    expect(GEMINI.upstreamVariable).toBe('GOOGLE_GEMINI_BASE_URL');
    expect(GEMINI.defaultUpstream).toBe('https://generativelanguage.googleapis.com');
  });

  it('has prices for the models the CLI 0.61 picks by default', () => {
    for (const model of ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-3-pro-preview', 'gemini-3-flash-preview', 'gemini-3.1-pro-preview']) {
      expect(priceOf(PRICE_TABLE, model), model).toBeDefined();
    }
  });
});

describe('the relay for the Gemini CLI', () => {
  async function setUp() {
    const seen: { url: string; headers: IncomingMessage['headers'] }[] = [];
    const upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers });
        const chunk = (text: string, usage: object) => `data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] } }], usageMetadata: usage, modelVersion: 'gemini-2.5-flash' })}\r\n\r\n`;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(chunk('Hel', { promptTokenCount: 1_000, cachedContentTokenCount: 400 }));
        res.end(chunk('lo', { promptTokenCount: 1_000, cachedContentTokenCount: 400, candidatesTokenCount: 30, thoughtsTokenCount: 20 }));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => upstream.close(() => r())));
    const calls: MeteredCall[] = [];
    const auth = GEMINI.credential({ GEMINI_API_KEY: 'REAL-GEMINI-KEY' });
    if (!auth || 'unsupported' in auth) throw new Error('no credential');
    const relay = new RelayServer(
      { upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, auth, placeholder: PLACEHOLDER, agentPrefix: GEMINI.agentPrefix, errorStyle: GEMINI.errorStyle, prices: PRICE_TABLE, spentUsd: 0, host: '127.0.0.1', port: 0 },
      { metered: (c) => calls.push(c), refused: () => {} },
    );
    const address = await relay.listen();
    closers.push(() => relay.close());
    const base = `http://127.0.0.1:${address.port}`;
    const stream = (query: string, headers: Record<string, string>) =>
      fetch(`${base}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse${query}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ contents: [] }) });
    return { seen, calls, stream };
  }

  it('takes the placeholder from x-goog-api-key or ?key=, forwards the real key in the header only, and meters the stream', async () => {
    const { seen, calls, stream } = await setUp();

    const byHeader = await stream('', { 'x-goog-api-key': PLACEHOLDER });
    expect(byHeader.status).toBe(200);
    expect(await byHeader.text()).toContain('Hel');
    const byQuery = await stream(`&key=${PLACEHOLDER}`, {});
    expect(byQuery.status).toBe(200);
    await byQuery.text();

    expect(seen.map((s) => s.url)).toEqual(['/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse']);
    expect(seen.map((s) => s.headers['x-goog-api-key'])).toEqual(['REAL-GEMINI-KEY', 'REAL-GEMINI-KEY']);
    expect(JSON.stringify(seen)).not.toContain(PLACEHOLDER);
    await new Promise((r) => setTimeout(r, 50));
    // The last chunk's totals: 600 uncached in, 400 from the cache, 30 + 20 thinking tokens out; at $0.30 / $2.50 / $0.03 per million.
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ status: 200, model: 'gemini-2.5-flash', usage: { inputTokens: 600, outputTokens: 50, cacheReadTokens: 400, cacheWriteTokens: 0 } });
    expect(calls[0]!.costUsd).toBeCloseTo((600 * 0.3 + 50 * 2.5 + 400 * 0.03) / 1e6, 12);
  });

  it('refuses a guessed key in either place, in the Gemini API’s own error shape, and forwards nothing', async () => {
    const { seen, stream } = await setUp();
    for (const refused of [await stream('', { 'x-goog-api-key': 'AIzaGuess' }), await stream('&key=AIzaGuess', {}), await stream('', {})]) {
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ error: { code: 401, message: expect.stringContaining('does not carry the key the gateway gave the agent'), status: 'AUTHENTICATION_ERROR' } });
    }
    expect(seen).toEqual([]);
  });
});
