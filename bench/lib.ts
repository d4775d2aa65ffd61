// Shared pieces of the benchmark: one temp root for everything, child
// processes timed from spawn to exit, git for set-up, the near-zero-cost
// agent, and the figures table.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Ctx {
  /** The package root (where dist/ and src/ are). */
  root: string;
  /** Every temp file of the bench lives under here; removed at the end. */
  tmp: string;
  /** HOME for every child: an empty git config, so the machine's own config cannot steer git. */
  home: string;
  /** `--import` hook that writes the process's peak RSS and CPU time to $BENCH_RSS_FILE on exit. */
  rssHook: string;
  log(line: string): void;
}

export function makeCtx(root: string, log: (line: string) => void): Ctx {
  const tmp = mkdtempSync(join(tmpdir(), 'samocode-bench-'));
  const home = join(tmp, 'home');
  mkdirSync(home);
  writeFileSync(join(home, '.gitconfig'), '');
  const rssHook = join(tmp, 'rss-hook.mjs');
  writeFileSync(
    rssHook,
    // The peak is VmHWM, this process's own: getrusage's maxRSS keeps the high-water mark of
    // the memory it replaced at exec, which for a child forked by the bench is the bench's own.
    `import { readFileSync, writeFileSync } from 'node:fs';
const out = process.env.BENCH_RSS_FILE;
const hwm = () => { try { return Number(/^VmHWM:\\s+(\\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]); } catch { return process.resourceUsage().maxRSS; } };
if (out) process.on('exit', () => { try { const u = process.resourceUsage(); writeFileSync(out, JSON.stringify({ maxRssKb: hwm(), cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })); } catch {} });
`,
  );
  return { root, tmp, home, rssHook, log };
}

let seq = 0;
/** A fresh folder under the bench's temp root. */
export function tempDir(ctx: Ctx, prefix: string): string {
  const dir = join(ctx.tmp, `${prefix}-${++seq}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function removeTemp(ctx: Ctx): void {
  rmSync(ctx.tmp, { recursive: true, force: true });
}

// ---------------------------------------------------------------- processes

const live = new Set<ChildProcess>();

/** Kills whatever the bench still has running (on a crash or Ctrl-C). */
export function killLive(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // gone
    }
  }
  live.clear();
}

export interface ProcResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, in ms. */
  ms: number;
}

export interface ProcOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
}

export function runProc(cmd: string, args: string[], options: ProcOptions): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      live.delete(child);
      reject(error);
    });
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms });
    });
  });
}

/** The environment every child starts from: PATH, a clean HOME, C locale. */
export function baseEnv(ctx: Ctx, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: ctx.home, LANG: 'C', ...extra };
}

/** Git for the bench's own set-up (not measured). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

export function gitInput(cwd: string, input: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** Peak RSS (MB) and CPU time (ms) of the orchestrator process itself, as its exit hook wrote them. */
export function readUsage(file: string): { rssMb: number | null; cpuMs: number | null } {
  try {
    const u = JSON.parse(readFileSync(file, 'utf8')) as { maxRssKb: number; cpuMs: number };
    return { rssMb: u.maxRssKb / 1024, cpuMs: u.cpuMs };
  } catch {
    return { rssMb: null, cpuMs: null };
  }
}

// ---------------------------------------------------------------- the agent

export interface BenchAgent {
  path: string;
  counter: string;
  /** How many times it was called (its counter file). */
  calls(): number;
}

/**
 * The near-zero-cost agent: a dash script, builtins only (no fork). It counts
 * its calls, decides from SAMOCODE_PHASE / SAMOCODE_ITERATION, optionally
 * appends a line to a file in its working directory (a "code change", so that
 * the iteration has something to commit), writes the signal and prints one
 * stream-json `result` line for the claude provider.
 *
 * implementation: continue in implementation until phase iteration
 * `implIterations`, then continue → testing; testing: continue → done;
 * done: done.
 */
export function writeAgent(dir: string, options: { implIterations: number; edit: boolean }): BenchAgent {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'claude');
  const counter = join(dir, 'calls');
  const script = `#!/bin/sh
c='${counter}'
n=0
[ -f "$c" ] && read n < "$c"
n=$((n + 1))
echo "$n" > "$c"
case "$SAMOCODE_PHASE" in
  implementation)
    if [ "$SAMOCODE_ITERATION" -ge ${options.implIterations} ]; then next=testing; else next=implementation; fi
    signal="{\\"status\\":\\"continue\\",\\"phase\\":\\"$next\\"}" ;;
  testing) signal='{"status":"continue","phase":"done"}' ;;
  done) signal='{"status":"done","phase":"done","summary":"bench session finished"}' ;;
  *) signal='{"status":"blocked","phase":"'"$SAMOCODE_PHASE"'","reason":"the bench agent only knows implementation, testing and done"}' ;;
