// What the relay needs to know of each engine: where its upstream is, which
// credential from the orchestrator's environment goes in which header, and
// how its CLI is pointed at the relay with a placeholder key. A new engine
// is a new entry here; the relay itself speaks every protocol in meter.ts.
import { OPENCODE } from './engine-opencode.js';
import { GEMINI } from './engine-gemini.js';
import { COPILOT_GATEWAY } from './engine-copilot.js';

export interface UpstreamAuth {
  /** Headers set on every forwarded request, e.g. `x-api-key` or `authorization`. */
  headers: Record<string, string>;
  /** Values added to a comma-separated header the CLI sends (`anthropic-beta` for an OAuth token). */
  append?: Record<string, string>;
  /** The variable the credential came from, for the log. */
  from: string;
}

/**
 * A GitHub API the relay stands for beside the model's (Copilot's sign-in):
 * GET of the listed paths only, with the same credential; nothing else of
 * that API goes through.
 */
export interface GitHubRoute {
  upstream: string;
  paths: string[];
  /** The answer at this path names the model API (`endpoints.api`): the relay's upstream from then on, and the relay itself in the answer the agent reads. */
  discoveryPath?: string;
  /** Requests under this prefix are answered 204 and go nowhere (telemetry, which the CLI sends without a key). */
  dropPrefix?: string;
}

export type ErrorStyle = 'anthropic' | 'openai' | 'gemini';

export interface EngineGateway {
  engine: string;
  /** The upstream when the workflow configured none. */
  defaultUpstream: string;
  /** The variable a workflow sets to send the CLI elsewhere (a LiteLLM proxy, a company gateway): the relay's upstream then. */
  upstreamVariable: string;
  /** What the CLI puts between its base URL and the API's paths: the relay strips it before the upstream's own base path. */
  agentPrefix: string;
  errorStyle: ErrorStyle;
  /** Every variable that holds a credential or an upstream address: none reaches the agent. */
  secretVariables: string[];
  /** The real credential in the orchestrator's environment, or why the relay cannot carry this engine's calls. */
  credential(env: NodeJS.ProcessEnv): UpstreamAuth | { unsupported: string } | null;
  /** The variables that point the CLI at the relay, with the placeholder as its key (`env`: the orchestrator's, for a CLI configured through one). */
  agentEnv(baseUrl: string, placeholder: string, env?: NodeJS.ProcessEnv): Record<string, string>;
  /** The upstream, for a CLI whose configuration names it rather than `upstreamVariable` alone (opencode's provider entry). */
  upstreamIn?(env: NodeJS.ProcessEnv): string | undefined;
  /** Credential variables the configuration itself names (opencode's `{env:VAR}`): hidden from the agent as `secretVariables` are. */
  secretVariablesIn?(env: NodeJS.ProcessEnv): string[];
  /** Arguments that do the same for a CLI that reads no variable for it. */
  agentArgs?(baseUrl: string): string[];
  /** How the placeholder starts, for a CLI that refuses a key not shaped like its vendor's. */
  placeholderPrefix?(env: NodeJS.ProcessEnv): string | undefined;
  /** A GitHub API the relay also stands for, with the same credential. */
  github?(env: NodeJS.ProcessEnv): GitHubRoute | undefined;
  /** Set when the engine's calls have no dollar price: why, for the log; the relay then counts tokens, no cost, and holds no budget. */
  costNote?(env: NodeJS.ProcessEnv): string | undefined;
}

const truthy = (value: string | undefined) => value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';

const CLAUDE: EngineGateway = {
  engine: 'claude',
  defaultUpstream: 'https://api.anthropic.com',
  upstreamVariable: 'ANTHROPIC_BASE_URL',
  agentPrefix: '',
  errorStyle: 'anthropic',
  secretVariables: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_CUSTOM_HEADERS'],
  credential(env): UpstreamAuth | { unsupported: string } | null {
    if (truthy(env.CLAUDE_CODE_USE_BEDROCK) || truthy(env.CLAUDE_CODE_USE_VERTEX)) {
      return { unsupported: 'Claude Code on Bedrock or Vertex talks to the cloud with its own signed requests; the gateway does not sign them yet' };
    }
    if (env.ANTHROPIC_API_KEY) return { headers: { 'x-api-key': env.ANTHROPIC_API_KEY }, from: 'ANTHROPIC_API_KEY' };
    if (env.ANTHROPIC_AUTH_TOKEN) return { headers: { authorization: `Bearer ${env.ANTHROPIC_AUTH_TOKEN}` }, from: 'ANTHROPIC_AUTH_TOKEN' };
    // Claude Code's subscription token (`claude setup-token`): a bearer token the API takes with the OAuth beta.
    if (env.CLAUDE_CODE_OAUTH_TOKEN) {
      return { headers: { authorization: `Bearer ${env.CLAUDE_CODE_OAUTH_TOKEN}` }, append: { 'anthropic-beta': 'oauth-2025-04-20' }, from: 'CLAUDE_CODE_OAUTH_TOKEN' };
    }
    return null;
  },
  agentEnv: (baseUrl, placeholder) => ({ ANTHROPIC_BASE_URL: baseUrl, ANTHROPIC_API_KEY: placeholder }),
};

/** Codex reads no base-URL variable: a model provider of its own, given with `-c`, points it at the relay. */
const CODEX_PROVIDER = 'samocode_gateway';

const CODEX: EngineGateway = {
  engine: 'codex',
  defaultUpstream: 'https://api.openai.com/v1',
  upstreamVariable: 'OPENAI_BASE_URL',
  agentPrefix: '/v1',
  errorStyle: 'openai',
  secretVariables: ['OPENAI_API_KEY', 'CODEX_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_ORG_ID', 'OPENAI_PROJECT_ID'],
  credential(env): UpstreamAuth | null {
    const key = env.CODEX_API_KEY ? 'CODEX_API_KEY' : env.OPENAI_API_KEY ? 'OPENAI_API_KEY' : null;
    return key ? { headers: { authorization: `Bearer ${env[key]}` }, from: key } : null;
  },
  agentEnv: (_baseUrl, placeholder) => ({ OPENAI_API_KEY: placeholder }),
  agentArgs: (baseUrl) => [
    '-c',
    `model_provider="${CODEX_PROVIDER}"`,
    '-c',
    `model_providers.${CODEX_PROVIDER}={ name = "samocode model gateway", base_url = "${baseUrl}", env_key = "OPENAI_API_KEY", wire_api = "responses" }`,
  ],
};

export const ENGINES: Record<string, EngineGateway> = { claude: CLAUDE, codex: CODEX, copilot: COPILOT_GATEWAY, gemini: GEMINI, opencode: OPENCODE };

export function engineGateway(provider: string): EngineGateway | undefined {
  return ENGINES[provider];
}
