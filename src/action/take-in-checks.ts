// Step: a check that finished on a session branch (issue 15). A failure on
// the head of the session's pull request, while the session is done, starts
// a review round with the failing jobs' steps and log tails as data; a pass
// is shown on the tracking comment. A run that starts no round stops here,
// before the claim: it pushes nothing, so it cannot start the checks again.
import { checksData, checksRoundNote, type CheckResult } from '../core/checks.js';
import { writeStatus } from '../core/overview.js';
import { reviewRoundsLine, startRoundStatus, type ReviewState } from '../core/review.js';
import type { ChecksIntent } from './intent.js';
import type { OpenedBranch } from './open-branch.js';
import type { GitHubSession } from './open-session.js';
import { StopRun } from './stop.js';
import type { TakenIn } from './take-in-comments.js';
import { refuseRound, roundRecord, type ReviewIntake } from './take-in-review.js';
import type { Toolkit } from './toolkit.js';

export async function takeInChecks(kit: Toolkit, intent: ChecksIntent, session: GitHubSession, opened: OpenedBranch, taken: TakenIn): Promise<ReviewIntake> {
  const gates = await session.store.readGates();
  const pull = gates.review.pull ?? (await kit.pulls.findOpen(opened.branch.name))?.number ?? null;
  const check = `${intent.name} ${intent.passed ? 'passed' : 'failed'} on ${intent.sha.slice(0, 7)}`;
  if (pull === null) throw new StopRun(`${check}, but the session has no pull request yet; nothing to do`, 'nothing');
  const head = await opened.branch.head();
  if (head !== intent.sha) throw new StopRun(`${check}, which is no longer the head of ${opened.branch.name} (${head.slice(0, 7)}); nothing to do`, 'nothing');

  const seen: CheckResult = { name: intent.name, sha: intent.sha, passed: intent.passed, url: intent.url, round: null };
  let state: ReviewState = { ...gates.review, pull };
  const { status } = session;
  const max = kit.config.inputs.maxReviewRounds;
  if (intent.passed || status.next.kind !== 'done' || status.blocked) {
    if (!intent.passed) kit.log.info(`${check} while the session is ${status.blocked ? 'blocked' : 'not done'}; the checks on its final head decide`);
    return show(kit, session, taken, { ...state, lastCheck: seen }, `${check}; the tracking comment says so`);
  }
  if (state.rounds >= max) {
    await refuseRound(kit, pull, state);
    return show(kit, session, taken, { ...state, lastCheck: seen }, `${check}; max-review-rounds (${max}) allows no more rounds`);
  }

  const jobs = intent.source === 'workflow_run' ? await kit.checks.failingJobs(intent.id) : await kit.checks.failingCheckRuns(intent.id);
  const round = state.rounds + 1;
  const data = checksData(intent, jobs);
  state = { ...state, rounds: round, open: { round, by: intent.name, threads: [] }, lastCheck: { ...seen, round } };
  session.status = { ...startRoundStatus(status, round, intent.name), lastAction: `review round ${round}: ${check}` };
  await session.store.appendReviewRound(roundRecord(round, intent.name, data));
  await session.store.resetReviewReport();
  await session.store.writeGates({ ...gates, review: state });
  session.overview = writeStatus((await session.store.readOverview()) ?? session.overview, session.status);
  await session.store.writeOverview(session.overview);
  kit.log.info(`review round ${round} of at most ${max} starts: ${check} (${jobs.length} failing job(s))`);
  return { data, round, note: checksRoundNote(round, intent, jobs.length) };
}

/** The tracking comment shows the check; nothing is written to the branch. */
async function show(kit: Toolkit, session: GitHubSession, taken: TakenIn, state: ReviewState, why: string): Promise<never> {
  const line = reviewRoundsLine(state, kit.config.inputs.maxReviewRounds) ?? undefined;
  await taken.tracking.flush(session.status, line).catch((error: unknown) => kit.log.warning(`could not update the tracking comment: ${(error as Error).message}`));
  throw new StopRun(why, 'nothing');
}
