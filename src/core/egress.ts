// Where the agent may connect (DESIGN §6a "Network"): a decision on the name
// a request asks for, made before anything is resolved, then a check of every
// address the name resolved to. Pure: the proxy does the I/O.

/** What the agent reaches without any input: the model API and the common package registries. */
export const DEFAULT_REGISTRIES: readonly string[] = [
  'registry.npmjs.org',
  'registry.yarnpkg.com',
  'pypi.org',
  'files.pythonhosted.org',
  'crates.io',
  'index.crates.io',
  'static.crates.io',
  'proxy.golang.org',
  'sum.golang.org',
  'rubygems.org',
  'index.rubygems.org',
  'repo.maven.apache.org',
  'repo1.maven.org',
  'plugins.gradle.org',
  'services.gradle.org',
  'api.nuget.org',
];

/** The model API each provider's CLI calls (and signs in through), allowed by default while the model gateway does not carry it. */
export const MODEL_API_HOSTS: Readonly<Record<string, readonly string[]>> = {
  claude: ['api.anthropic.com', 'console.anthropic.com'],
  codex: ['api.openai.com', 'auth.openai.com', 'chatgpt.com'],
  gemini: ['generativelanguage.googleapis.com'],
  // Its own GitHub token also calls api.github.com, which is not a default (a token there can publish): allowed-domains.
  copilot: ['*.githubcopilot.com'],
  // opencode's model is whichever provider its config names: allowed-domains.
};

/** Ports a name may be reached on without naming the port. */
export const STANDARD_PORTS: readonly number[] = [443, 80];

export interface AllowRule {
  /** Lower-case name without a trailing dot; for a pattern, the suffix after `*.`. */
  name: string;
  /** `*.suffix`: any name ending in `.suffix` (not the suffix itself). */
  wildcard: boolean;
  /** Set when the rule names a port: that port only; else the standard ports. */
  port?: number;
  /** Where the rule came from, for the log. */
  from: 'default' | 'input';
}

export interface EgressPolicy {
  rules: AllowRule[];
}

export type Refusal =
  | 'not-listed'
  | 'ip-literal'
  | 'look-alike'
  | 'port'
  | 'malformed'
  /** The name resolved to an address the agent may not reach (loopback, private, link-local, metadata, this host's). */
  | 'address'
  | 'unresolved';

