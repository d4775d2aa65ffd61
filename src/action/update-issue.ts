// Step: the issue's state label and tracking comment, and the notification.
import type { LoopResult } from '../core/loop.js';
import { sessionState } from '../core/overview.js';
import type { IssueInfo, StateLabel } from '../github/repo-api.js';
import type { GitHubSession } from './open-session.js';
import type { Shown } from './show-outcome.js';
import type { TakenIn } from './take-in-comments.js';
import type { Toolkit } from './toolkit.js';

export async function updateIssue(kit: Toolkit, issue: IssueInfo, session: GitHubSession, taken: TakenIn, result: LoopResult, shown: Shown): Promise<void> {
  const { status } = session;
  const label: StateLabel = `samocode:${sessionState(status)}`;
  issue.labels = await kit.api.setStateLabel(issue.number, label, issue.labels);
  await taken.tracking.flush(status, shown.note).catch((error: unknown) => kit.log.warning(`could not update the tracking comment: ${(error as Error).message}`));
  const { outcome } = result;
  if (outcome.kind === 'paused') return;
  const text = outcome.kind === 'done' ? outcome.summary : outcome.kind === 'blocked' ? outcome.reason : `waiting for ${outcome.gate}`;
  await kit.notifier.notify(outcome.kind, kit.redactor.redact(`${kit.config.runner.repository}#${issue.number} (${session.folder}): ${text} ${issue.url}`));
}
