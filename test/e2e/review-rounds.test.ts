// After the pull request (DESIGN §6b), through dist/index.js with real review
// payloads: a draft at implementation, ready at done; a writer's review with
// two inline comments runs one round (commits, a reply in each thread, both
// resolved); a reader's comment changes nothing; /stop on the pull request
// stops the session; a second round reads the first one's record.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { INT32_MAX } from '../helpers/big-ids.js';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { writePhaseWalker, type FakeCli } from '../helpers/fake-cli.js';
import { checkout, labeledEvent, makeRemote, pullCommentEvent, remoteFile, reviewCommentEvent, reviewEvent, runBuiltAction, type Remote } from '../helpers/runner.js';

const github = useFakeGitHub({ Codertocat: 'admin', reader: 'read' });
const ISSUE = 61;

/** An agent that walks every phase, edits greeting.txt in implementation, and answers the review threads it is given. */
function builder(): Promise<FakeCli> {
  return writePhaseWalker(`  const ids = [...stdin.matchAll(/Review thread (PRRT_[A-Za-z0-9_]+)/g)].map((m) => m[1]);
  fs.appendFileSync('greeting.txt', 'hello, round ' + ids.length + '\\n');
  if (ids.length) {
    fs.writeFileSync(path.join(session, '_review.json'), JSON.stringify({ threads: ids.map((id) => ({ id, addressed: true, reply: 'greeting.txt now says it' })) }));
    const context = fs.existsSync(path.join(session, '_review.md')) ? fs.readFileSync(path.join(session, '_review.md'), 'utf8') : '';
    fs.appendFileSync(path.join(dir, 'rounds.jsonl'), JSON.stringify({ ids, context }) + '\\n');
  }`);
}

const commits = (remote: Remote, branch: string) => Number(execFileSync('git', ['rev-list', '--count', branch], { cwd: remote.bare, encoding: 'utf8' }).trim());

