// Where git's time goes: git's trace2 events, in a run of their own, summed by
// the subcommand samocode started.
//
// Two ways in, because the two modes give git different environments:
// terminal mode runs the user's own git, which reads HOME's .gitconfig; the
// action runs a hermetic git (a HOME of its own, GIT_CONFIG_GLOBAL=/dev/null,
// a short list of variables passed on) that no config file of ours reaches.
// Only PATH gets through to it, so the action's runs find `git` as a wrapper
// that sets GIT_TRACE2_EVENT and execs the real one. The wrapper's exec is
// outside git's own time (trace2 starts in git), inside the run's.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round, tempDir, type Ctx } from './lib.js';

export interface TraceHome {
  /** HOME whose .gitconfig turns trace2 on: for terminal mode. */
  home: string;
  /** A folder holding the `git` wrapper: first on PATH for the action. */
  bin: string;
  /** Where every traced git process appends its events. */
  file: string;
}

/** A HOME and a PATH folder that make every git process append trace2 events to one file. */
export function traceHome(ctx: Ctx): TraceHome {
  const home = tempDir(ctx, 'trace-home');
  const file = join(home, 'trace2.jsonl');
  writeFileSync(join(home, '.gitconfig'), `[trace2]\n\teventTarget = ${file}\n\teventBrief = false\n`);
  const bin = join(home, 'bin');
  mkdirSync(bin);
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(join(bin, 'git'), `#!/bin/sh\nGIT_TRACE2_EVENT=${quote(file)}\nGIT_TRACE2_BRIEF=false\nexport GIT_TRACE2_EVENT GIT_TRACE2_BRIEF\nexec ${quote(real)} "$@"\n`);
  chmodSync(join(bin, 'git'), 0o755);
  return { home, bin, file };
}

export interface GitTrace {
  /** Top-level git commands (started by samocode): count and total wall ms per subcommand. */
  commands: Record<string, { count: number; ms: number }>;
  totalMs: number;
  /** Every git process, the children of those commands (receive-pack, pack-objects, …) included. */
  processes: number;
}

/** Sums what git spent per top-level command, from trace2 `start`/`exit` events. */
export function readTrace(file: string): GitTrace {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const starts = new Map<string, string>();
  const commands: Record<string, { count: number; ms: number }> = {};
  let totalMs = 0;
  let processes = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let e: { event?: string; sid?: string; argv?: string[]; t_abs?: number };
    try {
      e = JSON.parse(line);
    } catch {
      continue;
    }
    if (!e.sid) continue;
    if (e.event === 'start') {
      processes++;
      if (e.sid.includes('/')) continue; // a child of a git command (receive-pack, pack-objects, …): inside its parent's time
      const argv = e.argv ?? [];
      let i = 1;
      while (i < argv.length && argv[i]!.startsWith('-')) i += argv[i] === '-c' || argv[i] === '-C' ? 2 : 1;
      starts.set(e.sid, argv[i] ?? '?');
    } else if (e.event === 'exit' && starts.has(e.sid)) {
      const name = starts.get(e.sid)!;
      const ms = (e.t_abs ?? 0) * 1000;
      const c = (commands[name] ??= { count: 0, ms: 0 });
      c.count++;
      c.ms += ms;
      totalMs += ms;
    }
  }
  return { commands: Object.fromEntries(Object.entries(commands).sort((a, b) => b[1].ms - a[1].ms)), totalMs, processes };
}

/**
 * The trace of a run that certainly ran git: an empty one means the trace did
 * not reach samocode's git, and a 0 would be reported as if it were a figure.
 */
export function readTraceOfRun(file: string, what: string): GitTrace {
  const t = readTrace(file);
  if (t.processes === 0) throw new Error(`git's trace2 recorded no git process in ${what}: the trace did not reach samocode's git`);
  return t;
}

export function summarizeTrace(t: GitTrace, iterations: number) {
  return {
    totalMs: round(t.totalMs),
    perIterationMs: round(t.totalMs / iterations),
    processes: t.processes,
    processesPerIteration: round(t.processes / iterations, 1),
    commands: Object.fromEntries(Object.entries(t.commands).map(([k, v]) => [k, { count: v.count, ms: round(v.ms), perCallMs: round(v.ms / v.count) }])),
  };
}

/** `push 51x 21.4 ms (21.9/it), …`; with `iterations` 0, no per-iteration share. */
export function traceLine(t: GitTrace, iterations: number): string {
  return Object.entries(t.commands)
    .map(([k, v]) => `${k} ${v.count}x ${round(v.ms / v.count, 1)} ms${iterations ? ` (${round(v.ms / iterations, 1)}/it)` : ''}`)
    .join(', ');
}
