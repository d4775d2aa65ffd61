import { describe, expect, it } from 'vitest';
import { initialStatus } from '../../../src/core/overview.js';
import { parseQuestions } from '../../../src/core/qa.js';
import { MAX_BODY, planComment, questionsComment, summaryTable, trackingComment } from '../../../src/core/render.js';

describe('what the issue shows', () => {
  it('the tracking comment checks off the phases done and marks the current one', () => {
    const body = trackingComment('26-11-25-1-x', { ...initialStatus(), phase: 'planning', iteration: 2, totalIterations: 7, costUsd: 0.5 }, { run: 'https://run', branch: 'https://branch' });
    expect(body).toContain('- [x] requirements\n- [ ] **planning** ← iteration 2\n- [ ] implementation');
    expect(body).toContain('**Iterations:** 7 in all · **Cost:** $0.50');
    expect(body).toContain('[this run](https://run) · [branch](https://branch)');
  });

  it('the questions comment lists options and suggestions, or says it waits when there are none', () => {
    const questions = parseQuestions('### Q1: Which?\nA) one\nB) two\n**Suggestion:** A - simple\n**Answer:** _waiting_\n');
    expect(questionsComment(questions, 'r1')).toContain('**Q1: Which?**\n   A) one\n   B) two\n   _Suggestion:_ A - simple');
    expect(questionsComment([], 'r2')).toContain('### samocode is waiting for your answer');
  });

  it('a plan longer than a comment can hold is cut, with a link to the file', () => {
    const body = planComment('plan.md', 'x'.repeat(200_000), 'b'.repeat(40), { file: (name) => `https://blob/${name}` });
    expect(body.length).toBeLessThan(MAX_BODY);
    expect(body).toContain('read it whole in [plan.md](https://blob/plan.md)');
    expect(body).toContain('Reply `/approve`');
  });

  it('the job summary totals this run', () => {
    const table = summaryTable([
      { totalIteration: 1, phase: 'init', iteration: 1, startedAt: 'x', durationMs: 1500, signal: 'continue', verdict: 'accepted', nextPhase: 'investigation', costUsd: 0.1, usage: { inputTokens: 10, outputTokens: 5 }, logFile: 'a' },
      { totalIteration: 2, phase: 'investigation', iteration: 1, startedAt: 'x', durationMs: 500, signal: 'invalid', verdict: 'rejected', nextPhase: 'investigation', reason: 'a | b', logFile: 'b' },
    ]);
    expect(table).toContain('| 2 | investigation | 1 | invalid | investigation | 0.5 s |  |  | a \\| b |');
    expect(table).toContain('| **this run** | | 2 | | | 2.0 s | $0.1000 | 15 | |');
  });
});
