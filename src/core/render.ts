// The text the action posts: the tracking comment, the gate comments, the
// pull request body and the job summary. Pure; the redactor runs on top.
import { MARKER_PREFIX } from './intent.js';
import { sessionState, type SessionStatus } from './overview.js';
import { PHASES } from './phases.js';
import type { IterationRecord } from './ports.js';
import type { Question } from './qa.js';

/** GitHub refuses bodies over 65,536 characters; keep well under. */
export const MAX_BODY = 65_000;

export const marker = (kind: string, id?: string | number) => `${MARKER_PREFIX}${kind}${id === undefined ? '' : `:${id}`} -->`;

export interface Links {
  run?: string;
  branch?: string;
  sessionFolder?: string;
  file?: (name: string) => string;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function describeState(status: SessionStatus): string {
  const state = sessionState(status);
  if (state === 'blocked') return `blocked: ${clip(status.blocked!, 500)}`;
  if (state === 'waiting') return status.next.kind === 'waiting' && status.next.gate === 'qa_answers' ? 'waiting for answers' : 'waiting for plan approval';
  return state;
}

export function trackingComment(sessionName: string, status: SessionStatus, links: Links, note?: string): string {
  const current = PHASES.indexOf(status.phase);
  const checklist = PHASES.map((phase, i) => {
    const done = i < current || (status.next.kind === 'done' && i === current);
    const mark = done ? 'x' : ' ';
    return i === current && status.next.kind !== 'done' ? `- [ ] **${phase}** ← iteration ${status.iteration}` : `- [${mark}] ${phase}`;
  });
  const linkLine = [
    links.run ? `[this run](${links.run})` : '',
    links.branch ? `[branch](${links.branch})` : '',
    links.sessionFolder ? `[session folder](${links.sessionFolder})` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return [
    marker('tracking'),
    `### samocode session \`${sessionName}\``,
    '',
    `**State:** ${describeState(status)}  `,
    `**Iterations:** ${status.totalIterations} in all · **Cost:** $${status.costUsd.toFixed(2)}  `,
    `**Last action:** ${clip(status.lastAction || '-', 500)}`,
    '',
    ...checklist,
    ...(note ? ['', clip(note, 1_000)] : []),
    ...(linkLine ? ['', linkLine] : []),
  ].join('\n');
}

export function questionsComment(questions: Question[], round: string): string {
  const blocks = questions.map((q) => {
    const options = q.options.map((o) => `   ${o.letter}) ${o.text}`);
    return [`**${q.id}: ${q.text}**`, ...options, ...(q.suggestion ? [`   _Suggestion:_ ${q.suggestion}`] : [])].join('\n');
  });
  if (questions.length === 0) {
    // The agent waits for a word without numbered questions: say so rather than post an empty list.
    return [
      marker('questions', round),
      '### samocode is waiting for your answer',
      '',
      'The agent asked for input without numbered questions (see `_qa.md` on the session branch). Reply with what it needs; only people with write access to this repository can answer.',
    ].join('\n');
  }
  return clip(
    [
      marker('questions', round),
      '### samocode has questions',
      '',
      ...blocks.flatMap((b) => [b, '']),
      'Answer in one comment, a line per question (`Q1: B` or `1. B`, or your own words), or write free text for all of them.',
      'Only people with write access to this repository can answer.',
    ].join('\n'),
    MAX_BODY,
  );
}

export function planComment(planFile: string, planText: string, blob: string, links: Links): string {
  const head = [marker('plan', blob), `### Plan for review: \`${planFile}\``, ''];
  const foot = [
    '',
    '---',
    'Reply `/approve` to approve this plan exactly as shown (a later change needs a new approval), or comment what should change and the plan will be revised.',
  ];
  const room = MAX_BODY - head.join('\n').length - foot.join('\n').length - 300;
  const link = links.file?.(planFile);
  const body =
    planText.length > room
      ? `${planText.slice(0, room)}\n\n_…the plan is longer than a comment can hold; read it whole${link ? ` in [${planFile}](${link})` : ` in ${planFile}`}._`
      : planText;
  return [...head, body, ...foot].join('\n');
}

export function noticeComment(kind: string, id: string | number, text: string): string {
  return clip(`${marker(kind, id)}\n${text}`, MAX_BODY);
}

export function pullRequestBody(issue: number, summary: string, links: { plan?: string; sessionFolder?: string }): string {
  return clip(
    [
      marker('pr'),
      summary.trim(),
      '',
      `Closes #${issue}`,
      '',
      ...(links.plan ? [`- Plan: ${links.plan}`] : []),
      ...(links.sessionFolder ? [`- Session folder: ${links.sessionFolder}`] : []),
      '',
      '_Opened by samocode when the session reached done._',
    ].join('\n'),
    MAX_BODY,
  );
}

const tokens = (r: IterationRecord) => (r.usage ? r.usage.inputTokens + r.usage.outputTokens : 0);

export function summaryTable(records: IterationRecord[]): string {
  const rows = records.map((r) =>
    [
      r.totalIteration,
      r.phase,
      r.iteration,
      r.waitingFor ? `waiting (${r.waitingFor})` : r.signal,
      r.nextPhase,
      `${(r.durationMs / 1000).toFixed(1)} s`,
      r.costUsd !== undefined ? `$${r.costUsd.toFixed(4)}` : '',
      r.usage ? String(tokens(r)) : '',
      (r.reason ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 200),
    ].join(' | '),
  );
  const cost = records.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
  const used = records.reduce((sum, r) => sum + tokens(r), 0);
  const seconds = records.reduce((sum, r) => sum + r.durationMs, 0) / 1000;
  return [
    '| # | phase | iteration | signal | next | time | cost | tokens | note |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
    `| **this run** | | ${records.length} | | | ${seconds.toFixed(1)} s | $${cost.toFixed(4)} | ${used} | |`,
  ].join('\n');
}
