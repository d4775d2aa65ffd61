// The original worker (the Python one this project replaces), as the peer
// of the token and terminal goals. It is not part of the repository: it is
// looked for next to it (SAMOCODE_ORIGINAL overrides), copied into the
// bench's temp root (it writes its logs next to main.py), and run with
// python3. A clean clone without it, or without python3 and its two
// modules, gets `null` and a reason: the peer is then reported unavailable.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir, type Ctx } from './lib.js';

export interface Original {
  /** The temp copy: main.py, workflow.md, agents/, skills/, commands/. */
  dir: string;
  python: string;
}

export type OriginalOrReason = { original: Original; reason?: undefined } | { original?: undefined; reason: string };

let cached: OriginalOrReason | undefined;

export function findOriginal(ctx: Ctx): OriginalOrReason {
  if (cached) return cached;
  cached = locate(ctx);
  return cached;
}

function locate(ctx: Ctx): OriginalOrReason {
  const source = process.env.SAMOCODE_ORIGINAL ? resolve(process.env.SAMOCODE_ORIGINAL) : resolve(ctx.root, '..', 'shared', 'reference', 'samocode-original');
  if (!existsSync(join(source, 'main.py'))) return { reason: `the original worker is not there (set SAMOCODE_ORIGINAL to its folder)` };
  const python = 'python3';
  try {
    execFileSync(python, ['-c', 'import dotenv, requests'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return { reason: 'python3 with the dotenv and requests modules is not installed (Debian: python3-dotenv python3-requests)' };
  }
  const dir = join(tempDir(ctx, 'original'), 'samocode');
  cpSync(source, dir, { recursive: true, filter: (p) => !/\/(\.git|logs|__pycache__|tests)(\/|$)/.test(p.slice(source.length)) });
  // Its own .env would steer it; the bench gives it its settings in the environment.
  writeFileSync(join(dir, '.env'), '');
  return { original: { dir, python } };
}

/** What the original's install.sh puts in a Claude config folder: its agents, skills and commands. */
export function installOriginal(original: Original, claudeDir: string): void {
  for (const kind of ['agents', 'skills', 'commands']) {
    const from = join(original.dir, kind);
    if (!existsSync(from)) continue;
    mkdirSync(join(claudeDir, kind), { recursive: true });
    for (const name of readdirSync(from)) cpSync(join(from, name), join(claudeDir, kind, name), { recursive: true });
  }
}

/** A project as the original's README sets one up, its session resuming at `phase`. */
export function originalProject(ctx: Ctx, session: string, overview: string): { dir: string; config: string; repo: string; sessionPath: string } {
  const dir = tempDir(ctx, 'orig-project');
  const repo = join(dir, 'repo');
  const sessions = join(dir, 'sessions');
  const sessionPath = join(sessions, session);
  for (const d of [repo, join(dir, 'worktrees'), sessionPath]) mkdirSync(d, { recursive: true });
  writeFileSync(join(repo, 'README.md'), '# bench project\n');
  const config = join(dir, '.samocode');
  writeFileSync(config, `MAIN_REPO=${repo}\nWORKTREES=${join(dir, 'worktrees')}\nSESSIONS=${sessions}\n`);
  writeFileSync(join(sessionPath, '_overview.md'), overview);
  return { dir, config, repo, sessionPath };
}

/** The original's _overview.md status block, resuming in `phase` at `iteration`. */
export function originalOverview(phase: string, iteration: number, task: string): string {
  return `# Session: bench\n\n## Status\nPhase: ${phase}\nIteration: ${iteration}\nTotal Iterations: 0\nBlocked: no\n\n## Task\n${task}\n\n## Flow Log\n- started\n`;
}
