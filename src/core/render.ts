// The text the action posts: the tracking comment, the gate comments, the
// pull request body and the job summary. Pure; the redactor runs on top.
import { marker } from './marker.js';
import { inlineName, neutralizeAgentText, neutralizePlan, neutralizeText, sourceBlock } from './neutralize.js';
import { sessionState, type SessionStatus } from './overview.js';
import { PHASES } from './phases.js';
import type { AnswerRecord } from './gates.js';
import type { Gate } from './phases.js';
import type { IterationRecord, NetworkRefusal } from './ports.js';
import type { Question } from './qa.js';
import { cacheShare, inputOf, usageLine, usd } from './spend.js';

export { marker, ownMarker } from './marker.js';

/** GitHub refuses bodies over 65,536 characters; keep well under. */
export const MAX_BODY = 65_000;

export interface Links {
  run?: string;
  branch?: string;
  sessionFolder?: string;
  /** The session's pull request, once it is open for review. */
  pullRequest?: string;
  file?: (name: string) => string;
}

/** What the tracking comment shows besides the status. */
export interface TrackingDetails {
  /** The orchestrator's record of answers taken in, echoed so that a person sees how each was read. */
  answers?: AnswerRecord[];
  /** A link to the comment that says why the session is blocked and what a person can do: the reason is stated there, once. */
  blockedNotice?: string;
  /** What the agent's network refused in this run, merged by host and port. */
  refused?: NetworkRefusal[];
  /** The last iteration's cost and tokens as the model gateway metered them. */
  lastMetered?: IterationRecord;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A gate as a person reads it. */
export function gateInWords(gate: Gate): string {
  return gate === 'qa_answers' ? 'your answers' : 'your approval of the plan';
}

/** The gate names an orchestrator's record may hold (`waiting for qa_answers`), in words. */
export function inWords(text: string): string {
  return text.replace(/\b(?:qa_answers|plan_approval)\b/g, (gate) => gateInWords(gate as Gate));
}

export function describeState(status: SessionStatus): string {
  const state = sessionState(status);
  if (state === 'blocked') return `blocked: ${clip(status.blocked!, 500)}`;
  if (state === 'waiting') return `waiting for ${gateInWords(status.next.kind === 'waiting' ? status.next.gate : 'plan_approval')}`;
  return state;
}

/** ✓ done, → current, · still to come: marks, not task-list boxes, which a click would tick in the action's own comment. */
function phaseList(status: SessionStatus): string[] {
  const current = PHASES.indexOf(status.phase);
  const finished = status.next.kind === 'done';
  return PHASES.map((phase, i) => {
    if (i < current || (finished && i === current)) return `- ✓ ${phase}`;
    if (i === current) return `- → **${phase}** (iteration ${status.iteration})`;
    return `- · ${phase}`;
  });
}

/** `Q1: B — package.json (@alice)`: how each recorded answer was read. */
function answerLines(answers: AnswerRecord[]): string[] {
  const shown = answers.slice(-10).map((a) => {
    const text = clip(a.text.replace(/\s*\n\s*/g, ' ').replace(/^([A-Z])\) /, '$1 — '), 200);
    return `- ${a.questions.join(', ') || 'note'}: ${neutralizeText(text)} (@${a.by})`;
  });
  return shown.length ? ['', '**Answers recorded:**', ...shown] : [];
}

