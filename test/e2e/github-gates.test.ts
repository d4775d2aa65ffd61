// GitHub mode at its edges: a label from a reader, a plan sent back for
// changes, a job that runs out of time, a session that blocks.
import { describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { checkout, makeRemote, payload, remoteBranches, remoteFile, runBuiltAction, type Remote, labeledEvent, commentEvent } from '../helpers/runner.js';

const github = useFakeGitHub({ Codertocat: 'maintain', triager: 'triage' });

const commented = (issue: number, body: string) => commentEvent(issue, body, 'Codertocat', ['samocode']);
const marked = (issue: number, kind: string) => github.issues.get(issue)!.comments.filter((c) => c.body.includes(`<!-- samocode:${kind}`));

function remoteWith(scenario: unknown): Remote {
  return makeRemote({ 'README.md': '# x\n', 'scenario.json': JSON.stringify(scenario) });
}

describe('GitHub mode gates and limits', () => {
  it('a label added by someone without write access starts nothing and gets one reply', async () => {
    github.addIssue({ number: 11, title: 'Not yours', labels: ['samocode'] });
    const remote = makeRemote();
    for (let i = 0; i < 2; i++) {
      const run = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(11, 'triager') });
      expect(run.code).toBe(0);
    }
    expect(remoteBranches(remote)).toEqual(['main']);
    const replies = marked(11, 'refused-start');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain('@triager only people with write access');
  });

  it('a refused start says why in the job summary, with the issue linked', async () => {
    github.addIssue({ number: 16, title: 'Not yours either', labels: ['samocode'] });
    const run = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(makeRemote()), event: 'issues', payload: labeledEvent(16, 'triager') });
    expect(run.code).toBe(0);
    expect(run.summary).toContain('- **Issue:** [Codertocat/Hello-World#16](https://github.com/Codertocat/Hello-World/issues/16)');
    expect(run.summary).toContain('- **No iteration ran:** @triager may not start a session: only people with write access to this repository can');
  });

  it('a comment on the plan sends it back to planning, and the revised plan is posted for approval', async () => {
    github.addIssue({ number: 12, title: 'Revise me', labels: ['samocode'] });
    const scenario = {
      phases: {
        init: [{ signal: { status: 'continue', phase: 'investigation' } }],
        investigation: [{ signal: { status: 'continue', phase: 'requirements' } }],
        requirements: [{ signal: { status: 'continue', phase: 'planning' } }],
        planning: [
          { files: { 'plan.md': '# Plan v1\n' }, signal: { status: 'waiting', phase: 'planning', for: 'plan_approval' } },
          { files: { 'plan.md': '# Plan v2, with the README\n' }, signal: { status: 'waiting', phase: 'planning', for: 'plan_approval' } },
        ],
      },
    };
    const remote = remoteWith(scenario);
    const inputs = { script: 'scenario.json' };
    const first = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(12), inputs });
    expect(first.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });
    expect(marked(12, 'plan')).toHaveLength(1);

    const asked = github.addComment(12, 'Codertocat', 'Please also update the README.');
    const second = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issue_comment', payload: commented(12, 'x'), inputs });
    expect(second.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });
    const plans = marked(12, 'plan');
    expect(plans).toHaveLength(2);
    expect(plans[1]!.body).toContain('# Plan v2, with the README');
    // The new plan is the word back; the change request itself gets a reaction.
    expect(github.reactionsOn(asked.id)).toEqual(['eyes']);
    expect(marked(12, `reply:${asked.id}`)).toEqual([]);
    const session = `.samocode/sessions/${second.outputs.session}`;
    expect(remoteFile(remote, 'samocode/12-revise-me', `${session}/_feedback.md`)).toContain('Please also update the README.');
    // An /approve now approves v2, the plan as posted last.
    const gates = JSON.parse(remoteFile(remote, 'samocode/12-revise-me', `${session}/_gates.json`));
    expect(gates.posted.blob).toBe(plans[1]!.body.match(/samocode:plan:([0-9a-f]{40})/)![1]);
  });

  it('a change request that leaves the plan as it was gets a word, and a reader who answers gets one reply', async () => {
    github.addIssue({ number: 17, title: 'Same plan', labels: ['samocode'] });
    const same = { files: { 'plan.md': '# Plan\n' }, signal: { status: 'waiting', phase: 'planning', for: 'plan_approval' } };
    const scenario = {
      phases: {
        init: [{ signal: { status: 'continue', phase: 'investigation' } }],
        investigation: [{ signal: { status: 'continue', phase: 'requirements' } }],
        requirements: [{ signal: { status: 'continue', phase: 'planning' } }],
        planning: [same, same],
      },
    };
    const remote = remoteWith(scenario);
    const inputs = { script: 'scenario.json' };
    await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(17), inputs });
    expect(marked(17, 'plan')).toHaveLength(1);
    const reader = github.addComment(17, 'triager', 'I think it should use B.');
    const asked = github.addComment(17, 'Codertocat', 'Could it be shorter?');
    const run = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issue_comment', payload: commented(17, 'x'), inputs });
    expect(run.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });
    expect(marked(17, 'plan')).toHaveLength(1);
    const word = marked(17, `reply:${asked.id}`);
    expect(word).toHaveLength(1);
    expect(word[0]!.body).toContain('@Codertocat the plan was revised with your comment in mind and came out unchanged');
    expect(github.reactionsOn(asked.id)).toEqual(['eyes']);
    const readerReply = marked(17, `reply:${reader.id}`);
    expect(readerReply).toHaveLength(1);
    expect(readerReply[0]!.body).toContain('@triager only people with write access to this repository can steer samocode; nothing changed.');
    expect(github.reactionsOn(reader.id)).toEqual([]);
  });

  it('stops starting iterations near the end of its time budget and dispatches its continuation', async () => {
    github.addIssue({ number: 13, title: 'Long job', labels: ['samocode'] });
    const scenario = {
      phases: {
        init: [{ delayMs: 1500, signal: { status: 'continue', phase: 'investigation' } }],
        investigation: [{ signal: { status: 'blocked', reason: 'should not run in the first job' } }],
      },
    };
    const remote = remoteWith(scenario);
    const run = await runBuiltAction({
      apiUrl: github.url,
      snapshotFrom: github,
      workspace: checkout(remote),
      event: 'issues',
      payload: labeledEvent(13),
      inputs: { script: 'scenario.json', 'max-runtime-minutes': '0.05', 'iteration-timeout': '0.04' },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'paused', iterations: '1', phase: 'investigation' });
    expect(github.dispatches).toEqual([{ workflow: 'samocode.yml', ref: 'main', inputs: { issue: '13' } }]);
    expect(marked(13, 'pause')[0]!.body).toContain('the session continues in a new run');
  });

  it('a session that blocks says why on the issue, labels it and fails the job', async () => {
    github.addIssue({ number: 14, title: 'Bad signal', labels: ['samocode'] });
    const remote = remoteWith({ phases: { init: [{ signal: { status: 'done', phase: 'done', summary: 'skipping everything' } }] } });
    const run = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(14), inputs: { script: 'scenario.json' } });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe('blocked');
    expect(run.stdout).toContain('::error::samocode: blocked: invalid signal: "done" is not allowed in phase init');
    const notice = marked(14, 'blocked')[0]!.body;
    expect(notice).toContain('samocode is blocked: invalid signal: "done" is not allowed in phase init');
    expect(notice).toContain('What you can do:\n- fix what the reason names');
    expect(notice).toContain('then comment `/resume` or add the `samocode` label again');
    // The reason is stated once on the issue; the tracking comment links to it.
    const reason = 'invalid signal: "done" is not allowed in phase init';
    expect(github.issues.get(14)!.comments.map((c) => c.body.split(reason).length - 1).reduce((a, b) => a + b)).toBe(1);
    const blockedAt = github.issues.get(14)!.comments.find((c) => c.body.includes('<!-- samocode:blocked'))!.id;
    expect(marked(14, 'tracking')[0]!.body).toContain(`**State:** blocked; why, and what you can do: [samocode's comment](https://github.com/Codertocat/Hello-World/issues/14#issuecomment-${blockedAt})`);
    // On the job's page the reason is the run's error; the summary points to it and to the issue.
    expect(run.summary).toContain(`- **State:** blocked; the reason is this run's error; what you can do: [samocode's comment](https://github.com/Codertocat/Hello-World/issues/14#issuecomment-${blockedAt})\n`);
    expect(run.summary.split('\n').filter((l) => l.startsWith('- **')).join('\n')).not.toContain(reason);
    expect(github.issues.get(14)!.labels).toContain('samocode:blocked');
    // The checkpoint holding the reason was pushed.
    const overview = remoteFile(remote, 'samocode/14-bad-signal', `.samocode/sessions/${run.outputs.session}/_overview.md`);
    expect(overview).toMatch(/^Blocked: invalid signal: "done" is not allowed in phase init/m);
  });

  it('/stop by a writer stops a running session without failing the job', async () => {
    github.addIssue({ number: 15, title: 'Stop me', labels: ['samocode'] });
    const remote = remoteWith({ phases: { init: [{ signal: { status: 'continue', phase: 'investigation' } }], investigation: [{ signal: { status: 'continue', phase: 'investigation' } }] } });
    const inputs = { script: 'scenario.json', 'max-iterations': '3' };
    const first = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(15), inputs });
    expect(first.outputs.status).toBe('blocked');
    github.addComment(15, 'Codertocat', '/resume');
    github.addComment(15, 'Codertocat', '/stop');
    const stopped = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issue_comment', payload: commented(15, '/stop'), inputs });
    expect(stopped.code).toBe(0);
    expect(stopped.outputs.status).toBe('blocked');
    expect(stopped.stdout).toContain('stopped by @Codertocat');
    const notice = marked(15, 'blocked').at(-1)!.body;
    expect(notice).toContain('samocode was stopped by @Codertocat.\n\nNothing runs until someone with write access comments `/resume`');
    expect(notice).not.toMatch(/fix what/i);
    expect(stopped.summary).toMatch(/^- \*\*State:\*\* blocked: stopped by @Codertocat; what you can do: \[samocode's comment\]\(\S+#issuecomment-\d+\)$/m);
    expect(marked(15, 'tracking')[0]!.body).not.toContain('**Last action:**');
  });
});
