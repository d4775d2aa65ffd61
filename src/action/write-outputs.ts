// Step: the action's outputs, the job summary, and the job's verdict.
import * as core from '@actions/core';
import type { LoopResult } from '../core/loop.js';
import { noBeacons } from '../core/neutralize.js';
import { describeState } from '../core/render.js';
import { jobSummary, stopSummary } from '../notify/job-summary.js';
import { reviewRoundsLine } from '../core/review.js';
import type { IssueInfo } from '../github/repo-api.js';
import type { ActiveIntent } from './intent.js';
import type { OpenedBranch } from './open-branch.js';
import type { GitHubSession } from './open-session.js';
import type { AgentSetup } from './prepare-agent.js';
import { stoppedByPerson, type Shown } from './show-outcome.js';
import type { StopRun } from './stop.js';
import type { TakenIn } from './take-in-comments.js';
import type { Toolkit } from './toolkit.js';

export async function writeOutputs(
  kit: Toolkit,
  session: GitHubSession,
  opened: OpenedBranch,
  result: LoopResult,
  shown: Shown,
  setup: AgentSetup,
  seen: { issue?: IssueInfo; taken?: TakenIn } = {},
): Promise<void> {
  const { status } = session;
  const { outcome } = result;
  core.setOutput('session', session.folder);
  core.setOutput('branch', opened.branch.name);
  core.setOutput('phase', status.phase);
  core.setOutput('status', outcome.kind);
  core.setOutput('iterations', String(status.totalIterations));
  core.setOutput('cost-usd', status.costUsd.toFixed(4));
  core.setOutput('pull-request', shown.pullRequest ?? '');
  if (process.env.GITHUB_STEP_SUMMARY) {
    const links = {
      branch: session.links.branch,
      pullRequest: shown.pullRequest,
      agentUser: setup.isolation,
      agentNetwork: setup.network,
      gateway: setup.gateway.line,
      review: reviewRoundsLine((await session.store.readGates()).review, kit.config.inputs.maxReviewRounds),
      issue: seen.issue ? { name: `${kit.config.runner.repository}#${seen.issue.number}`, url: seen.issue.url } : undefined,
      idle: result.iterations.length ? [] : whyIdle(result, seen.taken),
      blocked: outcome.kind === 'blocked' ? { failed: failsTheJob(outcome.reason), notice: seen.taken?.tracking.details.blockedNotice } : undefined,
    };
    const text = jobSummary(session.folder, status, result.iterations, links, await session.store.sessionTokens());
    // The state line may hold the agent's reason: no image from another host renders on the job's page either.
    await core.summary.addRaw(kit.redactor.redact(noBeacons(text))).write();
  }
  kit.log.info(`${describeState(status)} (${session.folder} on ${opened.branch.name})`);
  // A person's /stop is not a failure; anything else that blocks the session is.
  if (outcome.kind === 'blocked' && failsTheJob(outcome.reason)) core.setFailed(kit.redactor.redact(`samocode: blocked: ${outcome.reason}`));
}

const failsTheJob = (reason: string) => !stoppedByPerson(reason);

/** Why a run ran no iteration: what the intake refused, then where the session stands. */
function whyIdle(result: LoopResult, taken?: TakenIn): string[] {
  const refused = (taken?.intake.replies ?? []).filter((r) => !taken?.ignoredBots.has(r.to)).map((r) => `refused a command: ${r.text}`);
  const { outcome } = result;
  const stands =
    outcome.kind === 'waiting'
      ? `the session is ${describeState(result.status)}`
      : outcome.kind === 'blocked'
        ? 'the session is blocked (see its state above)'
        : outcome.kind === 'done'
          ? 'the session is done'
          : 'this run reached its time budget';
  return [...refused, stands];
}

/** A run that stopped before the loop says why in the job summary too, not only in the log. */
export async function writeStopSummary(kit: Toolkit, intent: ActiveIntent, stop: StopRun): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const { repository, serverUrl } = kit.config.runner;
  if (intent.kind === 'checks') return; // a check's run is about a pull request it found on its own; nothing stopped a person
  const number = intent.kind === 'review' ? intent.pull : intent.issue;
  const issue = { name: `${repository}#${number}`, url: `${serverUrl}/${repository}/issues/${number}` };
  await core.summary.addRaw(kit.redactor.redact(noBeacons(stopSummary(stop.message, issue)))).write().catch(() => {});
}
