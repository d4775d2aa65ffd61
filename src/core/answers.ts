// Turning what people said into the orchestrator's record.
import { answeredQuestions, recordAnswer, type GateRecord } from './gates.js';
import { parseQuestions, unreadAnswers } from './qa.js';

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

/**
 * What a person wrote under a question still waiting, that was not read as an
 * answer: one line each, naming the question and quoting what was found.
 */
export function unreadFileAnswers(gates: GateRecord, qaMarkdown: string | null): string[] {
  const recorded = answeredQuestions(gates);
  return unreadAnswers(qaMarkdown)
    .filter((u) => gates.asked.includes(u.id) && !recorded.has(u.id))
    .map((u) => `${u.id}: found "${u.found.length > 80 ? `${u.found.slice(0, 79)}…` : u.found}" after its **Answer:** line, not read as an answer; put the answer on that line (\`**Answer:** B\`) or as \`${u.id}: B\``);
}
