// The benchmark suite (`npm run bench`): figures and ratios measured in one
// run on this machine, against goals. Not a test: a goal that does not hold
// is reported, never a failure. See bench/run.mjs for how it is started.
import { cpus, loadavg, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Esbuild from 'esbuild';
import type { SessionStatus } from '../src/core/overview.js';
import { MAX_BODY, trackingComment } from '../src/core/render.js';
import { FakeGitHub, type RecordedRequest } from '../test/helpers/fake-github.js';
import { historyRemote } from './bigrepo.js';
import { bundleReport } from './bundle.js';
import { tokensSection } from './tokens.js';
import { checkpointSection } from './checkpoint.js';
import { peerSection } from './peer.js';
import { noCostSection } from './nocost.js';
import { scaleSection } from './scale.js';
import {
  addSessionBranch,
  addSessionIssue,
  checkoutWorkspace,
  countEndpoints,
  dispatchPayload,
  makeRemote,
  readTrace,
  REPOSITORY,
  runBuiltAction,
  traceHome,
  type ActionRun,
  type GitTrace,
  type Remote,
} from './github.js';
import { baseEnv, cycleMs, git, historyTimes, killLive, makeCtx, median, readUsage, removeTemp, round, runProc, table, tempDir, timeAgent, writeAgent, type AgentTime, type Ctx, type Figure, type Results, goalsTable } from './lib.js';
import { addHistory, makeTerminalProject, resumeStatus, runTerminal, type TerminalProject, type TerminalRun } from './terminal.js';

const ITERATIONS = 50;
const SECTIONS = ['tokens', 'nocost', 'checkpoint', 'peer', 'terminal', 'github', 'coldstart', 'bigrepo', 'growth', 'bundle', 'scale'] as const;
type Section = (typeof SECTIONS)[number];


const ms = (n: number) => `${round(n, 1)} ms`;

// ---------------------------------------------------------------- 1. terminal loop

async function terminalLoop(ctx: Ctx, res: Results): Promise<void> {
  const agent = await timeAgent(ctx, ITERATIONS, true);
  ctx.log(`  agent spawned directly: ${ms(agent.meanMs)} a call (mean of ${ITERATIONS}), median ${ms(agent.medianMs)}`);
  const variants = [
    { key: 'git', label: 'MAIN_REPO a git repo (a worktree, committed once per run)', git: true, reps: 3 },
    { key: 'no-git', label: 'MAIN_REPO without git (no worktree, nothing committed)', git: false, reps: 1 },
  ];
  const detail: Record<string, unknown> = { iterations: ITERATIONS, agentDirectSpawn: agent };
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
  const t = readTrace(trace.file);
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
}

function summarizeTrace(t: GitTrace, iterations: number) {
  return {
    totalMs: round(t.totalMs),
    perIterationMs: round(t.totalMs / iterations),
    processesPerIteration: round(t.processes / iterations, 1),
    commands: Object.fromEntries(Object.entries(t.commands).map(([k, v]) => [k, { count: v.count, ms: round(v.ms), perCallMs: round(v.ms / v.count) }])),
  };
}

/** `push 51x 21.4 ms (21.9/it), …`; with `iterations` 0, no per-iteration share. */
function traceLine(t: GitTrace, iterations: number): string {
  return Object.entries(t.commands)
    .map(([k, v]) => `${k} ${v.count}x ${round(v.ms / v.count, 1)} ms${iterations ? ` (${round(v.ms / iterations, 1)}/it)` : ''}`)
    .join(', ');
}

// ---------------------------------------------------------------- 2. GitHub loop

interface GithubLoopRun {
  run: ActionRun;
  cycleMs: number;
  /** Commits the run added to the session branch on the remote. */
  commitsPushed: number;
}

async function githubLoopRun(ctx: Ctx, fake: FakeGitHub, issue: number, opts: { home?: string } = {}): Promise<GithubLoopRun> {
  const title = 'Bench loop';
  const status = resumeStatus(0);
  const remote = makeRemote(ctx);
  const info = addSessionBranch(ctx, remote, issue, title, status);
  addSessionIssue(fake, issue, title, info.folder, status);
  const workspace = checkoutWorkspace(ctx, remote);
  const agent = writeAgent(tempDir(ctx, 'gh-agent'), { implIterations: ITERATIONS - 2, edit: true });
  const run = await runBuiltAction(ctx, { fake, workspace, event: 'workflow_dispatch', payload: dispatchPayload(ctx.root, issue), agentPath: agent.path, ...opts });
  const history = historyTimes(readFileSync(join(workspace, '.samocode', 'sessions', info.folder, '_signals.jsonl'), 'utf8'));
  if (run.code !== 0 || run.outputs.status !== 'done' || run.outputs.iterations !== String(ITERATIONS) || agent.calls() !== ITERATIONS || history.length !== ITERATIONS) {
    throw new Error(`GitHub-mode run did not go as planned (exit ${run.code}, outputs ${JSON.stringify(run.outputs)}, ${agent.calls()} agent calls):\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-1000)}`);
  }
  const commitsPushed = Number(git(remote.bare, 'rev-list', '--count', `${info.sha}..refs/heads/${info.branch}`).trim());
  return { run, cycleMs: cycleMs(history), commitsPushed };
}

async function githubLoop(ctx: Ctx, res: Results): Promise<void> {
  const agent = await timeAgent(ctx, ITERATIONS, true);
  const fake = new FakeGitHub(REPOSITORY);
  await fake.start();
  try {
    const runs: GithubLoopRun[] = [];
    for (let i = 0; i < 2; i++) runs.push(await githubLoopRun(ctx, fake, 11 + i));
    const wall = median(runs.map((r) => r.run.ms));
    const agentMs = agent.meanMs * ITERATIONS;
    const overhead = (wall - agentMs) / ITERATIONS;
    const inLoop = median(runs.map((r) => r.cycleMs)) - agent.meanMs;
    const fixed = wall - median(runs.map((r) => r.cycleMs)) * ITERATIONS;
    const requests = runs[0]!.run.requests;
    const writes = requests.filter((r) => r.method !== 'GET');
    const rss = Math.max(...runs.map((r) => r.run.rssMb ?? 0));
    const cpu = median(runs.map((r) => r.run.cpuMs ?? NaN)) / ITERATIONS;
    ctx.log(
      `  total ${ms(wall)} (runs ${runs.map((r) => round(r.run.ms, 0)).join(', ')}), agent ${ms(agentMs)}, overhead ${ms(overhead)}/iteration (in the loop ${ms(inLoop)}, once per run ${ms(fixed)}); the orchestrator's own CPU ${ms(cpu)}/iteration; ${runs[0]!.commitsPushed} commits reached the remote; peak ${round(rss, 1)} MB`,
    );
    ctx.log(`  API: ${requests.length} requests, ${writes.length} writes: ${JSON.stringify(countEndpoints(requests))}`);

    // Diagnosis: once more with git's trace2 on, to split git's time from the rest.
    const trace = traceHome(ctx);
    const traced = await githubLoopRun(ctx, fake, 21, { home: trace.home });
    const t = readTrace(trace.file);
    const tracedOverhead = (traced.run.ms - agentMs) / ITERATIONS;
    const gitPer = t.totalMs / ITERATIONS;
    const push = t.commands.push ?? { count: 0, ms: 0 };
    const restPer = tracedOverhead - gitPer;
    const tracedCpu = (traced.run.cpuMs ?? NaN) / ITERATIONS;
    ctx.log(`  git (trace2 run): ${ms(gitPer)}/iteration in ${round(t.processes / ITERATIONS, 1)} git processes: ${traceLine(t, ITERATIONS)}`);
    ctx.log(
      `  diagnosis (trace2 run, total ${ms(traced.run.ms)}): overhead ${ms(tracedOverhead)}/iteration = git ${ms(gitPer)} (of which ${push.count} pushes to the local bare remote, ${ms(push.ms / ITERATIONS)}) + the rest ${ms(restPer)} (the orchestrator's own CPU ${ms(tracedCpu)}/iteration; the remainder is spawning, waiting, the API)`,
    );

    res.figures.push(
      { id: 'github.total', figure: `github: ${ITERATIONS} iterations, total wall`, value: wall, unit: 'ms', holds: null },
      { id: 'github.overhead', figure: 'github: overhead per iteration', value: overhead, unit: 'ms', goal: '<= 25 ms', holds: overhead <= 25 },
      { id: 'github.overhead.inloop', figure: 'github: of which in the loop, per iteration', value: inLoop, unit: 'ms', holds: null },
      { id: 'github.traced.overhead', figure: 'github: diagnosis, overhead per iteration (trace2 run)', value: tracedOverhead, unit: 'ms', holds: null, note: 'the run the split below is from' },
      { id: 'github.git', figure: 'github: diagnosis, of which git', value: gitPer, unit: 'ms', holds: null, note: traceLine(t, ITERATIONS) },
      { id: 'github.git.push', figure: `github: diagnosis, git push alone (${push.count} in the run)`, value: push.ms / ITERATIONS, unit: 'ms', holds: null },
      { id: 'github.rest', figure: 'github: diagnosis, of which the rest (not in git)', value: restPer, unit: 'ms', holds: null, note: 'overhead of the trace2 run minus its git time' },
      { id: 'github.cpu', figure: "github: orchestrator's own CPU per iteration", value: cpu, unit: 'ms', holds: null },
      { id: 'github.requests', figure: 'github: API requests per iteration', value: requests.length / ITERATIONS, unit: '', holds: null },
      { id: 'github.writes', figure: 'github: API writes per iteration', value: writes.length / ITERATIONS, unit: '', goal: '<= 1', holds: writes.length / ITERATIONS <= 1 },
      { id: 'github.peak', figure: 'github: orchestrator peak RSS', value: rss, unit: 'MB', holds: null },
    );
    res.details.github = {
      iterations: ITERATIONS,
      apiPacing: 'writes not spaced (SAMOCODE_API_PACING_MS=0): the throttling plugin would otherwise space writes out and dominate the time; rate limits are still waited out',
      agentDirectSpawn: agent,
      runs: runs.map((r) => ({
        wallMs: round(r.run.ms),
        cycleMs: round(r.cycleMs),
        commitsPushed: r.commitsPushed,
        requests: r.run.requests.length,
        writes: r.run.requests.filter((q) => q.method !== 'GET').length,
        rssMb: r.run.rssMb && round(r.run.rssMb, 1),
        cpuMs: r.run.cpuMs && round(r.run.cpuMs),
      })),
      orchestratorCpuPerIterationMs: round(cpu),
      wallMs: round(wall),
      agentMs: round(agentMs),
      overheadPerIterationMs: round(overhead),
      inLoopOverheadMs: round(inLoop),
      fixedMs: round(fixed),
      requestsByEndpoint: countEndpoints(requests),
      writes: writes.map(describeWrite),
      tracedRun: {
        wallMs: round(traced.run.ms),
        overheadPerIterationMs: round(tracedOverhead),
        gitPerIterationMs: round(gitPer),
        restPerIterationMs: round(restPer),
        orchestratorCpuPerIterationMs: round(tracedCpu),
        gitTrace: summarizeTrace(t, ITERATIONS),
      },
    };
  } finally {
    await fake.stop();
  }
}

function describeWrite(r: RecordedRequest): string {
  const body = r.body as { body?: string; labels?: string[] } | undefined;
  const what = body?.body ? ` ${JSON.stringify(body.body.split('\n')[0]!.slice(0, 60))}` : body?.labels ? ` ${JSON.stringify(body.labels)}` : '';
  return `${r.method} ${r.path.replace(`/repos/${REPOSITORY}`, '')}${what}`;
}

// ---------------------------------------------------------------- 3. cold start

async function coldStart(ctx: Ctx, res: Results): Promise<void> {
  const runs = 31;
  const fixture = join(ctx.root, 'test', 'fixtures', 'events', 'issue-comment-no-session.json');
  const dir = tempDir(ctx, 'cold');
  const actionEnv = baseEnv(ctx, { GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: fixture, GITHUB_REPOSITORY: REPOSITORY, GITHUB_WORKSPACE: dir, GITHUB_ACTIONS: 'true' });
  const nodeEnv = baseEnv(ctx);
  const emptyModule = join(dir, 'empty.mjs');
  writeFileSync(emptyModule, '');
  // Only what dist/index.js imports statically (its chunks), to split its time.
  const entry = readFileSync(join(ctx.root, 'dist', 'index.js'), 'utf8');
  const statics = [...entry.matchAll(/import\s*(?:[^'"]*?from\s*)?["'](\.\/[^"']+)["']/g)].map((m) => m[1]!);
  const importsOnly = join(dir, 'imports-only.mjs');
  writeFileSync(importsOnly, statics.map((p) => `import ${JSON.stringify(pathToFileURL(join(ctx.root, 'dist', p)).href)};`).join('\n'));
  const action: number[] = [];
  const bare: number[] = [];
  const esm: number[] = [];
  const chunks: number[] = [];
  let said = '';
  for (let i = 0; i < runs + 3; i++) {
    const a = await runProc(process.execPath, [join(ctx.root, 'dist', 'index.js')], { cwd: dir, env: actionEnv });
    const b = await runProc(process.execPath, ['-e', ''], { cwd: dir, env: nodeEnv });
    const c = await runProc(process.execPath, [emptyModule], { cwd: dir, env: nodeEnv });
    const d = await runProc(process.execPath, [importsOnly], { cwd: dir, env: nodeEnv });
    if (a.code !== 0 || !a.stdout.includes('nothing to do')) throw new Error(`dist/index.js did not ignore the event: ${a.stdout}${a.stderr}`);
    said = a.stdout.trim();
    if (i < 3) continue; // warm-up
    action.push(a.ms);
    bare.push(b.ms);
    esm.push(c.ms);
    chunks.push(d.ms);
  }
  const ratio = median(action) / median(bare);
  ctx.log(
    `  dist/index.js median ${ms(median(action))}, node -e '' median ${ms(median(bare))} (${runs} runs each, interleaved): ${round(ratio)}x; it said: ${said}`,
  );
  ctx.log(
    `  split: an empty .mjs ${ms(median(esm))} (${round(median(esm) / median(bare))}x: Node's ESM loader), + the ${statics.length} chunks dist/index.js imports statically ${ms(median(chunks))}, + dist/index.js's own work ${ms(median(action))}`,
  );
  res.figures.push(
    { id: 'coldstart.action', figure: 'cold start: dist/index.js on an ignored event (median)', value: median(action), unit: 'ms', holds: null },
    { id: 'coldstart.node', figure: "cold start: node -e '' (median)", value: median(bare), unit: 'ms', holds: null },
    { id: 'coldstart.ratio', figure: 'cold start: ratio', value: ratio, unit: 'x', goal: '<= 1.3x', holds: ratio <= 1.3 },
    { id: 'coldstart.esm', figure: 'cold start: node on an empty .mjs (reference)', value: median(esm), unit: 'ms', holds: null },
    { id: 'coldstart.chunks', figure: "cold start: only dist/index.js's static imports (reference)", value: median(chunks), unit: 'ms', holds: null },
  );
  res.details.coldStart = {
    runs,
    actionMs: action.map((x) => round(x)),
    nodeMs: bare.map((x) => round(x)),
    emptyModuleMs: esm.map((x) => round(x)),
    staticImports: statics,
    staticImportsOnlyMs: chunks.map((x) => round(x)),
    output: said,
  };
}

// ---------------------------------------------------------------- 4. big repository

async function bigRepo(ctx: Ctx, res: Results): Promise<void> {
  const files = 300;
  const t0 = Date.now();
  const big = historyRemote(ctx, 20_000, files);
  const buildMs = Date.now() - t0;
  const small = historyRemote(ctx, 10, files);
  const fake = new FakeGitHub(REPOSITORY);
  await fake.start();
  try {
    const title = 'Bench resume';
    const status: SessionStatus = { ...resumeStatus(60, 'testing'), lastAction: 'implementation → testing' };
    const setups = [
      { name: 'big', remote: big, issue: 31 },
      { name: 'small', remote: small, issue: 32 },
    ].map((s) => {
      const info = addSessionBranch(ctx, s.remote, s.issue, title, status);
      addSessionIssue(fake, s.issue, title, info.folder, status);
      return { ...s, info };
    });
    const once = async (s: (typeof setups)[number], home?: string) => {
      // Each run starts from the same remote state: the session branch as it was, a fresh checkout.
      git(s.remote.bare, 'update-ref', `refs/heads/${s.info.branch}`, s.info.sha);
      const workspace = checkoutWorkspace(ctx, s.remote);
      const agent = writeAgent(tempDir(ctx, 'big-agent'), { implIterations: 1, edit: true });
      const run = await runBuiltAction(ctx, { fake, workspace, event: 'workflow_dispatch', payload: dispatchPayload(ctx.root, s.issue), agentPath: agent.path, home });
      if (run.code !== 0 || run.outputs.status !== 'done' || agent.calls() !== 2) {
        throw new Error(`resume run on the ${s.name} remote did not go as planned (exit ${run.code}, ${agent.calls()} calls):\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-1000)}`);
      }
      return run.ms;
    };
    const times: Record<string, number[]> = { big: [], small: [] };
    for (const s of setups) await once(s); // warm-up: page cache, and the pull request and comments exist from here on
    for (let i = 0; i < 5; i++) for (const s of i % 2 ? [...setups].reverse() : setups) times[s.name]!.push(await once(s));
    const ratio = median(times.big!) / median(times.small!);
    const traces: Record<string, unknown> = {};
    for (const s of setups) {
      const trace = traceHome(ctx);
      await once(s, trace.home);
      const t = readTrace(trace.file);
      traces[s.name] = summarizeTrace(t, 1);
      ctx.log(`  git on the ${s.name} remote (trace2 run): ${ms(t.totalMs)} in ${t.processes} git processes: ${traceLine(t, 0)}`);
    }
    const commits = git(big.bare, 'rev-list', '--count', 'main').trim();
    ctx.log(`  resume run (2 iterations): ${commits} commits ${ms(median(times.big!))} vs 10 commits ${ms(median(times.small!))}: ${round(ratio)}x (big remote built in ${buildMs} ms)`);
    res.figures.push(
      { id: 'bigrepo.big', figure: `big repo: resume run, ${commits}-commit remote (median of 5)`, value: median(times.big!), unit: 'ms', holds: null },
      { id: 'bigrepo.small', figure: 'big repo: resume run, 10-commit remote (median of 5)', value: median(times.small!), unit: 'ms', holds: null },
      { id: 'bigrepo.ratio', figure: 'big repo: ratio', value: ratio, unit: 'x', goal: '<= 1.2x', holds: ratio <= 1.2 },
    );
    res.details.bigRepo = { commits: Number(commits), files, buildMs, bigMs: times.big!.map((x) => round(x)), smallMs: times.small!.map((x) => round(x)), gitTrace: traces };
  } finally {
    await fake.stop();
  }
}

// ---------------------------------------------------------------- 5. growth

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

async function growth(ctx: Ctx, res: Results): Promise<void> {
  const n = GROWTH_N;
  const before = GROWTH_BEFORE;
  const agent = await timeAgent(ctx, ITERATIONS, true);
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
    termTraces[kind] = readTrace(trace.file);
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
          home: trace?.home,
        });
        const history = historyTimes(readFileSync(join(workspace, '.samocode', 'sessions', info.folder, '_signals.jsonl'), 'utf8')).slice(kind === 'grown' ? before : 0);
        if (run.code !== 0 || run.outputs.status !== 'done' || bench.calls() !== n) throw new Error(`GitHub growth run (${kind}) did not go as planned: ${run.stdout.slice(-1500)}`);
        if (trace) traces[kind] = readTrace(trace.file);
        else runs[kind].push({ wallMs: run.ms, cycleMs: cycleMs(history), cpuMs: run.cpuMs });
      }
    }
    return { pair: growthPair(runs.fresh, runs.grown, agent.meanMs, n), traces: traceCompare(traces.fresh!, traces.grown!, n) };
  } finally {
    await fake.stop();
  }
}

// ---------------------------------------------------------------- 6. bundle

async function bundle(ctx: Ctx, res: Results, esbuild: typeof Esbuild): Promise<void> {
  const b = await bundleReport(ctx.root, esbuild);
  const kb = (n: number) => `${round(n / 1024, 1)} KB`;
  for (const f of b.dist) res.figures.push({ id: `bundle.${f.file}`, figure: `bundle: ${f.file}`, value: f.bytes, unit: 'bytes', holds: null });
  res.figures.push(
    { id: 'bundle.total', figure: 'bundle: dist/ total', value: b.distTotal, unit: 'bytes', holds: null },
    { id: 'bundle.entryDeps', figure: 'bundle: dependency bytes in dist/index.js', value: b.entryDependencyBytes, unit: 'bytes', goal: '0 (cold start)', holds: b.entryDependencyBytes === 0 },
    {
      id: 'bundle.unbundled',
      figure: 'bundle: package.json dependencies in no bundle',
      value: b.unbundledDependencies.join(', ') || 'none',
      goal: 'none',
      holds: b.unbundledDependencies.length === 0,
    },
    { id: 'bundle.undeclared', figure: 'bundle: src imports not in package.json', value: b.undeclared.join(', ') || 'none', goal: 'none', holds: b.undeclared.length === 0 },
    ...(b.packages[0] ? [{ id: 'bundle.largest', figure: 'bundle: largest package (action / cli)', value: `${b.packages[0].name} ${kb(b.packages[0].actionBytes)} / ${kb(b.packages[0].cliBytes)}`, holds: null }] : []),
    ...(b.transitive[0]
      ? [
          {
            id: 'bundle.largestTransitive',
            figure: 'bundle: largest package src does not import',
            value: `${b.transitive[0].name} ${kb(b.transitive[0].bytes)} ← ${b.transitive[0].importedFrom[0]?.replace(/^.*node_modules\//, '') ?? '?'}`,
            holds: null,
          },
        ]
      : []),
    {
      id: 'bundle.transitive',
      figure: 'bundle: bundled packages src does not import',
      value: `${b.transitive.length} (${kb(b.transitive.reduce((a, p) => a + p.bytes, 0))})`,
      goal: 'each needed by a src import',
      holds: null,
    },
  );
  const actionUnwanted = b.unwanted.filter((u) => u.file !== 'dist/cli.js');
  const unwantedBytes = actionUnwanted.reduce((a, u) => a + u.zodLocales + u.undici, 0);
  res.figures.push({
    id: 'bundle.actionUnwanted',
    figure: "bundle: zod's locales and undici in the action's files",
    value: unwantedBytes,
    unit: 'bytes',
    goal: '0',
    holds: unwantedBytes === 0,
    ...(actionUnwanted.length ? { note: actionUnwanted.map((u) => `${u.file}: zod locales ${u.zodLocales}, undici ${u.undici}`).join('; ') } : {}),
  });
  ctx.log(`  zod's locales and undici: ${b.unwanted.length ? b.unwanted.map((u) => `${u.file} ${kb(u.zodLocales)} / ${kb(u.undici)}`).join(', ') : 'in no output file'}`);
  ctx.log(`  dist/: ${b.dist.map((f) => `${f.file} ${kb(f.bytes)}`).join(', ')}; total ${kb(b.distTotal)} (a fresh build of src now: ${kb(b.freshTotal)})`);
  ctx.log(`  src imports: ${b.srcImports.join(', ')}`);
  ctx.log('  packages in the bundles (bytes in the action files / in dist/cli.js; * = imported by src; (cjs) = only CommonJS modules import it, so esbuild keeps it whole whether or not it is called):');
  for (const p of b.packages) {
    const via = p.importedBySrc ? '' : ` ← ${p.importedFrom.slice(0, 3).join(', ')}${p.importedFrom.length > 3 ? ', …' : ''}${p.onlyFromCommonJs ? ' (cjs)' : ''}`;
    ctx.log(`    ${p.importedBySrc ? '*' : ' '} ${p.name}@${p.version} ${kb(p.actionBytes)} / ${kb(p.cliBytes)}${via}`);
  }
  if (b.unbundledDependencies.length) ctx.log(`  package.json dependencies in no bundle: ${b.unbundledDependencies.join(', ')}`);
  if (b.duplicates.length) ctx.log(`  bundled in two versions: ${b.duplicates.join(', ')}`);
  res.details.bundle = {
    ...b,
    packages: b.packages.map((p) => ({ ...p, importedFrom: p.importedFrom.slice(0, 5) })),
    transitive: b.transitive.map((p) => ({ name: p.name, bytes: p.bytes, via: p.importedFrom.slice(0, 5) })),
  };
}

// ---------------------------------------------------------------- goal 5

/** Start-up: the cold-start ratio and the action chunks without zod's locales or undici, from the coldstart and bundle sections. */
function startupGoal(res: Results): void {
  const ratio = res.figures.find((f) => f.id === 'coldstart.ratio');
  const lean = res.figures.find((f) => f.id === 'bundle.actionUnwanted');
  if (!ratio && !lean) return;
  const parts = [ratio ? `index.js ${round(ratio.value as number)}x node -e ''` : 'cold start not run', lean ? `zod locales + undici in the action's files: ${lean.value} bytes` : 'bundle not run'];
  res.goals.push({
    goal: 'earlier: start-up',
    figure: parts.join('; '),
    against: "node -e '' (<= 1.3x); 0 bytes",
    holds: ratio && lean ? ratio.holds === true && lean.holds === true : null,
  });
}

// ---------------------------------------------------------------- main

export async function main(opts: { root: string; esbuild: typeof Esbuild; args: string[] }): Promise<number> {
  const started = Date.now();
  const only = opts.args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',') as Section[] | undefined;
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
  const loadBefore = loadavg().map((x) => round(x));
  const machine = { node: process.version, platform: `${process.platform} ${process.arch}`, cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: round(totalmem() / 2 ** 30, 1), loadAverageAtStart: loadBefore, loadAverageAtEnd: [] as number[], git: execFileSync('git', ['--version'], { encoding: 'utf8' }).trim() };
  ctx.log(`samocode bench: node ${machine.node}, ${machine.cpus} cpus (${machine.cpu}), ${machine.git}; temp ${ctx.tmp}`);
  ctx.log('The agent is a dash script that only counts its calls, appends a line to a file in its working directory and writes the signal (plus one stream-json result line).');
  ctx.log('GitHub-mode runs set SAMOCODE_API_PACING_MS=0: the throttling plugin would otherwise space API writes out (about one a second) and that wait would be all there is to measure.');
  try {
    const sections: [Section, string, () => Promise<void>][] = [
      ['tokens', '0. tokens to the model: the real Claude Code CLI against a loopback stand-in, skills installed on both sides, two iterations of every phase', () => tokensSection(ctx, res)],
      ['nocost', '0a. a run that starts no agent: a chat line on a waiting issue', () => noCostSection(ctx, res)],
      ['checkpoint', '0b. checkpoint on a 50,000-file tree vs a bare add/commit/push', () => checkpointSection(ctx, res)],
      ['peer', '0c. terminal loop vs the original worker (52 iterations, same folder)', () => peerSection(ctx, res)],
      ['terminal', `1. loop overhead, terminal mode (${ITERATIONS} iterations)`, () => terminalLoop(ctx, res)],
      ['github', `2. loop overhead, GitHub mode (${ITERATIONS} iterations)`, () => githubLoop(ctx, res)],
      ['coldstart', '3. cold start on an ignored event', () => coldStart(ctx, res)],
      ['bigrepo', '4. resume on a big repository', () => bigRepo(ctx, res)],
      ['growth', '5. growth: iteration 1,000 vs iteration 10', () => growth(ctx, res)],
      ['bundle', '6. bundle', () => bundle(ctx, res, opts.esbuild)],
      ['scale', "7. many sessions at once under GitHub's secondary rate limit, against the same sessions one at a time", () => scaleSection(ctx, res)],
    ];
    for (const [key, title, run] of sections) {
      if (only && !only.includes(key)) continue;
      const t = Date.now();
      ctx.log(`\n${title}`);
      try {
        await run();
      } catch (error) {
        crashed.push(key);
        killLive();
        ctx.log(`  CRASHED: ${(error as Error).stack ?? error}`);
        res.figures.push({ id: `${key}.crash`, figure: `${key}: crashed`, value: String((error as Error).message).split('\n')[0]!.slice(0, 100), holds: null });
      }
      ctx.log(`  (${round((Date.now() - t) / 1000, 1)} s)`);
    }
  } finally {
    killLive();
    removeTemp(ctx);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const durationS = round((Date.now() - started) / 1000, 1);
  machine.loadAverageAtEnd = loadavg().map((x) => round(x));
  ctx.log(`\nload average (1, 5, 15 min) at the start ${machine.loadAverageAtStart.join(', ')}, at the end ${machine.loadAverageAtEnd.join(', ')}: anything else running on this machine is in these figures`);
  ctx.log(`\n${table(res.figures)}`);
  startupGoal(res);
  res.goals.sort((a, b) => a.goal.localeCompare(b.goal));
  if (res.goals.length) ctx.log(`\ngoals:\n${goalsTable(res.goals)}`);
  const failing = res.figures.filter((f) => f.holds === false).map((f) => f.figure);
  ctx.log(`\nbench: ${durationS} s in all; ${failing.length ? `goals that do not hold: ${failing.length}` : 'every goal holds'}${crashed.length ? `; crashed: ${crashed.join(', ')}` : ''}`);
  const out = join(opts.root, 'bench', 'results.json');
  mkdirSync(join(opts.root, 'bench'), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ at: new Date(started).toISOString(), durationS, machine, figures: res.figures.map((f) => ({ ...f, value: typeof f.value === 'number' ? round(f.value, 3) : f.value })), goals: res.goals, details: res.details }, null, 2)}\n`);
  ctx.log(`bench: wrote ${out}`);
  return crashed.length ? 1 : 0;
}
