// Loop overhead, terminal mode: 50 iterations of `dist/cli.js run` with the
// bench agent, what the orchestrator adds around each call (against the agent
// spawned directly), its own CPU and peak memory; for reference the same
// without git, git's time from a trace2 run, and `dist/cli.js help`.
import { join } from 'node:path';
import { readTraceOfRun, summarizeTrace, traceHome, traceLine } from './git-trace.js';
import { baseEnv, LOOP_ITERATIONS as ITERATIONS, median, ms, readUsage, round, runProc, tempDir, timeAgent, type Ctx, type Results } from './lib.js';
import { makeTerminalProject, runTerminal, type TerminalRun } from './terminal.js';

export async function terminalSection(ctx: Ctx, res: Results): Promise<void> {
  const agent = await timeAgent(ctx, ITERATIONS, true);
  ctx.log(`  agent spawned directly: ${ms(agent.meanMs)} a call (mean of ${ITERATIONS}), median ${ms(agent.medianMs)}`);
  const variants = [
    { key: 'git', label: 'MAIN_REPO a git repo (a worktree, committed once per run)', git: true, reps: 3 },
    { key: 'no-git', label: 'MAIN_REPO without git (no worktree, nothing committed)', git: false, reps: 1 },
  ];
  const detail: Record<string, unknown> = { iterations: ITERATIONS, agentDirectSpawn: agent };
  let measured: { overhead: number; rss: number } | null = null;
  for (const v of variants) {
    const runs: TerminalRun[] = [];
    for (let i = 0; i < v.reps; i++) {
      const p = makeTerminalProject(ctx, { git: v.git });
      runs.push(await runTerminal(ctx, p, { implIterations: ITERATIONS - 2, edit: true, expect: ITERATIONS }));
    }
    const walls = runs.map((r) => r.wallMs);
    const wall = median(walls);
    const agentMs = agent.meanMs * ITERATIONS;
    const overhead = (wall - agentMs) / ITERATIONS;
    const inLoop = median(runs.map((r) => r.cycleMs)) - agent.meanMs;
    const fixed = wall - median(runs.map((r) => r.cycleMs)) * ITERATIONS;
    const rss = Math.max(...runs.map((r) => r.rssMb ?? 0));
    const cpu = median(runs.map((r) => r.cpuMs ?? NaN)) / ITERATIONS;
    detail[v.key] = {
      label: v.label,
      runs: runs.map((r) => ({ wallMs: round(r.wallMs), rssMb: r.rssMb && round(r.rssMb, 1), cpuMs: r.cpuMs && round(r.cpuMs), cycleMs: round(r.cycleMs), calls: r.calls })),
      wallMs: round(wall),
      agentMs: round(agentMs),
      overheadPerIterationMs: round(overhead),
      inLoopOverheadMs: round(inLoop),
      fixedMs: round(fixed),
      orchestratorCpuPerIterationMs: round(cpu),
      peakRssMb: round(rss, 1),
    };
    ctx.log(
      `  ${v.label}: total ${ms(wall)} (runs ${walls.map((w) => round(w, 0)).join(', ')}), agent ${ms(agentMs)}, overhead ${ms(overhead)}/iteration (in the loop ${ms(inLoop)}, once per run ${ms(fixed)}); the orchestrator's own CPU ${ms(cpu)}/iteration; peak ${round(rss, 1)} MB`,
    );
    if (v.key === 'git') {
      measured = { overhead, rss };
      res.figures.push(
        { id: 'terminal.total', figure: `terminal: ${ITERATIONS} iterations, total wall`, value: wall, unit: 'ms', holds: null },
        { id: 'terminal.agent', figure: `terminal: agent's own time (${ITERATIONS} direct spawns)`, value: agentMs, unit: 'ms', holds: null },
        { id: 'terminal.overhead', figure: 'terminal: overhead per iteration (git worktree)', value: overhead, unit: 'ms', goal: '<= 5 ms', holds: overhead <= 5 },
        { id: 'terminal.overhead.inloop', figure: 'terminal: of which in the loop, per iteration', value: inLoop, unit: 'ms', holds: null, note: 'mean cycle from _signals.jsonl times minus the agent' },
        { id: 'terminal.overhead.fixed', figure: 'terminal: once per run (start-up, worktree, commit)', value: fixed, unit: 'ms', holds: null },
        { id: 'terminal.cpu', figure: "terminal: orchestrator's own CPU per iteration", value: cpu, unit: 'ms', holds: null },
        { id: 'terminal.peak', figure: 'terminal: orchestrator peak RSS', value: rss, unit: 'MB', goal: '<= 80 MB', holds: rss <= 80 },
      );
    } else {
      res.figures.push({ id: `terminal.overhead.${v.key}`, figure: `terminal: overhead per iteration (${v.key}, reference)`, value: overhead, unit: 'ms', holds: null });
    }
  }
  // Where the time goes: the same run once more with git's trace2 on.
  const trace = traceHome(ctx);
  const p = makeTerminalProject(ctx, { git: true });
  const traced = await runTerminal(ctx, p, { implIterations: ITERATIONS - 2, edit: true, expect: ITERATIONS, home: trace.home });
  const t = readTraceOfRun(trace.file, 'the terminal loop');
  detail.gitTrace = summarizeTrace(t, ITERATIONS);
  detail.tracedRunWallMs = round(traced.wallMs);
  ctx.log(`  git (trace2 run, total ${ms(traced.wallMs)}): ${ms(t.totalMs)} in all, ${ms(t.totalMs / ITERATIONS)}/iteration, in ${t.processes} git processes: ${traceLine(t, ITERATIONS)}`);
  res.figures.push({ id: 'terminal.git', figure: 'terminal: git time per iteration (trace2 run)', value: t.totalMs / ITERATIONS, unit: 'ms', holds: null });

  // The once-per-run floor: loading dist/cli.js and printing the usage.
  const help: number[] = [];
  const helpUsage = join(tempDir(ctx, 'help'), 'usage.json');
  for (let i = 0; i < 6; i++) {
    help.push((await runProc(process.execPath, ['--import', ctx.rssHook, join(ctx.root, 'dist', 'cli.js'), 'help'], { cwd: ctx.tmp, env: baseEnv(ctx, { BENCH_RSS_FILE: helpUsage }) })).ms);
  }
  const helpRss = readUsage(helpUsage).rssMb;
  detail.cliHelp = { ms: round(median(help.slice(1))), rssMb: helpRss && round(helpRss, 1) };
  ctx.log(`  node dist/cli.js help (load the bundle, print, exit): ${ms(median(help.slice(1)))}, peak ${round(helpRss ?? NaN, 1)} MB`);
  res.figures.push({ id: 'terminal.clihelp', figure: 'terminal: node dist/cli.js help (start-up floor)', value: median(help.slice(1)), unit: 'ms', holds: null });
  res.details.terminal = detail;
  const { overhead, rss } = measured!;
  res.goals.push({
    goal: 'earlier: loop overhead, terminal',
    figure: `${ms(overhead)} an iteration (git worktree); peak ${round(rss, 1)} MB`,
    against: `the agent spawned directly, ${ms(agent.meanMs)} a call (<= 5 ms more); <= 80 MB`,
    holds: overhead <= 5 && rss <= 80,
  });
}
