// Picks the agent behind the Agent port.
import { join } from 'node:path';
import type { Agent } from '../core/ports.js';
import { packageRoot } from './prompts.js';
import { ScriptAgent, loadScenario } from './script.js';

export const PROVIDERS = ['claude', 'codex', 'script'] as const;
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
  extraEnv?: string[];
  /** Given to the agent as GITHUB_TOKEN and GH_TOKEN; without it the agent gets no GitHub token. */
  agentGithubToken?: string;
  /** For `claude`: the turn limit of one iteration (default 120). */
  maxTurns?: number;
  /** How many times a transiently failed run is tried again (default 2). */
  retries?: number;
  /** The first wait before a retry; it doubles each time (default 10 s). */
  retryDelayMs?: number;
}

export function defaultScenarioPath(): string {
  return join(packageRoot(), 'scenarios', 'default.json');
}

export async function createAgent(settings: ProviderSettings): Promise<Agent> {
  switch (settings.provider) {
    case 'script':
      return new ScriptAgent(await loadScenario(settings.scriptPath ?? defaultScenarioPath()));
    case 'claude': {
      const { ClaudeAgent } = await import('./claude.js');
      return ClaudeAgent.create(settings);
    }
    case 'codex': {
      const { CodexAgent } = await import('./codex.js');
      return CodexAgent.create(settings);
    }
  }
}
