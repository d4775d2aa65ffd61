// The `claude` provider: Claude Code in print mode, stream-json on stdout.
// The workflow and the phase prompt go in as the phase agent (in place of the
// CLI's own system prompt), the session context as the prompt on stdin; cost, turns and usage come from the
// final `result` event.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stableContext } from '../core/context.js';
import { PHASE_SKILLS, type Phase } from '../core/phases.js';
import type { AgentRequest } from '../core/ports.js';
import { errorLine, isInside, type AgentCli, type EventReader, type RunReport } from './cli-agent.js';
import { claudeConfigDir, MANIFEST } from './claude-install.js';
import type { ProviderSettings } from './settings.js';

export const DEFAULT_MAX_TURNS = 120;

// What each phase may use, passed as both --tools (the definitions the CLI
// sends on every call: a tool not listed is not sent) and --allowedTools
// (acceptEdits plus an explicit allow-list runs unattended both as a user and
// as root, where Claude refuses bypassPermissions unless told it is in a
// sandbox we cannot promise). Every phase reads, searches, writes and runs
// commands, and may use the skills its prompt names; investigation and
// planning may also look things up on the web. No phase prompt asks for
// sub-agents, to-do lists or notebooks.
// Searching is Bash's (grep, find): the Glob and Grep definitions cost 4 KB a
// call for nothing Bash lacks. Init changes no code, only the small notebook,
// which Write rewrites whole: no Edit, whose definition is 1 KB a call. Skill
// only where `samocode install` has put the skills and the phase uses one:
// otherwise it offers only the CLI's own, which no phase uses.
const BASE_TOOLS = ['Bash', 'Read', 'Write', 'Edit'];
const WEB_TOOLS = ['WebFetch', 'WebSearch'];

export function claudeTools(phase: Phase, skillsInstalled = false): string[] {
  const base = phase === 'init' ? BASE_TOOLS.filter((tool) => tool !== 'Edit') : BASE_TOOLS;
  return [...base, ...(skillsInstalled && PHASE_SKILLS[phase].length > 0 ? ['Skill'] : []), ...(phase === 'investigation' || phase === 'planning' ? WEB_TOOLS : [])];
}

/** Every tool some phase gets. */
export const CLAUDE_TOOLS = [...BASE_TOOLS, 'Skill', ...WEB_TOOLS];

/** Whether `samocode install` wrote its skills where this CLI looks. */
export function skillsInstalled(env: NodeJS.ProcessEnv | undefined): boolean {
  return env !== undefined && existsSync(join(claudeConfigDir(env), MANIFEST));
}

// Skills that ship inside the CLI as plugins, which disableBundledSkills leaves listed.
const CLI_PLUGIN_SKILLS = ['plugin-authoring'];

function names(dir: string, suffix = ''): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith(suffix) && !name.startsWith('.'))
      .map((name) => name.slice(0, name.length - suffix.length));
  } catch {
    return [];
  }
}

/**
 * Settings for one call that leave only the phase's own skills in the list
 * the CLI adds to every request: every other skill or command found in the
 * CLI's config folder and the project's `.claude` is turned off by name, and
 * the CLI's bundled ones altogether. Sorted, so the same phase gets the same bytes.
 */
export function skillSettings(phase: Phase, workdir: string, env: NodeJS.ProcessEnv | undefined): string {
  const wanted = new Set(PHASE_SKILLS[phase]);
  const found = new Set(CLI_PLUGIN_SKILLS);
  for (const dir of [claudeConfigDir(env), join(workdir, '.claude')]) {
    for (const name of names(join(dir, 'skills'))) found.add(name);
    for (const name of names(join(dir, 'commands'), '.md')) found.add(name);
  }
  const off = [...found].filter((name) => !wanted.has(name)).sort();
  return JSON.stringify({ disableBundledSkills: true, skillOverrides: Object.fromEntries(off.map((name) => [name, 'off'])) });
}

/**
 * The session context and the instruction for this iteration, given on
 * stdin. The CLI sends its environment block after it, so the context is the
 * stable one: the same bytes on every iteration of a phase.
 */
export function claudePrompt(request: AgentRequest): string {
  return `${stableContext(request.prompt.context)}\n\nDo one iteration of the ${request.phase} phase as your instructions describe, then write ${request.sessionPath}/_signal.json.`;
}

/** The phase agent's name in --agents. */
export const agentName = (phase: Phase) => `samocode-${phase}`;

/**
 * The phase agent, given inline with --agents and chosen with --agent: its
 * prompt (the workflow, then the phase's) replaces the CLI's own system
 * prompt, and stays byte-identical between the iterations of one phase.
 */
export function claudeAgents(request: AgentRequest): string {
  const { phase, prompt: { workflow, agent } } = request;
  if (lastAgents?.phase === phase && lastAgents.workflow === workflow && lastAgents.agent === agent) return lastAgents.json;
  const prompt = `${workflow}\n\n${agent}`;
  const json = JSON.stringify({ [agentName(phase)]: { description: `The ${phase} phase of a samocode session.`, prompt } });
  lastAgents = { phase, workflow, agent, json };
  return json;
}
let lastAgents: { phase: Phase; workflow: string; agent: string; json: string } | undefined;

export function claudeArgs(request: AgentRequest, settings: Pick<ProviderSettings, 'model' | 'maxTurns' | 'extraArgs'> & { env?: NodeJS.ProcessEnv }): string[] {
  const list = claudeTools(request.phase, skillsInstalled(settings.env));
  const withSkills = list.includes('Skill');
  const tools = list.join(',');
  return [
    // The prompt goes in on stdin (claudePrompt): an argument is capped at 128 KiB, and a long issue could pass that.
    '-p',
    '--output-format',
    'stream-json',
    '--verbose',
    '--agents',
    claudeAgents(request),
    '--agent',
    agentName(request.phase),
    ...(settings.model ? ['--model', settings.model] : []),
    '--max-turns',
    String(settings.maxTurns ?? DEFAULT_MAX_TURNS),
    '--permission-mode',
    'acceptEdits',
    '--tools',
    tools,
    '--allowedTools',
    tools,
    ...(withSkills ? ['--settings', skillSettings(request.phase, request.workdir, settings.env)] : []),
    // acceptEdits covers the working directories only; a session folder kept elsewhere must be one.
    ...(isInside(request.workdir, request.sessionPath) ? [] : ['--add-dir', request.sessionPath]),
    ...(settings.extraArgs ?? []),
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
  // No git instructions: the orchestrator commits, the agent must not (the
  // workflow says so), and they put an attribution reminder in every request.
  env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', CLAUDE_CODE_DISABLE_GIT_INSTRUCTIONS: '1' },
  newReader: () => new ClaudeEventReader(),
};
