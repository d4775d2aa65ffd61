// Step: what the issue shows for how the loop ended: the questions or the
// plan at a gate, the reason when blocked, the pull request when done, the
// continuation when the time budget ran out.
import type { LoopResult, Outcome } from '../core/loop.js';
import type { GateRecord } from '../core/gates.js';
import { unmention } from '../core/neutralize.js';
import { openQuestions } from '../core/qa.js';
import { marker, noticeComment, planComment, questionsComment } from '../core/render.js';
import { ensurePullRequest } from './pull-request.js';
import type { IssueInfo } from '../github/repo-api.js';
import { workflowOf } from './config.js';
import type { OpenedBranch } from './open-branch.js';
import type { GitHubSession } from './open-session.js';
import { postNotice, shortHash } from './post-notice.js';
import type { TakenIn } from './take-in-comments.js';
import type { Toolkit } from './toolkit.js';

export interface Shown {
  pullRequest?: string;
  /** Nothing new to show: the session was done before this run, and the run started no agent. */
  unchanged?: boolean;
  /** A line for the tracking comment: what a person can do next. */
  note?: string;
}

/** A person's `/stop`: not a failure, and nothing to fix. */
export const stoppedByPerson = (reason: string) => reason.startsWith('stopped by @');

export async function showOutcome(kit: Toolkit, issue: IssueInfo, session: GitHubSession, opened: OpenedBranch, result: LoopResult, taken?: TakenIn): Promise<Shown> {
  const { outcome } = result;
  switch (outcome.kind) {
    case 'waiting':
      return outcome.gate === 'qa_answers' ? postQuestions(kit, issue, session) : postPlan(kit, issue, session, opened, taken);
    case 'blocked':
      return postBlocked(kit, issue, session, outcome, taken);
    case 'done':
      return (await doneAlready(kit, session, result, taken)) ?? openPullRequest(kit, issue, session, opened, outcome.summary);
    case 'paused':
      return continueInNewRun(kit, issue, session, opened);
  }
}

async function postQuestions(kit: Toolkit, issue: IssueInfo, session: GitHubSession): Promise<Shown> {
  const { store, status } = session;
  const open = openQuestions(await store.readQa());
  // One comment per wait: the same questions asked again are posted again.
  const round = shortHash(`${(await store.readGates()).pending?.since ?? status.totalIterations}:${open.map((q) => q.id).join(',')}`);
  await kit.api.commentOnce(issue.number, marker('questions', round), questionsComment(open, round));
  return { note: 'Answer the questions in a comment.' };
}

async function postPlan(kit: Toolkit, issue: IssueInfo, session: GitHubSession, opened: OpenedBranch, taken?: TakenIn): Promise<Shown> {
  const { store } = session;
  const plan = await store.readPlan();
  if (plan) {
    await kit.api.commentOnce(issue.number, marker('plan', plan.blob), planComment(plan.file, plan.text, plan.blob, session.links));
    const gates = await store.readGates();
    if (gates.posted?.blob === plan.blob) await sayPlanUnchanged(kit, issue, taken);
    if (gates.posted?.blob !== plan.blob) {
      const latest: GateRecord = { ...gates, posted: { file: plan.file, blob: plan.blob } };
      await store.writeGates(latest);
      await opened.branch.checkpoint(`samocode: plan ${plan.file} posted for approval`);
    }
  }
  return { note: 'Reply `/approve` to approve the plan, or comment what should change.' };
}

/** A change asked of the plan that left it as it was still gets a word: the plan posted before is the one to approve. */
async function sayPlanUnchanged(kit: Toolkit, issue: IssueInfo, taken?: TakenIn): Promise<void> {
  const asked = taken?.intake.feedback.at(-1);
  if (!taken || !asked) return;
  const text = `@${asked.by} the plan was revised with your comment in mind and came out unchanged; the plan posted above still waits for \`/approve\`, or comment again with what should change.`;
  await kit.api.commentOnce(issue.number, marker('reply', asked.commentId), noticeComment('reply', asked.commentId, text), taken.comments);
}

