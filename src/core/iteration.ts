// One iteration: one agent call, then read what it left (the signal, the
// notebook), judge it, record it and checkpoint. The orchestrator's own
// records (the gates, and what it wrote in earlier iterations) are put back
// whatever the agent did to them.
import { buildContext } from './context.js';
import type { GateRecord } from './gates.js';
import { parseStatus, type StatusReading } from './overview.js';
import type { Phase } from './phases.js';
import type { AgentResult, HistoryEntry, IterationRecord, SessionStore, SignalFile } from './ports.js';
import { saveStatus, type Outcome, type RunContext } from './run-context.js';
import { MAX_SIGNAL_BYTES, validateSignal, type SignalVerdict } from './signal.js';
import type { SessionStatus } from './status.js';
import { cacheShare } from './spend.js';
import { isoStamp, utcLogStamp } from './time.js';
import { applySignal, blockedTransition, type Transition } from './transition.js';

export interface IterationResult {
  iteration: IterationRecord;
  /** Set when the run stops after this iteration. */
  outcome?: Outcome;
}

/** Which call this is, fixed before the agent starts. */
interface Turn {
  phase: Phase;
  /** 1-based within the phase. */
  iteration: number;
  totalIteration: number;
  startedAt: number;
  logFile: string;
}

/** What the agent returned and what it left in the session folder. */
interface AgentReport {
  result: AgentResult;
  signalFile: SignalFile;
  verdict: SignalVerdict;
  /** `_overview.md` as the agent left it. */
  notebookText: string | null;
  notebook: StatusReading;
}

type Judgement = Transition & { verdict: HistoryEntry['verdict']; restored?: string[] };

/** `_logs/MM-DD-HHMM-NNN-phase.jsonl`, in UTC so that every runner names it alike. */
export function logFileName(at: number, totalIteration: number, phase: Phase): string {
  return `${utcLogStamp(at)}-${String(totalIteration).padStart(3, '0')}-${phase}.jsonl`;
}

export async function runIteration(ctx: RunContext): Promise<IterationResult> {
  const { store, reporter } = ctx.ports;
  const turn = beginTurn(ctx);
  await reporter.iterationStarted?.({ phase: turn.phase, iteration: turn.iteration, totalIteration: turn.totalIteration });
  // The orchestrator's record and notebook as they stood; the agent cannot change the former.
  const gatesBefore = await store.readGates();
  const overviewBefore = ctx.overview;
  const records = await store.holdRecords?.(turn.logFile);
  const result = await callAgent(ctx, turn);
  const restored = [...recordNames((await records?.putBack()) ?? []), ...(await restoreGates(store, gatesBefore))];
  const report = await readReport(store, turn, result);
  restored.push(...changedStatusKeys(report.notebook, ctx.status));
  ctx.overview = keptNotebook(report.notebookText, overviewBefore);
  const judged = await judge(ctx, report, gatesBefore, countedStatus(ctx.status, turn, result));
  if (restored.length) judged.restored = restored;
  await store.appendHistory(historyEntry(turn, report, judged));
  await saveStatusAndCheckpoint(ctx, turn, judged.status);
  return { iteration: iterationRecord(turn, report, judged, ctx.ports.clock.now()), outcome: judged.outcome };
}

function beginTurn(ctx: RunContext): Turn {
  const { status } = ctx;
  const totalIteration = status.totalIterations + 1;
  const startedAt = ctx.ports.clock.now();
  const phase = status.phase;
  return { phase, iteration: status.iteration + 1, totalIteration, startedAt, logFile: logFileName(startedAt, totalIteration, phase) };
}

