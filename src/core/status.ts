// Where a session stands, as a value: the orchestrator's `## Status` keys of
// `_overview.md` (read and written by overview.ts) and the few ways it moves
// that several places share.
import type { Gate, Phase } from './phases.js';

export type NextStep =
  | { kind: 'continue' }
  | { kind: 'waiting'; gate: Gate }
  | { kind: 'blocked' }
  | { kind: 'done' };

export interface SessionStatus {
  phase: Phase;
  /** Iterations completed in the current phase. */
  iteration: number;
  totalIterations: number;
  /** Null when not blocked; otherwise the reason. */
  blocked: string | null;
  lastAction: string;
  next: NextStep;
  /** Id of the newest issue comment already taken in. */
  lastComment: string | null;
  costUsd: number;
}

/** Where a session stands, as the labels and comments say it. */
export type SessionState = 'running' | 'waiting' | 'blocked' | 'done';

export function sessionState(status: { blocked: string | null; next: NextStep }): SessionState {
  if (status.blocked) return 'blocked';
  if (status.next.kind === 'waiting') return 'waiting';
  if (status.next.kind === 'done') return 'done';
  return 'running';
}

export function initialStatus(): SessionStatus {
  return {
    phase: 'init',
    iteration: 0,
    totalIterations: 0,
    blocked: null,
    lastAction: 'session created',
    next: { kind: 'continue' },
    lastComment: null,
    costUsd: 0,
  };
}

/** The session stops here until a person resumes it; the reason is what they will read. */
export function blockedStatus(status: SessionStatus, reason: string, lastAction = `blocked: ${reason}`): SessionStatus {
  return { ...status, blocked: reason, next: { kind: 'blocked' }, lastAction };
}

/**
 * A person resumes a blocked session: clear the block and run on. When the
 * phase's iteration limit is what stopped it, the person grants a fresh count.
 */
export function resumeStatus(status: SessionStatus, maxIterations: number, by: string): SessionStatus {
  return {
    ...status,
    blocked: null,
    iteration: status.iteration >= maxIterations ? 0 : status.iteration,
    next: { kind: 'continue' },
    lastAction: `resumed by ${by}`,
  };
}

/** Where the session stands changed: another phase, blocked or not, or another next step. */
export function stateMoved(a: SessionStatus, b: SessionStatus): boolean {
  return a.phase !== b.phase || a.blocked !== b.blocked || JSON.stringify(a.next) !== JSON.stringify(b.next);
}
