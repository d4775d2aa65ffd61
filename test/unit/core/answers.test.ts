import { describe, expect, it } from 'vitest';
import { recordFileAnswers, unreadFileAnswers } from '../../../src/core/answers.js';
import { emptyGates, withAsked } from '../../../src/core/gates.js';

const qa = `### Q1: Where?
A) Here
B) There
**Answer:**
B

### Q2: Tested?
**Answer:** _waiting_
maybe later, not sure

### Q3: Name?
**Answer:** _waiting_
`;

describe('answers from _qa.md', () => {
  const gates = withAsked(emptyGates(), ['Q1', 'Q2', 'Q3']);
  it('records the forms it reads, as the person', () => {
    const updated = recordFileAnswers(gates, `${qa}\nQ3: samocode`, 'ann', '2026-01-01T00:00:00Z');
    expect(updated.answers.map((a) => [a.questions, a.text, a.by, a.source])).toEqual([
      [['Q1'], 'B', 'ann', '_qa.md'],
      [['Q3'], 'samocode', 'ann', '_qa.md'],
    ]);
  });
  it('names the question whose text it could not read, and quotes it', () => {
    expect(unreadFileAnswers(gates, qa)).toEqual([
      'Q2: found "maybe later, not sure" after its **Answer:** line, not read as an answer; put the answer on that line (`**Answer:** B`) or as `Q2: B`',
    ]);
    // Not asked of a person: the agent's own notes are not a person's unread answer.
    expect(unreadFileAnswers(withAsked(emptyGates(), ['Q1']), qa)).toEqual([]);
  });
});
