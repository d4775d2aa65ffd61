// Review rounds (DESIGN §6b): after the pull request, what people say on it
// is more work for the same session. Pure: which review items are new and
// from whom, how a round starts, what the agent is given, and what it said
// it did (`_review.json`).
import * as z from './schema.js';
import { checksLine, type CheckResult } from './checks.js';
import { cleanUntrusted } from './clean.js';
import { ownMarker } from './marker.js';
import { unmention } from './neutralize.js';
import type { SessionStatus } from './status.js';

export interface ReviewComment {
  /** The comment's REST id (GraphQL `fullDatabaseId`): past 2^31 on github.com, so never a 32-bit field's. */
  id: number;
  author: string;
  authorType: string;
  body: string;
  createdAt: string;
  diffHunk?: string;
}

export interface ReviewThread {
  /** GraphQL node id: resolving goes by it. */
  id: string;
  isResolved: boolean;
  path: string;
  line: number | null;
  comments: ReviewComment[];
}

export interface Review {
  id: number;
  author: string;
  authorType: string;
  state: string;
  body: string;
  submittedAt: string;
}

/** What the orchestrator keeps of the pull request in `_gates.json`. */
export interface ReviewState {
  pull: number | null;
  /** Rounds started so far. */
  rounds: number;
  /** The round in progress, with the threads it was given. */
  open: { round: number; by: string; threads: string[] } | null;
  /** Per thread, the newest comment id already given to a round. */
  seenThreads: Record<string, number>;
  seenReviews: number[];
  /** The newest comment on the pull request's conversation already taken in. */
  lastComment: number | null;
  /** Rounds refused by max-review-rounds, so that the refusal is said once. */
  refusedAt: number | null;
  /** The last failed check that started a round (a pass is shown, not kept: keeping it would push a commit and run the checks again). */
  lastCheck: CheckResult | null;
  /** Conversation comments taken in while no round could start: they go into the next one. */
  pendingTalk: number[];
}

export const reviewStateSchema = z.object({
  pull: z._default(z.nullable(z.number()), null),
  rounds: z._default(z.number(), 0),
  open: z._default(z.nullable(z.object({ round: z.number(), by: z.string(), threads: z.array(z.string()) })), null),
  seenThreads: z._default(z.record(z.string(), z.number()), {}),
  seenReviews: z._default(z.array(z.number()), []),
  lastComment: z._default(z.nullable(z.number()), null),
  refusedAt: z._default(z.nullable(z.number()), null),
  lastCheck: z._default(
    z.nullable(z.object({ name: z.string(), sha: z.string(), passed: z.boolean(), url: z.string(), round: z.nullable(z.number()) })),
    null,
  ),
  pendingTalk: z._default(z.array(z.number()), []),
});

export function emptyReviewState(): ReviewState {
  return { pull: null, rounds: 0, open: null, seenThreads: {}, seenReviews: [], lastComment: null, refusedAt: null, lastCheck: null, pendingTalk: [] };
}

const instant = (iso: string) => Date.parse(iso);

export interface ReviewWork {
  /** Unresolved threads with something new from a person who may steer. */
  threads: ReviewThread[];
  /** Reviews with a body or changes requested, from people who may steer. */
  reviews: Review[];
  /** Who asked (the first of them), for the record. */
  by: string | null;
}

/**
 * What is new on the pull request since the last round: made before this run
 * started, by someone who may steer, and not the action's own.
 */
export function newReviewWork(
  threads: ReviewThread[],
  reviews: Review[],
  state: ReviewState,
  runStartedAt: string,
  mayGovern: (login: string) => boolean,
): ReviewWork {
  const counts = (c: { author: string; body: string; createdAt: string }) =>
    mayGovern(c.author) && !ownMarker(c.body) && instant(c.createdAt) <= instant(runStartedAt);
  const fresh = threads.filter(
    (t) => !t.isResolved && t.comments.some((c) => c.id > (state.seenThreads[t.id] ?? 0) && counts(c)),
  );
  const seen = new Set(state.seenReviews);
  const asked = reviews.filter(
    (r) =>
      !seen.has(r.id) &&
      counts({ author: r.author, body: r.body, createdAt: r.submittedAt }) &&
      (r.state === 'CHANGES_REQUESTED' || (r.state === 'COMMENTED' && r.body.trim() !== '')),
  );
  const first = [...fresh.flatMap((t) => t.comments.filter(counts)), ...asked.map((r) => ({ author: r.author, createdAt: r.submittedAt }))].sort(
    (a, b) => instant(a.createdAt) - instant(b.createdAt),
  )[0];
  return { threads: fresh, reviews: asked, by: first?.author ?? null };
}

