// opencode's gateway entry: which configurations it relays, what the CLI is
// handed in their place, and what it refuses (with the reason).
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../../src/gateway/engines.js';

const opencode = ENGINES.opencode!;
const KEY = 'sk-upstream-0123456789abcdef';

function config(provider: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ provider, ...extra });
}

const compatible = (options: Record<string, unknown>) => ({ npm: '@ai-sdk/openai-compatible', options, models: { m: { name: 'm' } } });

describe("opencode's gateway entry", () => {
  it('relays the provider whose key is an {env:VAR}: bearer key to its baseURL, the variable hidden, the CLI given the relay and the placeholder', () => {
    const env = { OPENCODE_CONFIG_CONTENT: config({ self: compatible({ baseURL: 'https://llm.example.com/v1', apiKey: '{env:SELF_KEY}', timeout: 5 }) }), SELF_KEY: KEY };
    expect(opencode.credential(env)).toEqual({ headers: { authorization: `Bearer ${KEY}` }, from: `SELF_KEY (opencode's provider "self")` });
    expect(opencode.upstreamIn!(env)).toBe('https://llm.example.com/v1');
    expect(opencode.secretVariablesIn!(env)).toEqual(['SELF_KEY']);
    const handed = opencode.agentEnv('http://10.0.0.1:4000', 'samocode-gateway-p', env);
    expect(Object.keys(handed)).toEqual(['OPENCODE_CONFIG_CONTENT']);
    expect(handed.OPENCODE_CONFIG_CONTENT).not.toContain(KEY);
    expect(JSON.parse(handed.OPENCODE_CONFIG_CONTENT!)).toEqual({
      provider: { self: { ...compatible({ baseURL: 'http://10.0.0.1:4000', apiKey: 'samocode-gateway-p', timeout: 5 }) } },
    });
  });

  it('a literal key and headers stay with the relay; providers without a credential and the rest of the config pass on as they were', () => {
    const content = config(
      { self: compatible({ baseURL: 'http://10.1.2.3:8000/v1', apiKey: KEY, headers: { 'X-Tenant': 't-{env:TENANT}' } }), local: compatible({ baseURL: 'http://127.0.0.1:11434/v1' }) },
      { model: 'self/m', permission: { bash: 'allow' } },
    );
    const env = { OPENCODE_CONFIG_CONTENT: content, TENANT: 'acme' };
    expect(opencode.credential(env)).toEqual({ headers: { 'x-tenant': 't-acme', authorization: `Bearer ${KEY}` }, from: `TENANT (opencode's provider "self")` });
    const handed = JSON.parse(opencode.agentEnv('http://r:1', 'p', env).OPENCODE_CONFIG_CONTENT!);
    expect(handed.provider.self.options).toEqual({ baseURL: 'http://r:1', apiKey: 'p' });
    expect(handed.provider.local).toEqual(compatible({ baseURL: 'http://127.0.0.1:11434/v1' }));
    expect(handed.model).toBe('self/m');
    expect(handed.permission).toEqual({ bash: 'allow' });
  });

  it('a baseURL read from a variable: that variable hidden too, the key named as the source', () => {
    const env = { OPENCODE_CONFIG_CONTENT: config({ self: compatible({ baseURL: '{env:SELF_URL}/v1', apiKey: '{env:SELF_KEY}' }) }), SELF_KEY: KEY, SELF_URL: 'http://llm.internal:8000' };
    expect(opencode.credential(env)).toMatchObject({ from: `SELF_KEY (opencode's provider "self")` });
    expect(opencode.upstreamIn!(env)).toBe('http://llm.internal:8000/v1');
    expect(opencode.secretVariablesIn!(env)).toEqual(['SELF_KEY', 'SELF_URL']);
  });

  it("opencode's own openai provider: its package known by name, api.openai.com when no baseURL is given", () => {
    const env = { OPENCODE_CONFIG_CONTENT: config({ openai: { options: { apiKey: '{env:OPENAI_API_KEY}' } } }), OPENAI_API_KEY: KEY };
    expect(opencode.credential(env)).toMatchObject({ headers: { authorization: `Bearer ${KEY}` } });
    expect(opencode.upstreamIn!(env)).toBe('https://api.openai.com/v1');
  });

  it('no configuration, or none with a credential: no key for the gateway to hold', () => {
    expect(opencode.credential({})).toBeNull();
    expect(opencode.credential({ OPENCODE_CONFIG_CONTENT: config({ local: compatible({ baseURL: 'http://127.0.0.1:11434/v1' }) }) })).toBeNull();
    expect(opencode.credential({ OPENCODE_CONFIG_CONTENT: '{"model":"x/y"}' })).toBeNull();
  });

  it.each([
    ['not JSON', '{ // a comment\n "provider": {} }', /is not plain JSON/],
    ['not an object', '[1]', /not a JSON object/],
    ['two keyed providers', config({ a: compatible({ baseURL: 'http://a/v1', apiKey: 'k1' }), b: compatible({ baseURL: 'http://b/v1', apiKey: 'k2' }) }), /credentials to 2 providers \(a, b\); the gateway holds one/],
    ['an Anthropic provider', config({ anthropic: { npm: '@ai-sdk/anthropic', options: { apiKey: 'k' } } }), /provider "anthropic" uses @ai-sdk\/anthropic; the gateway relays OpenAI-compatible providers/],
    ['a provider without its package', config({ deepseek: { options: { apiKey: 'k', baseURL: 'https://api.deepseek.com/v1' } } }), /provider "deepseek" names no npm package/],
    ['a key read from a file', config({ s: compatible({ baseURL: 'http://a/v1', apiKey: '{file:/run/secrets/key}' }) }), /reads a file \(\{file:…\}\)/],
    ['a key variable not set', config({ s: compatible({ baseURL: 'http://a/v1', apiKey: '{env:NOT_SET_ANYWHERE}' }) }), /its apiKey reads NOT_SET_ANYWHERE, which is not set/],
    ['no baseURL', config({ s: compatible({ apiKey: 'k' }) }), /has no options\.baseURL/],
    ['a baseURL that is no URL', config({ s: compatible({ apiKey: 'k', baseURL: 'llm.internal/v1' }) }), /not an http\(s\) URL/],
    ['the key written twice', config({ s: compatible({ baseURL: 'http://a/v1', apiKey: KEY }) }, { mcp: { x: { type: 'remote', url: `https://mcp.example.com/?key=${KEY}` } } }), /holds provider "s"'s credential in another place too/],
  ])('refuses %s, saying why', (_name, content, why) => {
    const result = opencode.credential({ OPENCODE_CONFIG_CONTENT: content });
    expect(result).toEqual({ unsupported: expect.stringMatching(why) });
    expect(() => opencode.agentEnv('http://r:1', 'p', { OPENCODE_CONFIG_CONTENT: content })).toThrow();
  });
});
