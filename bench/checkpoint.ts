// Goal 3, the checkpoint on a big tree: a generated 50,000-file tree (one
// git fast-import into a bare remote), two clones of it, and 20 iterations
// of the same one-line change in each, interleaved: one committed and pushed
// through SessionBranch.checkpoint (what a GitHub-mode iteration does), the
// other by a bare `git add -A && git commit -q -m x && git push -q`, the
// floor. Both start from a warm page cache and the same index state. As root,
// ours also hands the tree to an agent user after each checkpoint, as a
// GitHub-mode iteration does before the next call; and the hand-over on a
// tree where nothing changed is timed against the find it replaced.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redactor } from '../src/core/redact.js';
import { PROTECTED_PATHS } from '../src/git/protected-paths.js';
import { SessionBranch } from '../src/git/session-branch.js';
import { TreeHandOver } from '../src/providers/tree-owner.js';
import { openWorkspace } from '../src/git/workspace.js';
import { git, gitInput, median, round, tempDir, type Ctx, type Results } from './lib.js';

const FILES = 50_000;
const PER_DIR = 100;
const ITERATIONS = 20;
const BRANCH = 'samocode/1-bench-checkpoint';

/** A bare remote whose main holds FILES files of about 1 KB in FILES/PER_DIR folders, in one commit. */
function bigTreeRemote(ctx: Ctx): { bare: string; url: string; bytes: number } {
  const dir = tempDir(ctx, 'big-tree');
  const bare = join(dir, 'remote.git');
  git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
  const line = 'export const value = compute(input); // a line of generated source\n';
  const parts: string[] = [`commit refs/heads/main\ncommitter Dev <dev@example.com> ${Math.floor(Date.now() / 1000) - 86_400} +0000\ndata 4\ntree\n`];
  let bytes = 0;
  for (let i = 0; i < FILES; i++) {
    const content = `// file ${i}\n${line.repeat(15)}`;
    bytes += content.length;
    parts.push(`M 100644 inline src/d${String(Math.floor(i / PER_DIR)).padStart(3, '0')}/f${String(i).padStart(5, '0')}.ts\ndata ${Buffer.byteLength(content)}\n${content}\n`);
  }
  gitInput(bare, `${parts.join('')}done\n`, 'fast-import', '--quiet', '--done');
  git(bare, 'branch', BRANCH, 'main');
  return { bare, url: `file://${bare}`, bytes };
}

function clone(ctx: Ctx, url: string, name: string): string {
  const ws = join(tempDir(ctx, name), 'repo');
  git(ctx.tmp, 'clone', '-q', '--single-branch', '--branch', BRANCH, url, ws);
  return ws;
}

