// Goal 4, the terminal loop against the original worker: 52 iterations with
// a near-zero-cost agent, ours (`node dist/cli.js run`) and the original's
// (`python3 main.py`), from the same project folder (one `.samocode` both
// read, MAIN_REPO a git repository), interleaved, with and without the
// machine's NODE_EXTRA_CA_CERTS (which costs node a certificate load at
// every start and python nothing). Peak memory is each orchestrator's own
// (getrusage of the process, from an exit hook), not its children's.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOriginal } from './original.js';
import { baseEnv, median, readUsage, round, runProc, type Ctx, type Results } from './lib.js';
import { makeTerminalProject, SESSION_NAME, type TerminalProject } from './terminal.js';

const ITERATIONS = 52;
const REPS = 5;

/**
 * The agent both drive: builtins only, its decision from its call count
 * (the original tells its agent nothing in the environment; the session folder is ours' SAMOCODE_SESSION_PATH or, for the original, BENCH_SESSION_PATH): 49 iterations
 * of implementation, then implementation → testing → done → done.
 */
function countingAgent(dir: string): { path: string; calls: () => number } {
  const path = join(dir, 'claude');
  const counter = join(dir, 'calls');
  writeFileSync(
    path,
    `#!/bin/sh
c='${counter}'
n=0
[ -f "$c" ] && read n < "$c"
n=$((n + 1))
echo "$n" > "$c"
if [ "$n" -lt ${ITERATIONS - 2} ]; then s='{"status":"continue","phase":"implementation"}'
elif [ "$n" -eq ${ITERATIONS - 2} ]; then s='{"status":"continue","phase":"testing"}'
elif [ "$n" -eq ${ITERATIONS - 1} ]; then s='{"status":"continue","phase":"done"}'
else s='{"status":"done","phase":"done","summary":"bench session finished"}'; fi
echo "call $n" >> bench-work.txt
printf '%s' "$s" > "\${SAMOCODE_SESSION_PATH:-\$BENCH_SESSION_PATH}/_signal.json"
printf '%s\\n' '{"type":"result","subtype":"success","is_error":false,"total_cost_usd":0,"num_turns":1,"result":"ok"}'
`,
  );
  chmodSync(path, 0o755);
  return { path, calls: () => (existsSync(counter) ? Number(readFileSync(counter, 'utf8').trim()) || 0 : 0) };
}

interface PeerRun {
  wallMs: number;
  rssMb: number | null;
}

async function runOurs(ctx: Ctx, p: TerminalProject, ca: Record<string, string>): Promise<PeerRun> {
  const agent = countingAgent(p.dir);
  const rssFile = join(p.dir, 'rss-ours');
  const r = await runProc(process.execPath, ['--import', ctx.rssHook, join(ctx.root, 'dist', 'cli.js'), 'run', '--config', p.config, '--session', SESSION_NAME, '--max-iterations', '100000'], {
    cwd: p.dir,
    env: baseEnv(ctx, { ...ca, SAMOCODE_PROVIDER: 'claude', CLAUDE_PATH: agent.path, BENCH_RSS_FILE: rssFile }),
  });
  if (r.code !== 0 || agent.calls() !== ITERATIONS) throw new Error(`ours did not run ${ITERATIONS} iterations (exit ${r.code}, ${agent.calls()} calls): ${r.stdout.slice(-800)}${r.stderr.slice(-800)}`);
  return { wallMs: r.ms, rssMb: readUsage(rssFile).rssMb };
}

async function runOriginal(ctx: Ctx, dir: string, python: string, p: TerminalProject, ca: Record<string, string>): Promise<PeerRun> {
  const agent = countingAgent(p.dir);
  const rssFile = join(p.dir, 'rss-original');
  const main = join(dir, 'main.py');
  // The original counts iterations from 1 (it raises on 0); ours' fresh overview says 0 done.
  const overview = join(p.sessionPath, '_overview.md');
  writeFileSync(overview, readFileSync(overview, 'utf8').replace(/^Iteration: 0$/m, 'Iteration: 1'));
  // Its own peak RSS at exit (VmHWM, not getrusage: see the node hook), as the node hook writes ours.
  const wrapper = `import atexit, json, resource, runpy, sys
def hwm():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'): return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
atexit.register(lambda: open(${JSON.stringify(rssFile)}, 'w').write(json.dumps({'maxRssKb': hwm(), 'cpuMs': 0})))
sys.argv = [${JSON.stringify(main)}] + sys.argv[1:]
sys.path.insert(0, ${JSON.stringify(dir)})
runpy.run_path(${JSON.stringify(main)}, run_name='__main__')`;
  const r = await runProc(python, ['-c', wrapper, '--config', p.config, '--session', SESSION_NAME], {
    cwd: p.dir,
    env: baseEnv(ctx, { ...ca, CLAUDE_PATH: agent.path, BENCH_SESSION_PATH: p.sessionPath }),
  });
  if (agent.calls() !== ITERATIONS) throw new Error(`the original did not run ${ITERATIONS} iterations (exit ${r.code}, ${agent.calls()} calls): ${r.stdout.slice(-800)}${r.stderr.slice(-800)}`);
  return { wallMs: r.ms, rssMb: readUsage(rssFile).rssMb };
}

