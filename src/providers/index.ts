// Picks the agent behind the Agent port.
import { join } from 'node:path';
import type { Agent } from '../core/ports.js';
import { packageRoot } from './prompts.js';
import { ScriptAgent, loadScenario } from './script.js';
import type { ProviderSettings } from './settings.js';

export { PROVIDERS, isProvider, type ProviderName, type ProviderSettings } from './settings.js';

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
