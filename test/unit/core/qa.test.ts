import { describe, expect, it } from 'vitest';
import { appendNote, expandAnswer, openQuestions, parseQuestions, setAnswer, unreadAnswers } from '../../../src/core/qa.js';

const qa = `# Questions

### Q1: Where should the greeting live?
A) A new file, hello.txt
B) The README
**Suggestion:** A - small change
**Answer:** _waiting_

### Q2: Should it be tested?
A) Yes
B) No
**Suggestion:** A - always
**Answer:** B) No, it is a demo
`;

describe('_qa.md', () => {
  it('parses questions, options, suggestions and answers', () => {
    expect(parseQuestions(qa)).toEqual([
      {
        id: 'Q1',
        text: 'Where should the greeting live?',
        options: [
          { letter: 'A', text: 'A new file, hello.txt' },
          { letter: 'B', text: 'The README' },
        ],
        suggestion: 'A - small change',
        answer: null,
      },
      {
        id: 'Q2',
        text: 'Should it be tested?',
        options: [
          { letter: 'A', text: 'Yes' },
          { letter: 'B', text: 'No' },
        ],
        suggestion: 'A - always',
        answer: 'B) No, it is a demo',
      },
    ]);
    expect(openQuestions(qa).map((q) => q.id)).toEqual(['Q1']);
  });

  it('has no questions when missing', () => {
    expect(parseQuestions(null)).toEqual([]);
  });

  it('sets an answer in place', () => {
    const answered = setAnswer(qa, 'Q1', 'A) A new file, hello.txt');
    expect(openQuestions(answered)).toEqual([]);
    expect(answered).toBe(qa.replace('**Answer:** _waiting_', '**Answer:** A) A new file, hello.txt'));
  });

  it('adds an Answer line to a block without one', () => {
    const md = '### Q1: Why?\nA) yes\n\n### Q2: How?\n**Answer:** _waiting_\n';
    expect(setAnswer(md, 'Q1', 'because')).toBe('### Q1: Why?\nA) yes\n**Answer:** because\n\n### Q2: How?\n**Answer:** _waiting_\n');
  });

  it('expands a lone letter to the option', () => {
    const [q1] = parseQuestions(qa);
    expect(expandAnswer(q1, 'b')).toBe('B) The README');
    expect(expandAnswer(q1, 'Z')).toBe('Z');
    expect(expandAnswer(q1, 'something else')).toBe('something else');
  });

  it('appends free text under the questions', () => {
    expect(appendNote('### Q1: x\n**Answer:** _waiting_\n', 'Answer from alice', 'Do it the simple way')).toBe(
      '### Q1: x\n**Answer:** _waiting_\n\n### Answer from alice\nDo it the simple way\n',
    );
  });
});

describe('_qa.md: the forms people write answers in', () => {
  const block = (answerPart: string) => `### Q1: Where?\nA) Here\nB) There\n**Suggestion:** A\n${answerPart}\n\n### Q2: Tested?\nA) Yes\nB) No\n**Answer:** _waiting_\n`;
  const cases: [string, string, string | null][] = [
    ['the answer on the line after **Answer:**', block('**Answer:**\nB'), 'B'],
    ['a list item', block('- **Answer:** B'), 'B'],
    ['no bold', block('Answer: B'), 'B'],
    ['the colon outside the bold', block('**Answer**: B'), 'B'],
    ['Q1: lines at the end, as in a comment', `${block('**Answer:** _waiting_')}\nQ1: B\nQ2: A`, 'B'],
    ['still a placeholder on the next line', block('**Answer:**\n_waiting_'), null],
    ['the placeholder', block('**Answer:** _waiting_'), null],
  ];
  it.each(cases)('%s', (_form, markdown, expected) => {
    expect(parseQuestions(markdown)[0]!.answer).toBe(expected);
    expect(parseQuestions(markdown)[0]!.options).toHaveLength(2);
  });

  it('reads Q2 from a trailing line too, and not a Q line for a question that is not there', () => {
    const markdown = `${block('**Answer:** A')}\nQ2: No\nQ9: whatever`;
    expect(parseQuestions(markdown).map((q) => [q.id, q.answer])).toEqual([['Q1', 'A'], ['Q2', 'No']]);
  });

  it('says which question holds text it could not read, and what', () => {
    expect(unreadAnswers(block('**Answer:** _waiting_\nI think B is better'))).toEqual([{ id: 'Q1', found: 'I think B is better' }]);
    expect(unreadAnswers(block('**Answer:** B\nbecause it is simpler'))).toEqual([]);
    expect(unreadAnswers(qa)).toEqual([]);
  });
});
