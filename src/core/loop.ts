// The loop is dumb; the agent decides. One agent call per iteration, then
// validate the signal against the phase table, enforce gates and budgets,
// record, checkpoint, and go on or stop.
import { budgetExceeded, timeLeftForIteration, type BudgetLimits } from './budget.js';
import { buildContext } from './context.js';
import { checkGate, type GateDecision } from './gate-check.js';
import { withAsked, type GateRecord } from './gates.js';
import { parseStatus, writeStatus, type SessionStatus } from './overview.js';
import { PHASE_TABLE, gateOnMove, phaseAfterGate, type Gate, type Phase } from './phases.js';
import type { Agent, AgentResult, Clock, HistoryEntry, IterationRecord, Reporter, SessionStore } from './ports.js';
import { parseQuestions, setAnswer } from './qa.js';
import { MAX_SIGNAL_BYTES, validateSignal, type Signal } from './signal.js';
import { utcLogStamp } from './time.js';

export interface LoopPorts {
  agent: Agent;
  store: SessionStore;
  reporter: Reporter;
  clock: Clock;
}

export interface LoopOptions extends BudgetLimits {
  sessionName: string;
  mode: 'terminal' | 'github';
  prompts: (phase: Phase) => { workflow: string; agent: string };
  iterationTimeoutMs: number;
  /** Epoch ms after which no iteration may still be running. */
  deadline?: number;
  autoApprove?: boolean;
  task?: string;
  dive?: string;
  data?: { title: string; text: string }[];
  /** A word from the orchestrator for the first iteration of this run (e.g. the plan needs revising). */
  note?: string;
}

export type Outcome =
  | { kind: 'done'; summary: string }
  | { kind: 'waiting'; gate: Gate; detail: string }
  | { kind: 'blocked'; reason: string }
  | { kind: 'paused'; reason: string };

export interface LoopResult {
  outcome: Outcome;
  status: SessionStatus;
  iterations: IterationRecord[];
}

/** `_logs/MM-DD-HHMM-NNN-phase.jsonl`, in UTC so that every runner names it alike. */
export function logFileName(at: number, totalIteration: number, phase: Phase): string {
  return `${utcLogStamp(at)}-${String(totalIteration).padStart(3, '0')}-${phase}.jsonl`;
}

