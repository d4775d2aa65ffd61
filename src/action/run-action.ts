// GitHub mode, as a table of contents: each step is a function in a file
// named for what it does, and shows as a group in the job log. A step that
// ends the run throws StopRun; it is caught here, once.
import * as core from '@actions/core';
import { AnotherRunError } from '../git/errors.js';
import { checkStarter } from './check-starter.js';
import { answerComments, claimSession } from './claim.js';
import { ConfigError, readConfig } from './config.js';
import type { ActiveIntent } from './intent.js';
import { loadIssue } from './load-issue.js';
import { openSessionBranch } from './open-branch.js';
import { openSession } from './open-session.js';
import { prepareAgent } from './prepare-agent.js';
import { runLoop } from './run-loop.js';
import { startGateway } from './start-gateway.js';
import { showOutcome } from './show-outcome.js';
import { StopRun } from './stop.js';
import { takeInComments } from './take-in-comments.js';
import { takeInChecks } from './take-in-checks.js';
import { takeInReview } from './take-in-review.js';
import { answerReview } from './answer-review.js';
import { makeToolkit, type Toolkit } from './toolkit.js';
import { endSlowedByRateLimit, saySlowed, type Reached } from './rate-limited.js';
import { isRateLimited } from '../github/rate-limit.js';
import { updateIssue } from './update-issue.js';
import { writeOutputs, writeStopSummary } from './write-outputs.js';

const step = <T>(name: string, run: () => Promise<T>): Promise<T> => core.group(name, run);

export async function runAction(intent: ActiveIntent, payload: Record<string, unknown>, startedAt: number): Promise<void> {
  let kit: Toolkit;
  try {
    kit = makeToolkit(readConfig(), startedAt);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return core.setFailed(`samocode: ${error.message}`);
  }
  const reached: Reached = { issue: 'issue' in intent ? intent.issue : undefined };
  try {
    const issue = await step('Load the issue', () => loadIssue(kit, intent));
    reached.issue = issue.number;
    await step('Check who may start', () => checkStarter(kit, intent, issue));
    const opened = (reached.opened = await step('Open the session branch', () => openSessionBranch(kit, intent, issue)));
    const session = (reached.session = await step('Open the session folder', () => openSession(kit, intent, issue, opened, payload)));
    const taken = await step('Take in comments', () => takeInComments(kit, intent, issue, session));
    const review =
      intent.kind === 'checks'
        ? await step('Take in the checks', () => takeInChecks(kit, intent, session, opened, taken))
        : await step('Take in the review', () => takeInReview(kit, intent, issue, session, opened));
    await step('Claim the session', () => claimSession(kit, intent, issue, session, opened, taken, review));
    reached.claimed = true;
    await step('Answer comments', () => answerComments(kit, issue, session, taken));
    await step("Say what GitHub's rate limit did", () => saySlowed(kit, issue, session));
    // The model gateway starts inside this step, once the agent's network exists: its relay listens where the agent can reach it.
    const setup = await step('Prepare the agent and its model gateway', () => prepareAgent(kit, issue, (place) => startGateway(kit, issue, session, place)));
    try {
      const result = await step('Run the loop', () => runLoop(kit, issue, session, opened, taken, review, setup)).finally(() => setup.gateway.gateway?.stop());
      // Nothing of the agent is running any more: what the run made for it goes before the outcome is shown.
      await step('Remove the agent sandbox', () => setup.close());
      await step('Answer the review', () => answerReview(kit, session, opened, result));
      const shown = await step('Show the outcome', () => showOutcome(kit, issue, session, opened, result, taken));
      await step('Update the issue', () => updateIssue(kit, issue, session, opened, taken, result, shown));
      await step('Write the outputs', () => writeOutputs(kit, session, opened, result, shown, setup, { issue, taken }));
    } finally {
      await setup.close();
    }
  } catch (error) {
    // A rate limit that outlasted the time budget ends the run as the time limit does, never as a failure.
    if (isRateLimited(error)) return step("Save the session: GitHub's rate limit outlasted the time budget", () => endSlowedByRateLimit(kit, reached, error as Error));
    const stop = asStop(error);
    await writeStopSummary(kit, intent, stop);
    endRun(kit, stop);
  }
}

/** Another run's claim is a stop like any other; everything else goes on up. */
function asStop(error: unknown): StopRun {
  if (error instanceof StopRun) return error;
  if (error instanceof AnotherRunError) return new StopRun(`${error.message}; this run stops and leaves the session to it`, 'skipped');
  throw error;
}

function endRun(kit: Toolkit, stop: StopRun): void {
  switch (stop.kind) {
    case 'nothing':
      return kit.log.info(stop.message);
    case 'refused':
      return kit.log.notice(stop.message);
    case 'skipped':
      kit.log.notice(stop.message);
      return core.setOutput('status', 'skipped');
    case 'failed':
      return core.setFailed(kit.redactor.redact(`samocode: ${stop.message}`));
  }
}
