// A rate limit is a wait, never an error. When GitHub's limit outlasts the
// job's time budget, the run ends as it does at the time limit: the session
// is saved, the next run is dispatched, and a later run says on the issue that
// the session was slowed by GitHub's rate limit, once it can post.
import * as core from '@actions/core';
import { marker, noticeComment } from '../core/render.js';
import { isoStamp } from '../core/time.js';
import { rateLimitWaitUntil, workflowOf } from './config.js';
import type { IssueInfo } from '../github/repo-api.js';
import type { OpenedBranch } from './open-branch.js';
import type { GitHubSession } from './open-session.js';
import type { Toolkit } from './toolkit.js';

/** How far a run got: what there is to save when the budget runs out. */
export interface Reached {
  issue?: number;
  opened?: OpenedBranch;
  session?: GitHubSession;
  claimed?: boolean;
}

export async function endSlowedByRateLimit(kit: Toolkit, reached: Reached, error: Error): Promise<void> {
  const issue = reached.issue;
  const why = `GitHub's rate limit outlasted this run's time budget (${error.message.split('\n', 1)[0]})`;
  // The last step may wait until the budget's very end.
  kit.rateLimitBudget.until = rateLimitWaitUntil(kit.config.inputs, kit.startedAt, true);
  const saved = await saveSession(kit, reached).catch((e: unknown) => (kit.log.warning(`could not save the session: ${(e as Error).message}`), false));
  const dispatched = issue !== undefined && (await dispatchNext(kit, reached, issue));
  if (dispatched) {
    // Shown on the run's page, not a failure: nothing here is for a person to fix.
    core.error(kit.redactor.redact(`samocode: ${why}; ${saved ? 'the session was saved and ' : ''}continues in a new run`));
    if (issue !== undefined) await markRunning(kit, issue);
    core.setOutput('status', 'paused');
    if (reached.session) core.setOutput('session', reached.session.folder);
    if (reached.opened) core.setOutput('branch', reached.opened.branch.name);
    return;
  }
  core.setFailed(kit.redactor.redact(`samocode: ${why}, and the next run could not be started; comment /resume on the issue to continue`));
}

async function saveSession(kit: Toolkit, reached: Reached): Promise<boolean> {
  const { opened, session } = reached;
  if (!opened || !session) return false;
  const gates = await session.store.readGates();
  await session.store.writeGates({ ...gates, slowed: { at: isoStamp(Date.now()), run: kit.config.runner.runUrl } });
  if (!reached.claimed) await opened.branch.claim(kit.runId, "slowed by GitHub's rate limit");
  await opened.branch.checkpoint("samocode: slowed by GitHub's rate limit; the session continues in a new run");
  return true;
}

async function dispatchNext(kit: Toolkit, reached: Reached, issue: number): Promise<boolean> {
  const workflow = workflowOf(kit.config.runner);
  try {
    if (!workflow.file) throw new Error('GITHUB_WORKFLOW_REF is not set');
    await kit.api.dispatch(workflow.file, workflow.ref ?? reached.opened?.baseBranch ?? 'main', issue);
    return true;
  } catch (error) {
    kit.log.warning(`could not start the next run: ${(error as Error).message}`);
    return false;
  }
}

/** The label is the trace a person sees when no comment could be posted; it may have to wait too, and may not make it. */
async function markRunning(kit: Toolkit, issue: number): Promise<void> {
  const labels = await kit.api.issue(issue).then((i) => i.labels).catch(() => null);
  if (labels === null) return;
  await kit.api.setStateLabel(issue, 'samocode:running', labels).catch((e: unknown) => kit.log.warning(`could not set the label: ${(e as Error).message}`));
}

/** A later run says it once, when it can post: under the marker of the run that was slowed. */
export async function saySlowed(kit: Toolkit, issue: IssueInfo, session: GitHubSession): Promise<void> {
  const gates = await session.store.readGates();
  if (!gates.slowed) return;
  const id = gates.slowed.at.replace(/[^0-9]/g, '');
  const run = gates.slowed.run ? ` ([the run](${gates.slowed.run}))` : '';
  const text = `samocode was slowed by GitHub's rate limit: a run${run} spent its time budget waiting for GitHub to accept its writes, saved the session and started the next run, which goes on from there. Nothing was lost and nothing needs doing.`;
  await kit.api.commentOnce(issue.number, marker('slowed', id), noticeComment('slowed', id, text));
  const { slowed: _said, ...rest } = gates;
  await session.store.writeGates(rest);
}