export type Decision = { allowed: true } | { allowed: false; refusal: Refusal; detail: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * The name as compared: lower case, one trailing dot dropped. Undefined for
 * anything that is not a plain DNS name (IP literals are told apart first).
 */
export function canonicalName(raw: string): string | undefined {
  const name = raw.toLowerCase().replace(/\.$/, '');
  if (!name || name.length > 253) return undefined;
  const labels = name.split('.');
  return labels.length >= 2 && labels.every((label) => LABEL.test(label)) ? name : undefined;
}

export class AllowListError extends Error {
  override name = 'AllowListError';
}

/** One `allowed-domains` entry: `name`, `*.suffix`, either with `:port`. */
export function parseAllowEntry(entry: string, from: AllowRule['from'] = 'input'): AllowRule {
  const match = /^(\*\.)?([^:*\s]+)(?::(\d{1,5}))?$/.exec(entry.trim());
  const name = match ? canonicalName(match[2]!) : undefined;
  const port = match?.[3] ? Number(match[3]) : undefined;
  if (!match || !name || ipVersion(match[2]!) !== 0 || (port !== undefined && (port < 1 || port > 65535))) {
    throw new AllowListError(
      `allowed-domains: ${JSON.stringify(entry)} is not a name or *.suffix pattern (optionally with :port); IP addresses cannot be allowed`,
    );
  }
  return { name, wildcard: Boolean(match[1]), ...(port !== undefined ? { port } : {}), from };
}

/**
 * The defaults for `provider`, then the input's entries. When the model gateway
 * holds the key the model's hosts are not among the defaults: the agent reaches
 * its model only through the relay, which is not behind the proxy.
 */
export function egressPolicy(provider: string, allowedDomains: string[], modelThroughGateway = false): EgressPolicy {
  const modelHosts = modelThroughGateway ? [] : (MODEL_API_HOSTS[provider] ?? []);
  const defaults = [...modelHosts, ...DEFAULT_REGISTRIES].map((name) => parseAllowEntry(name, 'default'));
  return { rules: [...defaults, ...allowedDomains.filter(Boolean).map((entry) => parseAllowEntry(entry))] };
}

function ruleMatchesName(rule: AllowRule, name: string): boolean {
  return rule.wildcard ? name.endsWith(`.${rule.name}`) : name === rule.name;
}

function ruleMatchesPort(rule: AllowRule, port: number): boolean {
  return rule.port !== undefined ? rule.port === port : STANDARD_PORTS.includes(port);
}

/** A listed name inside `name` that it is not (`registry.npmjs.org.evil.test`, `registry-npmjs.org`). */
function imitates(policy: EgressPolicy, name: string): string | undefined {
  const squash = (text: string) => text.replace(/[^a-z0-9]/g, '');
  for (const rule of policy.rules) {
    if (ruleMatchesName(rule, name)) continue;
    if (name.includes(rule.name) || squash(name).includes(squash(rule.name))) return rule.wildcard ? `*.${rule.name}` : rule.name;
  }
  return undefined;
}

/** The decision on a request's name and port, before any resolving. */
export function decideName(policy: EgressPolicy, rawHost: string, port: number): Decision {
  const host = rawHost.replace(/^\[(.*)\]$/, '$1');
  if (ipVersion(host) !== 0 || /^[0-9.]+$/.test(host) || /^0x/i.test(host)) {
    return { allowed: false, refusal: 'ip-literal', detail: 'an IP address instead of a name' };
  }
  if (/[^\x21-\x7e]/.test(host)) return { allowed: false, refusal: 'look-alike', detail: 'a name with characters outside ASCII' };
  const name = canonicalName(host);
  if (!name) return { allowed: false, refusal: 'malformed', detail: 'not a plain DNS name' };
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { allowed: false, refusal: 'malformed', detail: 'no valid port' };
  const named = policy.rules.filter((rule) => ruleMatchesName(rule, name));
  if (named.some((rule) => ruleMatchesPort(rule, port))) {
    // A punycode label spells another script's look-alike; it passes only when listed exactly.
    if (name.split('.').some((label) => label.startsWith('xn--')) && !named.some((rule) => !rule.wildcard && rule.name === name)) {
      return { allowed: false, refusal: 'look-alike', detail: 'an internationalized (xn--) name under a pattern' };
    }
    return { allowed: true };
  }
  if (named.length) return { allowed: false, refusal: 'port', detail: `port ${port} is not a standard port of a listed name` };
  if (name.split('.').some((label) => label.startsWith('xn--'))) return { allowed: false, refusal: 'look-alike', detail: 'an internationalized (xn--) name' };
  const imitated = imitates(policy, name);
  if (imitated) return { allowed: false, refusal: 'look-alike', detail: `looks like ${imitated} but is not it` };
  return { allowed: false, refusal: 'not-listed', detail: 'not on the allow-list' };
}

/** 4, 6, or 0 when `text` is not an IP address. */
export function ipVersion(text: string): 0 | 4 | 6 {
  if (parseIPv4(text) !== undefined) return 4;
  return parseIPv6(text) ? 6 : 0;
}

function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** Eight 16-bit groups, or undefined. A zone (`%eth0`) is dropped; an embedded IPv4 tail is read. */
function parseIPv6(text: string): number[] | undefined {
  let body = text.replace(/%.*$/, '');
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (v4) {
    const n = parseIPv4(v4[2]!);
    if (n === undefined) return undefined;
    body = `${v4[1]}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  if (!/^[0-9a-f:]+$/i.test(body) || !body.includes(':')) return undefined;
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half ? half.split(':') : []);
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const known = head.length + rest.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return undefined;
  return [...head, ...Array<string>(8 - known).fill('0'), ...rest].map((g) => parseInt(g, 16));
}

/** [network, prefix] pairs the agent never reaches, whatever name leads there. */
const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8], // this network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (carrier NAT; this project's namespace links)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, with the cloud metadata service 169.254.169.254
  ['168.63.129.16', 32], // Azure's platform endpoint (metadata, DNS) on GitHub-hosted runners
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const BLOCKED_V6: [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['fd00:ec2::254', 128], // AWS metadata over IPv6
];

function inV4(ip: number, [net, prefix]: [string, number]): boolean {
  const size = 2 ** (32 - prefix);
  return Math.floor(ip / size) === Math.floor(parseIPv4(net)! / size);
}

function inV6(groups: number[], [net, prefix]: [string, number]): boolean {
  const base = parseIPv6(net)!;
  for (let bit = 0; bit < prefix; bit += 16) {
    const group = bit / 16;
    const bits = Math.min(16, prefix - bit);
    const mask = (0xffff << (16 - bits)) & 0xffff;
    if ((groups[group]! & mask) !== (base[group]! & mask)) return false;
  }
  return true;
}

/** The IPv4 address an IPv6 one carries (mapped, compatible, NAT64 well-known, 6to4), if any. */
function embeddedV4(groups: number[]): number | undefined {
  const v4 = groups[6]! * 65536 + groups[7]!;
  if (groups.slice(0, 5).every((g) => g === 0) && (groups[5] === 0xffff || groups[5] === 0)) return v4;
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) return v4;
  if (groups[0] === 0x2002) return groups[1]! * 65536 + groups[2]!;
  return undefined;
}

/**
 * Why the agent may not reach `address`, or undefined when it may: any
 * non-public range, the metadata endpoints, or one of `ownAddresses`.
 */
export function blockedAddress(address: string, ownAddresses: readonly string[] = []): string | undefined {
  const v4 = parseIPv4(address);
  const v6 = v4 === undefined ? parseIPv6(address) : undefined;
  if (v4 === undefined && !v6) return 'not an IP address';
  const same = (other: string) => {
    const a = parseIPv4(other);
    if (v4 !== undefined) return a === v4;
    const b = parseIPv6(other);
    return Boolean(b && v6!.every((g, i) => g === b[i]));
  };
  if (ownAddresses.some(same)) return `${address} is this host's own address`;
  const asV4 = v4 ?? embeddedV4(v6!);
  if (asV4 !== undefined) {
    const range = BLOCKED_V4.find((r) => inV4(asV4, r));
    if (range) return `${address} is in ${range[0]}/${range[1]} (loopback, private, link-local, metadata or reserved)`;
    if (v4 !== undefined) return undefined;
  }
  const range = BLOCKED_V6.find((r) => inV6(v6!, r));
  return range ? `${address} is in ${range[0]}/${range[1]} (loopback, private, link-local, metadata or reserved)` : undefined;
}

/** The `allowed-domains` line that would let this through, or what would instead. */
export function allowHint(host: string, port: number, refusal: Refusal): string {
  const name = canonicalName(host.replace(/^\[(.*)\]$/, '$1')) ?? host;
  switch (refusal) {
    case 'not-listed':
      return `allowed-domains: ${name}${STANDARD_PORTS.includes(port) ? '' : `:${port}`}`;
    case 'port':
      return `allowed-domains: ${name}:${port}`;
    case 'look-alike':
      return `allowed-domains: ${name} (only if you trust this exact name)`;
    default:
      return 'no allowed-domains line allows this; only agent-network: open would';
  }
}