describe('review rounds on the pull request', () => {
  it('runs a round per review, answers in the threads, and obeys /stop on the pull request', async () => {
    const agent = await builder();
    const calls = async () => (await agent.calls()).length;
    const rounds = () => readFileSync(join(agent.dir, 'rounds.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    github.addIssue({ number: ISSUE, title: 'Say hello', body: 'Add greeting.txt.', labels: ['samocode'] });
    const remote = makeRemote();
    const inputs = { provider: 'claude', 'cli-path': agent.path, 'auto-approve': 'true' };
    const run = (event: string, payload: Record<string, unknown>) => runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event, payload, inputs });

    // 1. The whole session: a draft pull request once implementation starts, ready for review at done.
    const first = await run('issues', labeledEvent(ISSUE));
    expect(first.code, first.stdout).toBe(0);
    expect(first.outputs.status).toBe('done');
    const branch = first.outputs.branch!;
    expect(github.pulls).toHaveLength(1);
    const pull = github.pulls[0]!;
    const created = github.requests.find((r) => r.method === 'POST' && r.path.endsWith('/pulls'))!;
    expect(created.body).toMatchObject({ head: branch, draft: true });
    expect((created.body as { body: string }).body).toContain(`Closes #${ISSUE}`);
    expect(pull.draft).toBe(false);
    expect(github.review.graphqlCalls.some((c) => c.query.includes('markPullRequestReadyForReview') && !c.errors)).toBe(true);
    expect(pull.body).toContain('greeting.txt says hello');

    // 2–3. A writer's review with two inline comments: one round, new commits, a reply in each thread, both resolved.
    const { comments } = github.review.addReview(pull.number, 'Codertocat', 'CHANGES_REQUESTED', 'Two things.', [
      { path: 'greeting.txt', line: 1, body: 'Say hello to the world.' },
      { path: 'greeting.txt', line: 1, body: 'End with a newline.' },
    ]);
    // github.com's ids: past what a 32-bit integer holds.
    for (const c of comments) expect(c.id).toBeGreaterThan(INT32_MAX);
    const before = commits(remote, branch);
    const callsBefore = await calls();
    const roundOne = await run('pull_request_review', reviewEvent(pull.number, branch, 'Codertocat', 'changes_requested', 'Two things.'));
    expect(roundOne.code, roundOne.stdout).toBe(0);
    expect(roundOne.outputs.status).toBe('done');
    expect(await calls()).toBeGreaterThan(callsBefore);
    expect(commits(remote, branch)).toBeGreaterThan(before + 1);
    expect(remoteFile(remote, branch, 'greeting.txt')).toContain('hello, round 2');
    const threadIds = comments.map((c) => c.thread);
    expect(rounds()[0].ids.sort()).toEqual([...threadIds].sort());
    for (const id of threadIds) {
      const replies = github.review.threadComments(id).filter((c) => c.user.login === 'github-actions[bot]');
      expect(replies).toHaveLength(1);
      expect(replies[0]!.body).toMatch(/^<!-- samocode:review-reply:1-\S+ -->\n/);
      expect(replies[0]!.body).toContain('Addressed in [');
      expect(github.review.threads.find((t) => t.id === id)!.isResolved).toBe(true);
    }
    expect(github.review.graphqlCalls.filter((c) => c.errors)).toEqual([]);
    // The replies went by the thread's node id, through the mutation an app's token may call.
    expect(github.review.graphqlCalls.filter((c) => c.query.includes('addPullRequestReviewThreadReply'))).toHaveLength(2);
    const tracking = github.issues.get(ISSUE)!.comments.find((c) => c.body.startsWith('<!-- samocode:tracking'))!;
    expect(tracking.body).toContain('Review rounds on #' + pull.number + ': 1 of at most 5; review round 1 answered.');
    expect(roundOne.summary).toContain('**Review rounds on #' + pull.number + ':** 1 of at most 5');

    // 4. A reader's inline comment changes nothing: no agent call, no round.
    const thread = github.review.threads[0]!;
    github.review.addComment(thread, 'reader', 'Make it louder!');
    thread.isResolved = false;
    const callsAtReader = await calls();
    const reader = await run('pull_request_review_comment', reviewCommentEvent(pull.number, branch, 'reader', 'Make it louder!'));
    expect(reader.code, reader.stdout).toBe(0);
    expect(await calls()).toBe(callsAtReader);
    expect(reader.outputs.status).toBe('done');
    thread.isResolved = true;

    // 5. /stop on the pull request stops the session.
    github.addComment(pull.number, 'Codertocat', '/stop');
    const stopped = await run('issue_comment', pullCommentEvent(pull.number, '/stop'));
    expect(stopped.code, stopped.stdout).toBe(0);
    expect(stopped.outputs.status).toBe('blocked');
    expect(github.issues.get(ISSUE)!.labels).toContain('samocode:blocked');

    // A writer's comment while the session is not done waits for the next round.
    github.addComment(pull.number, 'Codertocat', 'Also mention the README.');
    const waiting = await run('issue_comment', pullCommentEvent(pull.number, 'Also mention the README.'));
    expect(waiting.outputs.status).toBe('blocked');

    // 6. /resume, then a second review: round 2 reads round 1's record in the session folder.
    github.addComment(pull.number, 'Codertocat', '/resume');
    const resumed = await run('issue_comment', pullCommentEvent(pull.number, '/resume'));
    expect(resumed.outputs.status).toBe('done');
    github.review.addReview(pull.number, 'Codertocat', 'COMMENTED', '', [{ path: 'greeting.txt', line: 2, body: 'One more line, please.' }]);
    const roundTwo = await run('pull_request_review', reviewEvent(pull.number, branch, 'Codertocat', 'commented', null));
    expect(roundTwo.code, roundTwo.stdout).toBe(0);
    expect(rounds()).toHaveLength(2);
    expect(rounds()[1].context).toContain('## Round 1 (from @Codertocat)');
    expect(rounds()[1].context).toContain('Say hello to the world.');
    expect(rounds()[1].context).toContain('Also mention the README.');
    expect(remoteFile(remote, branch, `.samocode/sessions/${first.outputs.session}/_review.md`)).toContain('## Round 2');
  });
});
