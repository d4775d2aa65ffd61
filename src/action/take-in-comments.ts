// Step: the tracking comment found or made, then every comment since `Last
// Comment`, in order, each once. Who may steer is known first, so that only
// their comments can hold the intake back.
import { selectComments, takeInComments as takeIn, type IntakeResult, type IssueComment } from '../core/intake.js';
import { MARKER_PREFIX, ownMarker } from '../core/marker.js';
import { resumeStatus, writeStatus, type SessionStatus } from '../core/overview.js';
import { PHASE_TABLE } from '../core/phases.js';
import { marker } from '../core/render.js';
import { isBot } from '../core/steering.js';
import type { GateRecord } from '../core/gates.js';
import { isoStamp } from '../core/time.js';
import type { IssueInfo, RepoApi } from '../github/repo-api.js';
import { whoMaySteer } from './may-steer.js';
import { TRACKING_MARKER, TrackingComment } from '../github/tracking.js';
import type { ActiveIntent } from './intent.js';
import type { GitHubSession } from './open-session.js';
import type { Toolkit } from './toolkit.js';

export interface TakenIn {
  intake: IntakeResult;
  /** The session's status and record as the run found them: did taking in change anything that matters? */
  statusBefore: SessionStatus;
  gatesBefore: GateRecord;
  qaBefore: string | null;
  comments: IssueComment[];
  tracking: TrackingComment;
  /** Comments by bots that may not steer: never answered. */
  ignoredBots: Set<number>;
}

export async function takeInComments(kit: Toolkit, intent: ActiveIntent, issue: IssueInfo, session: GitHubSession): Promise<TakenIn> {
  const { store } = session;
  const comments = await kit.api.comments(issue.number);
  const runStart = isoStamp(kit.startedAt);
  let status = session.status;
  if (session.created) status = startAfterOldComments(status, comments, runStart);
  // Found here, made at the end of the run (or before a gate's comment), so that making it is not a write of its own.
  const shownComment = await ownTracking(kit.api, comments);
  const tracking = new TrackingComment(kit.api, issue.number, shownComment?.id ?? null, session.folder, session.links, shownComment?.body);

  const gates = await store.readGates();
  const statusBefore = session.status;
  const { mayGovern, readable } = await steeringOf(kit, comments, status);
  const selection = selectComments(readable, status.lastComment, gates, runStart, mayGovern);
  const ignoredBots = new Set(selection.take.filter((c) => isBot(c.author, c.authorType) && !mayGovern(c.author)).map((c) => c.id));
  const qaBefore = await store.readQa();
  const intake = takeIn(
    { status, gates, qa: qaBefore, postedPlan: gates.posted, gateCommentId: await gateCommentId(kit.api, comments, status, gates.posted) },
    selection.take,
    selection.lastId,
    mayGovern,
    isoStamp(Date.now()),
  );
  // Adding the trigger label again resumes a blocked session.
  if (intent.kind === 'start' && intake.status.blocked) {
    intake.status = resumeStatus(intake.status, PHASE_TABLE[intake.status.phase].maxIterations, `@${intent.actor} (label added again)`);
  }
  await record(session, intake);
  tracking.details.answers = intake.gates.answers;
  return { intake, comments, tracking, ignoredBots, statusBefore, gatesBefore: gates, qaBefore };
}

async function ownTracking(api: RepoApi, comments: IssueComment[]): Promise<IssueComment | null> {
  for (const c of comments) if (ownMarker(c.body) === TRACKING_MARKER && (await api.isOwn(c))) return c;
  return null;
}

/** A new session: what was said before it started is not an answer to anything it will ask. */
function startAfterOldComments(status: SessionStatus, comments: IssueComment[], runStart: string): SessionStatus {
  const before = comments.filter((c) => c.createdAt < runStart).map((c) => c.id);
  return before.length ? { ...status, lastComment: String(Math.max(...before)) } : status;
}

/**
 * Asks GitHub once per author of a new comment; bots go by allowed-bots. When
 * GitHub cannot say, the intake stops before that author's first comment: the
 * cursor does not move past it, and a later run takes it in.
 */
async function steeringOf(kit: Toolkit, comments: IssueComment[], status: SessionStatus) {
  const after = status.lastComment === null ? -1 : Number(status.lastComment);
  const fresh = [...comments].sort((a, b) => a.id - b.id).filter((c) => c.id > after && !ownMarker(c.body));
  const { mayGovern, unknown } = await whoMaySteer(kit, fresh.map((c) => ({ author: c.author, type: c.authorType })));
  if (!unknown) return { mayGovern, readable: comments };
  const stopAt = fresh.find((c) => c.author === unknown.author)!.id;
  kit.log.warning(`${unknown.message}; comments from ${stopAt} on wait for a later run`);
  return { mayGovern, readable: comments.filter((c) => c.id < stopAt) };
}

/** What the intake decided, written to the session folder. */
async function record(session: GitHubSession, intake: IntakeResult): Promise<void> {
  const { store } = session;
  if (intake.qa !== null) await store.writeQa(intake.qa);
  if (intake.feedback.length) await store.appendFeedback(intake.feedback);
  await store.writeGates(intake.gates);
  session.overview = writeStatus((await store.readOverview()) ?? session.overview, intake.status);
  session.status = intake.status;
  await store.writeOverview(session.overview);
}

/** The action's own comment that opened the gate the session waits at: the plan as posted, or the newest questions. */
async function gateCommentId(api: RepoApi, comments: IssueComment[], status: SessionStatus, posted: GateRecord['posted']): Promise<number | null> {
  if (status.next.kind !== 'waiting') return null;
  const prefix = status.next.gate === 'plan_approval' ? marker('plan', posted?.blob ?? '-') : `${MARKER_PREFIX}questions:`;
  let found: number | null = null;
  for (const c of comments) if (ownMarker(c.body)?.startsWith(prefix) && (await api.isOwn(c))) found = Math.max(found ?? 0, c.id);
  return found;
}
