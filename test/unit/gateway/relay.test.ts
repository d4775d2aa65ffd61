// The relay on its own, against a scripted upstream on loopback: streaming
// without holding the answer back, errors passed through as they came, the
// credential swapped in, the budget held, and bad requests answered 4xx.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PRICE_TABLE } from '../../../src/core/prices.js';
import { ENGINES } from '../../../src/gateway/engines.js';
import { RelayServer, type MeteredCall, type RelayConfig } from '../../../src/gateway/relay.js';

const PLACEHOLDER = 'samocode-gateway-test-placeholder';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function upstream(handler: Handler): Promise<{ url: string; seen: { headers: IncomingMessage['headers']; url: string }[] }> {
  const seen: { headers: IncomingMessage['headers']; url: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ headers: req.headers, url: req.url ?? '' });
      handler(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function relay(upstreamUrl: string, extra: Partial<RelayConfig> = {}) {
  const calls: MeteredCall[] = [];
  const refusals: string[] = [];
  const server = new RelayServer(
    { upstream: upstreamUrl, auth: { headers: { 'x-api-key': 'REAL' }, from: 'ANTHROPIC_API_KEY' }, placeholder: PLACEHOLDER, agentPrefix: '', errorStyle: 'anthropic', prices: PRICE_TABLE, spentUsd: 0, host: '127.0.0.1', port: 0, ...extra },
    { metered: (c) => calls.push(c), refused: (r) => refusals.push(r) },
  );
  const address = await server.listen();
  closers.push(() => server.close());
  return { url: `http://127.0.0.1:${address.port}`, calls, refusals, server };
}

const post = (url: string, body: unknown, key = PLACEHOLDER) =>
  fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

const sse = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

describe('the relay', () => {
  it('streams each event on as it comes, before the upstream has finished, and meters the whole answer', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const up = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse('message_start', { message: { model: 'claude-sonnet-4-5', usage: { input_tokens: 100, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } } }));
      void held.then(() => {
        res.write(sse('message_delta', { usage: { output_tokens: 20 } }));
        res.end(sse('message_stop', {}));
      });
    });
    const r = await relay(up.url);
    const answer = await post(r.url, { model: 'claude-sonnet-4-5', stream: true });
    const reader = answer.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    // The first event arrived while the upstream still held the rest.
    expect(first).toContain('message_start');
    expect(r.calls).toEqual([]);
    release();
    while (!(await reader.read()).done);
    await r.server.settled(1_000);
    expect(r.calls).toEqual([{ path: '/v1/messages', status: 200, model: 'claude-sonnet-4-5', usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: (100 * 3 + 20 * 15) / 1e6 }]);
    // The real key went upstream, the placeholder did not.
    expect(up.seen[0]!.headers['x-api-key']).toBe('REAL');
    expect(JSON.stringify(up.seen[0]!.headers)).not.toContain(PLACEHOLDER);
  });

  it('passes a 429 through with its body and retry-after, as the upstream gave it', async () => {
    const up = await upstream((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      res.end('{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}');
    });
    const r = await relay(up.url);
    const answer = await post(r.url, { model: 'claude-sonnet-4-5' });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('7');
    expect(await answer.text()).toContain('slow down');
  });

  it('refuses what is not the agent, not a model call, or not JSON, and lives on', async () => {
    const up = await upstream((_req, res) => res.end('{}'));
    const r = await relay(up.url);
    expect((await post(r.url, {}, 'sk-ant-guess')).status).toBe(401);
    expect((await fetch(`${r.url}/v1/files`, { method: 'POST', headers: { 'x-api-key': PLACEHOLDER }, body: '{}' })).status).toBe(404);
    expect((await post(r.url, '{"model":')).status).toBe(400);
    expect(up.seen).toEqual([]);
    expect((await post(r.url, { model: 'claude-sonnet-4-5' })).status).toBe(200);
  });

  it('refuses the next model call once the budget is spent, and a model it cannot price while a budget is set', async () => {
    const up = await upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'message', model: 'claude-sonnet-4-5', usage: { input_tokens: 1_000_000, output_tokens: 0 } }));
    });
    const r = await relay(up.url, { maxCostUsd: 2, spentUsd: 0 });
    expect((await post(r.url, { model: 'mystery-model' })).status).toBe(403);
    expect((await post(r.url, { model: 'claude-sonnet-4-5' })).status).toBe(200);
    await r.server.settled(1_000);
    expect(r.server.spentUsd).toBe(3);
    const refused = await post(r.url, { model: 'claude-sonnet-4-5' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ type: 'error', error: { type: 'permission_error', message: 'samocode model gateway: the budget of $2 is spent ($3 so far; raise max-cost-usd and /resume to go on)' } });
    expect(up.seen).toHaveLength(1);
    expect(r.refusals.at(-1)).toMatch(/^the budget of \$2 is spent/);
  });
});

describe('the engines table', () => {
  it('Claude: API key, auth token, OAuth token with its beta; Bedrock and Vertex not relayed', () => {
    const claude = ENGINES.claude!;
    expect(claude.credential({ ANTHROPIC_API_KEY: 'k' })).toEqual({ headers: { 'x-api-key': 'k' }, from: 'ANTHROPIC_API_KEY' });
    expect(claude.credential({ ANTHROPIC_AUTH_TOKEN: 't' })).toEqual({ headers: { authorization: 'Bearer t' }, from: 'ANTHROPIC_AUTH_TOKEN' });
    expect(claude.credential({ CLAUDE_CODE_OAUTH_TOKEN: 'o' })).toEqual({ headers: { authorization: 'Bearer o' }, append: { 'anthropic-beta': 'oauth-2025-04-20' }, from: 'CLAUDE_CODE_OAUTH_TOKEN' });
    expect(claude.credential({ ANTHROPIC_API_KEY: 'k', CLAUDE_CODE_USE_BEDROCK: '1' })).toMatchObject({ unsupported: expect.stringMatching(/Bedrock or Vertex/) });
    expect(claude.credential({})).toBeNull();
  });

  it('Codex: a bearer key, and a model provider of its own given with -c', () => {
    const codex = ENGINES.codex!;
    expect(codex.credential({ OPENAI_API_KEY: 'k' })).toEqual({ headers: { authorization: 'Bearer k' }, from: 'OPENAI_API_KEY' });
    expect(codex.agentEnv('http://127.0.0.1:1/v1', 'p')).toEqual({ OPENAI_API_KEY: 'p' });
    expect(codex.agentArgs!('http://127.0.0.1:1/v1').join(' ')).toContain('base_url = "http://127.0.0.1:1/v1"');
  });
});
