// Step: take the session for this run with a commit of its own, then answer
// the comments that were taken in (after the claim, so that a run that loses
// the session to another says nothing twice).
import { trackingComment, marker, noticeComment } from '../core/render.js';
import { AnotherRunError, BranchConflictError } from '../git/errors.js';
import type { IssueInfo } from '../github/repo-api.js';
import { TRACKING_MARKER } from '../github/tracking.js';
import type { ActiveIntent } from './intent.js';
import type { OpenedBranch } from './open-branch.js';
import type { GitHubSession } from './open-session.js';
import { failOnIssue } from './post-notice.js';
import type { TakenIn } from './take-in-comments.js';
import type { Toolkit } from './toolkit.js';

export async function claimSession(kit: Toolkit, intent: ActiveIntent, issue: IssueInfo, opened: OpenedBranch, taken: TakenIn): Promise<void> {
  const note = taken.intake.changed ? `took in comments up to ${taken.intake.status.lastComment}` : `${intent.kind} for #${issue.number}`;
  try {
    await opened.branch.claim(kit.runId, note);
  } catch (error) {
    // Another run's claim (AnotherRunError) is a stop that runAction tells apart.
    if (error instanceof BranchConflictError && !(error instanceof AnotherRunError)) {
      await failOnIssue(kit, issue.number, `${error.message}; comment /resume once the branch is sorted out`);
    }
    throw error;
  }
}

export async function answerComments(kit: Toolkit, issue: IssueInfo, session: GitHubSession, taken: TakenIn): Promise<void> {
  // A reaction is an acknowledgement, not a record: one that fails is said in the log and the run goes on.
  for (const reaction of taken.intake.reactions) {
    if (taken.ignoredBots.has(reaction.to)) continue;
    await kit.api.react(reaction.to, reaction.content).catch((error: unknown) => kit.log.warning(`could not react to comment ${reaction.to}: ${(error as Error).message}`));
  }
  for (const reply of taken.intake.replies) {
    if (taken.ignoredBots.has(reply.to)) continue;
    await kit.api.commentOnce(issue.number, marker('reply', reply.to), noticeComment('reply', reply.to, reply.text), taken.comments);
  }
  if (taken.intake.postStatus) {
    await kit.api.comment(issue.number, noticeComment('status', Date.now(), trackingComment(session.folder, session.status, session.links, undefined, { answers: taken.intake.gates.answers }).replace(TRACKING_MARKER, '')));
  }
}
