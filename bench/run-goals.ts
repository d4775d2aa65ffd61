// Runs the goals main.ts lists, or those named on the command line, one after
// the other in one process on this machine: each prints its figures and then
// its goal, held or not held, against its floor or peer. At the end, the table
// of figures, the table of goals, and bench/results.json. A goal that does not
// hold is reported, never a failure; a goal that crashes is reported as
// crashed and the next one runs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchGoal, Tools } from './goal.js';
import { goalsTable, heldWord, killLive, makeCtx, removeTemp, round, table, type Ctx, type Goal, type Results } from './lib.js';

export class UsageError extends Error {}

/** The goals picked by `npm run bench -- terminal github` or `--only=terminal,github`; all of them by default. */
export function pickGoals(goals: BenchGoal[], args: string[]): BenchGoal[] {
  const names = args.flatMap((a) => (a.startsWith('--only=') ? a.slice('--only='.length).split(',') : a.startsWith('-') ? [] : [a])).filter(Boolean);
  const known = goals.map((g) => g.section);
  const unknown = [...args.filter((a) => a.startsWith('-') && !a.startsWith('--only=')), ...names.filter((n) => !known.includes(n))];
  if (unknown.length) throw new UsageError(`bench: no section ${unknown.map((u) => `"${u}"`).join(', ')}; the sections are ${known.join(', ')} (npm run bench -- terminal github)`);
  return names.length ? goals.filter((g) => names.includes(g.section)) : goals;
}

export async function runGoals(all: BenchGoal[], opts: { root: string; args: string[] } & Tools): Promise<number> {
  let goals: BenchGoal[];
  try {
    goals = pickGoals(all, opts.args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const started = Date.now();
  const ctx = makeCtx(opts.root, (line) => process.stdout.write(`${line}\n`));
  const res: Results = { figures: [], goals: [], details: {}, notes: [] };
  const onSignal = () => {
    killLive();
    removeTemp(ctx);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const crashed: string[] = [];
  const machine = {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGb: round(totalmem() / 2 ** 30, 1),
    loadAverageAtStart: loadavg().map((x) => round(x)),
    loadAverageAtEnd: [] as number[],
    git: execFileSync('git', ['--version'], { encoding: 'utf8' }).trim(),
  };
  ctx.log(`samocode bench: node ${machine.node}, ${machine.cpus} cpus (${machine.cpu}), ${machine.git}; temp ${ctx.tmp}`);
  ctx.log('The agent is a dash script that only counts its calls, appends a line to a file in its working directory and writes the signal (plus one stream-json result line).');
  ctx.log('GitHub-mode runs set SAMOCODE_API_PACING_MS=0: the throttling plugin would otherwise space API writes out (about one a second) and that wait would be all there is to measure.');
  try {
    try {
      for (const [i, goal] of goals.entries()) {
        const t = Date.now();
        const before = res.goals.length;
        ctx.log(`\n${i + 1}/${goals.length} ${goal.section}: ${goal.title}`);
        try {
          await goal.measure(ctx, res, { esbuild: opts.esbuild });
        } catch (error) {
          crashed.push(goal.section);
          killLive();
          const message = String((error as Error).message).split('\n')[0]!.slice(0, 200);
          ctx.log(`  CRASHED: ${(error as Error).stack ?? error}`);
          res.figures.push({ id: `${goal.section}.crash`, figure: `${goal.section}: crashed`, value: message.slice(0, 100), holds: null });
          res.goals.push({ goal: goal.section, figure: `crashed: ${message}`, against: goal.title, holds: null, crashed: true });
        }
        if (res.goals.length === before) res.goals.push({ goal: goal.section, figure: 'no goal reported', against: goal.title, holds: null });
        for (const g of res.goals.slice(before)) ctx.log(`  goal "${g.goal}": ${heldWord(g)}: ${g.figure}; against ${g.against}`);
        ctx.log(`  (${round((Date.now() - t) / 1000, 1)} s)`);
      }
    } finally {
      killLive();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    report(ctx, res, { all, run: goals, machine, started, crashed, root: opts.root });
    return crashed.length ? 1 : 0;
  } finally {
    // After the results are out: removing the bench's trees (hundreds of thousands of files) takes minutes on a busy disk.
    removeTemp(ctx);
  }
}

type Machine = Record<string, unknown> & { loadAverageAtStart: number[]; loadAverageAtEnd: number[] };

/** The load, the table of figures, the table of goals, and results.json. */
function report(ctx: Ctx, res: Results, o: { all: BenchGoal[]; run: BenchGoal[]; machine: Machine; started: number; crashed: string[]; root: string }): void {
  const { all, machine, started, crashed } = o;
  const durationS = round((Date.now() - started) / 1000, 1);
  machine.loadAverageAtEnd = loadavg().map((x) => round(x));
  ctx.log(`\nload average (1, 5, 15 min) at the start ${machine.loadAverageAtStart.join(', ')}, at the end ${machine.loadAverageAtEnd.join(', ')}: anything else running on this machine is in these figures`);
  ctx.log(`\n${table(res.figures)}`);
  const ordered = byNumber(res.goals);
  ctx.log(`\ngoals:\n${goalsTable(ordered)}`);
  const count = (word: string) => ordered.filter((g) => heldWord(g) === word).length;
  ctx.log(`\nbench: ${durationS} s in all; goals: ${count('held')} held, ${count('not held')} not held${count('unavailable') ? `, ${count('unavailable')} unavailable` : ''}${crashed.length ? `; crashed: ${crashed.join(', ')}` : ''}`);
  const out = join(o.root, 'bench', 'results.json');
  mkdirSync(join(o.root, 'bench'), { recursive: true });
  const figures = res.figures.map((f) => ({ ...f, value: typeof f.value === 'number' ? round(f.value, 3) : f.value }));
  const goalsRun = o.run.map((g) => g.section);
  writeFileSync(out, `${JSON.stringify({ at: new Date(started).toISOString(), durationS, sections: goalsRun, machine, goals: ordered.map((g) => ({ ...g, held: heldWord(g) })), figures, details: res.details }, null, 2)}\n`);
  ctx.log(`bench: wrote ${out}${goalsRun.length < all.length ? ` (only ${goalsRun.join(', ')})` : ''}`);
}

/** The issue's numbered goals first, in their order; then the rest in the order they ran. */
function byNumber(goals: Goal[]): Goal[] {
  const rank = (g: Goal) => Number(/^(\d+)\./.exec(g.goal)?.[1] ?? 1e9);
  return [...goals].sort((a, b) => rank(a) - rank(b));
}
