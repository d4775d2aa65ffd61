// Growth: 10 iterations resumed after 990 earlier ones (990 lines of
// _signals.jsonl, 990 logs, a 990-line Flow Log, and in terminal mode 990
// commits on the worktree branch) against 10 on a fresh session, terminal mode,
// with GitHub mode as an extra; git's time of each from a traced pair; the
// tracking comment's length at 1,000 iterations.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionStatus } from '../src/core/overview.js';
import { MAX_BODY, trackingComment } from '../src/core/render.js';
import { FakeGitHub } from '../test/helpers/fake-github.js';
import { readTraceOfRun, traceHome, type GitTrace } from './git-trace.js';
import { addSessionBranch, addSessionIssue, checkoutWorkspace, dispatchPayload, makeRemote, REPOSITORY, runBuiltAction, type Remote } from './github.js';
import { cycleMs, historyTimes, LOOP_ITERATIONS, median, ms, round, tempDir, timeAgent, writeAgent, type AgentTime, type Ctx, type Results } from './lib.js';
import { addHistory, makeTerminalProject, resumeStatus, runTerminal, type TerminalProject } from './terminal.js';

const GROWTH_N = 10;
const GROWTH_BEFORE = 990;

function flowLogLines(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `- [11-25 ${String(Math.floor(i / 60) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}] implementation iteration ${i + 1}: worked on step ${i + 1} of the plan`);
}

interface GrowthRun {
  wallMs: number;
  cycleMs: number;
  cpuMs: number | null;
}

interface GrowthPair {
  /** Overhead per iteration from whole runs: (wall − agent) / n. */
  at10: number;
  at1000: number;
  ratio: number;
  /** In the loop only (cycle from `_signals.jsonl` minus the agent). */
  loopAt10: number;
  loopAt1000: number;
  loopRatio: number;
  /** The orchestrator's own CPU per iteration. */
  cpuAt10: number;
  cpuAt1000: number;
  runs: { fresh: GrowthRun[]; grown: GrowthRun[] };
}

function growthPair(fresh: GrowthRun[], grown: GrowthRun[], agentMs: number, n: number): GrowthPair {
  const per = (runs: GrowthRun[]) => (median(runs.map((r) => r.wallMs)) - agentMs * n) / n;
  const loop = (runs: GrowthRun[]) => median(runs.map((r) => r.cycleMs)) - agentMs;
  const cpu = (runs: GrowthRun[]) => median(runs.map((r) => r.cpuMs ?? NaN)) / n;
  const pick = (runs: GrowthRun[]) => runs.map((r) => ({ wallMs: round(r.wallMs), cycleMs: round(r.cycleMs), cpuMs: r.cpuMs && round(r.cpuMs) }));
  return {
    at10: per(fresh),
    at1000: per(grown),
    ratio: per(grown) / per(fresh),
    loopAt10: loop(fresh),
    loopAt1000: loop(grown),
    loopRatio: loop(grown) / loop(fresh),
    cpuAt10: cpu(fresh),
    cpuAt1000: cpu(grown),
    runs: { fresh: pick(fresh), grown: pick(grown) },
  };
}

function growthLine(label: string, g: GrowthPair): string {
  return `${label}: overhead per iteration at ${GROWTH_BEFORE + GROWTH_N} ${ms(g.at1000)} vs at ${GROWTH_N} ${ms(g.at10)}: ${round(g.ratio)}x; in the loop ${ms(g.loopAt1000)} vs ${ms(g.loopAt10)}: ${round(g.loopRatio)}x; the orchestrator's own CPU ${ms(g.cpuAt1000)} vs ${ms(g.cpuAt10)}`;
}

function roundPair(g: GrowthPair) {
  return {
    ...g,
    at10: round(g.at10),
    at1000: round(g.at1000),
    ratio: round(g.ratio),
    loopAt10: round(g.loopAt10),
    loopAt1000: round(g.loopAt1000),
    loopRatio: round(g.loopRatio),
    cpuAt10: round(g.cpuAt10),
    cpuAt1000: round(g.cpuAt1000),
  };
}

