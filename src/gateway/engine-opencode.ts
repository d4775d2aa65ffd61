// opencode through the model gateway. opencode reads no base-URL or key
// variable of its own: its providers live in its configuration, here
// OPENCODE_CONFIG_CONTENT. The gateway takes the one provider there that
// holds a credential (its key, literal or `{env:VAR}`, and its headers),
// makes that provider's baseURL the relay's upstream, and hands the CLI the
// same configuration with the relay's address and the placeholder in their
// place. What it cannot rewrite faithfully it refuses, saying why.
//
// engines.ts imports this entry into its table, so this file names none of
// its types (a circle, even of types): the table's type checks the entry.

/** The provider packages that speak the OpenAI wire protocols (Chat Completions, Responses) with a bearer key. */
const OPENAI_PACKAGES = ['@ai-sdk/openai-compatible', '@ai-sdk/openai'];
/** Providers opencode knows by name, whose package a config need not repeat. */
const KNOWN_PACKAGE: Record<string, string> = { openai: '@ai-sdk/openai' };
const OPENAI_API = 'https://api.openai.com/v1';
const ENV_REFERENCE = /\{env:([^}]+)\}/g;

type Json = Record<string, unknown>;
/** The relay's credential, as engines.ts's UpstreamAuth has it. */
interface Credential {
  headers: Record<string, string>;
  from: string;
}
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The provider the relay stands in for, as read from the workflow's configuration. */
export interface RelayedProvider {
  id: string;
  upstream: string;
  auth: Credential;
  /** The variables its `{env:…}` references read: they hold the credential, so the agent gets none of them. */
  variables: string[];
  /** The parsed configuration, to be handed on rewritten. */
  config: Json;
}

/** The relayed provider, null when the configuration holds no credential, or why the gateway cannot carry it. */
export function relayedProvider(env: NodeJS.ProcessEnv): RelayedProvider | { unsupported: string } | null {
  const content = env.OPENCODE_CONFIG_CONTENT;
  if (!content?.trim()) return null;
  let config: unknown;
  try {
    config = JSON.parse(content);
  } catch {
    return { unsupported: 'OPENCODE_CONFIG_CONTENT is not plain JSON (opencode also takes comments and trailing commas; the gateway, which must rewrite it, does not)' };
  }
  if (!isObject(config)) return { unsupported: 'OPENCODE_CONFIG_CONTENT is not a JSON object' };
  const providers = isObject(config.provider) ? config.provider : {};
  const keyed = Object.entries(providers).filter(([, entry]) => isObject(entry) && holdsCredential(entry));
  if (keyed.length === 0) return null;
  if (keyed.length > 1) {
    return { unsupported: `OPENCODE_CONFIG_CONTENT gives credentials to ${keyed.length} providers (${keyed.map(([id]) => id).join(', ')}); the gateway holds one: keep only the provider of the model` };
  }
  const [id, entry] = keyed[0] as [string, Json];
  const options = entry.options as Json;
  const npm = typeof entry.npm === 'string' ? entry.npm : KNOWN_PACKAGE[id];
  if (!npm || !OPENAI_PACKAGES.includes(npm)) {
    return {
      unsupported: `opencode's provider "${id}" ${npm ? `uses ${npm}` : 'names no npm package'}; the gateway relays OpenAI-compatible providers (npm ${OPENAI_PACKAGES.join(' or ')}) only`,
    };
  }
  if (JSON.stringify(options).includes('{file:')) {
    return { unsupported: `opencode's provider "${id}" reads a file ({file:…}) in its options; give its key in the configuration or as {env:VAR}` };
  }
  const variables = new Set<string>();
  const resolve = (text: string): string | { missing: string } => {
    let missing: string | undefined;
    const resolved = text.replace(ENV_REFERENCE, (_all, name: string) => {
      variables.add(name);
      const value = env[name];
      if (!value) missing ??= name;
      return value ?? '';
    });
    return missing ? { missing } : resolved;
  };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(isObject(options.headers) ? options.headers : {})) {
    if (typeof value !== 'string') return { unsupported: `opencode's provider "${id}" has a header "${name}" that is not text` };
    const resolved = resolve(value);
    if (typeof resolved !== 'string') return { unsupported: `opencode's provider "${id}": its header "${name}" reads ${resolved.missing}, which is not set` };
    headers[name.toLowerCase()] = resolved;
  }
  let key: string | undefined;
  if (typeof options.apiKey === 'string' && options.apiKey !== '') {
    const resolved = resolve(options.apiKey);
    if (typeof resolved !== 'string') return { unsupported: `opencode's provider "${id}": its apiKey reads ${resolved.missing}, which is not set` };
    key = resolved;
    headers.authorization = `Bearer ${key}`;
  }
  // Named in the log: where the credential came from (before the baseURL's own variables join the hidden ones).
  const from = variables.size ? [...variables].join(', ') : 'OPENCODE_CONFIG_CONTENT';
  const base = typeof options.baseURL === 'string' && options.baseURL !== '' ? resolve(options.baseURL) : npm === '@ai-sdk/openai' ? OPENAI_API : undefined;
  if (base === undefined) return { unsupported: `opencode's provider "${id}" has no options.baseURL to relay to` };
  if (typeof base !== 'string') return { unsupported: `opencode's provider "${id}": its baseURL reads ${base.missing}, which is not set` };
  if (!/^https?:\/\/[^/]/.test(base)) return { unsupported: `opencode's provider "${id}" has a baseURL that is not an http(s) URL: "${base}"` };
  return { id, upstream: base, auth: { headers, from: `${from} (opencode's provider "${id}")` }, variables: [...variables], config };
}

