// What one run of the loop works with: the four ports, the options it was
// started with, and the one context object the run and each of its
// iterations read and move on, instead of closures over shared variables.
import type { BudgetLimits } from './budget.js';
import { writeStatus } from './overview.js';
import type { Gate, Phase } from './phases.js';
import type { Agent, Clock, IterationRecord, Reporter, SessionStore } from './ports.js';
import type { SessionStatus } from './status.js';
import { isoStamp } from './time.js';

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
  /** Set once the run was told to stop (a signal): no further call starts, and the reason is recorded. */
  interrupted?: () => string | null;
}

export type Outcome =
  | { kind: 'done'; summary: string }
  | { kind: 'waiting'; gate: Gate; detail: string }
  | { kind: 'blocked'; reason: string }
  | { kind: 'paused'; reason: string };

export interface RunContext {
  readonly ports: LoopPorts;
  readonly options: LoopOptions;
  /** The session's status as last saved. */
  status: SessionStatus;
  /** `_overview.md` as the orchestrator last read or wrote it. */
  overview: string;
  /** The iterations this run has finished, in order. */
  readonly iterations: IterationRecord[];
}

export function nowIso(ctx: RunContext): string {
  return isoStamp(ctx.ports.clock.now());
}

/** Writes the status keys into the notebook and the notebook to the store. */
export async function saveStatus(ctx: RunContext, next: SessionStatus): Promise<void> {
  ctx.status = next;
  ctx.overview = writeStatus(ctx.overview, next);
  await ctx.ports.store.writeOverview(ctx.overview);
}
