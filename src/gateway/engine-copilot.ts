// The GitHub Copilot CLI through the model gateway, on its bring-your-own-key
// settings (COPILOT_PROVIDER_*): the relay is its provider's base URL, and
// the placeholder its bearer token, which every provider type (openai,
// azure, anthropic) sends as `authorization: Bearer`. The relay puts the
// real credential where that type's API wants it, with the custom headers
// (COPILOT_PROVIDER_HEADERS) that may carry another. The CLI adds the API's
// paths to its base URL, so the relay's root stands for the configured one.
// No import of engines.ts (an import circle, types or not): the object is checked against EngineGateway where
// engines.ts puts it in its table.

type Credential = { headers: Record<string, string>; from: string } | { unsupported: string } | null;
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
  // Never used: without COPILOT_PROVIDER_BASE_URL the CLI talks to Copilot's own service, which the relay does not carry.
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
    // Not needed on a provider of one's own, and a credential all the same.
    'COPILOT_GITHUB_TOKEN',
  ],
  credential(env: NodeJS.ProcessEnv): Credential {
    if (!env.COPILOT_PROVIDER_BASE_URL) {
      if (env.COPILOT_GITHUB_TOKEN) {
        return {
          unsupported:
            "the Copilot CLI on Copilot's own service signs in with its GitHub token (COPILOT_GITHUB_TOKEN) at api.github.com and then calls the Copilot API with it; the gateway carries its bring-your-own-key settings (COPILOT_PROVIDER_*) only",
        };
      }
      return null;
    }
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
  agentEnv: (baseUrl: string, placeholder: string) => ({ COPILOT_PROVIDER_BASE_URL: baseUrl, COPILOT_PROVIDER_BEARER_TOKEN: placeholder }),
};
