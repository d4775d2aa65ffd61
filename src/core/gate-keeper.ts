// The loop's hands on a gate: ask whether a person has cleared it (the
// judgement is gate-check.ts), clear it, or open it and wait.
import { checkGate, type GateDecision } from './gate-check.js';
import { withAsked, type GateRecord } from './gates.js';
import type { Gate } from './phases.js';
import type { SessionStore } from './ports.js';
import { parseQuestions, setAnswer } from './qa.js';
import { nowIso, type RunContext } from './run-context.js';

export type ClearedGate = GateDecision & { cleared: true };

export async function decideGate(ctx: RunContext, gate: Gate, resuming: boolean): Promise<GateDecision> {
  const { store } = ctx.ports;
  const [gates, qa, plan] = await Promise.all([store.readGates(), store.readQa(), store.planFingerprint()]);
  const autoApprove = ctx.options.autoApprove ?? false;
  return checkGate(gate, { gates, questions: parseQuestions(qa), plan, autoApprove, now: nowIso(ctx) }, resuming);
}

/** Writes the answers an auto-approval gave and closes the gate in the record. */
export async function clearGate(store: SessionStore, decision: ClearedGate): Promise<void> {
  if (decision.autoAnswers.length > 0) {
    let qa = (await store.readQa()) ?? '';
    for (const { id, answer } of decision.autoAnswers) qa = setAnswer(qa, id, answer);
    await store.writeQa(qa);
  }
  await store.writeGates({ ...decision.gates, pending: null });
}

/** Opens the gate: the questions open now count as asked, and only answers after this moment count. */
export async function openGate(ctx: RunContext, gate: Gate, gates: GateRecord): Promise<void> {
  const { store } = ctx.ports;
  const questions = parseQuestions(await store.readQa())
    .filter((q) => q.answer === null)
    .map((q) => q.id);
  await store.writeGates({ ...withAsked(gates, questions), pending: { gate, since: nowIso(ctx) } });
}
