// The loop is dumb; the agent decides. One agent call per iteration (see
// iteration.ts), then validate the signal against the phase table, enforce
// gates and budgets, record, checkpoint, and go on or stop.
import { budgetExceeded, timeLeftForIteration } from './budget.js';
import { clearGate, decideGate } from './gate-keeper.js';
import { runIteration } from './iteration.js';
import { parseStatus } from './overview.js';
import { PHASE_TABLE, phaseAfterGate } from './phases.js';
import type { IterationRecord } from './ports.js';
import { saveStatus, type LoopOptions, type LoopPorts, type Outcome, type RunContext } from './run-context.js';
import { blockedStatus, type SessionStatus } from './status.js';

export { logFileName } from './iteration.js';
export type { LoopOptions, LoopPorts, Outcome } from './run-context.js';

export interface LoopResult {
  outcome: Outcome;
  status: SessionStatus;
  iterations: IterationRecord[];
}

export async function runSession(ports: LoopPorts, options: LoopOptions): Promise<LoopResult> {
  const ctx = await openRun(ports, options);
  const finish = (outcome: Outcome): LoopResult => ({ outcome, status: ctx.status, iterations: ctx.iterations });

  const stopped = await resumeFromGate(ctx);
  if (stopped) return finish(stopped);
  for (;;) {
    const limit = await checkLimits(ctx);
    if (limit) return finish(limit);
    const { iteration, outcome } = await runIteration(ctx);
    ctx.iterations.push(iteration);
    await ports.reporter.iterationFinished(iteration, ctx.status);
    if (outcome) return finish(outcome);
  }
}

async function openRun(ports: LoopPorts, options: LoopOptions): Promise<RunContext> {
  const overview = await ports.store.readOverview();
  const reading = parseStatus(overview);
  if (!reading.ok) throw new SessionStateError(`cannot read the session state: ${reading.reason}`);
  return { ports, options, status: reading.status, overview: overview ?? '', iterations: [] };
}

/**
 * Where the last run left the session: done and blocked stay so; a gate a
 * person has cleared since opens, and the session goes on past it.
 */
async function resumeFromGate(ctx: RunContext): Promise<Outcome | null> {
  const { status } = ctx;
  if (status.next.kind === 'done') return { kind: 'done', summary: status.lastAction };
  if (status.blocked) return { kind: 'blocked', reason: status.blocked };
  if (status.next.kind !== 'waiting') return null;

  const gate = status.next.gate;
  const decision = await decideGate(ctx, gate, true);
  if (!decision.cleared) return { kind: 'waiting', gate, detail: decision.reason };
  await clearGate(ctx.ports.store, decision);
  const phase = phaseAfterGate(gate, status.phase);
  await saveStatus(ctx, {
    ...status,
    phase,
    iteration: phase === status.phase ? status.iteration : 0,
    next: { kind: 'continue' },
    lastAction: decision.note,
  });
  return null;
}

/** Budgets and the phase's iteration limit block before the next call; a near deadline pauses the run. */
async function checkLimits(ctx: RunContext): Promise<Outcome | null> {
  const { status, options } = ctx;
  const interrupted = options.interrupted?.();
  if (interrupted) return block(ctx, interrupted);
  const overBudget = budgetExceeded(options, status.totalIterations, status.costUsd);
  if (overBudget) return block(ctx, overBudget);
  const ranThisRun = ctx.iterations.length > 0;
  if (ranThisRun && !timeLeftForIteration(ctx.ports.clock.now(), options.deadline, options.iterationTimeoutMs)) {
    return { kind: 'paused', reason: 'not enough time left in this run for another iteration' };
  }
  const { maxIterations } = PHASE_TABLE[status.phase];
  if (status.iteration >= maxIterations) {
    return block(ctx, `phase ${status.phase} is over its limit of ${maxIterations} iterations`);
  }
  return null;
}

async function block(ctx: RunContext, reason: string): Promise<Outcome> {
  await saveStatus(ctx, blockedStatus(ctx.status, reason, reason));
  await ctx.ports.store.checkpoint(`samocode: blocked (${reason})`);
  return { kind: 'blocked', reason };
}

export class SessionStateError extends Error {
  override name = 'SessionStateError';
}