/** Runs the agent once; a throw counts as a crash, and the log is closed either way. */
async function callAgent(ctx: RunContext, turn: Turn): Promise<AgentResult> {
  const { store, agent } = ctx.ports;
  const { options } = ctx;
  const { phase, iteration, totalIteration } = turn;
  await store.clearSignal();
  const context = buildContext({
    sessionName: options.sessionName,
    sessionPath: store.sessionPath,
    workdir: store.workdir,
    mode: options.mode,
    phase,
    iteration,
    totalIteration,
    status: ctx.status,
    task: options.task,
    dive: options.dive,
    data: options.data,
    note: ctx.iterations.length === 0 ? options.note : undefined,
  });
  const log = await store.openLog(turn.logFile);
  try {
    return await agent.run({
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
    return { exitCode: null, timedOut: false, error: (error as Error).message };
  } finally {
    await log.close();
  }
}

/**
 * Puts the record back only when the agent touched it (a read costs less than
 * a write every iteration); says so, so that the change is reported.
 */
async function restoreGates(store: SessionStore, before: GateRecord): Promise<string[]> {
  if (JSON.stringify(await store.readGates()) === JSON.stringify(before)) return [];
  await store.writeGates(before);
  return ['_gates.json'];
}

/** The records put back, named; many logs as one line, so that a deleted `_logs/` reads as such. */
function recordNames(paths: string[]): string[] {
  const isLog = (p: string) => p === '_logs' || p.startsWith('_logs/');
  const logs = paths.filter(isLog);
  return [...(logs.length > 3 ? [`_logs/ (${logs.length} entries)`] : logs), ...paths.filter((p) => !isLog(p))];
}

/** The orchestrator's Status keys the agent rewrote in `_overview.md`; saving puts ours back over them. */
function changedStatusKeys(notebook: StatusReading, ours: SessionStatus): string[] {
  if (!notebook.ok) return [];
  const theirs = notebook.status;
  const keys: [string, unknown, unknown][] = [
    ['Phase', theirs.phase, ours.phase],
    ['Iteration', theirs.iteration, ours.iteration],
    ['Total Iterations', theirs.totalIterations, ours.totalIterations],
    ['Blocked', theirs.blocked, ours.blocked],
    ['Next', JSON.stringify(theirs.next), JSON.stringify(ours.next)],
    ['Last Comment', theirs.lastComment, ours.lastComment],
    ['Cost USD', theirs.costUsd.toFixed(4), ours.costUsd.toFixed(4)],
  ];
  return keys.filter(([, a, b]) => a !== b).map(([key]) => `Status: ${key}`);
}

async function readReport(store: SessionStore, turn: Turn, result: AgentResult): Promise<AgentReport> {
  const signalFile = await store.readSignal(MAX_SIGNAL_BYTES);
  const verdict = validateSignal(signalFile.text, { phase: turn.phase, iterationsInPhase: turn.iteration }, signalFile.bytes);
  const notebookText = await store.readOverview();
  return { result, signalFile, verdict, notebookText, notebook: parseStatus(notebookText) };
}

/** The agent's notebook stays, even one whose Status is unusable (saving writes ours into it); a missing or empty one gives way to ours. */
function keptNotebook(agentNotebook: string | null, before: string): string {
  return agentNotebook !== null && agentNotebook.trim() !== '' ? agentNotebook : before;
}

/** The status with this call counted: its phase iteration, the session's total and its cost. */
function countedStatus(status: SessionStatus, turn: Turn, result: AgentResult): SessionStatus {
  const costUsd = status.costUsd + (result.costUsd ?? 0);
  return { ...status, iteration: turn.iteration, totalIterations: turn.totalIteration, costUsd };
}

/** A failed agent, a bad signal or an unusable notebook blocks; a valid signal moves the session on. */
async function judge(ctx: RunContext, report: AgentReport, gatesBefore: GateRecord, after: SessionStatus): Promise<Judgement> {
  const { verdict, notebook } = report;
  const interrupted = verdict.ok ? null : ctx.options.interrupted?.();
  // The gateway's refusal stands over any signal: the work was cut short by it.
  const failure = report.result.blockedBy ?? interrupted ?? agentFailure(report.result, verdict.ok, ctx.options.iterationTimeoutMs);
  if (failure) return { ...blockedTransition(after, failure), verdict: 'failed', reason: failure };
  if (!verdict.ok) return rejected(after, `invalid signal: ${verdict.reason}`);
  if (!notebook.ok) return rejected(after, `the notebook is unusable: ${notebook.reason}`);
  const applied = await applySignal(ctx, verdict.signal, after, gatesBefore);
  return { ...applied, verdict: applied.gated ? 'gated' : 'accepted' };
}

function rejected(after: SessionStatus, reason: string): Judgement {
  return { ...blockedTransition(after, reason), verdict: 'rejected', reason };
}

/** A timeout or a crash with no usable signal is the agent's failure, not the signal's. */
function agentFailure(result: AgentResult, signalOk: boolean, timeoutMs: number): string | null {
  if (result.timedOut) return `the agent timed out after ${Math.round(timeoutMs / 1000)} s`;
  if (signalOk) return null;
  if (result.exitCode === 0) return null;
  const how = result.exitCode === null ? 'was killed' : `exited with code ${result.exitCode}`;
  return `the agent ${how} and wrote no valid signal${result.error ? `: ${result.error}` : ''}`;
}

async function saveStatusAndCheckpoint(ctx: RunContext, turn: Turn, next: SessionStatus): Promise<void> {
  await saveStatus(ctx, next);
  await ctx.ports.store.checkpoint(`samocode: ${turn.phase} #${turn.iteration} → ${whereNext(next)}`);
}

function historyEntry(turn: Turn, report: AgentReport, judged: Judgement): HistoryEntry {
  const { verdict, signalFile } = report;
  return {
    iteration: turn.totalIteration,
    phase: turn.phase,
    phaseIteration: turn.iteration,
    at: isoStamp(turn.startedAt),
    signal: verdict.ok ? verdict.signal : signalFile.text === null ? null : truncate(signalFile.text, 2_000),
    verdict: judged.verdict,
    ...(judged.reason ? { reason: judged.reason } : {}),
    next: judged.status.phase,
    ...spending(report.result),
    ...(report.result.metered && report.result.usage && cacheShare(report.result.usage) !== undefined ? { cacheShare: round(cacheShare(report.result.usage)!) } : {}),
    ...(judged.restored ? { restored: judged.restored } : {}),
  };
}

function iterationRecord(turn: Turn, report: AgentReport, judged: Judgement, now: number): IterationRecord {
  const { verdict, signalFile } = report;
  const next = judged.status;
  return {
    totalIteration: turn.totalIteration,
    phase: turn.phase,
    iteration: turn.iteration,
    startedAt: isoStamp(turn.startedAt),
    durationMs: now - turn.startedAt,
    signal: verdict.ok ? verdict.signal.status : signalFile.text === null ? 'none' : 'invalid',
    verdict: judged.verdict,
    nextPhase: next.phase,
    ...(next.next.kind === 'waiting' ? { waitingFor: next.next.gate } : {}),
    ...(judged.reason ? { reason: judged.reason } : {}),
    ...spending(report.result),
    ...(judged.restored ? { restored: judged.restored } : {}),
    logFile: turn.logFile,
  };
}

/** Cost and tokens, each only when known; the gateway's with the CLI's own report beside them; what the agent's network refused. */
function spending(result: AgentResult): Pick<IterationRecord, 'costUsd' | 'usage' | 'metered' | 'reported' | 'refused'> {
  return {
    ...(result.costUsd !== undefined ? { costUsd: result.costUsd } : {}),
    ...(result.usage ? { usage: result.usage } : {}),
    ...(result.metered ? { metered: true } : {}),
    ...(result.reported && (result.reported.costUsd !== undefined || result.reported.usage) ? { reported: result.reported } : {}),
    ...(result.refused?.length ? { refused: result.refused } : {}),
  };
}

function whereNext(status: SessionStatus): string {
  if (status.next.kind === 'waiting') return `waiting for ${status.next.gate}`;
  if (status.next.kind === 'blocked') return 'blocked';
  if (status.next.kind === 'done') return 'done';
  return status.phase;
}

const round = (share: number) => Math.round(share * 10_000) / 10_000;

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
