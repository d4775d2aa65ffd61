// One agent CLI run as the Agent port: find the executable once, then per
// iteration run it with retries, read its stdout events as they come, and
// turn its exit and what it reported into the AgentResult. What differs
// between CLIs (arguments, stdin, environment, event format) is an AgentCli.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Agent, AgentRequest, AgentResult, TokenUsage } from '../core/ports.js';
import { agentEnv, samocodeVars } from './agent-env.js';
import type { AgentIdentity } from './agent-user.js';
import { resolveExecutable, runProcess, type ProcessOutcome } from './process.js';
import { runRetrying } from './retry.js';
import type { ProviderSettings } from './settings.js';

/** Longest `error` a provider returns: it ends up in a status line and a comment. */
export const MAX_ERROR_CHARS = 300;

/** What a CLI's events said about one run. */
export interface RunReport {
  costUsd?: number;
  turns?: number;
  usage?: TokenUsage;
  /** The CLI's own account of why the run failed. */
  error?: string;
}

/** Reads one run's stdout, line by line, keeping only what the report needs. */
export interface EventReader {
  read(line: string): void;
  /** Called once the process is gone. */
  report(outcome: ProcessOutcome): RunReport;
}

/**
 * A folder of one call, outside the work tree: what the CLI reads (its
 * instructions, its settings) and what it writes for the orchestrator (a
 * usage file). The agent user may create files in it but not change the
 * orchestrator's; it is removed after the call.
 */
export interface CallFolder {
  dir: string;
}

export interface AgentCli {
  /** The agent's name, the command looked up on PATH, and the CLI named in errors. */
  name: string;
  /** Prefixes of the CLI's own credentials and config, passed through to it. */
  credentialPrefixes: string[];
  args(request: AgentRequest, settings: ProviderSettings, call: CallFolder): string[];
  /** What goes in on stdin; without it, stdin is closed from the start. */
  stdin?(request: AgentRequest): string;
  /** Variables set for the CLI beside the SAMOCODE_* ones. */
  env?: Record<string, string>;
  /**
   * Files to write into the call's folder (relative names, the orchestrator's,
   * read-only to the agent) and variables that point the CLI at them, given
   * the environment the CLI is about to get.
   */
  prepareCall?(request: AgentRequest, settings: ProviderSettings, call: CallFolder, env: Record<string, string>): { files?: Record<string, string>; env?: Record<string, string> };
  newReader(call: CallFolder): EventReader;
}

/**
 * A fresh call folder: in the agent user's reach (beside its HOME, in a root
 * it may pass through but not list) or in the temp folder. Sticky and open to
 * writing as another user, so that the agent can leave a file without being
 * able to replace the orchestrator's.
 */
async function openCallFolder(identity: AgentIdentity | undefined): Promise<CallFolder> {
  const dir = await mkdtemp(join(identity ? dirname(identity.home) : tmpdir(), 'samocode-call-'));
  if (identity) await chmod(dir, 0o1777);
  return { dir };
}

/** Whitespace, newlines included, folded into single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The start of `text`, ending in an ellipsis when cut. */
export function keepStart(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** An error as one line of at most MAX_ERROR_CHARS. */
export function errorLine(text: string): string {
  return keepStart(oneLine(text), MAX_ERROR_CHARS);
}

/**
 * What went wrong in one run, or undefined when nothing did. `reported` is the
 * CLI's own account; without one, the end of stderr is where a CLI says why
 * it stopped.
 */
export function exitError(cli: string, outcome: ProcessOutcome, timeoutMs: number, reported?: string): string | undefined {
  if (outcome.timedOut) return `${cli} timed out after ${Math.round(timeoutMs / 1000)} s`;
  if (reported) return reported;
  if (outcome.exitCode === 0) return undefined;
  const how = outcome.exitCode === null ? `${cli} was killed` : `${cli} exited with code ${outcome.exitCode}`;
  // The end of stderr, as much as fits beside `how`.
  const stderrEnd = outcome.stderrTail.slice(-(MAX_ERROR_CHARS - how.length - 2));
  return errorLine(stderrEnd ? `${how}: ${stderrEnd}` : how);
}

/** The folders between the call folder and a file in it, sticky and open like the call folder (the CLI writes beside its settings). */
async function mkdirFor(path: string, top: string): Promise<void> {
  const folders: string[] = [];
  for (let dir = dirname(path); dir !== top && dir.startsWith(top); dir = dirname(dir)) folders.unshift(dir);
  for (const dir of folders) {
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o1777);
  }
}

export class CliAgent implements Agent {
  readonly name: string;

