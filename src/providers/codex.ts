// The `codex` provider: `codex exec` with JSONL events on stdout. Codex has
// no agent files, so the workflow and the phase agent's instructions lead
// the prompt, followed by the session context. It reports tokens, not cost.
import type { Agent, AgentRequest, AgentResult, TokenUsage } from '../core/ports.js';
import { agentEnv, samocodeVars } from './agent-env.js';
import type { ProviderSettings } from './settings.js';
import { resolveExecutable, runProcess } from './process.js';
import { clip, exitError, runRetrying } from './retry.js';


export function codexPrompt(request: AgentRequest): string {
  const { workflow, agent, context } = request.prompt;
  return [
    workflow,
    `# Your instructions for the ${request.phase} phase\n\n${agent}`,
    context,
    `Do one iteration of the ${request.phase} phase as your instructions describe, then write ${request.sessionPath}/_signal.json.`,
  ].join('\n\n');
}

export function codexArgs(request: AgentRequest, settings: Pick<ProviderSettings, 'model'>): string[] {
  return [
    'exec',
    '--json',
    '--skip-git-repo-check',
    '-C',
    request.workdir,
    // The runner is the sandbox: Codex's own would block the network and the writes outside the workdir an iteration needs.
    '--dangerously-bypass-approvals-and-sandbox',
    ...(settings.model ? ['-m', settings.model] : []),
    codexPrompt(request),
  ];
}

/** What a run's events add up to, keeping nothing else of them. */
export class CodexEvents {
  usage: TokenUsage | undefined;
  lastError: string | undefined;
  turnFailed = false;

  read(line: string): void {
    if (!line.startsWith('{')) return;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (event?.type === 'turn.completed') this.addUsage(event.usage);
    else if (event?.type === 'turn.failed') {
      this.turnFailed = true;
      this.lastError = errorText((event.error as { message?: unknown } | undefined)?.message) ?? this.lastError;
    } else if (event?.type === 'error') this.lastError = errorText(event.message) ?? this.lastError;
  }

  private addUsage(raw: unknown): void {
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
function errorText(message: unknown): string | undefined {
  if (typeof message !== 'string' || message.trim() === '') return undefined;
  try {
    const inner = (JSON.parse(message) as { error?: { message?: unknown } }).error?.message;
    if (typeof inner === 'string' && inner.trim()) return clip(inner);
  } catch {
    // plain text
  }
  return clip(message);
}

export class CodexAgent implements Agent {
  readonly name = 'codex';

  private constructor(
    private readonly executable: string,
    private readonly settings: ProviderSettings,
  ) {}

  static async create(settings: ProviderSettings): Promise<Agent> {
    return new CodexAgent(await resolveExecutable(settings.cliPath ?? 'codex', settings.cliSetting, settings.env), settings);
  }

  run(request: AgentRequest): Promise<AgentResult> {
    return runRetrying(request, this.settings, (once) => this.runOnce(once));
  }

  private async runOnce(request: AgentRequest): Promise<AgentResult> {
    const events = new CodexEvents();
    const outcome = await runProcess({
      executable: this.executable,
      args: codexArgs(request, this.settings),
      cwd: request.workdir,
      env: agentEnv(this.settings.env, {
        credentialPrefixes: ['OPENAI_', 'CODEX_'],
        extra: this.settings.extraEnv,
        githubToken: this.settings.agentGithubToken,
        set: samocodeVars(request.sessionPath, request.phase, request.iteration),
      }),
      timeoutMs: request.timeoutMs,
      log: request.log,
      onLine: (line) => events.read(line),
    });
    // Codex prints "Reconnecting…" errors it then recovers from; they count only when the run failed.
    const failed = outcome.exitCode !== 0 || events.turnFailed;
    const error = exitError('codex', outcome, request.timeoutMs, failed ? events.lastError : undefined);
    return {
      exitCode: outcome.exitCode,
      timedOut: outcome.timedOut,
      ...(events.usage ? { usage: events.usage } : {}),
      ...(error ? { error } : {}),
    };
  }
}
