// The `claude` provider: Claude Code in print mode, stream-json on stdout.
// The workflow and the phase agent go in as an appended system prompt, the
// session context as the prompt on stdin; cost, turns and usage come from the
// final `result` event.
import { isAbsolute, relative, resolve } from 'node:path';
import type { AgentRequest } from '../core/ports.js';
import { errorLine, type AgentCli, type EventReader, type RunReport } from './cli-agent.js';
import type { ProviderSettings } from './settings.js';

export const DEFAULT_MAX_TURNS = 120;

// acceptEdits plus an explicit allow-list runs unattended both as a user and
// as root, where Claude refuses bypassPermissions unless told (IS_SANDBOX) it
// is in a sandbox we cannot promise. Old and new names both (Task became
// Agent, TodoWrite the Task* tools): a name the installed version lacks is inert.
export const CLAUDE_TOOLS = [
  'Bash',
  'Read',
  'Write',
  'Edit',
  'MultiEdit',
  'Glob',
  'Grep',
  'LS',
  'NotebookEdit',
  'TodoWrite',
  'TaskCreate',
  'TaskGet',
  'TaskList',
  'TaskUpdate',
  'TaskStop',
  'Task',
  'Agent',
  'Skill',
  'WebFetch',
  'WebSearch',
];

function isInside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The session context and the instruction for this iteration, given on stdin. */
export function claudePrompt(request: AgentRequest): string {
  return `${request.prompt.context}\n\nDo one iteration of the ${request.phase} phase as your instructions describe, then write ${request.sessionPath}/_signal.json.`;
}

export function claudeArgs(request: AgentRequest, settings: Pick<ProviderSettings, 'model' | 'maxTurns'>): string[] {
  return [
    // The prompt goes in on stdin (claudePrompt): an argument is capped at 128 KiB, and a long issue could pass that.
    '-p',
    '--output-format',
    'stream-json',
    '--verbose',
    '--append-system-prompt',
    `${request.prompt.workflow}\n\n${request.prompt.agent}`,
    ...(settings.model ? ['--model', settings.model] : []),
    '--max-turns',
    String(settings.maxTurns ?? DEFAULT_MAX_TURNS),
    '--permission-mode',
    'acceptEdits',
    '--allowedTools',
    CLAUDE_TOOLS.join(','),
    // acceptEdits covers the working directories only; a session folder kept elsewhere must be one.
    ...(isInside(request.workdir, request.sessionPath) ? [] : ['--add-dir', request.sessionPath]),
  ];
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Reads the final `result` event; every other line is left to the log. */
export function readResultEvent(line: string): RunReport | null {
  if (!line.startsWith('{')) return null;
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (event?.type !== 'result') return null;
  const found: RunReport = {};
  const costUsd = num(event.total_cost_usd);
  if (costUsd !== undefined) found.costUsd = costUsd;
  const turns = num(event.num_turns);
  if (turns !== undefined) found.turns = turns;
  const usage = event.usage as Record<string, unknown> | undefined;
  if (usage && typeof usage === 'object') {
    const cacheReadTokens = num(usage.cache_read_input_tokens);
    const cacheWriteTokens = num(usage.cache_creation_input_tokens);
    found.usage = {
      inputTokens: num(usage.input_tokens) ?? 0,
      outputTokens: num(usage.output_tokens) ?? 0,
      ...(cacheReadTokens !== undefined ? { cacheReadTokens } : {}),
      ...(cacheWriteTokens !== undefined ? { cacheWriteTokens } : {}),
    };
  }
  if (event.is_error === true) {
    // An API failure comes as subtype "success" with is_error; only the text says what happened.
    const errors = Array.isArray(event.errors) ? event.errors.filter((e): e is string => typeof e === 'string') : [];
    const text =
      (typeof event.result === 'string' && event.result.trim()) ||
      errors.join('; ') ||
      (typeof event.terminal_reason === 'string' && event.terminal_reason) ||
      (typeof event.subtype === 'string' && event.subtype) ||
      'claude reported an error';
    found.error = errorLine(text);
  }
  return found;
}

/** The run's report is its last `result` event; none, and it reported nothing. */
class ClaudeEventReader implements EventReader {
  private found: RunReport = {};

  read(line: string): void {
    this.found = readResultEvent(line) ?? this.found;
  }

  report(): RunReport {
    return this.found;
  }
}

export const CLAUDE_CLI: AgentCli = {
  name: 'claude',
  credentialPrefixes: ['ANTHROPIC_', 'CLAUDE_'],
  args: claudeArgs,
  stdin: claudePrompt,
  env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
  newReader: () => new ClaudeEventReader(),
};
