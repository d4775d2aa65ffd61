// Step: the issue's state label and tracking comment, and the notification.
import type { LoopResult } from '../core/loop.js';
import { sessionState } from '../core/overview.js';
import { stateMoved } from '../core/status.js';
import { gateInWords } from '../core/render.js';
import { reviewRoundsLine } from '../core/review.js';
import type { IssueInfo, StateLabel } from '../github/repo-api.js';
import type { OpenedBranch } from './open-branch.js';
import type { GitHubSession } from './open-session.js';
import { postNotice, shortHash } from './post-notice.js';
import type { Shown } from './show-outcome.js';
import type { TakenIn } from './take-in-comments.js';
import type { Toolkit } from './toolkit.js';

export async function updateIssue(kit: Toolkit, issue: IssueInfo, session: GitHubSession, opened: OpenedBranch, taken: TakenIn, result: LoopResult, shown: Shown): Promise<void> {
  const { status } = session;
  await reportRestored(kit, issue, opened, result);
  await reportLeftOut(kit, issue, opened);
  const label: StateLabel = `samocode:${sessionState(status)}`;
  issue.labels = await kit.api.setStateLabel(issue.number, label, issue.labels);
  const review = reviewRoundsLine((await session.store.readGates()).review, kit.config.inputs.maxReviewRounds);
  const note = [shown.note, review].filter(Boolean).join('\n\n') || undefined;
  // A run that started no agent and moved nothing leaves the tracking comment as it is, and tells nobody.
  const moved = result.iterations.length > 0 || stateMoved(taken.statusBefore, status) || taken.statusBefore.totalIterations !== status.totalIterations || (shown.pullRequest && !shown.unchanged);
  if (!moved) return;
  await taken.tracking.flush(status, note).catch((error: unknown) => kit.log.warning(`could not update the tracking comment: ${(error as Error).message}`));
  const { outcome } = result;
  if (outcome.kind === 'paused') return;
  const text = outcome.kind === 'done' ? outcome.summary : outcome.kind === 'blocked' ? outcome.reason : `waiting for ${gateInWords(outcome.gate)}`;
  await kit.notifier.notify(outcome.kind, kit.redactor.redact(`${kit.config.runner.repository}#${issue.number} (${session.folder}): ${text} ${issue.url}`));
}

/** What the agent changed of the orchestrator's own records, and was put back: said once on the issue. */
async function reportRestored(kit: Toolkit, issue: IssueInfo, opened: OpenedBranch, result: LoopResult): Promise<void> {
  const lines = result.iterations.filter((r) => r.restored?.length).map((r) => `- iteration ${r.totalIteration} (${r.phase}): ${r.restored!.join(', ')}`);
  const git = [...new Set(opened.restoredGitFiles)];
  if (git.length) lines.push(`- the repository's own git files: ${git.join(', ')}`);
  if (!lines.length) return;
  const text = [
    "samocode put back records that the agent changed. They are the orchestrator's own, so the agent's copies were not believed:",
    '',
    ...lines,
    '',
    'Nothing it wrote there took effect. If this was not expected, read what the agent was asked to do.',
  ].join('\n');
  kit.log.warning(`the agent changed records it does not own; put back: ${lines.join(' ')}`);
  await postNotice(kit, issue.number, 'restored', shortHash(`${kit.runId}:${text}`), text);
}

/** Files that did not reach the branch, so that a person knows the branch is not the whole work tree. */
async function reportLeftOut(kit: Toolkit, issue: IssueInfo, opened: OpenedBranch): Promise<void> {
  if (!opened.leftOut.length) return;
  const lines = opened.leftOut.map((f) => `- \`${f.path.replace(/`/g, "'")}\`: ${f.why}`);
  const text = ['samocode left these files out of the commits on the session branch; everything else was pushed:', '', ...lines].join('\n');
  await postNotice(kit, issue.number, 'left-out', shortHash(`${kit.runId}:${text}`), text);
}
