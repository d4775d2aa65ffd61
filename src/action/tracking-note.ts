// The tracking comment's closing lines, the same wherever the comment is shown from.
import { reviewRoundsLine } from '../core/review.js';
import type { GitHubSession } from './open-session.js';
import type { Toolkit } from './toolkit.js';

/** What a person can do next, and the review rounds. */
export async function trackingNote(kit: Toolkit, session: GitHubSession, next: string | undefined): Promise<string | undefined> {
  const review = reviewRoundsLine((await session.store.readGates()).review, kit.config.inputs.maxReviewRounds);
  return [next, review].filter(Boolean).join('\n\n') || undefined;
}