/**
 * The reason, once, with what a person can do. The tracking comment links
 * here rather than repeating it.
 */
async function postBlocked(kit: Toolkit, issue: IssueInfo, session: GitHubSession, outcome: Extract<Outcome, { kind: 'blocked' }>, taken?: TakenIn): Promise<Shown> {
  const id = `${session.status.totalIterations}-${shortHash(outcome.reason)}`;
  const label = kit.config.inputs.triggerLabel;
  const text = stoppedByPerson(outcome.reason)
    ? `samocode was ${outcome.reason}.\n\nNothing runs until someone with write access comments \`/resume\`; the session then goes on from where it stopped.`
    : [
        `samocode is blocked: ${unmention(outcome.reason)}`,
        '',
        'What you can do:',
        '- fix what the reason names (in the repository, the workflow, its secrets or its inputs), then comment `/resume` or add the `' + label + '` label again: the session goes on from where it stopped;',
        '- or leave it: nothing runs until then, and the work so far stays on the session branch.',
        '',
        'This run is marked failed, so that a blocked session shows among the failed runs.',
      ].join('\n');
  const noticeId = await postNotice(kit, issue.number, 'blocked', id, text);
  if (taken) taken.tracking.details.blockedNotice = `${issue.url}#issuecomment-${noticeId}`;
  return {};
}

/**
 * A run that found the session done and ran no agent (a reader's review, a
 * re-delivered event) shows nothing again: the pull request it opened is read,
 * not rewritten, and no notice or commit follows. Only a session whose pull
 * request was never opened goes on to open it.
 */
async function doneAlready(kit: Toolkit, session: GitHubSession, result: LoopResult, taken?: TakenIn): Promise<Shown | null> {
  if (result.iterations.length > 0 || taken?.statusBefore.next.kind !== 'done') return null;
  const recorded = (await session.store.readGates()).review.pull;
  if (recorded === null) return null;
  const open = await kit.pulls.get(recorded).catch(() => null);
  if (open?.state === 'open') session.links.pullRequest = open.url;
  return { pullRequest: open?.url, unchanged: true };
}

async function openPullRequest(kit: Toolkit, issue: IssueInfo, session: GitHubSession, opened: OpenedBranch, summary: string): Promise<Shown> {
  try {
    const pr = await ensurePullRequest(kit, issue, session, opened, summary);
    await postNotice(kit, issue.number, 'done', `${pr.number}-${session.status.totalIterations}`, `samocode is done: ${unmention(summary)}\n\nPull request: ${pr.url}`);
    await opened.branch.checkpoint(`samocode: pull request #${pr.number}`);
    // The tracking comment links the pull request from here on.
    session.links.pullRequest = pr.url;
    return { pullRequest: pr.url };
  } catch (error) {
    const note = `The session is done but the pull request could not be opened (${(error as Error).message}); comment \`/resume\` to try again.`;
    kit.log.warning(note);
    await postNotice(kit, issue.number, 'pr-failed', session.status.totalIterations, note).catch(() => {});
    return { note };
  }
}

async function continueInNewRun(kit: Toolkit, issue: IssueInfo, session: GitHubSession, opened: OpenedBranch): Promise<Shown> {
  const workflow = workflowOf(kit.config.runner);
  try {
    if (!workflow.file) throw new Error('GITHUB_WORKFLOW_REF is not set');
    await kit.api.dispatch(workflow.file, workflow.ref ?? opened.baseBranch, issue.number);
    const note = 'This run reached its time budget; the session continues in a new run.';
    await postNotice(kit, issue.number, 'pause', session.status.totalIterations, `samocode: ${note}`);
    return { note };
  } catch (error) {
    const note = `This run reached its time budget and could not start the next one (${(error as Error).message}); comment \`/resume\` to continue.`;
    kit.log.warning(note);
    return { note };
  }
}
