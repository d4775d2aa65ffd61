// The signal protocol (DESIGN §4). Every way a signal can be wrong ends as a
// rejection with a reason that a person can act on; nothing here throws.
import * as z from './schema.js';
import {
  PHASE_TABLE,
  SIGNAL_STATUSES,
  canMove,
  isPhase,
  type Gate,
  type Phase,
} from './phases.js';

export const MAX_SIGNAL_BYTES = 64 * 1024;
const MAX_TEXT = 8_000;

const mustBeString = (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : 'must be a string');
const phaseField = z.string({ error: mustBeString }).check(
  z.refine(isPhase, {
    error: (issue) => `unknown phase ${JSON.stringify(issue.input)}`,
  }),
);
const text = () =>
  z
    .string({ error: mustBeString })
    .check(z.trim(), z.minLength(1, { error: 'must not be empty' }), z.maxLength(MAX_TEXT, { error: `must be at most ${MAX_TEXT} characters` }));

const continueSignal = z.object({ status: z.literal('continue'), phase: phaseField });
const waitingSignal = z.object({
  status: z.literal('waiting'),
  phase: phaseField,
  for: z.enum(['qa_answers', 'plan_approval'], {
    error: (issue) =>
      issue.input === undefined ? 'is required' : `unknown gate ${JSON.stringify(issue.input)} (qa_answers or plan_approval)`,
  }),
});
const blockedSignal = z.object({
  status: z.literal('blocked'),
  phase: z.optional(phaseField),
  reason: text(),
  needs: z.optional(z.string({ error: mustBeString }).check(z.maxLength(200))),
});
const doneSignal = z.object({
  status: z.literal('done'),
  phase: z.optional(z.literal('done', { error: 'must be "done"' })),
  summary: text(),
});

const signalSchema = z.discriminatedUnion('status', [continueSignal, waitingSignal, blockedSignal, doneSignal]);

export type Signal =
  | { status: 'continue'; phase: Phase }
  | { status: 'waiting'; phase: Phase; for: Gate }
  | { status: 'blocked'; phase?: Phase; reason: string; needs?: string }
  | { status: 'done'; phase?: 'done'; summary: string };

export type SignalVerdict =
  | { ok: true; signal: Signal }
  | { ok: false; reason: string };

export interface SignalContext {
  phase: Phase;
  /** Iterations completed in `phase`, counting the one that wrote this signal. */
  iterationsInPhase: number;
}

const reject = (reason: string): SignalVerdict => ({ ok: false, reason });

/** Checks a raw `_signal.json` (null when the file is missing) against the phase table. */
export function validateSignal(
  raw: string | null,
  ctx: SignalContext,
  bytes = raw === null ? 0 : new TextEncoder().encode(raw).length,
): SignalVerdict {
  if (raw === null) return reject('no _signal.json was written');
  if (bytes > MAX_SIGNAL_BYTES) return reject(`_signal.json is ${bytes} bytes, over the ${MAX_SIGNAL_BYTES}-byte limit`);
  if (raw.trim() === '') return reject('_signal.json is empty');

  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (error) {
    return reject(`_signal.json is not valid JSON (${(error as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return reject('_signal.json must hold a JSON object');
  }
  const status = (data as { status?: unknown }).status;
  if (status === undefined) return reject('_signal.json has no "status"');
  if (typeof status !== 'string' || !(SIGNAL_STATUSES as readonly string[]).includes(status)) {
    return reject(`unknown status ${JSON.stringify(status)} (expected ${SIGNAL_STATUSES.join(', ')})`);
  }

  const parsed = signalSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `"${issue.path.join('.') || 'signal'}" ${issue.message}`);
    return reject(`invalid ${status} signal: ${problems.join('; ')}`);
  }
  const signal = parsed.data as Signal;
  return checkAgainstTable(signal, ctx);
}

function checkAgainstTable(signal: Signal, ctx: SignalContext): SignalVerdict {
  const rule = PHASE_TABLE[ctx.phase];
  if (!rule.signals.includes(signal.status)) {
    return reject(`"${signal.status}" is not allowed in phase ${ctx.phase} (allowed: ${rule.signals.join(', ')})`);
  }
  if (signal.status === 'continue' || signal.status === 'waiting') {
    if (!canMove(ctx.phase, signal.phase)) {
      const allowed = [ctx.phase, ...rule.next].join(', ');
      return reject(`${ctx.phase} may not move to ${signal.phase} (allowed: ${allowed})`);
    }
    // A wait resumes where it stopped: naming the next phase would let it pass a gate unapproved.
    if (signal.status === 'waiting' && signal.phase !== ctx.phase) {
      return reject(`a waiting signal must name the current phase ${ctx.phase}, not ${signal.phase}`);
    }
    if (signal.status === 'waiting' && !rule.waitsFor.includes(signal.for)) {
      return reject(`phase ${ctx.phase} may not wait for ${signal.for} (allowed: ${rule.waitsFor.join(', ') || 'none'})`);
    }
    if (signal.phase === ctx.phase && ctx.iterationsInPhase >= rule.maxIterations) {
      return reject(`phase ${ctx.phase} is over its limit of ${rule.maxIterations} iterations`);
    }
  }
  return { ok: true, signal };
}