/** Git per iteration, grown vs fresh, from one traced pair. */
function traceCompare(fresh: GitTrace, grown: GitTrace, n: number) {
  const names = [...new Set([...Object.keys(grown.commands), ...Object.keys(fresh.commands)])];
  const detail = Object.fromEntries(
    names.map((k) => [k, { freshMsPerIteration: round((fresh.commands[k]?.ms ?? 0) / n), grownMsPerIteration: round((grown.commands[k]?.ms ?? 0) / n), freshCount: fresh.commands[k]?.count ?? 0, grownCount: grown.commands[k]?.count ?? 0 }]),
  );
  const line = `${names.map((k) => `${k} ${detail[k]!.grownMsPerIteration} vs ${detail[k]!.freshMsPerIteration}`).join(', ')}; all git ${round(grown.totalMs / n, 1)} vs ${round(fresh.totalMs / n, 1)} ms`;
  return { detail, line, gitAt10: fresh.totalMs / n, gitAt1000: grown.totalMs / n };
}

export async function growthSection(ctx: Ctx, res: Results): Promise<void> {
  const n = GROWTH_N;
  const before = GROWTH_BEFORE;
  const agent = await timeAgent(ctx, LOOP_ITERATIONS, true);
  const flowLog = flowLogLines(before);
  const terminalProject = (kind: 'fresh' | 'grown'): TerminalProject => {
    if (kind === 'fresh') return makeTerminalProject(ctx, { git: true });
    const p = makeTerminalProject(ctx, { git: true, totalIterations: before, flowLog });
    addHistory(p, before, true);
    return p;
  };
  const runs: Record<'fresh' | 'grown', GrowthRun[]> = { fresh: [], grown: [] };
  for (let i = 0; i < 3; i++) {
    for (const kind of ['fresh', 'grown'] as const) runs[kind].push(await runTerminal(ctx, terminalProject(kind), { implIterations: n - 2, edit: true, expect: n }));
  }
  const main = growthPair(runs.fresh, runs.grown, agent.meanMs, n);
  ctx.log(`  ${growthLine('terminal', main)}`);
  // Where a difference goes: one more pair with git's trace2 on.
  const termTraces: Partial<Record<'fresh' | 'grown', GitTrace>> = {};
  for (const kind of ['fresh', 'grown'] as const) {
    const trace = traceHome(ctx);
    await runTerminal(ctx, terminalProject(kind), { implIterations: n - 2, edit: true, expect: n, home: trace.home });
    termTraces[kind] = readTraceOfRun(trace.file, `the ${kind} terminal run`);
  }
  const termGit = traceCompare(termTraces.fresh!, termTraces.grown!, n);
  ctx.log(`  git per iteration, terminal (trace2 pair), grown vs fresh: ${termGit.line}`);

  // GitHub mode keeps the session folder in the repository it commits and pushes: the growth there, for comparison.
  const gh = await githubGrowth(ctx, agent, 2);
  ctx.log(`  ${growthLine('github (extra)', gh.pair)}`);
  ctx.log(`  git per iteration, github (trace2 pair), grown vs fresh: ${gh.traces.line}`);

  const status: SessionStatus = { ...resumeStatus(1000), iteration: 100, lastAction: `implementation iteration 100 ${'x'.repeat(600)}`, costUsd: 123.45 };
  const links = {
    run: `https://github.com/${REPOSITORY}/actions/runs/123456789012`,
    branch: `https://github.com/${REPOSITORY}/tree/samocode/1234-${'a'.repeat(40)}`,
    sessionFolder: `https://github.com/${REPOSITORY}/tree/samocode/1234-${'a'.repeat(40)}/.samocode/sessions/26-11-25-1234-${'a'.repeat(40)}`,
  };
  const typical = trackingComment('26-11-25-1234-a-long-session', { ...resumeStatus(1000), iteration: 100 }, links).length;
  const worst = trackingComment(`26-11-25-1234-${'a'.repeat(40)}`, { ...status, blocked: 'b'.repeat(2_000), next: { kind: 'blocked' } }, links, 'n'.repeat(5_000)).length;
  ctx.log(`  tracking comment at 1,000 iterations: ${typical} characters (longest fields at their caps: ${worst}); limit 65,536 (MAX_BODY ${MAX_BODY})`);

  res.figures.push(
    { id: 'growth.at10', figure: `growth: overhead per iteration at iteration ${n} (terminal)`, value: main.at10, unit: 'ms', holds: null },
    { id: 'growth.at1000', figure: `growth: overhead per iteration at iteration ${before + n} (terminal)`, value: main.at1000, unit: 'ms', holds: null },
    { id: 'growth.ratio', figure: 'growth: ratio, whole run (terminal)', value: main.ratio, unit: 'x', goal: '<= 1.2x', holds: main.ratio <= 1.2 },
    { id: 'growth.ratio.inloop', figure: 'growth: ratio, in the loop (terminal)', value: main.loopRatio, unit: 'x', goal: '<= 1.2x', holds: main.loopRatio <= 1.2 },
    { id: 'growth.github.ratio', figure: 'growth: ratio, whole run (github, extra)', value: gh.pair.ratio, unit: 'x', goal: '<= 1.2x', holds: gh.pair.ratio <= 1.2 },
    { id: 'growth.tracking', figure: 'tracking comment at 1,000 iterations (chars)', value: typical, unit: 'chars', goal: '< 65536', holds: typical < 65_536 },
    { id: 'growth.tracking.worst', figure: 'tracking comment, fields at their caps (chars)', value: worst, unit: 'chars', goal: '< 65536', holds: worst < 65_536 },
  );
  res.details.growth = {
    iterationsPerRun: n,
    historyBefore: before,
    grownSession: `${before} lines of _signals.jsonl, ${before} files in _logs, a ${before}-line Flow Log in _overview.md, and in terminal mode ${before} commits on the worktree branch`,
    agentMeanMs: round(agent.meanMs),
    terminal: { ...roundPair(main), gitTrace: termGit.detail },
    github: { ...roundPair(gh.pair), gitTrace: gh.traces.detail },
    trackingComment: { typical, worst, limit: 65_536 },
  };
  res.goals.push({
    goal: 'earlier: growth to 1,000 iterations',
    figure: `terminal ${round(main.ratio)}x (in the loop ${round(main.loopRatio)}x); GitHub ${round(gh.pair.ratio)}x (extra, not counted); tracking comment ${typical} characters (${worst} with every field at its cap)`,
    against: `the same ${n} iterations on a fresh session (<= 1.2x); 65,536 characters`,
    holds: main.ratio <= 1.2 && main.loopRatio <= 1.2 && typical < 65_536 && worst < 65_536,
  });
}

