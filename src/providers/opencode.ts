// The `opencode` provider: `opencode run` with JSON events, for any
// OpenAI-compatible endpoint and the many providers opencode knows (set in
// OPENCODE_CONFIG_CONTENT or its config file; the model as provider/model).
// Its agent files would have to be in the work tree, so the instructions
// lead the prompt, as for Codex. Each step reports its tokens and cost.
import type { AgentRequest, TokenUsage } from '../core/ports.js';
import { apiMessage, count, errorLine, jsonEvent, type AgentCli, type EventReader, type RunReport } from './cli-agent.js';
import type { ProcessOutcome } from './process.js';
import { promptWithInstructions } from './prompts.js';
import type { ProviderSettings } from './settings.js';

export function opencodeArgs(request: AgentRequest, settings: Pick<ProviderSettings, 'model'>): string[] {
  return [
    'run',
    '--format',
    'json',
    // No plugins from outside: only what the CLI ships.
    '--pure',
    // Permissions not denied in its config are granted: the session folder outside the work tree among them.
    '--auto',
    // A title of our own spares the model call that would make one.
    '--title',
    `samocode ${request.phase} ${request.iteration}`,
    ...(settings.model ? ['-m', settings.model] : []),
    promptWithInstructions(request),
  ];
}

class OpencodeEventReader implements EventReader {
  private usage: TokenUsage | undefined;
  private costUsd: number | undefined;
  private steps = 0;
  private error: string | undefined;

  read(line: string): void {
    const event = jsonEvent(line);
    if (event?.type === 'step_finish') this.addStep(event.part as Record<string, any> | undefined);
    else if (event?.type === 'error') {
      const error = event.error as Record<string, any> | undefined;
      const message = error?.data?.message ?? error?.message ?? error?.name;
      if (typeof message === 'string') this.error = apiMessage(message, error?.data?.statusCode);
    }
  }

  report(outcome: ProcessOutcome): RunReport {
    const failed = outcome.exitCode !== 0 || this.error !== undefined;
    return {
      ...(this.usage ? { usage: this.usage } : {}),
      ...(this.costUsd !== undefined ? { costUsd: this.costUsd } : {}),
      ...(this.steps ? { turns: this.steps } : {}),
      ...(failed && this.error ? { error: errorLine(this.error) } : {}),
    };
  }

  private addStep(part: Record<string, any> | undefined): void {
    if (!part) return;
    this.steps++;
    const tokens = (part.tokens ?? {}) as Record<string, any>;
    const sum = this.usage ?? { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
    this.usage = {
      // `input` is the part not read from the cache.
      inputTokens: sum.inputTokens + count(tokens.input),
      outputTokens: sum.outputTokens + count(tokens.output) + count(tokens.reasoning),
      cacheReadTokens: (sum.cacheReadTokens ?? 0) + count(tokens.cache?.read),
      cacheWriteTokens: (sum.cacheWriteTokens ?? 0) + count(tokens.cache?.write),
    };
    if (typeof part.cost === 'number' && Number.isFinite(part.cost)) this.costUsd = (this.costUsd ?? 0) + part.cost;
  }
}

export const OPENCODE_CLI: AgentCli = {
  name: 'opencode',
  // Its own settings and the usual providers' keys; another provider's key is added with `agent-env`.
  credentialPrefixes: ['OPENCODE_', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENROUTER_API_KEY'],
  args: opencodeArgs,
  // Nothing fetched that a run does not need: no self-update, no model catalogue, no language servers.
  env: { OPENCODE_DISABLE_AUTOUPDATE: 'true', OPENCODE_DISABLE_MODELS_FETCH: 'true', OPENCODE_DISABLE_LSP_DOWNLOAD: 'true', OPENCODE_DISABLE_SHARE: 'true' },
  newReader: () => new OpencodeEventReader(),
};