/** Whether a provider entry carries something the relay must hold: a key, or headers (which may be one). */
function holdsCredential(entry: Json): boolean {
  const options = entry.options;
  if (!isObject(options)) return false;
  return (typeof options.apiKey === 'string' && options.apiKey !== '') || (isObject(options.headers) && Object.keys(options.headers).length > 0);
}

/** The configuration the CLI gets: the relayed provider at the relay with the placeholder, its headers left with the relay. */
export function agentConfig(relayed: RelayedProvider, baseUrl: string, placeholder: string): string {
  const providers = relayed.config.provider as Json;
  const entry = providers[relayed.id] as Json;
  const { headers: _held, ...options } = entry.options as Json;
  const text = JSON.stringify({ ...relayed.config, provider: { ...providers, [relayed.id]: { ...entry, options: { ...options, baseURL: baseUrl, apiKey: placeholder } } } });
  // A credential written a second time elsewhere in the configuration would reach the agent: refused, not handed on.
  for (const value of Object.values(relayed.auth.headers)) {
    const secret = value.replace(/^Bearer\s+/i, '');
    if (secret.length >= 8 && text.includes(secret)) throw new Error(`OPENCODE_CONFIG_CONTENT holds provider "${relayed.id}"'s credential in another place too; the gateway cannot keep it from the agent`);
  }
  return text;
}

export const OPENCODE = {
  engine: 'opencode',
  defaultUpstream: OPENAI_API,
  upstreamVariable: 'OPENCODE_CONFIG_CONTENT',
  agentPrefix: '',
  errorStyle: 'openai' as const,
  secretVariables: ['OPENCODE_CONFIG_CONTENT'],
  credential(env: NodeJS.ProcessEnv): Credential | { unsupported: string } | null {
    const relayed = relayedProvider(env);
    if (relayed === null || 'unsupported' in relayed) return relayed;
    try {
      agentConfig(relayed, 'http://relay', 'placeholder');
    } catch (error) {
      return { unsupported: (error as Error).message };
    }
    return relayed.auth;
  },
  upstreamIn(env: NodeJS.ProcessEnv): string | undefined {
    const relayed = relayedProvider(env);
    return relayed && !('unsupported' in relayed) ? relayed.upstream : undefined;
  },
  secretVariablesIn(env: NodeJS.ProcessEnv): string[] {
    const relayed = relayedProvider(env);
    return relayed && !('unsupported' in relayed) ? relayed.variables : [];
  },
  agentEnv(baseUrl: string, placeholder: string, env: NodeJS.ProcessEnv = {}): Record<string, string> {
    const relayed = relayedProvider(env);
    if (relayed === null || 'unsupported' in relayed) throw new Error(`opencode through the model gateway: ${relayed?.unsupported ?? 'OPENCODE_CONFIG_CONTENT holds no provider with a key'}`);
    return { OPENCODE_CONFIG_CONTENT: agentConfig(relayed, baseUrl, placeholder) };
  },
};