async function githubGrowth(ctx: Ctx, agent: AgentTime, reps: number) {
  const n = GROWTH_N;
  const before = GROWTH_BEFORE;
  const flowLog = flowLogLines(before);
  const fake = new FakeGitHub(REPOSITORY);
  await fake.start();
  try {
    const title = 'Bench growth';
    const runs: Record<'fresh' | 'grown', GrowthRun[]> = { fresh: [], grown: [] };
    const traces: Partial<Record<'fresh' | 'grown', GitTrace>> = {};
    let issue = 40;
    for (let i = 0; i <= reps; i++) {
      const traced = i === reps; // one more pair with git's trace2 on
      for (const kind of ['fresh', 'grown'] as const) {
        issue++;
        const status = resumeStatus(kind === 'grown' ? before : 0);
        const remote: Remote = makeRemote(ctx);
        const info = addSessionBranch(ctx, remote, issue, title, status, (dir) => {
          if (kind !== 'grown') return;
          addHistory({ dir, repo: dir, sessions: dir, worktrees: dir, config: '', folder: '', sessionPath: dir }, before, false);
          const overview = readFileSync(join(dir, '_overview.md'), 'utf8');
          writeFileSync(join(dir, '_overview.md'), overview.replace(/## Flow Log\n(.*)\n/, (_m, first: string) => `## Flow Log\n${first}\n${flowLog.join('\n')}\n`));
        });
        addSessionIssue(fake, issue, title, info.folder, status);
        const workspace = checkoutWorkspace(ctx, remote);
        const bench = writeAgent(tempDir(ctx, 'ghg-agent'), { implIterations: n - 2, edit: true });
        const trace = traced ? traceHome(ctx) : null;
        const run = await runBuiltAction(ctx, {
          fake,
          workspace,
          event: 'workflow_dispatch',
          payload: dispatchPayload(ctx.root, issue),
          agentPath: bench.path,
          inputs: { 'max-iterations': '100000' },
          trace: trace ?? undefined,
        });
        const history = historyTimes(readFileSync(join(workspace, '.samocode', 'sessions', info.folder, '_signals.jsonl'), 'utf8')).slice(kind === 'grown' ? before : 0);
        if (run.code !== 0 || run.outputs.status !== 'done' || bench.calls() !== n) throw new Error(`GitHub growth run (${kind}) did not go as planned: ${run.stdout.slice(-1500)}`);
        if (trace) traces[kind] = readTraceOfRun(trace.file, `the ${kind} GitHub-mode run`);
        else runs[kind].push({ wallMs: run.ms, cycleMs: cycleMs(history), cpuMs: run.cpuMs });
      }
    }
    return { pair: growthPair(runs.fresh, runs.grown, agent.meanMs, n), traces: traceCompare(traces.fresh!, traces.grown!, n) };
  } finally {
    await fake.stop();
  }
}
