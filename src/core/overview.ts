// `_overview.md` belongs to the agent except for the `## Status` keys, which
// the orchestrator owns. These functions read and rewrite those keys and leave
// every other byte of the file as it was.
import { isGate, isPhase } from './phases.js';
import { initialStatus, type NextStep, type SessionStatus } from './status.js';

// The status value and its moves live in status.ts; importable from here too.
export {
  blockedStatus,
  initialStatus,
  resumeStatus,
  sessionState,
  type NextStep,
  type SessionState,
  type SessionStatus,
} from './status.js';

export const STATUS_KEYS = [
  'Phase',
  'Iteration',
  'Total Iterations',
  'Blocked',
  'Last Action',
  'Next',
  'Last Comment',
  'Cost USD',
] as const;
export type StatusKey = (typeof STATUS_KEYS)[number];

const HEADING = /^##\s+Status\s*$/i;
const NEXT_HEADING = /^#{1,2}\s+\S/;
const KEY_LINE = /^\s*(?:[-*]\s+)?(?:\*\*)?([A-Za-z][A-Za-z ]*?)(?::\*\*|\*\*:|:)\s*(.*)$/;
const MAX_VALUE = 500;

interface StatusBlock {
  lines: string[];
  /** Index of the `## Status` heading, or -1. */
  start: number;
  /** Index one past the section's last line. */
  end: number;
}

function locate(markdown: string): StatusBlock {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => HEADING.test(line));
  if (start < 0) return { lines, start: -1, end: -1 };
  let end = start + 1;
  while (end < lines.length && !NEXT_HEADING.test(lines[end]!)) end++;
  return { lines, start, end };
}

/** The raw `Key: value` pairs of the Status section, or null when there is none. */
export function readStatusKeys(markdown: string): Map<string, string> | null {
  const { lines, start, end } = locate(markdown);
  if (start < 0) return null;
  const keys = new Map<string, string>();
  for (const line of lines.slice(start + 1, end)) {
    const match = KEY_LINE.exec(line);
    if (match) keys.set(match[1]!.trim().toLowerCase(), match[2]!.trim());
  }
  return keys;
}

export function formatNext(next: NextStep): string {
  return next.kind === 'waiting' ? `waiting for ${next.gate}` : next.kind;
}

function parseNext(value: string | undefined): NextStep {
  const text = (value ?? '').toLowerCase();
  const waiting = /^waiting for ([a-z_]+)/.exec(text);
  if (waiting && isGate(waiting[1])) return { kind: 'waiting', gate: waiting[1] };
  if (text.startsWith('done')) return { kind: 'done' };
  if (text.startsWith('blocked')) return { kind: 'blocked' };
  return { kind: 'continue' };
}

const count = (value: string | undefined) => {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) && n >= 0 ? n : 0;
};

export type StatusReading = { ok: true; status: SessionStatus } | { ok: false; reason: string };

export function parseStatus(markdown: string | null): StatusReading {
  if (markdown === null) return { ok: false, reason: '_overview.md is missing' };
  if (markdown.trim() === '') return { ok: false, reason: '_overview.md is empty' };
  const keys = readStatusKeys(markdown);
  if (!keys) return { ok: false, reason: '_overview.md has no "## Status" section' };
  const phase = keys.get('phase');
  if (!isPhase(phase)) {
    return { ok: false, reason: `_overview.md Status has ${phase ? `an unknown Phase "${phase}"` : 'no Phase'}` };
  }
  const blocked = keys.get('blocked');
  const cost = Number.parseFloat(keys.get('cost usd') ?? '');
  const lastComment = keys.get('last comment');
  return {
    ok: true,
    status: {
      phase,
      iteration: count(keys.get('iteration')),
      totalIterations: count(keys.get('total iterations')),
      blocked: !blocked || /^(no|none|false|-)$/i.test(blocked) ? null : blocked,
      lastAction: keys.get('last action') ?? '',
      next: parseNext(keys.get('next')),
      lastComment: lastComment && !/^(none|-)$/i.test(lastComment) ? lastComment : null,
      costUsd: Number.isFinite(cost) && cost >= 0 ? cost : 0,
    },
  };
}

