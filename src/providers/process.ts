// Runs an agent CLI as a child: argument array (never a shell), its own
// session so that a timeout kills the whole tree, stdout streamed line
// by line to the log as it comes, memory bounded whatever it prints. With an
// agent identity it runs as that user; however it ends, the reaper leaves
// nothing it started running.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { delimiter, isAbsolute, join } from 'node:path';
import { spawn } from 'node:child_process';
import type { LineSink } from '../core/ports.js';
import { agentSpawn, handOverWorkTree, takeBackWorkTree, type AgentIdentity } from './agent-user.js';
import type { AgentSandbox } from './agent-sandbox.js';
import { MARKER_VAR, newMarker, reapCall, registerCall, startTicksOf, unregisterCall, type AgentCall } from './reaper.js';

export class MissingCliError extends Error {
  override name = 'MissingCliError';
}

/** The executable's full path, or a clear error naming the setting to change. */
export async function resolveExecutable(command: string, setting: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const candidates =
    isAbsolute(command) || command.includes('/')
      ? [command]
      : (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      const info = await stat(candidate);
      if (!info.isFile()) continue;
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  const where = candidates.length === 1 ? candidates[0] : `"${command}" on PATH`;
  throw new MissingCliError(`agent CLI not found or not executable: ${where}; install it or set ${setting}`);
}

export interface ProcessRequest {
  executable: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  log: LineSink;
  /** Called with each stdout line after it is logged (parsers keep only what they need). */
  onLine?: (line: string) => void;
  /** Written to the CLI's stdin, which is then closed; without it stdin is closed from the start. */
  input?: string;
  /** Grace between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  /** Run as this agent user, with its HOME and TMPDIR (from prepareAgentUser). */
  identity?: AgentIdentity;
  /** Run inside the run's sandbox (its network, its filesystem view), as its agent user. */
  sandbox?: AgentSandbox;
}

export interface ProcessOutcome {
  exitCode: number | null;
  timedOut: boolean;
  /** The last few KB of stderr, for the error message. */
  stderrTail: string;
}

const STDERR_TAIL = 4_000;
/** A longer line is cut: one endless line must not hold the whole output in memory. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Splits a byte stream into lines of at most `max` bytes, decoding UTF-8 across chunk edges. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private cutting = false;

  constructor(private readonly max = MAX_LINE_BYTES) {}

  push(chunk: Buffer): string[] {
    const out: string[] = [];
    const parts = (this.pending + this.decoder.write(chunk)).split('\n');
    this.pending = parts.pop()!;
    for (const part of parts) {
      if (this.cutting) this.cutting = false;
      else out.push(part.replace(/\r$/, ''));
    }
    if (!this.cutting && this.pending.length > this.max) {
      out.push(`${this.pending.slice(0, this.max)} …[line cut at ${this.max} characters]`);
      this.cutting = true;
    }
    if (this.cutting) this.pending = '';
    return out;
  }

  end(): string[] {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest && !this.cutting ? [rest] : [];
  }
}

/** Reads stdout as it comes, line by line, pausing while the log catches up. */
async function pumpLines(stdout: NodeJS.ReadableStream, request: ProcessRequest): Promise<void> {
  const splitter = new LineSplitter();
  const deliver = (lines: string[]) => {
    for (const line of lines) {
      request.log.write(line);
      request.onLine?.(line);
    }
  };
  for await (const chunk of stdout) {
    deliver(splitter.push(chunk as Buffer));
    await request.log.ready?.();
  }
  deliver(splitter.end());
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export async function runProcess(request: ProcessRequest): Promise<ProcessOutcome> {
  const { sandbox } = request;
  const identity = sandbox?.identity ?? request.identity;
  if (identity) await handOverWorkTree(identity);
  const marker = newMarker();
  const env = { ...request.env, [MARKER_VAR]: marker };
  const plan = sandbox
    ? sandbox.launch(request.executable, request.args, env, request.cwd)
    : identity
      ? agentSpawn(identity, request.executable, request.args, env)
      : { executable: request.executable, args: request.args, env };
  // node's own spawn: the bench measured execa's wrapper at twice the CPU per call, on every iteration.
  const child = spawn(plan.executable, plan.args, {
    // In a sandbox the launcher changes into the folder once the view is made.
    cwd: sandbox ? '/' : request.cwd,
    env: plan.env,
    uid: 'uid' in plan ? plan.uid : undefined,
    gid: 'gid' in plan ? plan.gid : undefined,
    stdio: [request.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: true,
    windowsHide: true,
  });
  const call: AgentCall | undefined =
    child.pid === undefined
      ? undefined
      : { pid: child.pid, marker, uid: identity?.uid, sudoUser: identity?.via === 'sudo' ? identity.user : undefined, startTicks: startTicksOf(child.pid) };
  if (call) registerCall(call);
  // Once the CLI's exit found nothing of the call left, nothing can start anything again: no second scan.
  let clean = false;
  const reap = () => {
    if (!call || clean) return;
    clean = reapCall(call).left.length === 0 && child.exitCode !== null;
  };
  const exited = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
    // When the CLI itself exits, what it left running goes too, so a background
    // process holding stdout open cannot turn a finished call into a timeout.
    child.once('exit', (code) => {
      reap();
      resolve({ code });
    });
  });
  if (child.stdin) {
    // A CLI that exits without reading its input is not an error of ours.
    child.stdin.on('error', () => {});
    child.stdin.end(request.input);
  }
  let stderrTail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL);
  });
  const linesDone = pumpLines(child.stdout!, request);

  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid, 'SIGTERM');
    killTimer = setTimeout(reap, request.killGraceMs ?? 5_000);
  }, request.timeoutMs);

  try {
    const { code, error } = await exited;
    await linesDone;
    const asUser = identity ? ` by the agent user ${identity.user}` : '';
    if (error?.code === 'ENOENT' || error?.code === 'EACCES') throw new MissingCliError(`agent CLI not found or not executable${asUser}: ${request.executable}`);
    if (error) return { exitCode: null, timedOut, stderrTail: `${stderrTail}\n${error.message}`.trim() };
    return { exitCode: code, timedOut, stderrTail: stderrTail.trim() };
  } finally {
    clearTimeout(timer);
    clearTimeout(killTimer);
    reap();
    if (call) unregisterCall(call);
    // Only now, with no agent process left, may a non-root orchestrator take the tree back.
    if (identity) await takeBackWorkTree(identity);
  }
}
