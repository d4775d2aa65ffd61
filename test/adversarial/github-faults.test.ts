// GitHub answering badly: 5xx answers are retried by Octokit's retry plugin,
// secondary rate limits wait as GitHub asks (throttling plugin), and an
// outage at the pull-request step leaves a state that /resume finishes.
import { describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { checkout, makeRemote, payload, runBuiltAction, labeledEvent, dispatchEvent } from '../helpers/runner.js';

const github = useFakeGitHub({ Codertocat: 'admin' });

const count = (method: string, path: RegExp) => github.requests.filter((r) => r.method === method && path.test(r.path)).length;

describe('GitHub faults', () => {
  it('retries 500 and 502 answers and finishes the run', async () => {
    github.addIssue({ number: 31, title: 'Flaky API', labels: ['samocode'] });
    github.faults.push(
      { method: 'GET', path: /\/issues\/31$/, status: 500, times: 1 },
      { method: 'GET', path: /\/issues\/31\/comments$/, status: 502, times: 2 },
      // A label run makes its tracking comment rather than editing it; the label is its first write.
      { method: 'POST', path: /\/issues\/31\/labels$/, status: 502, times: 1 },
    );
    const run = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(makeRemote()), event: 'issues', payload: labeledEvent(31) });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('waiting');
    // Loading the issue: the 500 and its retry; then one read before each of the two label changes.
    expect(count('GET', /\/issues\/31$/)).toBe(4);
    expect(github.faults.every((f) => f.times === 0)).toBe(true);
  });

  it('waits out secondary rate limits (403 and 429 with retry-after) with GitHub\'s own spacing of writes', async () => {
    github.addIssue({ number: 32, title: 'Busy API', labels: ['samocode'] });
    // GitHub's own wording: Octokit recognises a secondary limit by "secondary rate" in the message.
    const limited = { headers: { 'retry-after': '1' }, message: 'You have exceeded a secondary rate limit', times: 1 };
    github.faults.push(
      { method: 'POST', path: /\/issues\/32\/comments$/, status: 403, ...limited },
      { method: 'POST', path: /\/issues\/32\/labels$/, status: 429, ...limited },
    );
    const run = await runBuiltAction({
      apiUrl: github.url,
      snapshotFrom: github,
      workspace: checkout(makeRemote()),
      event: 'issues',
      payload: labeledEvent(32),
      env: { SAMOCODE_API_PACING_MS: '1000' },
      timeoutMs: 120_000,
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('waiting');
    expect(run.stdout).toMatch(/secondary rate limit on POST \S*comments \(refusal 1, retry-after 1 s\); retrying in 1\.\d s/);
    expect(github.issues.get(32)!.labels).toContain('samocode:waiting');
  });

  it('an outage at the pull-request step leaves a done session that /resume finishes', async () => {
    github.addIssue({ number: 33, title: 'Outage at the end', labels: ['samocode'] });
    const remote = makeRemote();
    github.faults.push({ method: 'POST', path: /\/pulls$/, status: 502, times: 10 });
    const run = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(33), inputs: { 'auto-approve': 'true' } });
    // auto-approve: the gates clear on the next runs, which workflow_dispatch stands for here.
    const dispatch = dispatchEvent(33);
    let last = run;
    for (let i = 0; i < 3 && last.outputs.status !== 'done'; i++) {
      last = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'workflow_dispatch', payload: dispatch, inputs: { 'auto-approve': 'true' } });
    }
    expect(last.outputs.status).toBe('done');
    expect(last.outputs['pull-request']).toBe('');
    expect(github.pulls.filter((p) => p.head.startsWith('samocode/33-'))).toHaveLength(0);
    const failed = github.issues.get(33)!.comments.filter((c) => c.body.includes('<!-- samocode:pr-failed'));
    expect(failed).toHaveLength(1);
    expect(failed[0]!.body).toContain('comment `/resume` to try again');

    github.faults.length = 0;
    github.addComment(33, 'Codertocat', '/resume');
    const comment = payload('issue_comment', 'created', (p) => {
      p.issue.number = 33;
      p.issue.labels = [{ name: 'samocode' }, { name: 'samocode:done' }];
      delete p.issue.pull_request;
      p.comment.body = '/resume';
    });
    const resumed = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issue_comment', payload: comment });
    expect(resumed.code, resumed.stdout).toBe(0);
    expect(resumed.outputs.status).toBe('done');
    expect(resumed.outputs['pull-request']).toMatch(/\/pull\/\d+$/);
    expect(github.pulls.filter((p) => p.head.startsWith('samocode/33-'))).toHaveLength(1);
  });
});
