// One agent CLI run as the Agent port: find the executable once, then per
// iteration run it with retries, read its stdout events as they come, and
// turn its exit and what it reported into the AgentResult. What differs
// between CLIs (arguments, stdin, environment, event format) is an AgentCli.
import type { Agent, AgentRequest, AgentResult, TokenUsage } from '../core/ports.js';
import { agentEnv, samocodeVars } from './agent-env.js';
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

export interface AgentCli {
  /** The agent's name, the command looked up on PATH, and the CLI named in errors. */
  name: string;
  /** Prefixes of the CLI's own credentials and config, passed through to it. */
  credentialPrefixes: string[];
  args(request: AgentRequest, settings: ProviderSettings): string[];
  /** What goes in on stdin; without it, stdin is closed from the start. */
  stdin?(request: AgentRequest): string;
  /** Variables set for the CLI beside the SAMOCODE_* ones. */
  env?: Record<string, string>;
  newReader(): EventReader;
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
    const reader = this.cli.newReader();
    const outcome = await runProcess({
      executable: this.executable,
      args: this.cli.args(request, this.settings),
      input: this.cli.stdin?.(request),
      cwd: request.workdir,
      env: agentEnv(this.agentSource(), {
        policy: this.settings.envPolicy,
        cli: this.cli.name,
        credentialPrefixes: this.cli.credentialPrefixes,
        extra: this.settings.extraEnv,
        githubToken: this.settings.agentGithubToken,
        set: { ...samocodeVars(request.sessionPath, request.phase, request.iteration), ...this.cli.env },
      }),
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
