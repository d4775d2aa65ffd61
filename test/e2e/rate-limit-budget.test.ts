// GitHub's rate limit outlasting a run's time budget: the run does not fail
// and the session is not blocked. It saves the session, dispatches its
// continuation as at the time limit, leaves the label as the trace, and the
// next run says on the issue, once, that the session was slowed.
import { describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { SECONDARY_LIMIT_MESSAGE } from '../helpers/fake-rate-limit.js';
import { checkout, dispatchEvent, labeledEvent, makeRemote, remoteFile, runBuiltAction } from '../helpers/runner.js';

const github = useFakeGitHub({ Codertocat: 'admin' });
const ISSUE = 61;
const marked = (kind: string) => github.issues.get(ISSUE)!.comments.filter((c) => c.body.startsWith(`<!-- samocode:${kind}`));

describe("GitHub's rate limit outlasting the time budget", () => {
  it('saves the session, dispatches the next run, and the next run says the session was slowed, once', { timeout: 240_000 }, async () => {
    github.addIssue({ number: ISSUE, title: 'Slow API', body: 'Please add a greeting file.', labels: ['samocode'] });
    const remote = makeRemote();
    // The run's first comment is refused with a wait longer than its whole budget.
    github.faults.push({ method: 'POST', path: new RegExp(`/issues/${ISSUE}/comments$`), status: 403, message: SECONDARY_LIMIT_MESSAGE, headers: { 'retry-after': '120' }, times: 1 });
    const inputs = { 'max-runtime-minutes': '0.5', 'iteration-timeout': '0.05' };
    const first = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(ISSUE), inputs, timeoutMs: 120_000 });
    expect(first.code, first.stdout).toBe(0);
    expect(first.outputs.status).toBe('paused');
    expect(first.stdout).toMatch(/secondary rate limit on POST \S+comments \(refusal 1, retry-after 120 s\); waiting \d+ s would outlast this run's time budget/);
    expect(first.stdout).toMatch(/::error::samocode: GitHub's rate limit outlasted this run's time budget \(You have exceeded a secondary rate limit.*\); the session was saved and continues in a new run/);
    expect(github.dispatches.filter((d) => d.inputs.issue === String(ISSUE))).toHaveLength(1);
    // Nothing could be posted; the label is the trace.
    expect(github.issues.get(ISSUE)!.comments).toEqual([]);
    expect(github.issues.get(ISSUE)!.labels).toContain('samocode:running');
    const branch = `samocode/${ISSUE}-slow-api`;
    const folder = `.samocode/sessions/${first.outputs.session}`;
    expect(JSON.parse(remoteFile(remote, branch, `${folder}/_gates.json`)).slowed.at).toMatch(/^\d{4}-/);

    const next = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'workflow_dispatch', payload: dispatchEvent(ISSUE) });
    expect(next.code, next.stdout).toBe(0);
    expect(next.outputs).toMatchObject({ status: 'waiting', phase: 'requirements' });
    expect(marked('slowed')).toHaveLength(1);
    expect(marked('slowed')[0]!.body).toContain("samocode was slowed by GitHub's rate limit");
    expect(marked('questions')).toHaveLength(1);
    expect(marked('tracking')).toHaveLength(1);
    expect(marked('blocked')).toEqual([]);
    expect(github.issues.get(ISSUE)!.labels).toContain('samocode:waiting');

    // Said once: a later run finds it said.
    const again = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'workflow_dispatch', payload: dispatchEvent(ISSUE) });
    expect(again.code, again.stdout).toBe(0);
    expect(marked('slowed')).toHaveLength(1);
  });
});
