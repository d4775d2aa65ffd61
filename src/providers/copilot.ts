// The `copilot` provider: the GitHub Copilot CLI headless (`-p`, all tools
// allowed, JSON events). It takes no agent file from outside the work tree,
// so the instructions lead the prompt, as for Codex. Tokens come from the
// usage file it writes at the end (`--usage-output-file`, in the call's
// folder); it reports premium requests, not dollars. Its credential is its
// own: COPILOT_GITHUB_TOKEN, or bring-your-own-key (COPILOT_PROVIDER_*);
// the workflow's token never reaches it (agent-env's NEVER list).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentRequest, TokenUsage } from '../core/ports.js';
import { apiMessage, count, errorLine, isInside, jsonEvent, type AgentCli, type CallFolder, type EventReader, type RunReport } from './cli-agent.js';
import type { ProcessOutcome } from './process.js';
import { promptWithInstructions } from './prompts.js';
import type { ProviderSettings } from './settings.js';

export const USAGE_FILE = 'usage.json';

export function copilotArgs(request: AgentRequest, settings: Pick<ProviderSettings, 'model'>, call: CallFolder): string[] {
  return [
    '-p',
    promptWithInstructions(request),
    '--allow-all-tools',
    '--no-auto-update',
    '--output-format',
    'json',
    // Its built-in GitHub MCP server would want a GitHub token the agent does not get.
    '--disable-builtin-mcps',
    '--usage-output-file',
    join(call.dir, USAGE_FILE),
    ...(settings.model ? ['--model', settings.model] : []),
    ...(isInside(request.workdir, request.sessionPath) ? [] : ['--add-dir', request.sessionPath]),
  ];
}

/** Tokens summed over the models of a usage file; input without its cached part. */
export function usageFromFile(text: string): TokenUsage | undefined {
  let file: { modelMetrics?: Record<string, { usage?: Record<string, unknown> }> };
  try {
    file = JSON.parse(text) as typeof file;
  } catch {
    return undefined;
  }
  const models = Object.values(file.modelMetrics ?? {});
  if (models.length === 0) return undefined;
  const sum = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  for (const { usage = {} } of models) {
    const cacheRead = count(usage.cacheReadTokens);
    const cacheWrite = count(usage.cacheWriteTokens);
    sum.inputTokens += Math.max(0, count(usage.inputTokens) - cacheRead - cacheWrite);
    sum.outputTokens += count(usage.outputTokens);
    sum.cacheReadTokens += cacheRead;
    sum.cacheWriteTokens += cacheWrite;
  }
  return sum;
}

class CopilotEventReader implements EventReader {
  private error: string | undefined;

  constructor(private readonly call: CallFolder) {}

  read(line: string): void {
    const event = jsonEvent(line);
    if (event?.type === 'session.error' && typeof event.data?.message === 'string') this.error = apiMessage(event.data.message);
  }

  report(outcome: ProcessOutcome): RunReport {
    let usage: TokenUsage | undefined;
    try {
      usage = usageFromFile(readFileSync(join(this.call.dir, USAGE_FILE), 'utf8'));
    } catch {
      // not written: killed, or it never started
    }
    const failed = outcome.exitCode !== 0;
    return {
      ...(usage ? { usage } : {}),
      ...(failed && this.error ? { error: errorLine(this.error) } : {}),
    };
  }
}

export const COPILOT_CLI: AgentCli = {
  name: 'copilot',
  credentialPrefixes: ['COPILOT_'],
  args: copilotArgs,
  newReader: (call) => new CopilotEventReader(call),
};
