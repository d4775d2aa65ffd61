// Step: a review round that reached done answers in place. In each thread the
// round was given, a reply says what changed (with the commit) and the thread
// is resolved, or says why not; the pull request's conversation gets one line
// for the round.
import type { LoopResult } from '../core/loop.js';
import { marker, noticeComment } from '../core/render.js';
import { unmention } from '../core/neutralize.js';
import { parseReviewReport, threadReplies } from '../core/review.js';
import type { OpenedBranch } from './open-branch.js';
import type { GitHubSession } from './open-session.js';
import type { Toolkit } from './toolkit.js';

export async function answerReview(kit: Toolkit, session: GitHubSession, opened: OpenedBranch, result: LoopResult): Promise<void> {
  const gates = await session.store.readGates();
  const { review } = gates;
  if (!review.open || review.pull === null || result.outcome.kind !== 'done') return;
  const { pull } = review;
  const { round } = review.open;
  const head = await opened.branch.head();
  const commit = `[${head.slice(0, 7)}](${kit.config.runner.serverUrl}/${kit.config.runner.repository}/commit/${head})`;
  const report = parseReviewReport(await session.store.readReviewReport());
  if (!report) kit.log.warning(`review round ${round}: _review.json is missing or not valid; every thread is told so`);
  const threads = await kit.pulls.threads(pull);
  let resolved = 0;
  for (const answer of threadReplies(review.open.threads, report, commit)) {
    const thread = threads.find((t) => t.id === answer.thread);
    if (!thread) continue;
    await kit.pulls.reply(thread, noticeComment('review-reply', `${round}-${shortId(thread.id)}`, answer.text));
    if (answer.resolve && !thread.isResolved) {
      await kit.pulls.resolve(thread.id);
      resolved++;
    }
  }
  const text = `samocode finished review round ${round}: ${unmention(result.outcome.summary)}\n\nCommit: ${commit} · threads resolved: ${resolved} of ${review.open.threads.length}.`;
  await kit.api.commentOnce(pull, marker('review-round', round), noticeComment('review-round', round, text));
  await session.store.writeGates({ ...gates, review: { ...review, open: null } });
  await opened.branch.checkpoint(`samocode: review round ${round} answered`);
}

/** Marker ids must be free of spaces and angle brackets; a thread's node id already is, but keep it short. */
const shortId = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, '').slice(-24);
