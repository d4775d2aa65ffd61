// A run that starts no agent writes at most the one thing it owes (a reply),
// makes no commit and changes no label: through dist/index.js.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { checkout, commentEvent, labeledEvent, makeRemote, runBuiltAction } from '../helpers/runner.js';

const github = useFakeGitHub({ Codertocat: 'admin', reader: 'read' });
const head = (bare: string, branch: string) => execFileSync('git', ['rev-parse', branch], { cwd: bare, encoding: 'utf8' }).trim();

describe('no agent, no cost', () => {
  it('a reader’s /approve on a waiting issue: one reply, no commit, no label change, no tracking edit', async () => {
    github.addIssue({ number: 91, title: 'Cheap', body: 'Do it.', labels: ['samocode'] });
    const remote = makeRemote();
    const first = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(91) });
    expect(first.outputs.status).toBe('waiting');
    // A run that does start an agent claims the session and shows it running before the first call.
    const running = github.requests.findIndex((r) => r.method === 'POST' && r.path.endsWith('/issues/91/labels') && JSON.stringify(r.body).includes('samocode:running'));
    expect(running).toBeGreaterThanOrEqual(0);
    expect(first.stdout.indexOf('Run the loop')).toBeLessThan(first.stdout.indexOf('#1 init 1'));
    const branch = first.outputs.branch!;
    const subjects = execFileSync('git', ['log', '--reverse', '--format=%s', branch], { cwd: remote.bare, encoding: 'utf8' }).trim().split('\n');
    expect(subjects.findIndex((s) => s.includes('takes the session'))).toBeLessThan(subjects.findIndex((s) => s.startsWith('samocode: init #1')));
    const before = head(remote.bare, branch);
    github.addComment(91, 'reader', '/approve');
    const writesBefore = github.writes().length;
    const run = await runBuiltAction({ apiUrl: github.url, workspace: checkout(remote), event: 'issue_comment', payload: commentEvent(91, '/approve', 'reader') });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe('waiting');
    const writes = github.writes().slice(writesBefore);
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([`POST /repos/Codertocat/Hello-World/issues/91/comments`]);
    expect((writes[0]!.body as { body: string }).body).toContain('only people with write access');
    expect(head(remote.bare, branch)).toBe(before);
  });

  it('a chat line on a blocked session: nothing written, nothing committed', async () => {
    github.addIssue({ number: 92, title: 'Blocked one', body: 'Do it.', labels: ['samocode'] });
    const remote = makeRemote();
    await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(92) });
    github.addComment(92, 'Codertocat', '/stop');
    const stopped = await runBuiltAction({ apiUrl: github.url, workspace: checkout(remote), event: 'issue_comment', payload: commentEvent(92, '/stop') });
    expect(stopped.outputs.status).toBe('blocked');
    const branch = stopped.outputs.branch!;
    const before = head(remote.bare, branch);
    github.addComment(92, 'Codertocat', 'I will look at this tomorrow.');
    const writesBefore = github.writes().length;
    const run = await runBuiltAction({ apiUrl: github.url, workspace: checkout(remote), event: 'issue_comment', payload: commentEvent(92, 'I will look at this tomorrow.', 'Codertocat', ['samocode', 'samocode:blocked']) });
    expect(run.outputs.status).toBe('blocked');
    expect(github.writes().slice(writesBefore)).toEqual([]);
    expect(head(remote.bare, branch)).toBe(before);
  });
});
