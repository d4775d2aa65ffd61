// Evidence for where the time goes, without touching src/ or dist/:
// - a probe of simple-git itself: the same git command through simple-git
//   and spawned directly, once printing something and once printing nothing;
// - a what-if copy of the package (dist/, prompts/, package.json) in a temp
//   folder whose bundles have simple-git's "no output seen: wait 50 ms more"
//   removed, to run the same measurements against.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { baseEnv, git, median, runProc, tempDir, type Ctx } from './lib.js';

export interface SimpleGitProbe {
  /** `git add -A` on a clean tree: prints nothing. */
  silentViaSimpleGit: number;
  silentDirect: number;
  /** `git rev-parse HEAD`: prints a line. */
  talkingViaSimpleGit: number;
  talkingDirect: number;
}

export async function probeSimpleGit(ctx: Ctx, n = 8): Promise<SimpleGitProbe> {
  const repo = tempDir(ctx, 'probe');
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'a.txt'), 'a\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'a');
  const sg = simpleGit({ baseDir: repo }).env(baseEnv(ctx));
  const env = baseEnv(ctx);
  const time = async (f: () => Promise<unknown>) => {
    await f();
    const t: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = process.hrtime.bigint();
      await f();
      t.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    return median(t);
  };
  return {
    silentViaSimpleGit: await time(() => sg.raw(['add', '-A'])),
    silentDirect: await time(() => runProc('git', ['add', '-A'], { cwd: repo, env })),
    talkingViaSimpleGit: await time(() => sg.raw(['rev-parse', 'HEAD'])),
    talkingDirect: await time(() => runProc('git', ['rev-parse', 'HEAD'], { cwd: repo, env })),
  };
}

/**
 * simple-git's completion plugin: after a git process exits, when it printed
 * nothing, `await delay(50)` before the result is handed back. In the bundle:
 * `try{await a.result,A&&await pM(50),s(a.exitCode)}`.
 */
const WAIT = /(await [\w$]+\.result,\s*[\w$]+\s*&&\s*await [\w$]+\()50(\))/g;

/** Takes the wait out of every bundle under `root`/dist; returns the places patched per file. */
export function removeWait(root: string): Record<string, number> {
  const patched: Record<string, number> = {};
  const chunks = join(root, 'dist', 'chunks');
  const files = [join('dist', 'cli.js'), join('dist', 'index.js'), ...(existsSync(chunks) ? readdirSync(chunks).map((f) => join('dist', 'chunks', f)) : [])];
  for (const file of files) {
    const path = join(root, file);
    if (!existsSync(path)) continue;
    const text = readFileSync(path, 'utf8');
    let count = 0;
    const next = text.replace(WAIT, (_m, a: string, b: string) => {
      count++;
      return `${a}0${b}`;
    });
    if (count) {
      writeFileSync(path, next);
      patched[file] = count;
    }
  }
  return patched;
}

export interface WhatIfPackage {
  root: string;
  /** Places patched, per file. */
  patched: Record<string, number>;
}

let cached: WhatIfPackage | null | undefined;

/** The package copied to a temp folder with the 50 ms wait taken out of the bundles; null when the pattern is not found. */
export function whatIfPackage(ctx: Ctx): WhatIfPackage | null {
  if (cached !== undefined) return cached;
  const root = tempDir(ctx, 'whatif-pkg');
  for (const name of ['dist', 'prompts', 'package.json']) cpSync(join(ctx.root, name), join(root, name), { recursive: true });
  const patched = removeWait(root);
  cached = Object.keys(patched).length ? { root, patched } : null;
  return cached;
}
