// Where a signal becomes a transition: the agent's valid signal, held against
// the phase table's gates, gives the session's next status and, when the run
// stops here, its outcome.
import { clearGate, decideGate, openGate } from './gate-keeper.js';
import type { GateRecord } from './gates.js';
import { gateOnMove, type Gate, type Phase } from './phases.js';
import type { Outcome, RunContext } from './run-context.js';
import type { Signal } from './signal.js';
import { blockedStatus, type SessionStatus } from './status.js';

export interface Transition {
  status: SessionStatus;
  /** Set when the run stops after this iteration. */
  outcome?: Outcome;
  /** The agent asked to move on, and a gate no one has cleared held it. */
  gated?: boolean;
  reason?: string;
}

const NO_PLAN = 'the agent asked for plan approval but wrote no plan file (*plan*.md) in the session folder';

export function blockedTransition(status: SessionStatus, reason: string, lastAction?: string): Transition {
  return { status: blockedStatus(status, reason, lastAction), outcome: { kind: 'blocked', reason } };
}

/**
 * @param after the status once the iteration is counted: its phase and phase
 *   iteration are the ones the signal was written in, its cost includes the call.
 * @param gates the orchestrator's record as it stood before the agent ran.
 */
export async function applySignal(ctx: RunContext, signal: Signal, after: SessionStatus, gates: GateRecord): Promise<Transition> {
  switch (signal.status) {
    case 'done':
      return {
        status: { ...after, next: { kind: 'done' }, lastAction: `done: ${signal.summary}` },
        outcome: { kind: 'done', summary: signal.summary },
      };
    case 'blocked': {
      const reason = signal.needs ? `${signal.reason} (needs ${signal.needs})` : signal.reason;
      return blockedTransition(after, reason, `agent blocked: ${reason}`);
    }
    case 'waiting':
      return wait(ctx, { gate: signal.for, after, gates });
    case 'continue':
      return moveOn(ctx, signal.phase, after, gates);
  }
}

async function moveOn(ctx: RunContext, to: Phase, after: SessionStatus, gates: GateRecord): Promise<Transition> {
  const from = after.phase;
  const gate = gateOnMove(from, to);
  if (gate) {
    const decision = await decideGate(ctx, gate, false);
    if (!decision.cleared) return wait(ctx, { gate, after, gates, heldBecause: decision.reason });
    await clearGate(ctx.ports.store, decision);
  }
  const moved = to !== from;
  return {
    status: {
      ...after,
      phase: to,
      iteration: moved ? 0 : after.iteration,
      next: { kind: 'continue' },
      lastAction: moved ? `${from} → ${to}` : `${from} iteration ${after.iteration}`,
    },
  };
}

interface WaitRequest {
  gate: Gate;
  after: SessionStatus;
  gates: GateRecord;
  /** Set when the loop held a move at a closed gate (rather than the agent asking to wait): why it is closed. */
  heldBecause?: string;
}

/** The session waits in the phase it is in, at `gate`, until a person clears it. */
async function wait(ctx: RunContext, { gate, after, gates, heldBecause }: WaitRequest): Promise<Transition> {
  if (gate === 'plan_approval' && !(await ctx.ports.store.planFingerprint())) return blockedTransition(after, NO_PLAN);
  await openGate(ctx, gate, gates);
  const held = heldBecause !== undefined;
  const detail = heldBecause ?? (gate === 'qa_answers' ? 'questions are in _qa.md' : 'the plan waits for approval');
  return {
    status: { ...after, next: { kind: 'waiting', gate }, lastAction: held ? `gate held: ${detail}` : `waiting for ${gate}` },
    outcome: { kind: 'waiting', gate, detail },
    gated: held,
    ...(held ? { reason: `gate ${gate}: ${detail}` } : {}),
  };
}