/**
 * The threads a round takes in: the unresolved ones that a person who may
 * steer wrote in, each as it stood at that person's last comment. A thread
 * only others wrote in is not the agent's to answer (nor the action's to
 * reply in or resolve), and what others added after is not given.
 */
export function threadsForRound(threads: ReviewThread[], mayGovern: (login: string) => boolean): ReviewThread[] {
  return threads.flatMap((t) => {
    const last = t.comments.findLastIndex((c) => mayGovern(c.author) && !ownMarker(c.body));
    return t.isResolved || last < 0 ? [] : [{ ...t, comments: t.comments.slice(0, last + 1) }];
  });
}

/** Who wrote in the unresolved threads: asked about before a round picks its threads. */
export function threadAuthors(threads: ReviewThread[]): { author: string; type: string }[] {
  return threads.filter((t) => !t.isResolved).flatMap((t) => t.comments.filter((c) => !ownMarker(c.body)).map((c) => ({ author: c.author, type: c.authorType })));
}

/** Review items given to a round are seen: they do not start another. */
export function markSeen(state: ReviewState, work: ReviewWork, allThreads: ReviewThread[]): ReviewState {
  const seenThreads = { ...state.seenThreads };
  for (const thread of allThreads) {
    const newest = Math.max(0, ...thread.comments.map((c) => c.id));
    if (newest > (seenThreads[thread.id] ?? 0)) seenThreads[thread.id] = newest;
  }
  return { ...state, seenThreads, seenReviews: [...new Set([...state.seenReviews, ...work.reviews.map((r) => r.id)])].slice(-200) };
}

/** The session goes back from done into implementation, recorded like a gate. */
export function startRoundStatus(status: SessionStatus, round: number, by: string): SessionStatus {
  return { ...status, phase: 'implementation', iteration: 0, blocked: null, next: { kind: 'continue' }, lastAction: `review round ${round} from @${by}` };
}

/** The round's threads (see threadsForRound) and the new reviews, as data for the agent: cleaned, each its own block. */
export function reviewData(threads: ReviewThread[], reviews: Review[], comments: { author: string; body: string }[]): { title: string; text: string }[] {
  const blocks = threads
    .filter((t) => !t.isResolved)
    .map((t) => ({
      title: `Review thread ${t.id} on ${t.path}${t.line ? ` line ${t.line}` : ''}`,
      text: [
        ...(t.comments[0]?.diffHunk ? ['Diff hunk:', cleanUntrusted(t.comments[0].diffHunk), ''] : []),
        ...t.comments.filter((c) => !ownMarker(c.body)).map((c) => `@${c.author}: ${cleanUntrusted(c.body)}`),
      ].join('\n'),
    }));
  for (const r of reviews) blocks.push({ title: `Review by @${r.author} (${r.state.toLowerCase().replace('_', ' ')})`, text: cleanUntrusted(r.body) });
  for (const c of comments) blocks.push({ title: `Comment on the pull request by @${c.author}`, text: cleanUntrusted(c.body) });
  return blocks;
}

/** `_review.json`, written by the agent: which threads it addressed, and how. */
const reviewReportSchema = z.object({
  threads: z
    .array(z.object({ id: z.string().check(z.maxLength(200)), addressed: z.boolean(), reply: z.string().check(z.maxLength(4_000)) }))
    .check(z.maxLength(200)),
});
export type ReviewReport = z.infer<typeof reviewReportSchema>;

export function parseReviewReport(text: string | null): ReviewReport | null {
  if (!text) return null;
  try {
    const parsed = reviewReportSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** What the action says in each thread the round was given. */
export function threadReplies(threads: string[], report: ReviewReport | null, commit: string): { thread: string; text: string; resolve: boolean }[] {
  return threads.map((thread) => {
    const said = report?.threads.find((t) => t.id === thread);
    if (said?.addressed) return { thread, text: `Addressed in ${commit}: ${unmention(said.reply)}`, resolve: true };
    if (said) return { thread, text: `Not changed in this round: ${unmention(said.reply)}`, resolve: false };
    return { thread, text: 'Not addressed in this round: the agent did not say anything about this thread.', resolve: false };
  });
}

/** One line on the review rounds, for the tracking comment and the job summary; null before the first. */
export function reviewRoundsLine(state: ReviewState, max: number): string | null {
  const checks = checksLine(state.lastCheck, state.rounds);
  if (state.rounds === 0 || state.pull === null) return checks;
  const from = state.open && state.lastCheck?.round === state.open.round ? `from the failed check ${state.lastCheck.name}` : `from @${state.open?.by}`;
  const now = state.open ? `round ${state.open.round} in progress (${from})` : `review round ${state.rounds} answered`;
  return [`Review rounds on #${state.pull}: ${state.rounds} of at most ${max}; ${now}.`, checks].filter(Boolean).join(' ');
}
