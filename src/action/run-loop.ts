// Step: the agent and the loop. A failure here (the CLI missing, the branch
// lost to a conflict, an error of ours) ends the run as blocked with the
// reason saved, never with the session half-written.
import { join } from 'node:path';
import { runSession, type LoopResult } from '../core/loop.js';
import { blockedStatus, parseStatus, readSection, writeStatus } from '../core/overview.js';
import type { Reporter } from '../core/ports.js';
import { AnotherRunError, BranchConflictError } from '../git/errors.js';
import { IterationRecords } from '../notify/iteration-records.js';
import { FanOutReporter } from '../notify/fan-out.js';
import { createAgent } from '../providers/index.js';
import { loadPrompts } from '../providers/prompts.js';
import type { IssueInfo } from '../github/repo-api.js';
import type { OpenedBranch } from './open-branch.js';
import type { GitHubSession } from './open-session.js';
import type { AgentSetup } from './prepare-agent.js';
import { agentSourceEnv } from './start-gateway.js';
import { ensurePullRequest } from './pull-request.js';
import type { ReviewIntake } from './take-in-review.js';
import { DraftPullRequest } from '../github/draft-pull-request.js';
import { isRateLimited } from '../github/rate-limit.js';
import type { TakenIn } from './take-in-comments.js';
import type { Toolkit } from './toolkit.js';

export async function runLoop(kit: Toolkit, issue: IssueInfo, session: GitHubSession, opened: OpenedBranch, taken: TakenIn, review: ReviewIntake, setup: AgentSetup): Promise<LoopResult> {
  const log = new IterationRecords((line) => kit.log.print(line));
  try {
    const result = await runSession(
      { agent: await makeAgent(kit, setup), store: session.store, reporter: new FanOutReporter(reporters(kit, issue, session, opened, taken, log)), clock: { now: Date.now } },
      loopOptions(kit, session, taken, review),
    );
    session.status = result.status;
    return result;
  } catch (error) {
    // A rate limit that outlasted the time budget is no block: the run saves the session and continues in a new one.
    if (error instanceof AnotherRunError || isRateLimited(error)) throw error;
    return blockedByError(kit, session, opened, error as Error, log);
  }
}

async function makeAgent(kit: Toolkit, setup: AgentSetup) {
  const { inputs, runner } = kit.config;
  const { gateway } = setup.gateway;
  const agent = await createAgent({
    provider: inputs.provider,
    scriptPath: inputs.script ? join(runner.workspace, inputs.script) : undefined,
    cliPath: inputs.cliPath,
    model: inputs.model,
    cliSetting: 'the cli-path input',
    env: agentSourceEnv(setup.gateway, process.env),
    extraEnv: inputs.agentEnv,
    agentGithubToken: inputs.agentGithubToken,
    identity: setup.identity,
    sandbox: setup.sandbox,
    ...(gateway ? { extraArgs: gateway.agentArgs(), stopRetrying: () => gateway.blockReason() } : {}),
  });
  return gateway ? gateway.meter(agent) : agent;
}

/** The job log, the tracking comment, and the draft pull request once implementation starts. */
function reporters(kit: Toolkit, issue: IssueInfo, session: GitHubSession, opened: OpenedBranch, taken: TakenIn, log: IterationRecords): Reporter[] {
  const all: Reporter[] = [firstCall(kit, issue, opened), log, taken.tracking];
  if (kit.config.inputs.draftPullRequest) {
    all.push(new DraftPullRequest(async () => void (await ensurePullRequest(kit, issue, session, opened, null)), (m) => kit.log.warning(m)));
  }
  return all;
}

function loopOptions(kit: Toolkit, session: GitHubSession, taken: TakenIn, review: ReviewIntake) {
  const { inputs } = kit.config;
  const { feedback } = taken.intake;
  const feedbackNote = feedback.length ? 'a person asked for changes to the plan (see _feedback.md): revise the plan, then wait for approval again' : undefined;
  return {
    sessionName: session.folder,
    mode: 'github' as const,
    prompts: loadPrompts(),
    iterationTimeoutMs: inputs.iterationTimeoutMin * 60_000,
    deadline: kit.startedAt + inputs.maxRuntimeMin * 60_000,
    maxTotalIterations: inputs.maxIterations,
    maxCostUsd: inputs.maxCostUsd,
    autoApprove: inputs.autoApprove,
    task: readSection(session.overview, 'Task') ?? session.issueText,
    data: [...feedback.map((f) => ({ title: `Feedback on the plan from @${f.by}`, text: f.text })), ...review.data],
    note: review.note ?? feedbackNote,
    interrupted: kit.interruption.reason,
  };
}

async function blockedByError(kit: Toolkit, session: GitHubSession, opened: OpenedBranch, error: Error, log: IterationRecords): Promise<LoopResult> {
  const { store } = session;
  const known = error instanceof BranchConflictError || error.name === 'MissingCliError';
  const reason = kit.redactor.redact(known ? error.message : `error: ${error.message}`);
  const saved = parseStatus(await store.readOverview());
  const status = blockedStatus(saved.ok ? saved.status : session.status, reason);
  await store.writeOverview(writeStatus((await store.readOverview()) ?? session.overview, status));
  // A conflict already saved the work to a backup branch; anything else is checkpointed as it stands.
  if (!(error instanceof BranchConflictError)) await opened.branch.checkpoint(`samocode: blocked (${reason.slice(0, 80)})`).catch(() => {});
  session.status = status;
  return { outcome: { kind: 'blocked', reason }, status, iterations: log.records };
}

/**
 * Before the run's first agent call, and only then: the claim if it waited,
 * and the running label. A run that starts no agent writes neither.
 */
function firstCall(kit: Toolkit, issue: IssueInfo, opened: OpenedBranch): Reporter {
  let started = false;
  return {
    async iterationStarted() {
      if (started) return;
      started = true;
      await opened.branch.claimDeferred();
      issue.labels = await kit.api.setStateLabel(issue.number, 'samocode:running', issue.labels);
    },
    iterationFinished() {},
  };
}
