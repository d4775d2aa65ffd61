// The Copilot CLI's entry in the gateway's engines table: which credential
// the relay holds for each of its provider types, what it refuses to carry,
// and (through a real relay on loopback) where the key lands upstream.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PRICE_TABLE } from '../../../src/core/prices.js';
import { COPILOT_GATEWAY, providerHeaders } from '../../../src/gateway/engine-copilot.js';
import { engineGateway } from '../../../src/gateway/engines.js';
import { ModelGateway } from '../../../src/gateway/gateway.js';
import { RelayServer } from '../../../src/gateway/relay.js';

const BASE = { COPILOT_PROVIDER_BASE_URL: 'https://models.example.com/v1' };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('the copilot engine of the gateway', () => {
  it('is the entry for the copilot provider', () => {
    expect(engineGateway('copilot')).toBe(COPILOT_GATEWAY);
  });

  it('holds the API key where each provider type sends it, and a bearer token as a bearer token', () => {
    const credential = (env: NodeJS.ProcessEnv) => COPILOT_GATEWAY.credential({ ...BASE, ...env });
    expect(credential({ COPILOT_PROVIDER_API_KEY: 'k' })).toEqual({ headers: { authorization: 'Bearer k' }, from: 'COPILOT_PROVIDER_API_KEY' });
    expect(credential({ COPILOT_PROVIDER_API_KEY: 'k', COPILOT_PROVIDER_TYPE: 'azure' })).toEqual({ headers: { 'api-key': 'k' }, from: 'COPILOT_PROVIDER_API_KEY' });
    expect(credential({ COPILOT_PROVIDER_API_KEY: 'k', COPILOT_PROVIDER_TYPE: 'anthropic' })).toEqual({ headers: { 'x-api-key': 'k' }, from: 'COPILOT_PROVIDER_API_KEY' });
    // The CLI's own order: the bearer token wins over the key.
    expect(credential({ COPILOT_PROVIDER_API_KEY: 'k', COPILOT_PROVIDER_BEARER_TOKEN: 't', COPILOT_PROVIDER_TYPE: 'anthropic' })).toEqual({
      headers: { authorization: 'Bearer t' },
      from: 'COPILOT_PROVIDER_BEARER_TOKEN',
    });
  });

  it('holds the custom headers too, since they may carry a credential of a company gateway', () => {
    expect(COPILOT_GATEWAY.credential({ ...BASE, COPILOT_PROVIDER_API_KEY: 'k', COPILOT_PROVIDER_HEADERS: 'X-Gateway-Key: abc123\nX-Tenant-Id: mai' })).toEqual({
      headers: { authorization: 'Bearer k', 'x-gateway-key': 'abc123', 'x-tenant-id': 'mai' },
      from: 'COPILOT_PROVIDER_API_KEY and COPILOT_PROVIDER_HEADERS',
    });
    expect(COPILOT_GATEWAY.credential({ ...BASE, COPILOT_PROVIDER_HEADERS: 'X-Gateway-Key: abc' })).toEqual({ headers: { 'x-gateway-key': 'abc' }, from: 'COPILOT_PROVIDER_HEADERS' });
    expect(providerHeaders('A: 1\\nB:2\r\n\n')).toEqual({ a: '1', b: '2' });
    expect(providerHeaders('no colon here')).toEqual({ bad: 'no colon here' });
    expect(COPILOT_GATEWAY.credential({ ...BASE, COPILOT_PROVIDER_API_KEY: 'k', COPILOT_PROVIDER_HEADERS: 'broken' })).toEqual({ unsupported: expect.stringContaining('COPILOT_PROVIDER_HEADERS has a line that is not "Name: Value" ("broken")') });
  });

  it("says why it does not carry a GHES provider, a key command, WebSockets or an unknown type", () => {
    expect(COPILOT_GATEWAY.credential({ ...BASE, COPILOT_PROVIDER_GHES_HOST: 'ghes.example.com', COPILOT_PROVIDER_API_KEY: 'k' })).toMatchObject({ unsupported: expect.stringContaining('COPILOT_PROVIDER_GHES_HOST') });
    expect(COPILOT_GATEWAY.credential({ ...BASE, COPILOT_PROVIDER_API_KEY_COMMAND: 'vault read', COPILOT_PROVIDER_API_KEY: 'k' })).toMatchObject({ unsupported: expect.stringContaining('COPILOT_PROVIDER_API_KEY_COMMAND') });
    expect(COPILOT_GATEWAY.credential({ ...BASE, COPILOT_PROVIDER_API_KEY: 'k', COPILOT_PROVIDER_WIRE_API: 'responses', COPILOT_PROVIDER_TRANSPORT: 'websockets' })).toMatchObject({ unsupported: expect.stringContaining('WebSocket') });
    expect(COPILOT_GATEWAY.credential({ ...BASE, COPILOT_PROVIDER_API_KEY: 'k', COPILOT_PROVIDER_TYPE: 'bedrock' })).toMatchObject({ unsupported: expect.stringContaining('"bedrock"') });
    // A local model with no key (Ollama), or nothing at all: nothing for the relay to hold.
    expect(COPILOT_GATEWAY.credential(BASE)).toBeNull();
    expect(COPILOT_GATEWAY.credential({})).toBeNull();
  });

  it('points the CLI at the relay with the placeholder as its bearer token, and keeps every credential variable from it', () => {
    expect(COPILOT_GATEWAY.agentEnv('http://10.0.0.1:4000', 'p')).toEqual({ COPILOT_PROVIDER_BASE_URL: 'http://10.0.0.1:4000', COPILOT_PROVIDER_BEARER_TOKEN: 'p' });
    expect(COPILOT_GATEWAY.secretVariables).toEqual(
      expect.arrayContaining(['COPILOT_PROVIDER_API_KEY', 'COPILOT_PROVIDER_BEARER_TOKEN', 'COPILOT_PROVIDER_API_KEY_COMMAND', 'COPILOT_PROVIDER_HEADERS', 'COPILOT_PROVIDER_BASE_URL', 'COPILOT_GITHUB_TOKEN']),
    );
  });

  it("on Copilot's own service holds the GitHub token as a bearer token, and gives the CLI the relay for both its addresses", () => {
    const env = { COPILOT_GITHUB_TOKEN: 'github_pat_own' };
    expect(COPILOT_GATEWAY.credential(env)).toEqual({ headers: { authorization: 'Bearer github_pat_own' }, from: 'COPILOT_GITHUB_TOKEN' });
    expect(COPILOT_GATEWAY.agentEnv('http://10.0.0.1:4000', 'github_pat_samocodegatewayPH', env)).toEqual({
      COPILOT_GITHUB_TOKEN: 'github_pat_samocodegatewayPH',
      COPILOT_DEBUG_GITHUB_API_URL: 'http://10.0.0.1:4000',
      COPILOT_API_URL: 'http://10.0.0.1:4000',
    });
    expect(COPILOT_GATEWAY.placeholderPrefix(env)).toBe('github_pat_samocodegateway');
    expect(COPILOT_GATEWAY.upstreamIn(env)).toBe('https://api.githubcopilot.com');
    expect(COPILOT_GATEWAY.github(env)).toEqual({
      upstream: 'https://api.github.com',
      paths: ['/copilot_internal/user', '/copilot_internal/managed_settings', '/copilot_internal/team_customizations', '/copilot/mcp_registry'],
      discoveryPath: '/copilot_internal/user',
      dropPrefix: '/telemetry',
    });
    expect(COPILOT_GATEWAY.costNote(env)).toMatch(/premium requests.*its cost is not, and max-cost-usd cannot hold it/);
    // The workflow's own addresses for the CLI become the relay's upstreams; a fixed Copilot API is not learnt from the sign-in.
    const pinned = { ...env, COPILOT_DEBUG_GITHUB_API_URL: 'http://github.test/', COPILOT_API_URL: 'http://copilot.test' };
    expect(COPILOT_GATEWAY.github(pinned)).toEqual(expect.objectContaining({ upstream: 'http://github.test' }));
    expect(COPILOT_GATEWAY.github(pinned)).not.toHaveProperty('discoveryPath');
    expect(COPILOT_GATEWAY.upstreamIn(pinned)).toBe('http://copilot.test');
    expect(COPILOT_GATEWAY.secretVariables).toEqual(expect.arrayContaining(['COPILOT_DEBUG_GITHUB_API_URL', 'COPILOT_API_URL']));
    // Bring-your-own-key wins where both are set, as in the CLI: nothing of the own service then.
    const byok = { ...env, ...BASE, COPILOT_PROVIDER_API_KEY: 'k' };
    expect(COPILOT_GATEWAY.credential(byok)).toMatchObject({ from: 'COPILOT_PROVIDER_API_KEY' });
    expect(COPILOT_GATEWAY.github(byok)).toBeUndefined();
    expect(COPILOT_GATEWAY.costNote(byok)).toBeUndefined();
    expect(COPILOT_GATEWAY.placeholderPrefix(byok)).toBeUndefined();
  });

  it("through the relay on Copilot's own service: the sign-in paths go to the GitHub API, the model calls to the API its answer names, nothing else anywhere", async () => {
    const seen: { host: string; method: string; url: string; auth: string | undefined }[] = [];
    const server = (host: string, answer: (url: string) => unknown) => {
      const up = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          seen.push({ host, method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer(req.url ?? '')));
        });
      });
      closers.push(() => new Promise((r) => up.close(() => r())));
      return new Promise<string>((r) => up.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(up.address() as AddressInfo).port}`)));
    };
    const copilotApi = await server('copilot', () => ({ model: 'gpt-5-mini', choices: [], usage: { prompt_tokens: 30, completion_tokens: 4 } }));
    const githubApi = await server('github', (url) => (url === '/copilot_internal/user' ? { login: 'octo', endpoints: { api: copilotApi, telemetry: 'https://telemetry.example', proxy: 'https://proxy.example' } } : {}));
    const env = { COPILOT_GITHUB_TOKEN: 'github_pat_REAL', COPILOT_DEBUG_GITHUB_API_URL: githubApi };
    const auth = COPILOT_GATEWAY.credential(env);
    if (!auth || 'unsupported' in auth) throw new Error('expected a credential');
    const calls: { costUsd?: number }[] = [];
    const refused: string[] = [];
    const relay = new RelayServer(
      {
        upstream: COPILOT_GATEWAY.upstreamIn(env)!,
        auth,
        placeholder: 'github_pat_samocodegatewayPH',
        agentPrefix: '',
        errorStyle: 'openai',
        // A price for the model and a budget: neither applies to premium requests.
        prices: { ...PRICE_TABLE, models: { ...PRICE_TABLE.models, 'gpt-5-mini': { input: 1, output: 1 } } },
        maxCostUsd: 0,
        spentUsd: 0,
        github: COPILOT_GATEWAY.github(env)!,
        unpriced: true,
        host: '127.0.0.1',
        port: 0,
      },
      { metered: (c) => calls.push(c), refused: (r) => refused.push(r) },
    );
    const { port } = await relay.listen();
    closers.push(() => relay.close());
    const relayUrl = `http://127.0.0.1:${port}`;
    const get = (path: string, token = 'github_pat_samocodegatewayPH') => fetch(`${relayUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });

    const user = await get('/copilot_internal/user');
    expect(user.status).toBe(200);
    // The agent reads the relay where the plan's API and telemetry were.
    expect(await user.json()).toEqual({ login: 'octo', endpoints: { api: relayUrl, telemetry: relayUrl, proxy: 'https://proxy.example' } });
    expect((await get('/copilot_internal/managed_settings?client_id=github%2Fcli')).status).toBe(200);
    const chat = await fetch(`${relayUrl}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer github_pat_samocodegatewayPH', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-5-mini', messages: [] }) });
    expect(chat.status).toBe(200);
    await relay.settled(1_000);
    // Telemetry comes without a key and goes nowhere.
    expect((await fetch(`${relayUrl}/telemetry`, { method: 'POST', body: 'x' })).status).toBe(204);
    // Other GitHub paths, another method on a listed one, or the real upstream's paths without the placeholder: refused here.
    for (const path of ['/user/repos', '/repos/o/r/contents/x', '/copilot_internal/v2/token', '/user']) expect((await get(path)).status, path).toBe(404);
    expect((await fetch(`${relayUrl}/copilot_internal/user`, { method: 'POST', headers: { authorization: 'Bearer github_pat_samocodegatewayPH' }, body: '{}' })).status).toBe(405);
    expect((await get('/copilot_internal/user', 'github_pat_REAL-guess')).status).toBe(401);

    expect(seen).toEqual([
      { host: 'github', method: 'GET', url: '/copilot_internal/user', auth: 'Bearer github_pat_REAL' },
      { host: 'github', method: 'GET', url: '/copilot_internal/managed_settings?client_id=github%2Fcli', auth: 'Bearer github_pat_REAL' },
      { host: 'copilot', method: 'POST', url: '/chat/completions', auth: 'Bearer github_pat_REAL' },
    ]);
    // Tokens metered, no cost, and the budget of $0 refused nothing.
    expect(calls).toEqual([expect.objectContaining({ model: 'gpt-5-mini', usage: { inputTokens: 30, outputTokens: 4, cacheReadTokens: 0, cacheWriteTokens: 0 } })]);
    expect(calls[0]!.costUsd).toBeUndefined();
    expect(refused).toEqual([]);
  });

  it('refuses to start with a GitHub API that is not a URL, naming it', async () => {
    const env = { COPILOT_GITHUB_TOKEN: 'github_pat_own', COPILOT_DEBUG_GITHUB_API_URL: 'github.test' };
    const auth = COPILOT_GATEWAY.credential(env);
    if (!auth || 'unsupported' in auth) throw new Error('expected a credential');
    await expect(ModelGateway.start({ engine: COPILOT_GATEWAY, auth, env, prices: PRICE_TABLE, spentUsd: 0, relayScript: '/nonexistent/relay.js' })).rejects.toThrow(
      'the GitHub API the copilot CLI signs in at is not a URL: "github.test"',
    );
  });

  it('through the relay: an Azure call keeps its project path, and its key lands in api-key in place of the placeholder', async () => {
    const seen: { url: string; headers: IncomingMessage['headers'] }[] = [];
    const up = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ model: 'gpt-4.1', choices: [], usage: { prompt_tokens: 10, completion_tokens: 2 } }));
      });
    });
    await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => up.close(() => r())));
    const env = { COPILOT_PROVIDER_BASE_URL: `http://127.0.0.1:${(up.address() as AddressInfo).port}/api/projects/p1`, COPILOT_PROVIDER_TYPE: 'azure', COPILOT_PROVIDER_API_KEY: 'REAL-AZURE', COPILOT_PROVIDER_HEADERS: 'X-Tenant: t1' };
    const auth = COPILOT_GATEWAY.credential(env);
    if (!auth || 'unsupported' in auth) throw new Error('expected a credential');
    const calls: unknown[] = [];
    const relay = new RelayServer(
      { upstream: env.COPILOT_PROVIDER_BASE_URL, auth, placeholder: 'PH', agentPrefix: COPILOT_GATEWAY.agentPrefix, errorStyle: COPILOT_GATEWAY.errorStyle, prices: PRICE_TABLE, spentUsd: 0, host: '127.0.0.1', port: 0 },
      { metered: (c) => calls.push(c), refused: () => {} },
    );
    const { port } = await relay.listen();
    closers.push(() => relay.close());
    // What the CLI sends for type azure given a bearer token: its API path after the relay's root.
    const answer = await fetch(`http://127.0.0.1:${port}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer PH', 'content-type': 'application/json', 'x-tenant': 'forged' },
      body: JSON.stringify({ model: 'gpt-4.1', messages: [] }),
    });
    expect(answer.status).toBe(200);
    await relay.settled(1_000);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('/api/projects/p1/openai/v1/chat/completions');
    expect(seen[0]!.headers['api-key']).toBe('REAL-AZURE');
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(seen[0]!.headers['x-tenant']).toBe('t1');
    expect(calls).toEqual([expect.objectContaining({ model: 'gpt-4.1', usage: { inputTokens: 10, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0 } })]);
    // Without the placeholder: refused before anything goes upstream.
    const stranger = await fetch(`http://127.0.0.1:${port}/openai/v1/chat/completions`, { method: 'POST', headers: { 'api-key': 'REAL-AZURE-guess' }, body: '{}' });
    expect(stranger.status).toBe(401);
    expect(seen).toHaveLength(1);
  });
});
