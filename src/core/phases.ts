// The phase table (DESIGN §5): the one source of truth for transitions,
// allowed signals, iteration limits and gates. Everything else asks it.

export const PHASES = [
  'init',
  'investigation',
  'requirements',
  'planning',
  'implementation',
  'testing',
  'quality',
  'done',
] as const;
export type Phase = (typeof PHASES)[number];

export const SIGNAL_STATUSES = ['continue', 'waiting', 'blocked', 'done'] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];

export const GATES = ['qa_answers', 'plan_approval'] as const;
export type Gate = (typeof GATES)[number];

export interface PhaseRule {
  /** Phases this one may hand over to (staying in the same phase is always allowed while under the limit). */
  readonly next: readonly Phase[];
  readonly signals: readonly SignalStatus[];
  readonly maxIterations: number;
  /** What a `waiting` signal from this phase may wait for. */
  readonly waitsFor: readonly Gate[];
  /** The gate a person must clear before this phase may hand over to the next. */
  readonly exitGate?: Gate;
}

export const PHASE_TABLE: Readonly<Record<Phase, PhaseRule>> = {
  init: { next: ['investigation'], signals: ['continue', 'blocked'], maxIterations: 5, waitsFor: [] },
  investigation: { next: ['requirements'], signals: ['continue', 'blocked'], maxIterations: 20, waitsFor: [] },
  requirements: {
    next: ['planning'],
    signals: ['continue', 'waiting', 'blocked'],
    maxIterations: 10,
    waitsFor: ['qa_answers'],
    exitGate: 'qa_answers',
  },
  planning: {
    next: ['implementation'],
    signals: ['continue', 'waiting', 'blocked'],
    maxIterations: 10,
    waitsFor: ['plan_approval', 'qa_answers'],
    exitGate: 'plan_approval',
  },
  implementation: {
    next: ['testing', 'quality'],
    signals: ['continue', 'waiting', 'blocked'],
    maxIterations: 100,
    waitsFor: ['qa_answers'],
  },
  testing: { next: ['quality', 'done'], signals: ['continue', 'blocked'], maxIterations: 20, waitsFor: [] },
  quality: { next: ['testing', 'done'], signals: ['continue', 'blocked'], maxIterations: 10, waitsFor: [] },
  done: { next: [], signals: ['done', 'blocked'], maxIterations: 3, waitsFor: [] },
};

export const FIRST_PHASE: Phase = 'init';

/**
 * The skills each phase's prompt names (prompts/<phase>.md): the only ones an
 * iteration of that phase is offered. The rest of the installed skills are
 * for a person's own conversation (starting a run, archiving a session).
 */
export const PHASE_SKILLS: Readonly<Record<Phase, readonly string[]>> = {
  // The orchestrator has written the notebook: init checks it and needs no skill.
  init: [],
  investigation: ['dive'],
  requirements: ['task-definition'],
  planning: ['planning'],
  implementation: ['dop', 'do', 'dop2'],
  testing: ['testing'],
  quality: ['multi-review', 'cleanup', 'do'],
  done: ['summary'],
};

export function isPhase(value: unknown): value is Phase {
  return typeof value === 'string' && (PHASES as readonly string[]).includes(value);
}

export function isGate(value: unknown): value is Gate {
  return typeof value === 'string' && (GATES as readonly string[]).includes(value);
}

/** Staying put or moving to a listed next phase; nothing else. */
export function canMove(from: Phase, to: Phase): boolean {
  return from === to || PHASE_TABLE[from].next.includes(to);
}

/** The gate guarding the move from `from` to `to`, if any. */
export function gateOnMove(from: Phase, to: Phase): Gate | undefined {
  return from !== to ? PHASE_TABLE[from].exitGate : undefined;
}

/** The phase a session enters once a gate is cleared. */
export function phaseAfterGate(gate: Gate, current: Phase): Phase {
  if (gate === 'plan_approval' && current === 'planning') return 'implementation';
  return current;
}
