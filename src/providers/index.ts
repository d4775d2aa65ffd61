// Picks the agent behind the Agent port.
import { join } from 'node:path';
import type { Agent } from '../core/ports.js';
import type { AgentCli } from './cli-agent.js';
import { packageRoot } from './prompts.js';
import { ScriptAgent, loadScenario } from './script.js';
import type { ProviderSettings } from './settings.js';

export { PROVIDERS, isProvider, type ProviderName, type ProviderSettings } from './settings.js';

export function defaultScenarioPath(): string {
  return join(packageRoot(), 'scenarios', 'default.json');
}

type CliProvider = Exclude<ProviderSettings['provider'], 'script'>;

/** A CLI's code is loaded only when it is the one used: a dry run loads none. */
async function agentCli(provider: CliProvider): Promise<AgentCli> {
  switch (provider) {
    case 'claude':
      return (await import('./claude.js')).CLAUDE_CLI;
    case 'codex':
      return (await import('./codex.js')).CODEX_CLI;
    case 'gemini':
      return (await import('./gemini.js')).GEMINI_CLI;
    case 'copilot':
      return (await import('./copilot.js')).COPILOT_CLI;
    case 'opencode':
      return (await import('./opencode.js')).OPENCODE_CLI;
  }
}

export async function createAgent(settings: ProviderSettings): Promise<Agent> {
  switch (settings.provider) {
    case 'script':
      return new ScriptAgent(await loadScenario(settings.scriptPath ?? defaultScenarioPath()));
    case 'claude':
    case 'codex':
    case 'gemini':
    case 'copilot':
    case 'opencode': {
      const { CliAgent } = await import('./cli-agent.js');
      return CliAgent.create(await agentCli(settings.provider), settings);
    }
  }
}