export function statusValues(status: SessionStatus): Record<StatusKey, string> {
  return {
    Phase: status.phase,
    Iteration: String(status.iteration),
    'Total Iterations': String(status.totalIterations),
    Blocked: status.blocked ?? 'no',
    'Last Action': status.lastAction || '-',
    Next: formatNext(status.next),
    'Last Comment': status.lastComment ?? 'none',
    'Cost USD': status.costUsd.toFixed(4),
  };
}

function oneLine(value: string): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_VALUE ? `${flat.slice(0, MAX_VALUE - 1)}…` : flat;
}

/**
 * Writes the given Status keys in place. Keys already present keep their line;
 * missing ones are added at the end of the section; a missing section is
 * appended to the file. Nothing outside the section changes.
 */
export function updateStatus(markdown: string, values: Partial<Record<StatusKey, string>>): string {
  const block = locate(markdown);
  const pending = new Map(Object.entries(values).map(([k, v]) => [k, oneLine(v ?? '')]));
  if (block.start < 0) {
    const body = [...pending].map(([k, v]) => `${k}: ${v}`).join('\n');
    const base = markdown.replace(/\s*$/, '');
    return `${base}${base ? '\n\n' : ''}## Status\n${body}\n`;
  }
  const lines = [...block.lines];
  const written = new Set<string>();
  let lastKeyLine = block.start;
  for (let i = block.start + 1; i < block.end; i++) {
    const match = KEY_LINE.exec(lines[i]!);
    if (!match) continue;
    lastKeyLine = i;
    const wanted = [...pending.keys()].find((k) => k.toLowerCase() === match[1]!.trim().toLowerCase());
    if (wanted === undefined) continue;
    // Every line with the key, not only the first: a duplicate left by the agent must not win on the next read.
    lines[i] = `${wanted}: ${pending.get(wanted)}`;
    written.add(wanted);
  }
  const added = [...pending].filter(([k]) => !written.has(k)).map(([k, v]) => `${k}: ${v}`);
  lines.splice(lastKeyLine + 1, 0, ...added);
  return lines.join('\n');
}

export function writeStatus(markdown: string, status: SessionStatus): string {
  return updateStatus(markdown, statusValues(status));
}

export interface NewOverview {
  sessionName: string;
  startedAt: string;
  task?: string;
  dive?: string;
  workingDir?: string;
  source?: string;
}

/**
 * Task and dive text is kept as a blockquote: a line of it can never be read
 * as a heading, so text from an issue cannot add a `## Status` of its own or
 * end its section early.
 */
function quote(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');
}

/** The notebook a new session starts with; the agent fills in the rest. */
export function newOverview(info: NewOverview, status: SessionStatus = initialStatus()): string {
  const header = [
    `# Session: ${info.sessionName}`,
    `Started: ${info.startedAt}`,
    ...(info.workingDir ? [`Working Dir: ${info.workingDir}`] : []),
    ...(info.source ? [`Source: ${info.source}`] : []),
  ];
  const sections = [
    header.join('\n'),
    `## Task\n${info.task?.trim() ? quote(info.task) : '_not given yet_'}`,
    `## Dive\n${info.dive?.trim() ? quote(info.dive) : '_not given_'}`,
    `## Status\n${Object.entries(statusValues(status))
      .map(([k, v]) => `${k}: ${oneLine(v)}`)
      .join('\n')}`,
    `## Flow Log\n- [${info.startedAt.slice(5, 16).replace('T', ' ')}] Session created`,
    '## Files\n(none yet)',
  ];
  return `${sections.join('\n\n')}\n`;
}

/** The text of a `## Title` section, or undefined when absent or still a placeholder. */
export function readSection(markdown: string | null, title: string): string | undefined {
  if (!markdown) return undefined;
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^##\\s+${title}\\s*$`, 'i').test(l));
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && !NEXT_HEADING.test(lines[end]!)) end++;
  const body = lines.slice(start + 1, end);
  const quoted = body.filter((l) => l.trim()).every((l) => /^>( |$)/.test(l));
  const text = (quoted ? body.map((l) => l.replace(/^> ?/, '')) : body).join('\n').trim();
  return text && !/^_.*_$/.test(text) ? text : undefined;
}
