// The repository actions/checkout leaves on the runner, opened for the
// orchestrator: one Git whose every call is hermetic and first checks .git,
// the persisted checkout credentials removed before any agent can read them,
// and the remote's address read once, so that a pushurl or insteadOf planted
// later cannot redirect a push.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Git } from './command.js';
import { GitdirGuard } from './gitdir-guard.js';
import { hermeticEnv } from './hermetic-env.js';

export const ACTION_IDENTITY = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' };

export interface WorkspaceOptions {
  workspace: string;
  remote?: string;
  /** Used per command only; never written to .git/config. */
  token?: string;
  /** The host whose requests carry the token (from GITHUB_SERVER_URL). */
  serverUrl?: string;
  identity?: { name: string; email: string };
  env?: NodeJS.ProcessEnv;
  /** Where git's own HOME is made (RUNNER_TEMP on a runner). */
  tempRoot?: string;
  /** Told what the guard put back in .git. */
  onGitdirRestored?: (files: string[]) => void;
}

export interface Workspace {
  readonly path: string;
  readonly git: Git;
  readonly guard: GitdirGuard;
  /** The remote's URL as it was before any agent ran: fetches and pushes go there. */
  readonly remoteUrl: string;
  /** Persisted credential settings that were removed from .git/config. */
  readonly removedCredentials: string[];
}

export async function openWorkspace(options: WorkspaceOptions): Promise<Workspace> {
  const home = mkdtempSync(join(options.tempRoot ?? tmpdir(), 'samocode-git-home-'));
  const env = hermeticEnv({
    source: options.env ?? process.env,
    home,
    workspace: options.workspace,
    identity: options.identity ?? ACTION_IDENTITY,
    token: options.token,
    serverUrl: options.serverUrl,
  });
  const guard = new GitdirGuard(join(options.workspace, '.git'), options.onGitdirRestored);
  // One object for every call of the run: the snapshot is taken and verified on the git that commits.
  const git = new Git(options.workspace, env, async () => {
    await guard.verify();
  });
  const removedCredentials = await removePersistedCredentials(git);
  const remoteUrl = (await git.raw(['remote', 'get-url', '--', options.remote ?? 'origin'])).trim();
  await guard.arm();
  return { path: options.workspace, git, guard, remoteUrl, removedCredentials };
}

/**
 * actions/checkout persists the token in .git/config unless told not to;
 * the agent must not find it there. Our own calls authenticate per command.
 */
async function removePersistedCredentials(git: Git): Promise<string[]> {
  const removed: string[] = [];
  const found = await git.raw(['config', '--local', '--get-regexp', '^(http\\..*\\.extraheader|includeif\\..*)$']).catch(() => '');
  for (const line of found.split('\n').filter(Boolean)) {
    const [key, ...rest] = line.split(' ');
    // Newer checkouts keep the header in a file the config includes: that file goes too.
    if (key!.startsWith('includeif.') && /credentials/i.test(rest.join(' '))) await rm(rest.join(' '), { force: true });
    await git.raw(['config', '--local', '--unset-all', key!]).catch(() => {});
    if (!removed.includes(key!)) removed.push(key!);
  }
  return removed;
}

/** The remote branch whose name starts with `prefix`, if any (the title may have changed since). */
export async function findSessionBranch(workspace: Workspace, prefix: string): Promise<string | null> {
  const out = await workspace.git.raw(['ls-remote', '--heads', workspace.remoteUrl, `refs/heads/${prefix}*`]);
  const names = out
    .split('\n')
    .map((line) => line.split('\t')[1]?.replace('refs/heads/', '').trim())
    .filter((n): n is string => Boolean(n) && !/-backup-\d+$/.test(n!));
  return names.sort()[0] ?? null;
}
