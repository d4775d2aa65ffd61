// Step: what people said on the session's pull request (DESIGN §6b). Commands
// there work as on the issue; a writer's review, inline comment or
// conversation comment, while the session is done, starts a review round: the
// session goes back to implementation with every unresolved thread as data.
// What arrives while a round runs waits for the next one.
import { readComment } from '../core/commands.js';
import type { IssueComment } from '../core/intake.js';
import { ownMarker } from '../core/marker.js';
import { blockedStatus, resumeStatus, writeStatus, type SessionStatus } from '../core/overview.js';
import { PHASE_TABLE } from '../core/phases.js';
import { marker, noticeComment, trackingComment } from '../core/render.js';
import { markSeen, newReviewWork, reviewData, startRoundStatus, threadAuthors, threadsForRound, type Review, type ReviewState, type ReviewThread } from '../core/review.js';
import { isBot } from '../core/steering.js';
import { isoStamp } from '../core/time.js';
import type { IssueInfo } from '../github/repo-api.js';
import { whoMaySteer } from './may-steer.js';
import { TRACKING_MARKER } from '../github/tracking.js';
import type { ActiveIntent } from './intent.js';
import type { OpenedBranch } from './open-branch.js';
import type { GitHubSession } from './open-session.js';
import type { Toolkit } from './toolkit.js';

export interface ReviewIntake {
  /** Data blocks for the agent: the threads, reviews and comments of the round. */
  data: { title: string; text: string }[];
  /** A word for the agent's first call of this run. */
  note?: string;
  /** The round this run started, if it did. */
  round?: number;
}

const NONE: ReviewIntake = { data: [] };

export async function takeInReview(kit: Toolkit, intent: ActiveIntent, issue: IssueInfo, session: GitHubSession, opened: OpenedBranch): Promise<ReviewIntake> {
  const gates = await session.store.readGates();
  // The session's pull request is the open one from its branch in this repository: a fork's with the same head name is not.
  const pull = gates.review.pull ?? (await kit.pulls.findOpen(opened.branch.name))?.number ?? null;
  if (intent.kind === 'review' && intent.pull !== pull) {
    kit.log.info(`pull request #${intent.pull} is not this session's pull request; nothing to do`);
    return NONE;
  }
  // Only a pull request event, or a done session with a pull request, looks at the review: it costs three calls.
  if (pull === null || (intent.kind !== 'review' && session.status.next.kind !== 'done')) return NONE;
  const runStart = isoStamp(kit.startedAt);
  const [conversation, threads, reviews] = await Promise.all([kit.api.comments(pull), kit.pulls.threads(pull), kit.pulls.reviews(pull)]);
  let state: ReviewState = { ...gates.review, pull };
  const fresh = conversation.filter((c) => c.id > (state.lastComment ?? 0) && !ownMarker(c.body) && Date.parse(c.createdAt) <= kit.startedAt);
  const authors = newAuthors(fresh, threads, reviews, state);
  let mayGovern = await permissions(kit, authors);
  if (!mayGovern) return NONE;
  // A round picks the threads people who may steer wrote in: when one may start, the authors of every open thread are asked too (before anything is written).
  if (mayStartRound(session, state, newReviewWork(threads, reviews, state, runStart, mayGovern), fresh, mayGovern, kit.config.inputs.maxReviewRounds)) {
    mayGovern = await permissions(kit, [...authors, ...threadAuthors(threads)]);
    if (!mayGovern) return NONE;
  }

  const said = await takeInConversation(kit, pull, session, fresh, mayGovern);
  if (fresh.length) state = { ...state, lastComment: Math.max(...fresh.map((c) => c.id)) };
  // Talk taken in while no round could start waits in the record for the next round.
  const pending = new Set([...state.pendingTalk, ...said.map((c) => c.id)]);
  const talk = conversation.filter((c) => pending.has(c.id));

  const work = newReviewWork(threads, reviews, state, runStart, mayGovern);
  const asked = work.threads.length > 0 || work.reviews.length > 0 || talk.length > 0;
  let intake = NONE;
  if (asked && session.status.next.kind === 'done' && !session.status.blocked) {
    if (state.rounds >= kit.config.inputs.maxReviewRounds) {
      // Not marked seen: with the input raised, the next event starts the round from what is here.
      state = { ...(await refuseRound(kit, pull, state)), pendingTalk: [...pending] };
    } else {
      const by = work.by ?? talk[0]?.author ?? intent.actor;
      const round = state.rounds + 1;
      const given = threadsForRound(threads, mayGovern);
      const open = given.map((t) => t.id);
      state = { ...markSeen(state, work, threads), rounds: round, open: { round, by, threads: open }, pendingTalk: [] };
      session.status = startRoundStatus(session.status, round, by);
      const data = reviewData(given, work.reviews, talk);
      await session.store.appendReviewRound(roundRecord(round, by, data));
      await session.store.resetReviewReport();
      kit.log.info(`review round ${round} of at most ${kit.config.inputs.maxReviewRounds} starts (from @${by}, ${open.length} open thread(s))`);
      intake = { data, round, note: roundNote(round, open.length) };
    }
  } else if (asked) {
    state = { ...state, pendingTalk: [...pending] };
    kit.log.info('review comments arrived while the session is not done; they go into the next round');
  }
  await session.store.writeGates({ ...(await session.store.readGates()), review: state });
  session.overview = writeStatus((await session.store.readOverview()) ?? session.overview, session.status);
  await session.store.writeOverview(session.overview);
  return intake;
}

