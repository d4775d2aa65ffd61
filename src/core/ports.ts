// The four ports the loop talks through. Entries wire real adapters in;
// tests swap any of them.
import type { GateRecord, PlanFingerprint } from './gates.js';
import type { SessionStatus } from './status.js';
import type { Gate, Phase } from './phases.js';

export interface PromptPieces {
  /** The workflow prompt every phase shares. */
  workflow: string;
  /** The phase agent's own prompt. */
  agent: string;
  /** The session-context block for this iteration. */
  context: string;
}

export interface LineSink {
  write(line: string): void;
  /** Resolves once buffered lines are flushed: a fast producer waits on it, so memory stays bounded. */
  ready?(): Promise<void>;
  close(): Promise<void>;
}

export interface TokenUsage {
  /** Input neither read from nor written to the prompt cache (as Anthropic counts it; the gateway counts every engine so). */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

export interface AgentRequest {
  phase: Phase;
  /** 1-based iteration within the phase. */
  iteration: number;
  totalIteration: number;
  sessionPath: string;
  workdir: string;
  prompt: PromptPieces;
  timeoutMs: number;
  /** Every stdout line of the agent, as it comes. */
  log: LineSink;
}

/** Connections the agent's network refused in one call, by host and port. */
export interface NetworkRefusal {
  host: string;
  port: number;
  count: number;
  reason: string;
  /** The input line that would allow it, or what would instead. */
  allow: string;
}

export interface AgentResult {
  /** Null when the process ended by a signal. */
  exitCode: number | null;
  timedOut: boolean;
  costUsd?: number;
  usage?: TokenUsage;
  turns?: number;
  /** A short description of what went wrong, when something did. */
  error?: string;
  /** What the agent's network refused during the call. */
  refused?: NetworkRefusal[];
  /** `costUsd` and `usage` are the model gateway's metering (the cost of record), not the CLI's own report. */
  metered?: boolean;
  /** What the CLI itself reported, kept beside the metered figures for comparison. */
  reported?: Spending;
  /** The session blocks with this reason whatever the agent signalled: the gateway refused (budget spent) or is gone. */
  blockedBy?: string;
}

/** Cost and tokens of one call, as somebody counted them. */
export interface Spending {
  costUsd?: number;
  usage?: TokenUsage;
}

export interface Agent {
  readonly name: string;
  run(request: AgentRequest): Promise<AgentResult>;
}

export interface SignalFile {
  /** Null when the file does not exist. May be cut short when `bytes` is over the limit. */
  text: string | null;
  bytes: number;
}

export interface HistoryEntry {
  iteration: number;
  phase: Phase;
  phaseIteration: number;
  at: string;
  signal: unknown;
  verdict: 'accepted' | 'rejected' | 'gated' | 'failed';
  reason?: string;
  next: Phase;
  costUsd?: number;
  usage?: TokenUsage;
  /** Set when cost and usage are the model gateway's metering; with the share of input from the prompt cache. */
  metered?: boolean;
  cacheShare?: number;
  /** The CLI's own report, for comparison only. */
  reported?: Spending;
  /** The orchestrator's records the agent changed, put back: `_gates.json`, `Status: <key>`, `_logs/…`, `_signals.jsonl`, … */
  restored?: string[];
  /** What the agent's network refused in this iteration. */
  refused?: NetworkRefusal[];
}

export interface SessionStore {
  /** Absolute path of the session folder. */
  readonly sessionPath: string;
  /** Where the agent works: the repository or worktree. */
  readonly workdir: string;
  readOverview(): Promise<string | null>;
  writeOverview(markdown: string): Promise<void>;
  readQa(): Promise<string | null>;
  writeQa(markdown: string): Promise<void>;
  readGates(): Promise<GateRecord>;
  writeGates(gates: GateRecord): Promise<void>;
  planFingerprint(): Promise<PlanFingerprint | null>;
  clearSignal(): Promise<void>;
  readSignal(maxBytes: number): Promise<SignalFile>;
  appendHistory(entry: HistoryEntry): Promise<void>;
  openLog(fileName: string): Promise<LineSink>;
  /** Persists the iteration: a no-op locally, commit and push in GitHub mode. */
  checkpoint(message: string): Promise<void>;
  /**
   * Holds the orchestrator's records of earlier iterations (`_logs/`,
   * `_signals.jsonl`, `_review.md`, `_feedback.md`) as last committed, before
   * an agent call; `putBack` after it restores what the agent changed, deleted
   * or added among them and names it, relative to the session folder.
   * `currentLog` is this call's log file, the orchestrator's to write. Where
   * nothing is committed (terminal mode) there is nothing to hold.
   */
  holdRecords?(currentLog: string): Promise<{ putBack(): Promise<string[]> }>;
}

export interface IterationRecord {
  totalIteration: number;
  phase: Phase;
  iteration: number;
  startedAt: string;
  durationMs: number;
  /** The signal's status as given, or `invalid`/`none`. */
  signal: string;
  verdict: HistoryEntry['verdict'];
  nextPhase: Phase;
  /** Set when the iteration ended waiting at a gate. */
  waitingFor?: Gate;
  reason?: string;
  costUsd?: number;
  usage?: TokenUsage;
  /** Cost and usage are the model gateway's metering. */
  metered?: boolean;
  /** The CLI's own report, for comparison only. */
  reported?: Spending;
  /** The orchestrator's records the agent changed in this iteration, put back. */
  restored?: string[];
  refused?: NetworkRefusal[];
  logFile: string;
}

export interface Reporter {
  iterationStarted?(info: { phase: Phase; iteration: number; totalIteration: number }): void | Promise<void>;
  /** `status` is the session's state after the iteration, as saved. */
  iterationFinished(record: IterationRecord, status: SessionStatus): void | Promise<void>;
}

export interface Clock {
  now(): number;
}