esac
${options.edit ? 'echo "call $n" >> bench-work.txt\n' : ''}printf '%s' "$signal" > "$SAMOCODE_SESSION_PATH/_signal.json"
printf '%s\\n' '{"type":"result","subtype":"success","is_error":false,"total_cost_usd":0,"num_turns":1,"result":"ok"}'
`;
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  // In GitHub mode as root the agent runs as a user of its own (agent-user auto): it must still count.
  writeFileSync(counter, '0\n');
  chmodSync(counter, 0o666);
  chmodSync(dir, 0o777);
  return {
    path,
    counter,
    calls() {
      try {
        return Number(readFileSync(counter, 'utf8').trim()) || 0;
      } catch {
        return 0;
      }
    },
  };
}

/** Arguments shaped like the claude provider's (a prompt of a few KB, the system prompt of ~13 KB). */
function agentArgs(root: string): string[] {
  const prompts = join(root, 'prompts');
  const workflow = readFileSync(join(prompts, 'workflow.md'), 'utf8');
  const phase = readFileSync(join(prompts, 'implementation.md'), 'utf8');
  const context = `# Session context\n${'- a line of context about where the session stands\n'.repeat(30)}`;
  return ['-p', context, '--output-format', 'stream-json', '--verbose', '--append-system-prompt', `${workflow}\n\n${phase}`, '--max-turns', '120', '--permission-mode', 'acceptEdits', '--allowedTools', 'Bash,Read,Write,Edit'];
}

export interface AgentTime {
  calls: number;
  totalMs: number;
  meanMs: number;
  medianMs: number;
}

/**
 * The agent's own cost as the orchestrator pays it at the least: spawned
 * directly from Node `n` times in a row (fork, exec, run, exit, pipes
 * drained), with the same kind of arguments and environment.
 */
export async function timeAgent(ctx: Ctx, n: number, edit: boolean): Promise<AgentTime> {
  const dir = tempDir(ctx, 'agent-direct');
  const agent = writeAgent(join(dir, 'bin'), { implIterations: 1_000_000, edit });
  const session = join(dir, 'session');
  const work = join(dir, 'work');
  mkdirSync(session);
  mkdirSync(work);
  const args = agentArgs(ctx.root);
  const env = (i: number) =>
    baseEnv(ctx, {
      SAMOCODE_SESSION_PATH: session,
      SAMOCODE_PHASE: 'implementation',
      SAMOCODE_ITERATION: String(i),
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    });
  for (let i = 0; i < 5; i++) await runProc(agent.path, args, { cwd: work, env: env(i + 1) }); // warm-up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await runProc(agent.path, args, { cwd: work, env: env(i + 1) });
    if (r.code !== 0) throw new Error(`the bench agent failed when spawned directly: ${r.stderr}`);
    times.push(r.ms);
  }
  const totalMs = times.reduce((a, b) => a + b, 0);
  return { calls: n, totalMs, meanMs: totalMs / n, medianMs: median(times) };
}

// ---------------------------------------------------------------- numbers

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const round = (n: number, digits = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

export const ms = (n: number) => `${round(n, 1)} ms`;

/** Iterations of the loop sections (terminal, github) and of the agent's direct spawns they subtract. */
export const LOOP_ITERATIONS = 50;

/** Iteration start times (ms) from `_signals.jsonl` lines. */
export function historyTimes(text: string): { iteration: number; at: number; phase: string }[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { iteration: number; at: string; phase: string })
    .map((e) => ({ iteration: e.iteration, at: Date.parse(e.at), phase: e.phase }));
}

/**
 * In-loop cycle time: from the start of the first iteration this run ran to
 * the start of its last, divided by the iterations between them (each
 * includes one agent call and everything the orchestrator does around it).
 */
export function cycleMs(entries: { at: number }[]): number {
  if (entries.length < 2) return NaN;
  return (entries.at(-1)!.at - entries[0]!.at) / (entries.length - 1);
}

// ---------------------------------------------------------------- results

export interface Figure {
  id: string;
  figure: string;
  value: number | string | null;
  unit?: string;
  goal?: string;
  /** true / false against the goal; null when there is no goal or it could not be measured. */
  holds: boolean | null;
  note?: string;
}

/** A goal as the bench reports it: a ratio or a count measured in this run, its floor or peer, held or not. */
export interface Goal {
  goal: string;
  figure: string;
  /** The floor or the peer it is measured against. */
  against: string;
  /** null when it could not be measured (a peer unavailable, or its section crashed). */
  holds: boolean | null;
  crashed?: boolean;
  note?: string;
}

export interface Results {
  figures: Figure[];
  goals: Goal[];
  details: Record<string, unknown>;
  notes: string[];
}

export const heldWord = (g: Goal) => (g.crashed ? 'crashed' : g.holds === null ? 'unavailable' : g.holds ? 'held' : 'not held');

export function goalsTable(goals: Goal[]): string {
  const rows = goals.map((g) => [g.goal, g.figure, g.against, heldWord(g)]);
  const head = ['goal', 'figure', 'floor or peer', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function fmtValue(f: Figure): string {
  if (f.value === null) return 'n/a';
  if (typeof f.value === 'number') return `${round(f.value, f.unit === 'x' ? 2 : f.unit === 'bytes' || f.unit === 'chars' ? 0 : 2)}${f.unit ? ` ${f.unit}` : ''}`;
  return f.value;
}

export function table(figures: Figure[]): string {
  const rows = figures.map((f) => [f.figure, fmtValue(f), f.goal ?? '-', f.holds === null ? '-' : f.holds ? 'yes' : 'NO']);
  const head = ['figure', 'value', 'goal', 'holds'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
