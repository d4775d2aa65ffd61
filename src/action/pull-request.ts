// The session's pull request, found or opened: as a draft when
// implementation starts (draft-pull-request), ready for review at done, its
// body carrying the summary once there is one.
import { pullRequestBody } from '../core/render.js';
import type { PullInfo } from '../github/pull-requests.js';
import type { IssueInfo } from '../github/repo-api.js';
import type { OpenedBranch } from './open-branch.js';
import type { GitHubSession } from './open-session.js';
import type { Toolkit } from './toolkit.js';

/** GitHub starts no workflow run for pushes made with the job's own token: a reviewer sees no checks, and should know why. */
export const NO_CHECKS_LINE =
  "_Checks do not run on this pull request: samocode pushed it with the workflow's GITHUB_TOKEN, which starts no workflows. To run them, give samocode a GitHub App token (see the README's section on tokens), or push a commit to the branch yourself._";

export async function ensurePullRequest(kit: Toolkit, issue: IssueInfo, session: GitHubSession, opened: OpenedBranch, summary: string | null): Promise<PullInfo> {
  const plan = await session.store.planFingerprint();
  const extra = kit.config.inputs.tokenKind === 'workflow' ? [NO_CHECKS_LINE] : [];
  const body = pullRequestBody(issue.number, summary, { plan: plan ? session.links.file?.(plan.file) : undefined, sessionFolder: session.links.sessionFolder }, extra);
  let pull = await kit.pulls.findOpen(opened.branch.name);
  if (!pull) {
    pull = await kit.pulls.create({ head: opened.branch.name, base: opened.baseBranch, title: `samocode: ${issue.title}`, body, draft: summary === null });
    kit.log.info(`opened pull request #${pull.number}${pull.draft ? ' as a draft' : ''}`);
  } else if (summary !== null && pull.body !== body) {
    await kit.pulls.updateBody(pull.number, body);
  }
  if (summary !== null && pull.draft) {
    await kit.pulls.markReady(pull);
    pull = { ...pull, draft: false };
  }
  const gates = await session.store.readGates();
  if (gates.review.pull !== pull.number) await session.store.writeGates({ ...gates, review: { ...gates.review, pull: pull.number } });
  return pull;
}
