// Terminal mode works like the original worker: each session gets a git
// worktree of MAIN_REPO under WORKTREES on branch `samocode/<session>`, and
// every iteration is committed there. A MAIN_REPO without git history is
// used as it is.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Git, ambientEnv } from './command.js';

export interface Worktree {
  path: string;
  branch: string | null;
  note: string;
  commit(message: string): Promise<void>;
}

export const FALLBACK_IDENTITY = ['-c', 'user.name=samocode', '-c', 'user.email=samocode@users.noreply.github.com'];

async function hasCommits(git: Git): Promise<boolean> {
  try {
    await git.raw(['rev-parse', '--verify', '-q', 'HEAD']);
    return true;
  } catch {
    return false;
  }
}

async function identityArgs(git: Git): Promise<string[]> {
  const email = await git.raw(['config', '--get', 'user.email']).catch(() => '');
  return email.trim() ? [] : FALLBACK_IDENTITY;
}

/** Commits everything in `dir`; nothing to commit is not an error. */
export async function commitAll(git: Git, message: string, identity: string[]): Promise<boolean> {
  await git.raw(['add', '-A']);
  const status = await git.raw(['status', '--porcelain']);
  if (!status.trim()) return false;
  await git.raw([...identity, 'commit', '--no-verify', '-q', '-m', message]);
  return true;
}

/** `branchPrefix`: the branch is `<prefix>/<session folder>` (GIT_BRANCH_PREFIX in terminal mode). */
export async function prepareWorktree(mainRepo: string, worktreesDir: string, folder: string, branchPrefix = 'samocode'): Promise<Worktree> {
  const main = new Git(mainRepo, ambientEnv());
  const isRepo = await main
    .raw(['rev-parse', '--is-inside-work-tree'])
    .then((out) => out.trim() === 'true')
    .catch(() => false);
  if (!isRepo || !(await hasCommits(main))) {
    return {
      path: mainRepo,
      branch: null,
      note: 'MAIN_REPO has no git history: the agent works in it directly and nothing is committed',
      commit: async () => {},
    };
  }
  const path = join(worktreesDir, folder);
  const branch = `${branchPrefix}/${folder}`;
  let note: string;
  if (existsSync(join(path, '.git'))) {
    note = `worktree ${path} (branch ${branch})`;
  } else {
    // A worktree folder deleted by hand is still registered until pruned; then it can be made again.
    await main.raw(['worktree', 'prune']);
    const exists = await main.raw(['rev-parse', '--verify', '-q', `refs/heads/${branch}`]).then(() => true, () => false);
    const args = exists ? [path, branch] : ['-b', branch, path, 'HEAD'];
    await main.raw(['worktree', 'add', '-q', ...args]);
    note = `created worktree ${path} on branch ${branch}`;
  }
  const git = new Git(path, ambientEnv());
  const identity = await identityArgs(git);
  return {
    path,
    branch,
    note,
    commit: async (message) => {
      await commitAll(git, message, identity);
    },
  };
}
