// Step: the action's outputs, the job summary, and the job's verdict.
import * as core from '@actions/core';
import type { LoopResult } from '../core/loop.js';
import { describeState } from '../core/render.js';
import { jobSummary } from '../notify/job-summary.js';
import { reviewRoundsLine } from '../core/review.js';
import type { OpenedBranch } from './open-branch.js';
import type { GitHubSession } from './open-session.js';
import type { AgentSetup } from './prepare-agent.js';
import type { Shown } from './show-outcome.js';
import type { Toolkit } from './toolkit.js';

export async function writeOutputs(kit: Toolkit, session: GitHubSession, opened: OpenedBranch, result: LoopResult, shown: Shown, setup: AgentSetup): Promise<void> {
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
    const text = jobSummary(session.folder, status, result.iterations, { branch: session.links.branch, pullRequest: shown.pullRequest, agentUser: setup.isolation, review: reviewRoundsLine((await session.store.readGates()).review, kit.config.inputs.maxReviewRounds) }, await session.store.sessionTokens());
    await core.summary.addRaw(kit.redactor.redact(text)).write();
  }
  kit.log.info(`${describeState(status)} (${session.folder} on ${opened.branch.name})`);
  // A person's /stop is not a failure; anything else that blocks the session is.
  if (outcome.kind === 'blocked' && !outcome.reason.startsWith('stopped by @')) core.setFailed(kit.redactor.redact(`samocode: blocked: ${outcome.reason}`));
}