const time = async (f: () => unknown) => {
  const t = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

export async function checkpointSection(ctx: Ctx, res: Results): Promise<void> {
  const t0 = Date.now();
  const remote = bigTreeRemote(ctx);
  const oursDir = clone(ctx, remote.url, 'ckpt-ours');
  const floorDir = clone(ctx, remote.url, 'ckpt-floor');
  ctx.log(`  tree: ${FILES} files, ${round(remote.bytes / 2 ** 20, 1)} MiB, built and cloned twice in ${round((Date.now() - t0) / 1000, 1)} s`);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: ctx.home, LANG: 'C' };
  const floorGit = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: floorDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  mkdirSync(join(oursDir, '.samocode', 'sessions'), { recursive: true });
  const workspace = await openWorkspace({ workspace: oursDir, env, tempRoot: ctx.tmp });
  const branch = new SessionBranch(workspace, BRANCH, { redactor: new Redactor([]), forceAdd: ['.samocode/sessions'] });
  branch.protectFromBase(await branch.head(), PROTECTED_PATHS, () => {});
  // Both refresh their index once before the measured iterations (a checkout leaves it to be).
  floorGit('status', '--porcelain');
  git(oursDir, 'status', '--porcelain');
  const ours: number[] = [];
  const floor: number[] = [];
  const handOvers: number[] = [];
  // An id no one has: only ownership matters. Only root may give files away.
  const asRoot = process.getuid?.() === 0;
  const agent = { uid: 40_000 + (process.pid % 20_000), gid: 40_000 + (process.pid % 20_000) };
  const handOver = asRoot ? new TreeHandOver(oursDir, agent) : null;
  const firstHandOver = handOver ? await time(() => handOver.handOver()) : null;
  for (let i = 1; i <= ITERATIONS; i++) {
    const file = `src/d${String(i % 500).padStart(3, '0')}/f${String(i * 97).padStart(5, '0')}.ts`;
    appendFileSync(join(floorDir, file), `// change ${i}\n`);
    appendFileSync(join(oursDir, file), `// change ${i}\n`);
    const order = i % 2 ? ['floor', 'ours'] : ['ours', 'floor'];
    for (const which of order) {
      if (which === 'floor') floor.push(await time(() => (floorGit('add', '-A'), floorGit('commit', '-q', '-m', 'x'), floorGit('push', '-q', 'origin', `HEAD:refs/heads/floor`))));
      else {
        const checkpoint = await time(() => branch.checkpoint(`samocode: implementation #${i}`));
        const given = handOver ? await time(() => handOver.handOver()) : 0;
        handOvers.push(given);
        ours.push(checkpoint + given);
      }
    }
  }
  const pushed = Number(git(remote.bare, 'rev-list', '--count', `main..${BRANCH}`).trim());
  if (pushed !== ITERATIONS) throw new Error(`the session branch got ${pushed} commits, expected ${ITERATIONS}`);
  const ratio = median(ours) / median(floor);
  // The hand-over on a tree where nothing changed ownership, and the find over the whole tree it replaced.
  const still: number[] = [];
  const finds: number[] = [];
  if (handOver) {
    for (let i = 0; i < 5; i++) {
      still.push(await time(() => handOver.handOver()));
      finds.push(await time(() => execFileSync('find', [oursDir, '-mindepth', '1', '-path', join(oursDir, '.git'), '-prune', '-o', '!', '-user', String(agent.uid), '(', '-type', 'd', '-o', '-links', '1', ')', '-print'], { stdio: ['ignore', 'pipe', 'pipe'] })));
    }
  }
  const stillShare = handOver ? median(still) / median(floor) : null;
  ctx.log(`  checkpoint (SessionBranch.checkpoint) median ${round(median(ours), 1)} ms, floor (git add -A, commit, push) median ${round(median(floor), 1)} ms: ${round(ratio)}x`);
  ctx.log(`  ours ${ours.map((x) => round(x, 0)).join(', ')}; floor ${floor.map((x) => round(x, 0)).join(', ')}`);
  if (handOver) {
    ctx.log(`  of ours, the hand-over to the agent user after each checkpoint: median ${round(median(handOvers), 1)} ms (the first, the whole tree: ${round(firstHandOver!, 0)} ms)`);
    ctx.log(`  hand-over on a tree where nothing changed: median ${round(median(still), 2)} ms, no process (${round(stillShare! * 100, 1)}% of the floor); the find over the whole tree it replaced: ${round(median(finds), 1)} ms`);
  } else ctx.log('  hand-over: not measured (it needs root to give files to another user)');
  res.figures.push(
    { id: 'checkpoint.ours', figure: `checkpoint: ${FILES}-file tree, SessionBranch.checkpoint (median of ${ITERATIONS})`, value: median(ours), unit: 'ms', holds: null },
    { id: 'checkpoint.floor', figure: 'checkpoint: floor, git add -A && commit && push', value: median(floor), unit: 'ms', holds: null },
    { id: 'checkpoint.ratio', figure: `checkpoint: ours${handOver ? ' (with the hand-over)' : ''} / floor`, value: ratio, unit: 'x', goal: '<= 1.3x', holds: ratio <= 1.3 },
    { id: 'checkpoint.handover.still', figure: 'checkpoint: hand-over, nothing changed, share of the floor', value: stillShare === null ? null : stillShare * 100, unit: '%', goal: '<= 5%, no process', holds: stillShare === null ? null : stillShare <= 0.05 },
    { id: 'checkpoint.handover.find', figure: 'checkpoint: the find over the tree it replaced (reference)', value: handOver ? median(finds) : null, unit: 'ms', holds: null },
  );
  const holds = ratio <= 1.3 && (stillShare === null || stillShare <= 0.05);
  res.goals.push({
    goal: '2. checkpoint',
    figure: `${round(median(ours), 0)} ms = ${round(ratio)}x${handOver ? ` with the hand-over; hand-over on an unchanged tree ${round(median(still), 2)} ms (${round(stillShare! * 100, 1)}%, no process; the find was ${round(median(finds), 0)} ms)` : '; hand-over not measured (not root)'}`,
    against: `floor ${round(median(floor), 0)} ms (<= 1.3x); unchanged tree <= 5% of it`,
    holds,
  });
  res.details.checkpoint = {
    files: FILES,
    bytes: remote.bytes,
    iterations: ITERATIONS,
    oursMs: ours.map((x) => round(x)),
    floorMs: floor.map((x) => round(x)),
    handOverMs: handOvers.map((x) => round(x, 2)),
    unchangedHandOverMs: still.map((x) => round(x, 2)),
    findMs: finds.map((x) => round(x, 1)),
  };
}
