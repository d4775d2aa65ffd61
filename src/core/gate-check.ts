// Whether a person has cleared a gate, judged only from the orchestrator's
// record (`_gates.json`), the questions in `_qa.md` and the plan's blob id.
import {
  isPlanApproved,
  recordAnswer,
  recordApproval,
  unansweredQuestions,
  type GateRecord,
  type PlanFingerprint,
} from './gates.js';
import type { Gate } from './phases.js';
import type { Question } from './qa.js';

export const AUTO_APPROVER = 'auto-approve';

export interface GateFacts {
  gates: GateRecord;
  questions: Question[];
  plan: PlanFingerprint | null;
  autoApprove: boolean;
  /** ISO time, for records the check itself makes. */
  now: string;
}

export type GateDecision =
  | { cleared: true; gates: GateRecord; note: string; autoAnswers: { id: string; answer: string }[] }
  | { cleared: false; reason: string };

/**
 * @param resuming true when the session sat waiting at this gate: then a
 *   wait with no open questions still needs one answer given since it began.
 */
export function checkGate(gate: Gate, facts: GateFacts, resuming: boolean): GateDecision {
  return gate === 'qa_answers' ? checkAnswers(facts, resuming) : checkApproval(facts);
}

function checkAnswers(facts: GateFacts, resuming: boolean): GateDecision {
  // What a person must answer: what was asked when the session began waiting, and what is open now.
  const ids = facts.questions.filter((q) => q.answer === null).map((q) => q.id);
  const open = unansweredQuestions(facts.gates, ids);
  const since = facts.gates.pending?.since;
  const freshAnswer = since === undefined || facts.gates.answers.some((a) => a.at >= since);
  if (open.length === 0 && (!resuming || freshAnswer)) {
    return { cleared: true, gates: facts.gates, note: 'answers recorded', autoAnswers: [] };
  }
  if (!facts.autoApprove) {
    const reason =
      open.length > 0
        ? `${open.length} question(s) unanswered: ${open.join(', ')}`
        : 'no answer has been given since the session started waiting';
    return { cleared: false, reason };
  }
  const autoAnswers = open.map((id) => {
    const question = facts.questions.find((q) => q.id === id);
    return { id, answer: question?.suggestion ? `${question.suggestion} (auto-approved suggestion)` : 'auto-approved: use your best judgement' };
  });
  const gates = recordAnswer(facts.gates, {
    questions: open,
    text: autoAnswers.map((a) => `${a.id}: ${a.answer}`).join('\n') || 'auto-approved',
    by: AUTO_APPROVER,
    at: facts.now,
    source: 'auto-approve input',
  });
  return { cleared: true, gates, note: 'questions auto-answered with the suggestions (auto-approve)', autoAnswers };
}

function checkApproval(facts: GateFacts): GateDecision {
  if (!facts.plan) return { cleared: false, reason: 'there is no plan file (*plan*.md) in the session folder to approve' };
  if (isPlanApproved(facts.gates, facts.plan)) {
    const by = facts.gates.approvals.findLast((a) => a.blob === facts.plan!.blob)?.by ?? 'someone';
    return { cleared: true, gates: facts.gates, note: `plan approved by ${by}`, autoAnswers: [] };
  }
  if (!facts.autoApprove) return { cleared: false, reason: `plan ${facts.plan.file} is not approved yet` };
  const gates = recordApproval(facts.gates, {
    plan: facts.plan.file,
    blob: facts.plan.blob,
    by: AUTO_APPROVER,
    at: facts.now,
    source: 'auto-approve input',
  });
  return { cleared: true, gates, note: 'plan auto-approved (auto-approve)', autoAnswers: [] };
}
