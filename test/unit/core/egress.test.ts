import { describe, expect, it } from 'vitest';
import { allowHint, blockedAddress, decideName, egressPolicy, ipVersion, parseAllowEntry } from '../../../src/core/egress.js';

const policy = egressPolicy('claude', ['example.test', '*.corp.example', 'git.example.org:8443']);

describe('egress: the model hosts', () => {
  it('are among the defaults while the agent holds its own credential, and not when the model gateway holds the key', () => {
    const own = egressPolicy('codex', []);
    const relayed = egressPolicy('codex', [], true);
    for (const host of ['api.openai.com', 'auth.openai.com', 'chatgpt.com']) {
      expect(decideName(own, host, 443).allowed).toBe(true);
      expect(decideName(relayed, host, 443).allowed).toBe(false);
    }
    expect(decideName(relayed, 'registry.npmjs.org', 443).allowed).toBe(true);
    // Listed by hand, a model host is reachable again: the person's choice, not a default.
    expect(decideName(egressPolicy('claude', ['api.anthropic.com'], true), 'api.anthropic.com', 443).allowed).toBe(true);
  });
});

describe('egress: the decision on a name', () => {
  it.each([
    ['api.anthropic.com', 443, true],
    ['API.Anthropic.COM.', 443, true],
    ['registry.npmjs.org', 80, true],
    ['example.test', 443, true],
    ['a.b.corp.example', 443, true],
    ['corp.example', 443, false],
    ['git.example.org', 8443, true],
    ['git.example.org', 443, false],
    ['api.anthropic.com', 22, false],
    ['api.openai.com', 443, false],
  ] as const)('%s:%i allowed: %s', (host, port, allowed) => {
    expect(decideName(policy, host, port).allowed).toBe(allowed);
  });

  it.each([
    ['1.2.3.4', 'ip-literal'],
    ['[::1]', 'ip-literal'],
    ['2130706433', 'ip-literal'],
    ['0x7f000001', 'ip-literal'],
    ['::ffff:127.0.0.1', 'ip-literal'],
    ['registry.npmjs.org.evil.test', 'look-alike'],
    ['registry-npmjs.org', 'look-alike'],
    ['xn--rgistry-npmjs-9db.org', 'look-alike'],
    ['xn--bcher-kva.corp.example', 'look-alike'],
    ['regıstry.npmjs.org', 'look-alike'],
    ['evil.test', 'not-listed'],
    ['localhost', 'malformed'],
    ['a..b', 'malformed'],
    ['registry.npmjs.org', 'port', 8080],
  ] as [string, string, number?][])('%s is refused as %s', (host, refusal, port = 443) => {
    const d = decideName(policy, host, port);
    expect(d.allowed).toBe(false);
    expect(d.allowed ? '' : d.refusal).toBe(refusal);
  });

  it('gives the line that would allow a refused name', () => {
    expect(allowHint('evil.test', 443, 'not-listed')).toBe('allowed-domains: evil.test');
    expect(allowHint('evil.test', 8080, 'not-listed')).toBe('allowed-domains: evil.test:8080');
    expect(allowHint('registry.npmjs.org', 8080, 'port')).toBe('allowed-domains: registry.npmjs.org:8080');
    expect(allowHint('1.2.3.4', 443, 'ip-literal')).toMatch(/agent-network: open/);
  });

  it('refuses malformed allowed-domains entries with the input named', () => {
    for (const bad of ['1.2.3.4', '*', 'a b', 'x.test:99999', '*.', 'http://x.test']) {
      expect(() => parseAllowEntry(bad)).toThrow(/allowed-domains/);
    }
  });
});

describe('egress: addresses a name may resolve to', () => {
  it.each([
    '127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '168.63.129.16', '100.64.0.1', '0.0.0.0',
    '::1', '::', 'fe80::1', 'fd00::5', 'fd00:ec2::254', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::1', '224.0.0.1',
  ])('%s is blocked', (address) => {
    expect(blockedAddress(address)).toBeDefined();
  });

  it.each(['93.184.216.34', '203.0.113.7', '2606:4700::1111', '2001:db8::2'])('%s is not', (address) => {
    expect(blockedAddress(address)).toBeUndefined();
  });

  it("blocks this host's own addresses", () => {
    expect(blockedAddress('203.0.113.7', ['203.0.113.7'])).toMatch(/own address/);
    expect(blockedAddress('2001:db8::2', ['2001:0db8:0:0::2'])).toMatch(/own address/);
  });

  it('tells IP versions apart', () => {
    expect(ipVersion('1.2.3.4')).toBe(4);
    expect(ipVersion('::1')).toBe(6);
    expect(ipVersion('::ffff:1.2.3.4')).toBe(6);
    expect(ipVersion('1.2.3')).toBe(0);
    expect(ipVersion('example.test')).toBe(0);
  });
});