export async function peerSection(ctx: Ctx, res: Results): Promise<void> {
  const found = findOriginal(ctx);
  const caFile = process.env.NODE_EXTRA_CA_CERTS;
  const variants: { key: string; label: string; ca: Record<string, string> }[] = [
    { key: 'plain', label: 'without NODE_EXTRA_CA_CERTS', ca: {} },
    ...(caFile ? [{ key: 'ca', label: `with NODE_EXTRA_CA_CERTS`, ca: { NODE_EXTRA_CA_CERTS: caFile } }] : []),
  ];
  if (!found.original) {
    ctx.log(`  the original: unavailable: ${found.reason}`);
    res.goals.push({ goal: '3. terminal', figure: 'n/a', against: `the original: unavailable (${found.reason})`, holds: null });
    return;
  }
  const { dir, python } = found.original;
  const detail: Record<string, unknown> = { iterations: ITERATIONS, reps: REPS };
  const lines: string[] = [];
  let plainHolds: boolean | null = null;
  let peak = 0;
  for (const v of variants) {
    const ours: PeerRun[] = [];
    const orig: PeerRun[] = [];
    for (let i = 0; i < REPS; i++) {
      // A fresh project each time; the same layout and config for both.
      const order = i % 2 ? ['orig', 'ours'] : ['ours', 'orig'];
      for (const which of order) {
        const p = makeTerminalProject(ctx, { git: true });
        // Ours gives its agent SAMOCODE_SESSION_PATH; the original nothing, so it gets BENCH_SESSION_PATH.
        if (which === 'ours') ours.push(await runOurs(ctx, p, v.ca));
        else orig.push(await runOriginal(ctx, dir, python, p, v.ca));
      }
    }
    const ratio = median(ours.map((r) => r.wallMs)) / median(orig.map((r) => r.wallMs));
    const oursRss = Math.max(...ours.map((r) => r.rssMb ?? 0));
    const origRss = Math.max(...orig.map((r) => r.rssMb ?? 0));
    peak = Math.max(peak, oursRss);
    if (v.key === 'plain') plainHolds = ratio <= 1.5;
    ctx.log(
      `  ${v.label}: ours ${round(median(ours.map((r) => r.wallMs)), 0)} ms, the original ${round(median(orig.map((r) => r.wallMs)), 0)} ms: ${round(ratio)}x; peak ours ${round(oursRss, 1)} MiB, the original ${round(origRss, 1)} MiB`,
    );
    lines.push(`${v.key === 'plain' ? 'without' : 'with'} CA ${round(ratio)}x`);
    res.figures.push(
      { id: `peer.${v.key}.ratio`, figure: `terminal vs the original: ${ITERATIONS} iterations, wall ratio (${v.label})`, value: ratio, unit: 'x', goal: '<= 1.5x', holds: ratio <= 1.5 },
      { id: `peer.${v.key}.peak`, figure: `terminal vs the original: ours peak RSS (${v.label})`, value: oursRss, unit: 'MiB', goal: '<= 50 MiB', holds: oursRss <= 50 },
      { id: `peer.${v.key}.peak.original`, figure: `terminal vs the original: the original's peak RSS (${v.label})`, value: origRss, unit: 'MiB', holds: null },
    );
    detail[v.key] = { ours: ours.map((r) => ({ wallMs: round(r.wallMs), rssMb: r.rssMb && round(r.rssMb, 1) })), original: orig.map((r) => ({ wallMs: round(r.wallMs), rssMb: r.rssMb && round(r.rssMb, 1) })), ratio: round(ratio) };
  }
  // What node itself holds before any of ours runs: the floor under the memory goal.
  const floors: string[] = [];
  for (const [label, args] of [
    ["node -e ''", ['-e', '']],
    ['node dist/cli.js help', [join(ctx.root, 'dist', 'cli.js'), 'help']],
  ] as const) {
    const file = join(ctx.tmp, `rss-floor-${floors.length}`);
    await runProc(process.execPath, ['--import', ctx.rssHook, ...args], { cwd: ctx.tmp, env: baseEnv(ctx, { BENCH_RSS_FILE: file }) });
    const rss = readUsage(file).rssMb;
    floors.push(`${label} ${round(rss ?? NaN, 1)} MiB`);
    res.figures.push({ id: `peer.floor.${floors.length}`, figure: `terminal: peak RSS of ${label} (floor, reference)`, value: rss, unit: 'MiB', holds: null });
  }
  ctx.log(`  peak memory floors: ${floors.join(', ')}`);
  detail.floors = floors;
  res.goals.push({
    goal: '3. terminal',
    figure: `${lines.join(', ')}; peak ${round(peak, 1)} MiB (${floors.join(', ')})`,
    against: `the original, same folder, same run, interleaved, medians of ${REPS} (<= 1.5x without the CA file; <= 50 MiB)`,
    holds: plainHolds === null ? null : plainHolds && peak <= 50,
  });
  res.details.peer = detail;
}
