// The `codex` provider: `codex exec` with JSONL events on stdout. Codex has
// no agent files, so the workflow and the phase agent's instructions lead
// the prompt, followed by the session context. It reports tokens, not cost.
import type { AgentRequest, TokenUsage } from '../core/ports.js';
import { errorLine, type AgentCli, type EventReader, type RunReport } from './cli-agent.js';
import type { ProcessOutcome } from './process.js';
import { promptWithInstructions } from './prompts.js';
import type { ProviderSettings } from './settings.js';

/** The whole prompt in one message: the instructions lead, the session context follows. */
export const codexPrompt = promptWithInstructions;

export function codexArgs(request: AgentRequest, settings: Pick<ProviderSettings, 'model' | 'extraArgs'>): string[] {
  return [
    'exec',
    '--json',
    '--skip-git-repo-check',
    '-C',
    request.workdir,
    // The runner is the sandbox: Codex's own would block the network and the writes outside the workdir an iteration needs.
    '--dangerously-bypass-approvals-and-sandbox',
    ...(settings.model ? ['-m', settings.model] : []),
    ...(settings.extraArgs ?? []),
    codexPrompt(request),
  ];
}

/** What a run's events add up to, keeping nothing else of them. */
class CodexEventReader implements EventReader {
  private usage: TokenUsage | undefined;
  private lastError: string | undefined;
  private turnFailed = false;

  read(line: string): void {
    if (!line.startsWith('{')) return;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (event?.type === 'turn.completed') this.addTurnUsage(event.usage);
    else if (event?.type === 'turn.failed') {
      this.turnFailed = true;
      this.lastError = usefulMessage((event.error as { message?: unknown } | undefined)?.message) ?? this.lastError;
    } else if (event?.type === 'error') this.lastError = usefulMessage(event.message) ?? this.lastError;
  }

  report(outcome: ProcessOutcome): RunReport {
    // Codex prints "Reconnecting…" errors it then recovers from; they count only when the run failed.
    const runFailed = outcome.exitCode !== 0 || this.turnFailed;
    return {
      ...(this.usage ? { usage: this.usage } : {}),
      ...(runFailed && this.lastError ? { error: this.lastError } : {}),
    };
  }

  private addTurnUsage(raw: unknown): void {
    if (!raw || typeof raw !== 'object') return;
    const usage = raw as Record<string, unknown>;
    const n = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
    const sum = this.usage ?? { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0 };
    this.usage = {
      inputTokens: sum.inputTokens + n(usage.input_tokens),
      outputTokens: sum.outputTokens + n(usage.output_tokens),
      cacheReadTokens: (sum.cacheReadTokens ?? 0) + n(usage.cached_input_tokens),
    };
  }
}

/** An API error arrives as the response body in a string; its message is the useful part. */
function usefulMessage(message: unknown): string | undefined {
  if (typeof message !== 'string' || message.trim() === '') return undefined;
  try {
    const inner = (JSON.parse(message) as { error?: { message?: unknown } }).error?.message;
    if (typeof inner === 'string' && inner.trim()) return errorLine(inner);
  } catch {
    // plain text
  }
  return errorLine(message);
}

export const CODEX_CLI: AgentCli = {
  name: 'codex',
  credentialPrefixes: ['OPENAI_', 'CODEX_'],
  args: codexArgs,
  newReader: () => new CodexEventReader(),
};
