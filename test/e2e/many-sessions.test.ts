// Many sessions at once, as a team that labels a dozen issues in one go: twelve
// runs of dist/index.js at the same moment, on one repository and one token,
// against a stand-in that enforces GitHub's secondary rate limit (as strict as
// GitHub's 80 writes a minute, in a short window, with an honest retry-after)
// and the client's throttling on as in production. Then all are answered at
// once, then all approved at once. A rate limit slows a session down, never
// stops it: every session reaches each gate, each comment is posted once, and
// none is blocked.
import { describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { SecondaryRateLimit } from '../helpers/fake-rate-limit.js';
import { checkout, commentEvent, labeledEvent, makeRemote, runBuiltAction, type ActionRun } from '../helpers/runner.js';

const SESSIONS = 12;
const ISSUES = Array.from({ length: SESSIONS }, (_, i) => 201 + i);
// 4 writes in any 3 s: GitHub's 80 a minute, and a burst of 4 rather than 80.
const LIMIT = { writes: 4, windowMs: 3_000 };

const github = useFakeGitHub({ Codertocat: 'admin' });
const remote = makeRemote();

const marked = (issue: number, kind: string) => github.issues.get(issue)!.comments.filter((c) => c.body.startsWith(`<!-- samocode:${kind}`));

/** Every issue's run at once, each in its own checkout, as twelve runners would. */
async function allAtOnce(event: string, payloadOf: (issue: number) => Record<string, unknown>): Promise<ActionRun[]> {
  return Promise.all(
    ISSUES.map((issue) => runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event, payload: payloadOf(issue), timeoutMs: 600_000 })),
  );
}

function expectAllAt(runs: ActionRun[], outputs: Record<string, string>): void {
  runs.forEach((run, i) => {
    expect(run.code, `#${ISSUES[i]}: ${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.outputs, `#${ISSUES[i]}: ${run.stdout}`).toMatchObject(outputs);
    expect(run.stdout, `#${ISSUES[i]}`).not.toContain('::error::');
  });
}

/** Each of the action's comments on each issue is there exactly once; no blocked or error notice anywhere. */
function expectPostedOnce(kinds: string[]): void {
  for (const issue of ISSUES) {
    for (const kind of kinds) expect(marked(issue, kind), `#${issue} ${kind}`).toHaveLength(1);
    expect(marked(issue, 'blocked'), `#${issue}`).toEqual([]);
    expect(marked(issue, 'error'), `#${issue}`).toEqual([]);
    const labels = github.issues.get(issue)!.labels;
    expect(labels.filter((l) => l.startsWith('samocode:')), `#${issue}`).toHaveLength(1);
  }
}

describe(`${SESSIONS} sessions at once under GitHub's secondary rate limit`, () => {
  it('label all, answer all, approve all: every session reaches each gate, each comment once, none blocked', { timeout: 1_200_000 }, async () => {
    for (const issue of ISSUES) github.addIssue({ number: issue, title: `Add greeting ${issue}`, body: 'Please add a greeting file.', labels: ['samocode'] });
    const limit = new SecondaryRateLimit(LIMIT.writes, LIMIT.windowMs);
    github.rateLimit = limit;
    const writesBefore = () => github.writes().length;

    let mark = writesBefore();
    const labelled = await allAtOnce('issues', (issue) => labeledEvent(issue));
    expectAllAt(labelled, { status: 'waiting', phase: 'requirements' });
    expectPostedOnce(['tracking', 'questions']);
    for (const issue of ISSUES) expect(github.issues.get(issue)!.labels).toContain('samocode:waiting');
    const labelWrites = github.writes().length - mark;

    mark = writesBefore();
    const answers = new Map(ISSUES.map((issue) => [issue, github.addComment(issue, 'Codertocat', 'Q1: A\n2. A')]));
    const answered = await allAtOnce('issue_comment', (issue) => commentEvent(issue, 'Q1: A\n2. A'));
    expectAllAt(answered, { status: 'waiting', phase: 'planning' });
    expectPostedOnce(['tracking', 'questions', 'plan']);
    for (const [issue, answer] of answers) expect(github.reactionsOn(answer.id), `#${issue}`).toEqual(['eyes']);
    const answerWrites = github.writes().length - mark;

    mark = writesBefore();
    const approvals = new Map(ISSUES.map((issue) => [issue, github.addComment(issue, 'Codertocat', '/approve')]));
    const approved = await allAtOnce('issue_comment', (issue) => commentEvent(issue, '/approve'));
    expectAllAt(approved, { status: 'done', phase: 'done' });
    expectPostedOnce(['tracking', 'questions', 'plan', 'done']);
    for (const [issue, approval] of approvals) expect(github.reactionsOn(approval.id), `#${issue}`).toEqual(['+1']);
    for (const issue of ISSUES) {
      expect(github.issues.get(issue)!.labels).toContain('samocode:done');
      expect(github.pulls.filter((p) => p.head.startsWith(`samocode/${issue}-`)), `#${issue}`).toHaveLength(1);
    }
    const approveWrites = github.writes().length - mark;

    // The limit bit, and held: writes were refused and waited for, never more than the limit in a window.
    expect(limit.refused).toBeGreaterThan(0);
    expect(limit.peak).toBeLessThanOrEqual(LIMIT.writes);
    const all = [...labelled, ...answered, ...approved];
    expect(all.some((run) => /secondary rate limit on \S+ \S+ \(refusal \d+, retry-after \d+ s\); retrying in/.test(run.stdout))).toBe(true);
    console.log(
      `${SESSIONS} sessions at once, ${LIMIT.writes} writes per ${LIMIT.windowMs / 1000} s: ` +
        `write requests a session, refusals included: label ${labelWrites / SESSIONS}, answers ${answerWrites / SESSIONS}, approve ${approveWrites / SESSIONS} ` +
        `(refused: ${limit.refused}); wall: label ${Math.max(...labelled.map((r) => r.durationMs))} ms, answers ${Math.max(...answered.map((r) => r.durationMs))} ms, approve ${Math.max(...approved.map((r) => r.durationMs))} ms`,
    );
  });
});
