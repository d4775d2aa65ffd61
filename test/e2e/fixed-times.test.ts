// A stand-in that dates every comment with one old time (as one built from
// example payloads would): the gates go by comment order, not by clocks, so
// the whole flow still works.
import { describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { checkout, commentEvent, labeledEvent, makeRemote, runBuiltAction } from '../helpers/runner.js';

const github = useFakeGitHub({ Codertocat: 'admin' }, '2019-05-15T15:20:33Z');

describe('comments all dated alike', () => {
  it('label → answers → /approve → done', async () => {
    github.addIssue({ number: 1, title: 'Old clock', body: 'Greet.', labels: ['samocode'] });
    const remote = makeRemote();
    const run = (event: string, payload: Record<string, unknown>) =>
      runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event, payload });
    expect((await run('issues', labeledEvent(1))).outputs.status).toBe('waiting');
    github.addComment(1, 'Codertocat', 'Q1: A\nQ2: A');
    expect((await run('issue_comment', commentEvent(1, 'Q1: A'))).outputs.phase).toBe('planning');
    github.addComment(1, 'Codertocat', '/approve');
    const done = await run('issue_comment', commentEvent(1, '/approve'));
    expect(done.outputs.status, done.stdout).toBe('done');
    expect(github.pulls).toHaveLength(1);
  });
});