export function trackingComment(sessionName: string, status: SessionStatus, links: Links, note?: string, details: TrackingDetails = {}): string {
  const linkLine = [
    links.pullRequest ? `[pull request](${links.pullRequest})` : '',
    links.run ? `[this run](${links.run})` : '',
    links.branch ? `[branch](${links.branch})` : '',
    links.sessionFolder ? `[session folder](${links.sessionFolder})` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const blockedThere = Boolean(status.blocked && details.blockedNotice);
  const state = blockedThere ? `blocked; why, and what you can do: [samocode's comment](${details.blockedNotice})` : neutralizeText(inWords(describeState(status)));
  // The last action of a blocked session is its reason again: said once.
  const lastAction = status.blocked && status.lastAction.includes(status.blocked) ? [] : [`**Last action:** ${neutralizeText(inWords(clip(status.lastAction || '-', 500)))}`];
  return [
    marker('tracking'),
    `### samocode session \`${sessionName}\``,
    '',
    `**State:** ${state}  `,
    ...(links.pullRequest && status.next.kind === 'done' ? [`**Pull request:** ${links.pullRequest}  `] : []),
    `**Iterations:** ${status.totalIterations} in all · **Cost:** $${status.costUsd.toFixed(2)}${lastAction.length || details.lastMetered ? '  ' : ''}`,
    ...(details.lastMetered ? [`${meteredLine(details.lastMetered)}${lastAction.length ? '  ' : ''}`] : []),
    ...lastAction,
    '',
    ...phaseList(status),
    ...answerLines(details.answers ?? []),
    ...(details.refused?.length ? ['', ...refusalLines(details.refused, 10)] : []),
    ...(note ? ['', neutralizeText(clip(note, 1_000))] : []),
    ...(linkLine ? ['', linkLine] : []),
  ].join('\n');
}

export function questionsComment(questions: Question[], round: string): string {
  const blocks = questions.map((q) => {
    const options = q.options.map((o) => `   ${o.letter}) ${neutralizeAgentText(o.text)}`);
    const suggestion = q.suggestion ? [`   _Suggestion:_ ${neutralizeAgentText(q.suggestion)}`] : [];
    return [`**${q.id}: ${neutralizeAgentText(q.text)}**`, ...options, ...suggestion].join('\n');
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

/**
 * The plan as `/approve` approves it: rendered with nothing hidden (HTML shown as text,
 * headings under the title, boxes as text), then its exact source in a fenced block, so
 * whatever the rendering leaves out is on the page. Too long for both: the source alone;
 * too long for that: the source cut, with a link to the file.
 */
export function planComment(planFile: string, planText: string, blob: string, links: Links): string {
  const name = inlineName(planFile);
  const head = [marker('plan', blob), `### Plan for review: ${name}`, ''];
  const foot = [
    '',
    '---',
    'Reply `/approve` to approve this plan exactly as shown (a later change needs a new approval), or comment what should change and the plan will be revised.',
  ];
  const sourceTitle = ['', '---', '#### The source of this plan, exactly as approved', '_Invisible characters are written out as ⟨U+…⟩._', ''];
  const room = MAX_BODY - [...head, ...foot, ...sourceTitle].join('\n').length - 300;
  const rendered = neutralizePlan(planText);
  const source = sourceBlock(planText);
  if (rendered.length + source.length <= room) return [...head, rendered, ...sourceTitle, source, ...foot].join('\n');
  if (source.length <= room) return [...head, ...sourceTitle.slice(2), source, ...foot].join('\n');
  const link = links.file?.(planFile);
  const cut = sourceBlock(planText.slice(0, room - 200));
  const linkText = /^[\w.:+@-]+$/.test(planFile) ? planFile : name;
  const whole = `_…the plan is longer than a comment can hold; read it whole${link ? ` in [${linkText}](${link})` : ` in ${name}`}._`;
  return [...head, ...sourceTitle.slice(2), cut, '', whole, ...foot].join('\n');
}

/** `text` may hold the agent's words (a reason, a summary): neutralized whole. */
export function noticeComment(kind: string, id: string | number, text: string): string {
  return clip(`${marker(kind, id)}\n${neutralizeText(text)}`, MAX_BODY);
}

/** The pull request's body: the summary once there is one (a draft opened at implementation has none yet). */
export function pullRequestBody(issue: number, summary: string | null, links: { plan?: string; sessionFolder?: string }, extra: string[] = []): string {
  return clip(
    [
      marker('pr'),
      summary ? neutralizeAgentText(summary.trim()) : '_Work in progress: samocode opened this draft when implementation started; the summary comes when the session is done._',
      '',
      `Closes #${issue}`,
      '',
      ...(links.plan ? [`- Plan: ${links.plan}`] : []),
      ...(links.sessionFolder ? [`- Session folder: ${links.sessionFolder}`] : []),
      ...(extra.length ? ['', ...extra] : []),
      '',
      summary ? '_Opened by samocode; review comments here start a review round in the same session._' : '_Opened by samocode as a draft; it is marked ready for review at done._',
    ].join('\n'),
    MAX_BODY,
  );
}

/** `**Iteration 3:** $0.0123 metered by the model gateway · 12000 in (64% from the prompt cache), 800 out · the CLI's own report: $0.0119`. */
export function meteredLine(record: IterationRecord): string {
  const reported = record.reported?.costUsd !== undefined ? ` · the CLI's own report: ${usd(record.reported.costUsd)}` : '';
  const tokens = record.usage ? ` · ${usageLine(record.usage)}` : '';
  return `**Iteration ${record.totalIteration}:** ${usd(record.costUsd ?? 0)} metered by the model gateway${tokens}${reported}`;
}

/** `1.5s`: no space for a narrow table column to wrap at. */
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** Metered input counts the cache's part as well; a CLI's own report is shown as it gave it. */
const tokens = (r: IterationRecord) => (!r.usage ? 0 : (r.metered ? inputOf(r.usage) : r.usage.inputTokens) + r.usage.outputTokens);

export function summaryTable(records: IterationRecord[]): string {
  const rows = records.map((r) =>
    [
      r.totalIteration,
      r.phase,
      r.iteration,
      r.waitingFor ? `waiting for ${gateInWords(r.waitingFor)}` : r.signal,
      r.nextPhase,
      seconds(r.durationMs),
      r.costUsd !== undefined ? `$${r.costUsd.toFixed(4)}` : '',
      r.usage ? `${tokens(r)}${r.metered && cacheShare(r.usage) !== undefined ? ` (${Math.round(cacheShare(r.usage)! * 100)}% cached)` : ''}` : '',
      neutralizeText(r.reason ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 200),
    ].join(' | '),
  );
  const cost = records.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
  const used = records.reduce((sum, r) => sum + tokens(r), 0);
  const took = records.reduce((sum, r) => sum + r.durationMs, 0);
  return [
    '| # | phase | iteration | signal | next | time | cost | tokens | note |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
    `| **this run** | | ${records.length} | | | ${seconds(took)} | $${cost.toFixed(4)} | ${used} | |`,
  ].join('\n');
}

/** One line per host and port, the counts of several calls added up, most attempts first. */
export function mergeRefusals(lists: (NetworkRefusal[] | undefined)[]): NetworkRefusal[] {
  const merged = new Map<string, NetworkRefusal>();
  for (const refusal of lists.flatMap((list) => list ?? [])) {
    const key = `${refusal.host}:${refusal.port}`;
    const known = merged.get(key);
    if (known) known.count += refusal.count;
    else merged.set(key, { ...refusal });
  }
  return [...merged.values()].sort((a, b) => b.count - a.count || a.host.localeCompare(b.host));
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** What the agent's network refused, a line each, with the input line that would allow it. */
export function refusalLines(refused: NetworkRefusal[], max = 20): string[] {
  if (!refused.length) return [];
  const total = refused.reduce((sum, r) => sum + r.count, 0);
  const lines = refused.slice(0, max).map((r) => `- ${code(`${r.host}:${r.port}`)} ×${r.count}: ${neutralizeText(clip(r.reason, 200))}; to allow: ${code(r.allow)}`);
  const more = refused.length > max ? [`- and ${refused.length - max} more hosts (see _signals.jsonl)`] : [];
  return [`**The agent's network refused ${total} connection${total === 1 ? '' : 's'}:**`, ...lines, ...more];
}
