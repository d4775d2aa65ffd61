// The action's one-off comments on the issue, each under its own marker so
// that a retried run does not post it twice.
import { createHash } from 'node:crypto';
import { marker, noticeComment } from '../core/render.js';
import { StopRun } from './stop.js';
import type { Toolkit } from './toolkit.js';

export const shortHash = (text: string) => createHash('sha1').update(text).digest('hex').slice(0, 12);

/** Posts `text` once under `kind:id`; the comment's id. */
export async function postNotice(kit: Toolkit, issue: number, kind: string, id: string | number, text: string): Promise<number> {
  return kit.api.commentOnce(issue, marker(kind, id), noticeComment(kind, id, text));
}

/** Says on the issue what a person must fix, and stops the run as failed. */
export async function failOnIssue(kit: Toolkit, issue: number, text: string): Promise<never> {
  await postNotice(kit, issue, 'error', shortHash(text), `samocode: ${text}`).catch(() => {});
  throw new StopRun(text, 'failed');
}
