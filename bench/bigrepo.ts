// Resume on a big repository: a 2-iteration resume run against a remote with
// 20,000 commits vs one with 10 of the same tree shape, alternating; git's
// time on each from a trace2 run. The remotes are built in a second or two
// with git fast-import.
import { join } from 'node:path';
import type { SessionStatus } from '../src/core/overview.js';
import { FakeGitHub } from '../test/helpers/fake-github.js';
import { readTraceOfRun, summarizeTrace, traceHome, traceLine, type TraceHome } from './git-trace.js';
import { addSessionBranch, addSessionIssue, checkoutWorkspace, dispatchPayload, REPOSITORY, runBuiltAction, type Remote } from './github.js';
import { git, gitInput, median, ms, round, tempDir, writeAgent, type Ctx, type Results } from './lib.js';
import { resumeStatus } from './terminal.js';

export async function bigRepoSection(ctx: Ctx, res: Results): Promise<void> {
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
    const once = async (s: (typeof setups)[number], trace?: TraceHome) => {
      // Each run starts from the same remote state: the session branch as it was, a fresh checkout.
      git(s.remote.bare, 'update-ref', `refs/heads/${s.info.branch}`, s.info.sha);
      const workspace = checkoutWorkspace(ctx, s.remote);
      const agent = writeAgent(tempDir(ctx, 'big-agent'), { implIterations: 1, edit: true });
      const run = await runBuiltAction(ctx, { fake, workspace, event: 'workflow_dispatch', payload: dispatchPayload(ctx.root, s.issue), agentPath: agent.path, trace });
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
      await once(s, trace);
      const t = readTraceOfRun(trace.file, `the resume run on the ${s.name} remote`);
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
    res.goals.push({
      goal: 'earlier: resume on a big repository',
      figure: `${commits} commits: ${ms(median(times.big!))} = ${round(ratio)}x`,
      against: `10 commits, same tree: ${ms(median(times.small!))} (<= 1.2x)`,
      holds: ratio <= 1.2,
    });
  } finally {
    await fake.stop();
  }
}

/**
 * A bare repository whose `main` has `commits` commits over the same `files`
 * files: the first commit adds them all, each later one changes one file.
 * Two remotes built with the same `files` end with trees of the same shape,
 * so what differs between them is the length of the history.
 */
export function historyRemote(ctx: Ctx, commits: number, files: number): Remote {
  const dir = tempDir(ctx, `history-${commits}`);
  const bare = join(dir, 'remote.git');
  git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
  const t0 = Math.floor(Date.now() / 1000) - commits * 60 - 86_400;
  const filler = 'const value = computeSomethingUseful(input); // a line of source\n'.repeat(8);
  const parts: string[] = [];
  const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  const path = (k: number) => `src/module-${String(k).padStart(4, '0')}.ts`;
  for (let i = 1; i <= commits; i++) {
    let c = `commit refs/heads/main\ncommitter Dev <dev@example.com> ${t0 + i * 60} +0000\n${data(`change ${i}`)}`;
    if (i === 1) {
      c += `M 100644 inline README.md\n${data('# Hello-World\n')}`;
      for (let k = 0; k < files; k++) c += `M 100644 inline ${path(k)}\n${data(`// module ${k}\n${filler}`)}`;
    } else {
      const k = i % files;
      c += `M 100644 inline ${path(k)}\n${data(`// module ${k}, revision ${i}\n${filler}`)}`;
    }
    parts.push(c);
  }
  gitInput(bare, `${parts.join('')}done\n`, 'fast-import', '--quiet', '--done');
  return { bare, url: `file://${bare}` };
}
