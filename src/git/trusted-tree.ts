// The tree the action runs from is trusted only when it is a branch people own:
// on a review event, actions/checkout's default is the pull request's merge
// commit, which holds what the session wrote, and a later step (a vendored
// action, a script) would run that with the job's token. The remote decides,
// not the checkout's own refs.
import type { Workspace } from './workspace.js';

/** How far back a branch that moved since the checkout is looked through: seconds of pushes. */
const RECENT_COMMITS = 50;
const TRUSTED_REF = 'refs/samocode/trusted-tree';

/** The commit the workspace has checked out. */
export async function checkedOut(workspace: Workspace): Promise<string> {
  return (await workspace.git.raw(['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
}

/**
 * Whether the checked-out commit is the tip of `branch` on the remote, or one of
 * its recent commits (the branch moved between the checkout and this look).
 */
export async function isOnBranch(workspace: Workspace, branch: string): Promise<boolean> {
  const { git, remoteUrl } = workspace;
  const head = await checkedOut(workspace);
  const ref = `refs/heads/${branch}`;
  const listed = await git.raw(['ls-remote', '--heads', remoteUrl, ref]);
  const tip = listed
    .split('\n')
    .map((line) => line.split('\t'))
    .find(([, name]) => name?.trim() === ref)?.[0];
  if (!tip) return false;
  if (tip === head) return true;
  try {
    await git.raw(['fetch', '-q', '--no-tags', `--depth=${RECENT_COMMITS}`, remoteUrl, `+${ref}:${TRUSTED_REF}`]);
    await git.raw(['merge-base', '--is-ancestor', head, TRUSTED_REF]);
    return true;
  } catch {
    return false;
  } finally {
    await git.raw(['update-ref', '-d', TRUSTED_REF]).catch(() => '');
  }
}
