// Step: the action runs only from the default branch's tree (or the base
// branch's, when the base-branch input names one). On a review event,
// actions/checkout's default is the pull request's merge commit: the session's
// tree, from which a vendored action or a later step would run what the agent
// wrote, with the job's token. Such a run stops before anything else happens.
import { checkedOut, isOnBranch } from '../git/trusted-tree.js';
import type { Workspace } from '../git/workspace.js';
import type { IssueInfo } from '../github/repo-api.js';
import { failOnIssue } from './post-notice.js';
import type { Toolkit } from './toolkit.js';

export const CHECKOUT_FIX = 'check out the default branch for every event: `ref: ${{ github.event.repository.default_branch }}` under `actions/checkout` (as the shipped samocode.yml does)';

export async function checkCheckout(kit: Toolkit, workspace: Workspace, issue: IssueInfo, defaultBranch: string): Promise<void> {
  const trusted = [...new Set([defaultBranch, kit.config.inputs.baseBranch].filter((b): b is string => Boolean(b)))];
  for (const branch of trusted) if (await isOnBranch(workspace, branch)) return;
  const head = (await checkedOut(workspace)).slice(0, 12);
  const ref = kit.config.runner.ref ? ` for ${kit.config.runner.ref}` : '';
  await failOnIssue(
    kit,
    issue.number,
    `the workflow checked out ${head}${ref}, which is not a commit of ${trusted.join(' or ')}; samocode runs only from the default branch's tree, because the tree of a pull request holds what the session wrote and the action runs with the job's token. Nothing was run. Fix: ${CHECKOUT_FIX}.`,
  );
}
