// The `gemini` provider: the Gemini CLI headless (`-p`, `--yolo`,
// stream-json). The workflow and the phase prompt replace the CLI's system
// prompt through GEMINI_SYSTEM_MD, a file of the call; the session context
// and the instruction are the prompt. Tokens come from the stream's final
// `result` stats; the CLI reports no cost.
import { join } from 'node:path';
import type { AgentRequest, TokenUsage } from '../core/ports.js';
import { apiMessage, count, errorLine, isInside, jsonEvent, type AgentCli, type CallFolder, type EventReader, type RunReport } from './cli-agent.js';
import { ENGINES } from './engines.js';
import type { ProcessOutcome } from './process.js';
import type { ProviderSettings } from './settings.js';

const SYSTEM_MD = 'system.md';
const HOME = 'home';

export function geminiPrompt(request: AgentRequest): string {
  return `${request.prompt.context}\n\nDo one iteration of the ${request.phase} phase as your instructions describe, then write ${request.sessionPath}/_signal.json.`;
}

export function geminiArgs(request: AgentRequest, settings: Pick<ProviderSettings, 'model'>): string[] {
  return [
    '-p',
    geminiPrompt(request),
    // Tools approved; headless, yolo holds only in a trusted workspace (GEMINI_CLI_TRUST_WORKSPACE below).
    '--yolo',
    '--output-format',
    'stream-json',
    // Without a model the CLI first asks a router model which one to use: a call more per turn.
    ...(settings.model ? ['-m', settings.model] : []),
    // Paths outside the workspace are refused: a session folder kept elsewhere must be included.
    ...(isInside(request.workdir, request.sessionPath) ? [] : ['--include-directories', request.sessionPath]),
  ];
}

/**
 * The phase agent as the system prompt, and, where the model API's address is
 * set (a gateway, a stand-in), a home whose settings choose the API key: with
 * GOOGLE_GEMINI_BASE_URL alone the CLI picks an auth method it then refuses.
 */
export function geminiCall(request: AgentRequest, _settings: ProviderSettings, call: CallFolder, env: Record<string, string>) {
  const files: Record<string, string> = { [SYSTEM_MD]: `${request.prompt.workflow}\n\n${request.prompt.agent}\n` };
  const set: Record<string, string> = { GEMINI_SYSTEM_MD: join(call.dir, SYSTEM_MD), GEMINI_CLI_TRUST_WORKSPACE: 'true' };
  if (env[ENGINES.gemini.api.baseUrlEnv]) {
    files[join(HOME, '.gemini', 'settings.json')] = `${JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } }, privacy: { usageStatisticsEnabled: false } }, null, 2)}\n`;
    set.GEMINI_CLI_HOME = join(call.dir, HOME);
  }
  return { files, env: set };
}

/** The final `result` event: its stats, and its error when the run failed. */
class GeminiEventReader implements EventReader {
  private usage: TokenUsage | undefined;
  private error: string | undefined;

  read(line: string): void {
    const event = jsonEvent(line);
    if (event?.type === 'result') {
      const stats = event.stats as Record<string, unknown> | undefined;
      if (stats && typeof stats === 'object') {
        const cached = count(stats.cached);
        // `input_tokens` counts the cached part too; `input` is the rest.
        const input = typeof stats.input === 'number' ? count(stats.input) : Math.max(0, count(stats.input_tokens) - cached);
        this.usage = { inputTokens: input, outputTokens: count(stats.output_tokens), cacheReadTokens: cached };
      }
      if (event.status === 'error') this.error = apiMessage(String(event.error?.message ?? 'gemini reported an error'));
    } else if (event?.type === 'error' && typeof event.message === 'string' && event.severity !== 'warning') {
      this.error = apiMessage(event.message);
    }
  }

  report(outcome: ProcessOutcome): RunReport {
    const failed = outcome.exitCode !== 0 || this.error !== undefined;
    return {
      ...(this.usage ? { usage: this.usage } : {}),
      ...(failed && this.error ? { error: errorLine(this.error) } : {}),
    };
  }
}

export const GEMINI_CLI: AgentCli = {
  name: 'gemini',
  credentialPrefixes: ['GEMINI_', 'GOOGLE_GEMINI_'],
  args: geminiArgs,
  prepareCall: geminiCall,
  newReader: () => new GeminiEventReader(),
};
