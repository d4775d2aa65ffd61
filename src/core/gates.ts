// `_gates.json`: the orchestrator's own record of who answered and who
// approved. The agent may write the file; the loop puts this record back
// after every agent call, so only what the orchestrator recorded counts.
import * as z from './schema.js';
import { emptyReviewState, reviewStateSchema } from './review.js';

/** Who gave an answer or an approval, when, and where it came from. */
const signedBy = {
  by: z.string(),
  at: z.string(),
  source: z.string(),
  commentId: z.optional(z.number()),
};
const answerRecord = z.object({ questions: z.array(z.string()), text: z.string(), ...signedBy });
const approvalRecord = z.object({ plan: z.string(), blob: z.string(), ...signedBy });
const gatesSchema = z.object({
  asked: z._default(z.array(z.string()), []),
  answers: z._default(z.array(answerRecord), []),
  approvals: z._default(z.array(approvalRecord), []),
  processedComments: z._default(z.array(z.number()), []),
  /** Set when the session starts waiting; answers must come after it. */
  pending: z._default(z.nullable(z.object({ gate: z.string(), since: z.string() })), null),
  /** The plan as last posted for review (GitHub mode): what `/approve` approves. */
  posted: z._default(z.nullable(z.object({ file: z.string(), blob: z.string() })), null),
  /** A run whose time budget ran out waiting for GitHub's rate limit (GitHub mode): said on the issue by a later run. */
  slowed: z.optional(z.object({ at: z.string(), run: z.optional(z.string()) })),
  /** The session's pull request and its review rounds (GitHub mode). */
  review: z._default(reviewStateSchema, emptyReviewState),
});

export type AnswerRecord = z.infer<typeof answerRecord>;
export type ApprovalRecord = z.infer<typeof approvalRecord>;
export type GateRecord = z.infer<typeof gatesSchema>;

export interface PlanFingerprint {
  /** The plan file's name inside the session folder. */
  file: string;
  /** Git blob id of its content. */
  blob: string;
}

export function emptyGates(): GateRecord {
  return { asked: [], answers: [], approvals: [], processedComments: [], pending: null, posted: null, review: emptyReviewState() };
}

/** A missing or unreadable record counts as empty: nothing approved, nothing answered. */
export function parseGates(raw: string | null): GateRecord {
  if (!raw) return emptyGates();
  try {
    const parsed = gatesSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : emptyGates();
  } catch {
    return emptyGates();
  }
}

export function serializeGates(gates: GateRecord): string {
  return `${JSON.stringify(gates, null, 2)}\n`;
}

export function withAsked(gates: GateRecord, questionIds: string[]): GateRecord {
  const asked = [...new Set([...gates.asked, ...questionIds])];
  return asked.length === gates.asked.length ? gates : { ...gates, asked };
}

export function answeredQuestions(gates: GateRecord): Set<string> {
  return new Set(gates.answers.flatMap((a) => a.questions));
}

/** Questions seen (in `_qa.md` now or recorded as asked) without a recorded answer. */
export function unansweredQuestions(gates: GateRecord, questionIds: string[]): string[] {
  const answered = answeredQuestions(gates);
  return [...new Set([...gates.asked, ...questionIds])].filter((id) => !answered.has(id));
}

export function recordAnswer(gates: GateRecord, answer: AnswerRecord): GateRecord {
  return { ...gates, answers: [...gates.answers, answer] };
}

export function recordApproval(gates: GateRecord, approval: ApprovalRecord): GateRecord {
  return { ...gates, approvals: [...gates.approvals, approval] };
}

/** Approved only if an approval names the plan exactly as it is now: a changed plan needs a new one. */
export function isPlanApproved(gates: GateRecord, plan: PlanFingerprint | null): boolean {
  if (!plan) return false;
  return gates.approvals.some((a) => a.plan === plan.file && a.blob === plan.blob);
}

/** The plan is the newest `*plan*.md` the agent wrote in the session folder (names start with a timestamp). */
export function findPlanFile(fileNames: string[]): string | null {
  const plans = fileNames.filter((n) => !n.startsWith('_') && /plan/i.test(n) && n.endsWith('.md')).sort();
  return plans.at(-1) ?? null;
}
