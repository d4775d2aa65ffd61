// The GitHub Copilot CLI through the model gateway, on its bring-your-own-key
// settings (COPILOT_PROVIDER_*): the relay is its provider's base URL, and
// the placeholder its bearer token, which every provider type (openai,
// azure, anthropic) sends as `authorization: Bearer`. The relay puts the
// real credential where that type's API wants it, with the custom headers
// (COPILOT_PROVIDER_HEADERS) that may carry another. The CLI adds the API's
// paths to its base URL, so the relay's root stands for the configured one.
// On Copilot's own service (COPILOT_GITHUB_TOKEN) the relay stands for both
// hosts the CLI calls with that token: api.github.com, for the few sign-in
// paths in COPILOT_GITHUB_PATHS only, and the Copilot API that the sign-in
// answer names. The CLI gets the relay as both addresses and a placeholder
// shaped like a fine-grained token (it refuses a token of another shape).
// No import of engines.ts (an import circle, types or not): the object is checked against EngineGateway where
// engines.ts puts it in its table.

type Credential = { headers: Record<string, string>; from: string } | { unsupported: string } | null;

/** What the CLI asks api.github.com with its token, GET only: where its Copilot API is, the policies, the MCP registry. Nothing else goes there. */
export const COPILOT_GITHUB_PATHS = ['/copilot_internal/user', '/copilot_internal/managed_settings', '/copilot_internal/team_customizations', '/copilot/mcp_registry'];
/** The sign-in answer: its `endpoints.api` is the Copilot API of the token's plan. */
export const COPILOT_USER_PATH = '/copilot_internal/user';
/** The Copilot API until a sign-in answer names the plan's own. */
export const COPILOT_API = 'https://api.githubcopilot.com';

/** Copilot's own service: the CLI holds no provider of its own, only its GitHub token. */
const ownService = (env: NodeJS.ProcessEnv) => !env.COPILOT_PROVIDER_BASE_URL && Boolean(env.COPILOT_GITHUB_TOKEN);

