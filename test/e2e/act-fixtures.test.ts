// The event files under test/fixtures/events/ are what the README's `act`
// dry runs use; here they drive dist/index.js the way act would.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/fake-github.js';
import { ROOT } from '../helpers/project.js';
import { checkout, makeRemote, runBuiltAction } from '../helpers/runner.js';

const fixture = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'events', name), 'utf8'));
let github: FakeGitHub;

beforeAll(async () => {
  github = new FakeGitHub();
  await github.start();
  github.addIssue({ number: 1, title: 'Spelling error in the README file', body: 'It looks like you accidently spelled commit.', labels: ['samocode'] });
  github.permissions.set('Codertocat', 'admin');
});
afterAll(async () => github.stop());

describe('act dry runs with the fixture events', () => {
  it('a comment on an issue without a session exits 0 at once, with no API call', async () => {
    const before = github.requests.length;
    const run = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(makeRemote()), event: 'issue_comment', payload: fixture('issue-comment-no-session.json') });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('samocode: nothing to do: issue #1 has no samocode session');
    expect(github.requests.length).toBe(before);
  });

  it('the labeled, answers and approve events walk a session to its pull request', async () => {
    const remote = makeRemote();
    const steps: [string, string, string][] = [
      ['issues', 'issues-labeled.json', 'waiting'],
      ['issue_comment', 'issue-comment-answers.json', 'waiting'],
      ['issue_comment', 'issue-comment-approve.json', 'done'],
    ];
    for (const [event, file, status] of steps) {
      const payload = fixture(file);
      if (event === 'issue_comment') github.addComment(1, 'Codertocat', payload.comment.body);
      const run = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event, payload });
      expect(run.code, run.stdout).toBe(0);
      expect(run.outputs.status).toBe(status);
    }
    expect(github.pulls.at(-1)!.body).toContain('Closes #1');
  });
});