export async function runSession(ports: LoopPorts, options: LoopOptions): Promise<LoopResult> {
  const { store, clock } = ports;
  const iso = () => new Date(clock.now()).toISOString();
  const iterations: IterationRecord[] = [];

  let overview = await store.readOverview();
  const reading = parseStatus(overview);
  if (!reading.ok) {
    throw new SessionStateError(`cannot read the session state: ${reading.reason}`);
  }
  let status = reading.status;
  const finish = (outcome: Outcome): LoopResult => ({ outcome, status, iterations });

  const save = async (next: SessionStatus) => {
    status = next;
    overview = writeStatus(overview ?? '', status);
    await store.writeOverview(overview);
  };

  if (status.next.kind === 'done') return finish({ kind: 'done', summary: status.lastAction });
  if (status.blocked) return finish({ kind: 'blocked', reason: status.blocked });

  if (status.next.kind === 'waiting') {
    const gate = status.next.gate;
    const decision = await decideGate(gate, true);
    if (!decision.cleared) return finish({ kind: 'waiting', gate, detail: decision.reason });
    await clearGate(decision);
    const phase = phaseAfterGate(gate, status.phase);
    await save({
      ...status,
      phase,
      iteration: phase === status.phase ? status.iteration : 0,
      next: { kind: 'continue' },
      lastAction: decision.note,
    });
  }

  for (let ranThisRun = 0; ; ranThisRun++) {
    const overBudget = budgetExceeded(options, status.totalIterations, status.costUsd);
    if (overBudget) {
      await save({ ...status, blocked: overBudget, next: { kind: 'blocked' }, lastAction: overBudget });
      await store.checkpoint(`samocode: blocked (${overBudget})`);
      return finish({ kind: 'blocked', reason: overBudget });
    }
    if (ranThisRun > 0 && !timeLeftForIteration(clock.now(), options.deadline, options.iterationTimeoutMs)) {
      return finish({ kind: 'paused', reason: 'not enough time left in this run for another iteration' });
    }
    const rule = PHASE_TABLE[status.phase];
    if (status.iteration >= rule.maxIterations) {
      const reason = `phase ${status.phase} is over its limit of ${rule.maxIterations} iterations`;
      await save({ ...status, blocked: reason, next: { kind: 'blocked' }, lastAction: reason });
      await store.checkpoint(`samocode: blocked (${reason})`);
      return finish({ kind: 'blocked', reason });
    }

    const record = await runIteration();
    iterations.push(record.iteration);
    await ports.reporter.iterationFinished(record.iteration, status);
    if (record.outcome) return finish(record.outcome);
  }

  async function decideGate(gate: Gate, resuming: boolean): Promise<GateDecision> {
    const [gates, qa, plan] = await Promise.all([store.readGates(), store.readQa(), store.planFingerprint()]);
    return checkGate(
      gate,
      { gates, questions: parseQuestions(qa), plan, autoApprove: options.autoApprove ?? false, now: iso() },
      resuming,
    );
  }

  async function clearGate(decision: GateDecision & { cleared: true }): Promise<void> {
    if (decision.autoAnswers.length > 0) {
      let qa = (await store.readQa()) ?? '';
      for (const { id, answer } of decision.autoAnswers) qa = setAnswer(qa, id, answer);
      await store.writeQa(qa);
    }
    await store.writeGates({ ...decision.gates, pending: null });
  }

  async function enterWaiting(gate: Gate, gates: GateRecord): Promise<void> {
    const questions = parseQuestions(await store.readQa())
      .filter((q) => q.answer === null)
      .map((q) => q.id);
    await store.writeGates({ ...withAsked(gates, questions), pending: { gate, since: iso() } });
  }

  async function runIteration(): Promise<{ iteration: IterationRecord; outcome?: Outcome }> {
    const phase = status.phase;
    const iteration = status.iteration + 1;
    const totalIteration = status.totalIterations + 1;
    const startedAt = clock.now();
    const logFile = logFileName(startedAt, totalIteration, phase);
    await ports.reporter.iterationStarted?.({ phase, iteration, totalIteration });

    // The orchestrator's record and notebook as they stood; the agent cannot change the former.
    const gatesBefore = await store.readGates();
    const overviewBefore = overview ?? '';
    await store.clearSignal();
    const context = buildContext({
      sessionName: options.sessionName,
      sessionPath: store.sessionPath,
      workdir: store.workdir,
      mode: options.mode,
      phase,
      iteration,
      totalIteration,
      status,
      task: options.task,
      dive: options.dive,
      data: options.data,
      note: iterations.length === 0 ? options.note : undefined,
    });
    const log = await store.openLog(logFile);
    let result: AgentResult;
    try {
      result = await ports.agent.run({
        phase,
        iteration,
        totalIteration,
        sessionPath: store.sessionPath,
        workdir: store.workdir,
        prompt: { ...options.prompts(phase), context },
        timeoutMs: options.iterationTimeoutMs,
        log,
      });
    } catch (error) {
      result = { exitCode: null, timedOut: false, error: (error as Error).message };
    } finally {
      await log.close();
    }
    // Put the record back only when the agent touched it: a read costs less than a write every iteration.
    if (JSON.stringify(await store.readGates()) !== JSON.stringify(gatesBefore)) await store.writeGates(gatesBefore);

    const signalFile = await store.readSignal(MAX_SIGNAL_BYTES);
    const verdict = validateSignal(signalFile.text, { phase, iterationsInPhase: iteration }, signalFile.bytes);
    const agentNotebook = await store.readOverview();
    const notebook = parseStatus(agentNotebook);
    overview = notebook.ok || (agentNotebook !== null && agentNotebook.trim() !== '') ? agentNotebook : overviewBefore;

    const cost = result.costUsd ?? 0;
    const base: SessionStatus = { ...status, totalIterations: totalIteration, costUsd: status.costUsd + cost };
    let next: SessionStatus;
    let outcome: Outcome | undefined;
    let verdictName: HistoryEntry['verdict'];
    let reason: string | undefined;

    const failure = agentFailure(result, verdict.ok, options.iterationTimeoutMs);
    if (failure || !verdict.ok || !notebook.ok) {
      reason = failure ?? (!verdict.ok ? `invalid signal: ${verdict.reason}` : `the notebook is unusable: ${(notebook as { reason: string }).reason}`);
      verdictName = failure ? 'failed' : 'rejected';
      next = { ...base, iteration, blocked: reason, next: { kind: 'blocked' }, lastAction: `blocked: ${reason}` };
      outcome = { kind: 'blocked', reason };
    } else {
      const applied = await applySignal(verdict.signal, phase, iteration, base, gatesBefore);
      next = applied.status;
      outcome = applied.outcome;
      verdictName = applied.gated ? 'gated' : 'accepted';
      reason = applied.reason;
    }

    await store.appendHistory({
      iteration: totalIteration,
      phase,
      phaseIteration: iteration,
      at: new Date(startedAt).toISOString(),
      signal: verdict.ok ? verdict.signal : signalFile.text === null ? null : truncate(signalFile.text, 2_000),
      verdict: verdictName,
      ...(reason ? { reason } : {}),
      next: next.phase,
      ...(result.costUsd !== undefined ? { costUsd: result.costUsd } : {}),
      ...(result.usage ? { usage: result.usage } : {}),
    });
    await save(next);
    await store.checkpoint(`samocode: ${phase} #${iteration} → ${describe(next)}`);

    const signalName = verdict.ok ? verdict.signal.status : signalFile.text === null ? 'none' : 'invalid';
    return {
      iteration: {
        totalIteration,
        phase,
        iteration,
        startedAt: new Date(startedAt).toISOString(),
        durationMs: clock.now() - startedAt,
        signal: signalName,
        verdict: verdictName,
        nextPhase: next.phase,
        ...(next.next.kind === 'waiting' ? { waitingFor: next.next.gate } : {}),
        ...(reason ? { reason } : {}),
        ...(result.costUsd !== undefined ? { costUsd: result.costUsd } : {}),
        ...(result.usage ? { usage: result.usage } : {}),
        logFile,
      },
      outcome,
    };
  }

  async function applySignal(
    signal: Signal,
    phase: Phase,
    iteration: number,
    base: SessionStatus,
    gates: GateRecord,
  ): Promise<{ status: SessionStatus; outcome?: Outcome; gated?: boolean; reason?: string }> {
    switch (signal.status) {
      case 'done':
        return {
          status: { ...base, iteration, next: { kind: 'done' }, lastAction: `done: ${signal.summary}` },
          outcome: { kind: 'done', summary: signal.summary },
        };
      case 'blocked': {
        const reason = signal.needs ? `${signal.reason} (needs ${signal.needs})` : signal.reason;
        return {
          status: { ...base, iteration, blocked: reason, next: { kind: 'blocked' }, lastAction: `agent blocked: ${reason}` },
          outcome: { kind: 'blocked', reason },
        };
      }
      case 'waiting':
        return wait(signal.for, phase, phase, iteration, base, gates, false);
      case 'continue': {
        const gate = gateOnMove(phase, signal.phase);
        if (gate) {
          const decision = await decideGate(gate, false);
          if (!decision.cleared) return wait(gate, phase, phase, iteration, base, gates, true, decision.reason);
          await clearGate(decision);
        }
        const moved = signal.phase !== phase;
        return {
          status: {
            ...base,
            phase: signal.phase,
            iteration: moved ? 0 : iteration,
            next: { kind: 'continue' },
            lastAction: moved ? `${phase} → ${signal.phase}` : `${phase} iteration ${iteration}`,
          },
        };
      }
    }
  }

  async function wait(
    gate: Gate,
    resumePhase: Phase,
    phase: Phase,
    iteration: number,
    base: SessionStatus,
    gates: GateRecord,
    gated: boolean,
    why?: string,
  ): Promise<{ status: SessionStatus; outcome?: Outcome; gated?: boolean; reason?: string }> {
    if (gate === 'plan_approval' && !(await store.planFingerprint())) {
      const reason = 'the agent asked for plan approval but wrote no plan file (*plan*.md) in the session folder';
      return {
        status: { ...base, iteration, blocked: reason, next: { kind: 'blocked' }, lastAction: `blocked: ${reason}` },
        outcome: { kind: 'blocked', reason },
      };
    }
    await enterWaiting(gate, gates);
    const detail = why ?? (gate === 'qa_answers' ? 'questions are in _qa.md' : 'the plan waits for approval');
    const moved = resumePhase !== phase;
    return {
      status: {
        ...base,
        phase: resumePhase,
        iteration: moved ? 0 : iteration,
        next: { kind: 'waiting', gate },
        lastAction: gated ? `gate held: ${detail}` : `waiting for ${gate}`,
      },
      outcome: { kind: 'waiting', gate, detail },
      gated,
      ...(gated ? { reason: `gate ${gate}: ${detail}` } : {}),
    };
  }
}

/** A timeout or a crash with no usable signal is the agent's failure, not the signal's. */
function agentFailure(result: AgentResult, signalOk: boolean, timeoutMs: number): string | null {
  if (result.timedOut) return `the agent timed out after ${Math.round(timeoutMs / 1000)} s`;
  if (signalOk) return null;
  if (result.exitCode === 0) return null;
  const how = result.exitCode === null ? 'was killed' : `exited with code ${result.exitCode}`;
  return `the agent ${how} and wrote no valid signal${result.error ? `: ${result.error}` : ''}`;
}

function describe(status: SessionStatus): string {
  if (status.next.kind === 'waiting') return `waiting for ${status.next.gate}`;
  if (status.next.kind === 'blocked') return 'blocked';
  if (status.next.kind === 'done') return 'done';
  return status.phase;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export class SessionStateError extends Error {
  override name = 'SessionStateError';
}