/** api.github.com, or where the workflow sends the CLI's sign-in (its own COPILOT_DEBUG_GITHUB_API_URL). */
function githubApi(env: NodeJS.ProcessEnv): string {
  return (env.COPILOT_DEBUG_GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
}
type ProviderType = 'openai' | 'azure' | 'anthropic';

/** Where each provider type's API takes a key (a bearer token goes in `authorization` for all three). */
const KEY_HEADER: Record<ProviderType, (key: string) => Record<string, string>> = {
  openai: (key) => ({ authorization: `Bearer ${key}` }),
  azure: (key) => ({ 'api-key': key }),
  anthropic: (key) => ({ 'x-api-key': key }),
};

/** `Name: Value` lines (a literal `\n` separates them too, as the CLI reads them); `bad` holds the start of a line that is not one. */
export function providerHeaders(text: string | undefined): Record<string, string> | { bad: string } {
  const headers: Record<string, string> = {};
  for (const line of (text ?? '').split(/\r?\n|\\n/)) {
    if (!line.trim()) continue;
    const match = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (!match) return { bad: line.trim().slice(0, 40) };
    headers[match[1]!.toLowerCase()] = match[2]!;
  }
  return headers;
}

export const COPILOT_GATEWAY = {
  engine: 'copilot',
  // Never used: upstreamIn names the upstream in either mode.
  defaultUpstream: 'https://api.openai.com/v1',
  upstreamVariable: 'COPILOT_PROVIDER_BASE_URL',
  agentPrefix: '',
  errorStyle: 'openai' as const,
  secretVariables: [
    'COPILOT_PROVIDER_API_KEY',
    'COPILOT_PROVIDER_BEARER_TOKEN',
    'COPILOT_PROVIDER_API_KEY_COMMAND',
    'COPILOT_PROVIDER_BASE_URL',
    'COPILOT_PROVIDER_HEADERS',
    'COPILOT_GITHUB_TOKEN',
    // Copilot's own service: the relay is both addresses the CLI gets.
    'COPILOT_DEBUG_GITHUB_API_URL',
    'COPILOT_API_URL',
  ],
  credential(env: NodeJS.ProcessEnv): Credential {
    if (ownService(env)) return { headers: { authorization: `Bearer ${env.COPILOT_GITHUB_TOKEN}` }, from: 'COPILOT_GITHUB_TOKEN' };
    if (!env.COPILOT_PROVIDER_BASE_URL) return null;
    if (env.COPILOT_PROVIDER_GHES_HOST) {
      return { unsupported: 'COPILOT_PROVIDER_GHES_HOST: the model provider is the one the GHES host configures, fetched with its own token; the gateway does not carry it' };
    }
    if (env.COPILOT_PROVIDER_API_KEY_COMMAND) {
      return { unsupported: 'COPILOT_PROVIDER_API_KEY_COMMAND makes a fresh key for each request where the CLI runs; the gateway holds one key: set COPILOT_PROVIDER_API_KEY or COPILOT_PROVIDER_BEARER_TOKEN instead' };
    }
    const type = (env.COPILOT_PROVIDER_TYPE || 'openai').toLowerCase();
    if (type !== 'openai' && type !== 'azure' && type !== 'anthropic') {
      return { unsupported: `COPILOT_PROVIDER_TYPE "${env.COPILOT_PROVIDER_TYPE}" is not one the gateway knows (openai, azure, anthropic)` };
    }
    if ((env.COPILOT_PROVIDER_TRANSPORT ?? '').toLowerCase() === 'websockets') {
      return { unsupported: 'COPILOT_PROVIDER_TRANSPORT=websockets: the gateway relays HTTP requests, not a WebSocket' };
    }
    const custom = providerHeaders(env.COPILOT_PROVIDER_HEADERS);
    if ('bad' in custom) return { unsupported: `COPILOT_PROVIDER_HEADERS has a line that is not "Name: Value" ("${custom.bad}")` };
    // The CLI's order: a bearer token wins over an API key; custom headers win over both.
    const from = env.COPILOT_PROVIDER_BEARER_TOKEN ? 'COPILOT_PROVIDER_BEARER_TOKEN' : env.COPILOT_PROVIDER_API_KEY ? 'COPILOT_PROVIDER_API_KEY' : null;
    const key = from === 'COPILOT_PROVIDER_BEARER_TOKEN' ? { authorization: `Bearer ${env.COPILOT_PROVIDER_BEARER_TOKEN}` } : from ? KEY_HEADER[type](env.COPILOT_PROVIDER_API_KEY!) : {};
    if (!from && Object.keys(custom).length === 0) return null;
    return { headers: { ...key, ...custom }, from: [from, Object.keys(custom).length ? 'COPILOT_PROVIDER_HEADERS' : null].filter(Boolean).join(' and ') };
  },
  agentEnv: (baseUrl: string, placeholder: string, env: NodeJS.ProcessEnv = {}): Record<string, string> =>
    ownService(env)
      ? // Both of its addresses are the relay: the sign-in paths and the Copilot API do not overlap.
        { COPILOT_GITHUB_TOKEN: placeholder, COPILOT_DEBUG_GITHUB_API_URL: baseUrl, COPILOT_API_URL: baseUrl }
      : { COPILOT_PROVIDER_BASE_URL: baseUrl, COPILOT_PROVIDER_BEARER_TOKEN: placeholder },
  upstreamIn: (env: NodeJS.ProcessEnv) => (ownService(env) ? env.COPILOT_API_URL || COPILOT_API : env.COPILOT_PROVIDER_BASE_URL),
  /** The CLI refuses a token not shaped like GitHub's (a classic `ghp_` one too): a fine-grained token's prefix. */
  placeholderPrefix: (env: NodeJS.ProcessEnv) => (ownService(env) ? 'github_pat_samocodegateway' : undefined),
  github: (env: NodeJS.ProcessEnv) => (ownService(env) ? { upstream: githubApi(env), paths: COPILOT_GITHUB_PATHS, ...(env.COPILOT_API_URL ? {} : { discoveryPath: COPILOT_USER_PATH }), dropPrefix: '/telemetry' } : undefined),
  costNote: (env: NodeJS.ProcessEnv) =>
    ownService(env) ? "Copilot's own service bills premium requests, not tokens, and has no dollar price: its tokens are metered, its cost is not, and max-cost-usd cannot hold it" : undefined,
};
