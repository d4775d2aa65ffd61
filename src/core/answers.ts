// Turning what people said into the orchestrator's record.
import { answeredQuestions, recordAnswer, type GateRecord } from './gates.js';
import { parseQuestions } from './qa.js';

/**
 * Terminal mode: a person answers by editing `_qa.md`. Every question answered
 * there and not yet in the record is recorded as theirs. Only called while the
 * session waits for answers, so nothing the agent wrote earlier counts.
 */
export function recordFileAnswers(gates: GateRecord, qaMarkdown: string | null, by: string, at: string): GateRecord {
  const recorded = answeredQuestions(gates);
  const asked = new Set(gates.asked);
  let next = gates;
  for (const question of parseQuestions(qaMarkdown)) {
    // Only what was asked of a person when the wait began; an answer the agent wrote itself is not one.
    if (question.answer === null || recorded.has(question.id) || !asked.has(question.id)) continue;
    next = recordAnswer(next, { questions: [question.id], text: question.answer, by, at, source: '_qa.md' });
  }
  return next;
}
