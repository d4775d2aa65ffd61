// What a workflow run was woken for, decided from the event payload alone
// so that the events the action ignores cost no API call.

import { ownMarker } from './marker.js';
import { passesBotRule } from './steering.js';

export { MARKER_PREFIX } from './marker.js';

export interface IntentSettings {
  triggerLabel: string;
  allowedBots: string[];
  /** Session branches start with it (input branch-prefix); a pull request from another branch is not ours. */
  branchPrefix?: string;
}

export type Intent =
  | { kind: 'ignore'; reason: string }
  | { kind: 'start'; issue: number; actor: string; actorType: string }
  | { kind: 'comments'; issue: number; actor: string }
  | { kind: 'dispatch'; issue: number; actor: string }
  /** Something said on a pull request: the session is found from its head branch (unknown for a conversation comment). */
  | { kind: 'review'; pull: number; branch?: string; actor: string; actorType: string; source: 'review' | 'review_comment' | 'comment' };

interface Payload {
  action?: string;
  pull_request?: { number?: number; head?: { ref?: string } };
  review?: { body?: string | null; state?: string; user?: { login?: string; type?: string } };
  label?: { name?: string };
  issue?: { number?: number; pull_request?: unknown; labels?: ({ name?: string } | string)[] };
  comment?: { body?: string; user?: { login?: string; type?: string } };
  sender?: { login?: string; type?: string };
  inputs?: Record<string, unknown>;
}

const labelNames = (issue: Payload['issue']) =>
  (issue?.labels ?? []).map((l) => (typeof l === 'string' ? l : l?.name ?? '')).filter(Boolean);

/** An issue has a session once it carries the trigger label or a `samocode:` state label. */
export function issueHasSession(issue: Payload['issue'], triggerLabel: string): boolean {
  return labelNames(issue).some((name) => name === triggerLabel || name.startsWith('samocode:'));
}

export function decideIntent(eventName: string, payload: Payload, settings: IntentSettings): Intent {
  const actor = payload.sender?.login ?? '';
  const actorType = payload.sender?.type ?? 'User';
  if (eventName === 'issues') {
    if (payload.action !== 'labeled') return { kind: 'ignore', reason: `issues.${payload.action} is not a trigger` };
    if (payload.label?.name !== settings.triggerLabel) {
      return { kind: 'ignore', reason: `label "${payload.label?.name}" is not the trigger label "${settings.triggerLabel}"` };
    }
    if (payload.issue?.pull_request) return { kind: 'ignore', reason: 'samocode runs on issues, not pull requests' };
    if (typeof payload.issue?.number !== 'number') return { kind: 'ignore', reason: 'the event has no issue number' };
    if (!passesBotRule(actor, actorType, settings.allowedBots)) return { kind: 'ignore', reason: `bot ${actor} is not in allowed-bots` };
    return { kind: 'start', issue: payload.issue.number, actor, actorType };
  }
  if (eventName === 'issue_comment') {
    if (payload.action !== 'created') return { kind: 'ignore', reason: `issue_comment.${payload.action} is not a trigger` };
    if (typeof payload.issue?.number !== 'number') return { kind: 'ignore', reason: 'the event has no issue number' };
    if (ownMarker(payload.comment?.body ?? '')) return { kind: 'ignore', reason: "the action's own comment" };
    const author = payload.comment?.user?.login ?? actor;
    const authorType = payload.comment?.user?.type ?? actorType;
    if (!passesBotRule(author, authorType, settings.allowedBots)) {
      return { kind: 'ignore', reason: `bot ${author} is not in allowed-bots` };
    }
    if (payload.issue.pull_request) return { kind: 'review', pull: payload.issue.number, actor: author, actorType: authorType, source: 'comment' };
    if (!issueHasSession(payload.issue, settings.triggerLabel)) return { kind: 'ignore', reason: `issue #${payload.issue.number} has no samocode session` };
    return { kind: 'comments', issue: payload.issue.number, actor: author };
  }
  if (eventName === 'pull_request_review' || eventName === 'pull_request_review_comment') return reviewIntent(eventName, payload, settings);
  if (eventName === 'workflow_dispatch') {
    const raw = payload.inputs?.issue;
    const issue = typeof raw === 'number' ? raw : Number.parseInt(String(raw ?? ''), 10);
    if (!Number.isInteger(issue) || issue <= 0) return { kind: 'ignore', reason: 'workflow_dispatch without a valid "issue" input' };
    return { kind: 'dispatch', issue, actor };
  }
  return { kind: 'ignore', reason: `event ${eventName || '(none)'} is not handled` };
}

function reviewIntent(eventName: string, payload: Payload, settings: IntentSettings): Intent {
  const wanted = eventName === 'pull_request_review' ? 'submitted' : 'created';
  if (payload.action !== wanted) return { kind: 'ignore', reason: `${eventName}.${payload.action} is not a trigger` };
  const pull = payload.pull_request?.number;
  const branch = payload.pull_request?.head?.ref ?? '';
  if (typeof pull !== 'number') return { kind: 'ignore', reason: 'the event has no pull request number' };
  const prefix = settings.branchPrefix ?? 'samocode/';
  if (!branch.startsWith(prefix)) return { kind: 'ignore', reason: `pull request #${pull} is not from a session branch (${prefix}…)` };
  const by = eventName === 'pull_request_review' ? payload.review?.user : payload.comment?.user;
  const author = by?.login ?? payload.sender?.login ?? '';
  const authorType = by?.type ?? payload.sender?.type ?? 'User';
  const body = (eventName === 'pull_request_review' ? payload.review?.body : payload.comment?.body) ?? '';
  if (ownMarker(body)) return { kind: 'ignore', reason: "the action's own comment" };
  if (!passesBotRule(author, authorType, settings.allowedBots)) return { kind: 'ignore', reason: `bot ${author} is not in allowed-bots` };
  return { kind: 'review', pull, branch, actor: author, actorType: authorType, source: eventName === 'pull_request_review' ? 'review' : 'review_comment' };
}
