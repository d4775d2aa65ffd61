// Which agent to run and how: what the entries read from their inputs and
// hand to `createAgent`. Its own file so that the providers need not import
// the picker that imports them.
import type { EnvPolicy } from './agent-env.js';
import type { AgentIdentity } from './agent-user.js';
import type { AgentSandbox } from './agent-sandbox.js';

export const PROVIDERS = ['claude', 'codex', 'gemini', 'copilot', 'opencode', 'script'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export function isProvider(value: string): value is ProviderName {
  return (PROVIDERS as readonly string[]).includes(value);
}

export interface ProviderSettings {
  provider: ProviderName;
  /** For `script`: the scenario file; the shipped walk-through when unset. */
  scriptPath?: string;
  cliPath?: string;
  model?: string;
  /** The setting a user changes to point at the CLI, for error messages. */
  cliSetting: string;
  env: NodeJS.ProcessEnv;
  /** `inherit`: the agent gets all of `env` but the runner's credentials (terminal mode); default `allow-list`. */
  envPolicy?: EnvPolicy;
  extraEnv?: string[];
  /** Given to the agent as GITHUB_TOKEN and GH_TOKEN; without it the agent gets no GitHub token. */
  agentGithubToken?: string;
  /** For `claude`: the turn limit of one iteration (default 120). */
  maxTurns?: number;
  /** How many times a transiently failed run is tried again (default 2). */
  retries?: number;
  /** The first wait before a retry; it doubles each time (default 10 s). */
  retryDelayMs?: number;
  /** Arguments the CLI gets besides its own (the model gateway's for a CLI that reads no variable for it). */
  extraArgs?: string[];
  /** A reason no try can succeed any more (the model gateway refused or is gone): a failed run is then not tried again. */
  stopRetrying?: () => string | undefined;
  /** Run the CLI as this user (GitHub mode's agent-user); unset runs it as the orchestrator's user. */
  identity?: AgentIdentity;
  /** Run the CLI in the run's sandbox (GitHub mode's agent-network and filesystem view). */
  sandbox?: AgentSandbox;
}