  private constructor(
    private readonly cli: AgentCli,
    private readonly executable: string,
    private readonly settings: ProviderSettings,
  ) {
    this.name = cli.name;
  }

  /** Fails here, naming the setting to change, when the CLI is missing. */
  static async create(cli: AgentCli, settings: ProviderSettings): Promise<Agent> {
    return new CliAgent(cli, await resolveExecutable(settings.cliPath ?? cli.name, settings.cliSetting, settings.env), settings);
  }

  run(request: AgentRequest): Promise<AgentResult> {
    return runRetrying(request, this.settings, (once) => this.runOnce(once));
  }

  /**
   * The variables the agent's environment is chosen from. As another user, the
   * CLI's config folders are the copies in its own HOME (prepareAgentUser), not
   * the runner's, which it cannot read.
   */
  private agentSource(): NodeJS.ProcessEnv {
    if (!this.settings.identity) return this.settings.env;
    const { CLAUDE_CONFIG_DIR: _claude, CODEX_HOME: _codex, ...rest } = this.settings.env;
    return rest;
  }

  private async runOnce(request: AgentRequest): Promise<AgentResult> {
    const call = await openCallFolder(this.settings.identity);
    try {
      return await this.runIn(call, request);
    } finally {
      await rm(call.dir, { recursive: true, force: true }).catch(() => {});
    }
  }

  private async runIn(call: CallFolder, request: AgentRequest): Promise<AgentResult> {
    const reader = this.cli.newReader(call);
    const env = agentEnv(this.agentSource(), {
      policy: this.settings.envPolicy,
      cli: this.cli.name,
      credentialPrefixes: this.cli.credentialPrefixes,
      extra: this.settings.extraEnv,
      githubToken: this.settings.agentGithubToken,
      set: { ...samocodeVars(request.sessionPath, request.phase, request.iteration), ...this.cli.env },
    });
    const prepared = this.cli.prepareCall?.(request, this.settings, call, env) ?? {};
    for (const [name, text] of Object.entries(prepared.files ?? {})) {
      const path = join(call.dir, name);
      await mkdirFor(path, call.dir);
      await writeFile(path, text, { mode: 0o644 });
      await chmod(path, 0o644);
    }
    const outcome = await runProcess({
      executable: this.executable,
      args: this.cli.args(request, this.settings, call),
      input: this.cli.stdin?.(request),
      cwd: request.workdir,
      env: { ...env, ...prepared.env },
      timeoutMs: request.timeoutMs,
      log: request.log,
      onLine: (line) => reader.read(line),
      identity: this.settings.identity,
      sandbox: this.settings.sandbox,
    });
    const refused = this.settings.sandbox?.takeRefusals() ?? [];
    const report = reader.report(outcome);
    const error = exitError(this.cli.name, outcome, request.timeoutMs, report.error);
    return {
      exitCode: outcome.exitCode,
      timedOut: outcome.timedOut,
      ...(report.costUsd !== undefined ? { costUsd: report.costUsd } : {}),
      ...(report.turns !== undefined ? { turns: report.turns } : {}),
      ...(report.usage ? { usage: report.usage } : {}),
      ...(error ? { error } : {}),
      ...(refused.length ? { refused: refused.map(({ host, port, count, detail, allow }) => ({ host, port, count, reason: detail, allow })) } : {}),
    };
  }
}

/** A stdout line as a JSON object, or undefined when it is not one. */
export function jsonEvent(line: string): Record<string, any> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, any>) : undefined;
  } catch {
    return undefined;
  }
}

/** A finite number, else 0. */
export const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/**
 * The message inside an API error body quoted in a CLI's message
 * (`{"error":{"code":429,"message":…}}`), with its status code in front so
 * that a rate limit or a 5xx reads as transient; else the message itself.
 */
export function apiMessage(text: string, status?: unknown): string {
  const code = (value: unknown) => (typeof value === 'number' && value >= 100 && value < 600 ? `${value} ` : '');
  const start = text.indexOf('{');
  if (start >= 0) {
    for (let end = text.lastIndexOf('}'); end > start; end = text.lastIndexOf('}', end - 1)) {
      try {
        const body = JSON.parse(text.slice(start, end + 1)) as { error?: { message?: unknown; code?: unknown }; message?: unknown };
        const inner = body.error?.message ?? body.message;
        if (typeof inner === 'string' && inner.trim()) return errorLine(`${code(body.error?.code ?? status)}${inner}`);
      } catch {
        // not this slice
      }
    }
  }
  return errorLine(`${code(status)}${text}`);
}

/** Whether `child` is `parent` or lies inside it. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
