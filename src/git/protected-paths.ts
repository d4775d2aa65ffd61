// Files that configure or instruct the agent CLI, which a session may not
// change for its later calls; workflows, which the workflow token cannot push
// (the push would fail and take the iteration with it); and code that a later
// run executes with the job's token: actions vendored under .github/actions/,
// and a root action.yml when the repository is itself an action used as `./`.
// What the agent writes under them is put back as it is on the base branch
// before a commit.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Git } from './command.js';

export const PROTECTED_PATHS = ['.claude', '.mcp.json', 'CLAUDE.md', 'CLAUDE.local.md', '.codex', 'AGENTS.md', '.github/workflows', '.github/actions', 'action.yml', 'action.yaml'];

export interface Protection {
  /** The commit the protected paths are taken from (what actions/checkout left). */
  base: string;
  paths: string[];
  onRestore: (paths: string[]) => void;
}

const isUnder = (name: string, path: string) => name === path || name.startsWith(`${path}/`);

/** The protected paths among `names`. */
export function protectedAmong(names: string[], paths: string[]): string[] {
  return paths.filter((p) => names.some((name) => isUnder(name, p)));
}

/** Protected paths that commits since `base` changed (a person's push, or work from before protection). */
export async function committedSince(git: Git, protection: Protection): Promise<string[]> {
  const out = await git.raw(['diff', '-z', '--name-only', protection.base, 'HEAD', '--', ...protection.paths]).catch(() => '');
  return out.split('\0').filter(Boolean);
}

/** Puts `paths` back as they are in `base`, or removes them where base has none. */
export async function restoreFromBase(git: Git, workspace: string, base: string, paths: string[]): Promise<void> {
  for (const path of paths) {
    await rm(join(workspace, path), { recursive: true, force: true });
    await git.raw(['rm', '-r', '-q', '--cached', '--ignore-unmatch', '--', path]);
    const inBase = await git.raw(['ls-tree', '--name-only', base, '--', path]);
    if (inBase.trim()) await git.raw(['checkout', base, '--', path]);
  }
}
