// Goal 3, the checkpoint on a big tree: a generated 50,000-file tree (one
// git fast-import into a bare remote), two clones of it, and 10 iterations
// of the same one-line change in each, interleaved: one committed and pushed
// through SessionBranch.checkpoint (what a GitHub-mode iteration does), the
// other by a bare `git add -A && git commit -q -m x && git push -q`, the
// floor. Both start from a warm page cache and the same index state.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redactor } from '../src/core/redact.js';
import { PROTECTED_PATHS } from '../src/git/protected-paths.js';
import { SessionBranch } from '../src/git/session-branch.js';
import { openWorkspace } from '../src/git/workspace.js';
import { git, gitInput, median, round, tempDir, type Ctx, type Results } from './lib.js';

const FILES = 50_000;
const PER_DIR = 100;
const ITERATIONS = 10;
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
  for (let i = 1; i <= ITERATIONS; i++) {
    const file = `src/d${String(i % 500).padStart(3, '0')}/f${String(i * 97).padStart(5, '0')}.ts`;
    appendFileSync(join(floorDir, file), `// change ${i}\n`);
    appendFileSync(join(oursDir, file), `// change ${i}\n`);
    const order = i % 2 ? ['floor', 'ours'] : ['ours', 'floor'];
    for (const which of order) {
      if (which === 'floor') floor.push(await time(() => (floorGit('add', '-A'), floorGit('commit', '-q', '-m', 'x'), floorGit('push', '-q', 'origin', `HEAD:refs/heads/floor`))));
      else ours.push(await time(() => branch.checkpoint(`samocode: implementation #${i}`)));
    }
  }
  const pushed = Number(git(remote.bare, 'rev-list', '--count', `main..${BRANCH}`).trim());
  if (pushed !== ITERATIONS) throw new Error(`the session branch got ${pushed} commits, expected ${ITERATIONS}`);
  const ratio = median(ours) / median(floor);
  ctx.log(`  checkpoint (SessionBranch.checkpoint) median ${round(median(ours), 1)} ms, floor (git add -A, commit, push) median ${round(median(floor), 1)} ms: ${round(ratio)}x`);
  ctx.log(`  ours ${ours.map((x) => round(x, 0)).join(', ')}; floor ${floor.map((x) => round(x, 0)).join(', ')}`);
  res.figures.push(
    { id: 'checkpoint.ours', figure: `checkpoint: ${FILES}-file tree, SessionBranch.checkpoint (median of ${ITERATIONS})`, value: median(ours), unit: 'ms', holds: null },
    { id: 'checkpoint.floor', figure: 'checkpoint: floor, git add -A && commit && push', value: median(floor), unit: 'ms', holds: null },
    { id: 'checkpoint.ratio', figure: 'checkpoint: ours / floor', value: ratio, unit: 'x', goal: '<= 1.1x', holds: ratio <= 1.1 },
  );
  res.goals.push({ goal: '3. checkpoint', figure: `${round(median(ours), 0)} ms = ${round(ratio)}x`, against: `floor ${round(median(floor), 0)} ms (<= 1.1x)`, holds: ratio <= 1.1 });
  res.details.checkpoint = { files: FILES, bytes: remote.bytes, iterations: ITERATIONS, oursMs: ours.map((x) => round(x)), floorMs: floor.map((x) => round(x)) };
}
