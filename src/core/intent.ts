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
  /** The samocode workflow itself (GITHUB_WORKFLOW, and the file of GITHUB_WORKFLOW_REF): its own runs never start a round. */
  ownWorkflow?: { name?: string; path?: string };
}

/** A check that finished on a session branch: a failure may start a review round, a success is shown. */
export interface ChecksIntent {
  kind: 'checks';
  source: 'workflow_run' | 'check_suite';
  /** The workflow run's or the check suite's id. */
  id: number;
  /** The workflow's name, or the checking app's. */
  name: string;
  branch: string;
  sha: string;
  passed: boolean;
  url: string;
  actor: string;
}

export type Intent =
  | { kind: 'ignore'; reason: string }
  | { kind: 'start'; issue: number; actor: string; actorType: string }
  | { kind: 'comments'; issue: number; actor: string }
  | { kind: 'dispatch'; issue: number; actor: string }
  /** Something said on a pull request: the session is found from its head branch (unknown for a conversation comment). */
  | { kind: 'review'; pull: number; branch?: string; actor: string; actorType: string; source: 'review' | 'review_comment' | 'comment' }
  | ChecksIntent;

interface Payload {
  action?: string;
  pull_request?: { number?: number; head?: { ref?: string } };
  review?: { body?: string | null; state?: string; user?: { login?: string; type?: string } };
  label?: { name?: string };
  issue?: { number?: number; pull_request?: unknown; labels?: ({ name?: string } | string)[] };
  comment?: { body?: string; user?: { login?: string; type?: string } };
  sender?: { login?: string; type?: string };
  inputs?: Record<string, unknown>;
  repository?: { full_name?: string };
  workflow_run?: Completion & { name?: string; path?: string; html_url?: string };
  check_suite?: Completion & { app?: { slug?: string; name?: string } | null };
}

interface Completion {
  id?: number;
  head_branch?: string | null;
  head_sha?: string;
  conclusion?: string | null;
  head_repository?: { full_name?: string } | null;
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
  if (eventName === 'workflow_run' || eventName === 'check_suite') return checksIntent(eventName, payload, settings);
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

/** Conclusions that start a round, and the one that is shown as passing; the rest (cancelled, skipped, neutral…) say nothing. */
const FAILED = new Set(['failure', 'timed_out', 'startup_failure']);

function checksIntent(eventName: 'workflow_run' | 'check_suite', payload: Payload, settings: IntentSettings): Intent {
  if (payload.action !== 'completed') return { kind: 'ignore', reason: `${eventName}.${payload.action} is not a trigger` };
  const done = eventName === 'workflow_run' ? payload.workflow_run : payload.check_suite;
  const branch = done?.head_branch ?? '';
  const prefix = settings.branchPrefix ?? 'samocode/';
  if (!done || typeof done.id !== 'number' || !done.head_sha) return { kind: 'ignore', reason: `the ${eventName} event has no id or head` };
  if (!branch.startsWith(prefix)) return { kind: 'ignore', reason: `${eventName} on ${branch || '(no branch)'} is not on a session branch (${prefix}…)` };
  // A fork may name a branch like ours; only the repository's own session branches count.
  const own = payload.repository?.full_name;
  if (own && done.head_repository?.full_name && done.head_repository.full_name !== own) return { kind: 'ignore', reason: `${eventName} on a fork's branch` };
  let name: string;
  let url: string;
  if (eventName === 'workflow_run') {
    const run = payload.workflow_run!;
    name = run.name ?? 'workflow';
    const mine = settings.ownWorkflow;
    if ((mine?.name && run.name === mine.name) || (mine?.path && run.path === mine.path)) return { kind: 'ignore', reason: "samocode's own workflow run" };
    url = run.html_url ?? '';
  } else {
    const app = payload.check_suite!.app;
    // GitHub sends no check_suite events for Actions' own suites; should one come, workflow_run covers it.
    if (app?.slug === 'github-actions') return { kind: 'ignore', reason: 'a GitHub Actions check suite (workflow_run covers it)' };
    name = app?.name ?? 'checks';
    url = '';
  }
  const conclusion = done.conclusion ?? '';
  if (conclusion !== 'success' && !FAILED.has(conclusion)) return { kind: 'ignore', reason: `${eventName} concluded ${conclusion || 'without a conclusion'}` };
  return { kind: 'checks', source: eventName, id: done.id, name, branch, sha: done.head_sha, passed: conclusion === 'success', url, actor: payload.sender?.login ?? '' };
}
