// Loop overhead, GitHub mode: 50 iterations of `dist/index.js` on
// workflow_dispatch, each committed and pushed to a local bare remote, the API
// through the stand-in; what the orchestrator adds around each call, its API
// requests and writes. Diagnosis: a third run with git's trace2 on, its
// overhead split into git (push alone as its own row) and the rest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeGitHub, type RecordedRequest } from '../test/helpers/fake-github.js';
import { readTraceOfRun, summarizeTrace, traceHome, traceLine, type TraceHome } from './git-trace.js';
import { addSessionBranch, addSessionIssue, checkoutWorkspace, countEndpoints, dispatchPayload, makeRemote, REPOSITORY, runBuiltAction, type ActionRun } from './github.js';
import { cycleMs, git, historyTimes, LOOP_ITERATIONS as ITERATIONS, median, ms, round, tempDir, timeAgent, writeAgent, type Ctx, type Results } from './lib.js';
import { resumeStatus } from './terminal.js';

interface GithubLoopRun {
  run: ActionRun;
  cycleMs: number;
  /** Commits the run added to the session branch on the remote. */
  commitsPushed: number;
}

async function githubLoopRun(ctx: Ctx, fake: FakeGitHub, issue: number, opts: { trace?: TraceHome } = {}): Promise<GithubLoopRun> {
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

export async function githubSection(ctx: Ctx, res: Results): Promise<void> {
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
    const traced = await githubLoopRun(ctx, fake, 21, { trace });
    const t = readTraceOfRun(trace.file, 'the GitHub-mode loop');
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
    res.goals.push({
      goal: 'earlier: loop overhead, GitHub',
      figure: `${ms(overhead)} an iteration; ${round(writes.length / ITERATIONS, 2)} API writes an iteration`,
      against: `the agent spawned directly, ${ms(agent.meanMs)} a call (<= 25 ms more); <= 1 write`,
      holds: overhead <= 25 && writes.length / ITERATIONS <= 1,
    });
  } finally {
    await fake.stop();
  }
}

function describeWrite(r: RecordedRequest): string {
  const body = r.body as { body?: string; labels?: string[] } | undefined;
  const what = body?.body ? ` ${JSON.stringify(body.body.split('\n')[0]!.slice(0, 60))}` : body?.labels ? ` ${JSON.stringify(body.labels)}` : '';
  return `${r.method} ${r.path.replace(`/repos/${REPOSITORY}`, '')}${what}`;
}