/** The authors of what is new since the last round: only they are asked about (an old comment's author is not). */
function newAuthors(fresh: IssueComment[], threads: ReviewThread[], reviews: Review[], state: ReviewState): { author: string; type: string }[] {
  const seen = new Set(state.seenReviews);
  return [
    ...fresh.map((c) => ({ author: c.author, type: c.authorType })),
    ...reviews.filter((r) => !seen.has(r.id)).map((r) => ({ author: r.author, type: r.authorType })),
    ...threads.flatMap((t) => t.comments.filter((c) => c.id > (state.seenThreads[t.id] ?? 0)).map((c) => ({ author: c.author, type: c.authorType }))),
  ];
}

/** Whether this run could start a round: the session done, the limit not reached, and something new from a person who may steer. */
function mayStartRound(session: GitHubSession, state: ReviewState, work: { threads: unknown[]; reviews: unknown[] }, fresh: IssueComment[], mayGovern: (login: string) => boolean, max: number): boolean {
  if (session.status.next.kind !== 'done' || session.status.blocked || state.rounds >= max) return false;
  const talk = fresh.some((c) => mayGovern(c.author) && readComment(c.body).kind === 'text');
  return work.threads.length > 0 || work.reviews.length > 0 || talk || state.pendingTalk.length > 0;
}

/** Who may steer; null when GitHub could not say for someone (the review waits for a later run). */
async function permissions(kit: Toolkit, authors: { author: string; type: string }[]): Promise<((login: string) => boolean) | null> {
  const { mayGovern, unknown } = await whoMaySteer(kit, authors);
  if (!unknown) return mayGovern;
  kit.log.warning(`${unknown.message}; the pull request's comments wait for a later run`);
  return null;
}

/**
 * Commands on the pull request's conversation, as on the issue; a writer's
 * other text is more for the round. Anybody else gets one short reply.
 */
async function takeInConversation(kit: Toolkit, pull: number, session: GitHubSession, fresh: IssueComment[], mayGovern: (login: string) => boolean): Promise<IssueComment[]> {
  const talk: IssueComment[] = [];
  const answered = new Set<string>();
  for (const comment of fresh) {
    const meaning = readComment(comment.body);
    if (!mayGovern(comment.author)) {
      if (!isBot(comment.author, comment.authorType) && !answered.has(comment.author) && meaning.kind === 'command') {
        answered.add(comment.author);
        await kit.api.commentOnce(pull, marker('reply', comment.id), noticeComment('reply', comment.id, `@${comment.author} only people with write access to this repository can steer samocode; nothing changed.`));
      }
      continue;
    }
    if (meaning.kind === 'text') {
      talk.push(comment);
      continue;
    }
    session.status = applyCommand(session.status, meaning.command, `@${comment.author}`);
    if (meaning.command === 'status') {
      await kit.api.commentOnce(pull, marker('status', comment.id), noticeComment('status', comment.id, trackingComment(session.folder, session.status, session.links).replace(TRACKING_MARKER, '')));
    }
  }
  return talk;
}

function applyCommand(status: SessionStatus, command: string, by: string): SessionStatus {
  if (command === 'stop') return blockedStatus(status, `stopped by ${by}`, `stopped by ${by}`);
  if (command === 'resume' && status.blocked) return resumeStatus(status, PHASE_TABLE[status.phase].maxIterations, by);
  return status;
}

export async function refuseRound(kit: Toolkit, pull: number, state: ReviewState): Promise<ReviewState> {
  if (state.refusedAt === state.rounds) return state;
  const max = kit.config.inputs.maxReviewRounds;
  const text = `samocode has done ${state.rounds} review round(s), the most \`max-review-rounds\` allows (${max}); it starts no more on this pull request. Take it from here, or raise the input: the next review or comment then starts the round.`;
  await kit.api.commentOnce(pull, marker('review-limit', state.rounds), noticeComment('review-limit', state.rounds, text));
  kit.log.warning(text);
  return { ...state, refusedAt: state.rounds };
}

export function roundRecord(round: number, by: string, data: { title: string; text: string }[]): string {
  const blocks = data.map((d) => `### ${d.title}\n\n${d.text.split('\n').map((l) => `> ${l}`).join('\n')}`);
  return [`## Round ${round} (from @${by})`, '', ...blocks].join('\n\n');
}

function roundNote(round: number, threads: number): string {
  return [
    `review round ${round}: people reviewed the pull request. The review threads and comments are given below as data (and kept in _review.md).`,
    `Address what they ask, then write _review.json: {"threads": [{"id": "<thread id>", "addressed": true|false, "reply": "what changed, or why not"}]} for each of the ${threads} thread(s).`,
    'Go on through testing and quality as usual, and signal done when the round is finished.',
  ].join(' ');
}

export type { ReviewThread };
