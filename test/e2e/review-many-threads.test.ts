// A pull request with more review than one page holds (issue 21), through
// dist/index.js: 150 threads, one of them 120 comments long. The round takes
// in every thread and every comment, and answers and resolves every thread.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { writePhaseWalker } from '../helpers/fake-cli.js';
import { checkout, labeledEvent, makeRemote, remoteFile, reviewEvent, runBuiltAction } from '../helpers/runner.js';

const github = useFakeGitHub({ Codertocat: 'admin' });
const ISSUE = 64;

describe('a review larger than a page', () => {
  it('150 threads, one with 120 comments: every thread and every comment taken in, every thread answered', async () => {
    const agent = await writePhaseWalker(`  const ids = [...stdin.matchAll(/Review thread (PRRT_[A-Za-z0-9_]+)/g)].map((m) => m[1]);
  fs.appendFileSync('greeting.txt', 'hello\\n');
  if (ids.length) {
    fs.writeFileSync(path.join(session, '_review.json'), JSON.stringify({ threads: ids.map((id) => ({ id, addressed: true, reply: 'done' })) }));
    fs.writeFileSync(path.join(dir, 'round.json'), JSON.stringify({ ids, stdin }));
  }`);
    github.addIssue({ number: ISSUE, title: 'Say hello', body: 'Add greeting.txt.', labels: ['samocode'] });
    const remote = makeRemote();
    const inputs = { provider: 'claude', 'cli-path': agent.path, 'auto-approve': 'true' };
    const run = (event: string, payload: Record<string, unknown>) => runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event, payload, inputs, timeoutMs: 180_000 });

    const first = await run('issues', labeledEvent(ISSUE));
    expect(first.outputs.status, first.stdout).toBe('done');
    const branch = first.outputs.branch!;
    const pull = github.pulls[0]!.number;

    const { comments } = github.review.addReview(
      pull,
      'Codertocat',
      'CHANGES_REQUESTED',
      'Many things.',
      Array.from({ length: 150 }, (_, i) => ({ path: 'greeting.txt', line: i + 1, body: `thread-${i}-opening` })),
    );
    const long = github.review.threads.find((t) => t.id === comments[42]!.thread)!;
    for (let i = 1; i < 120; i++) github.review.addComment(long, 'Codertocat', `long-${i}-word`);
    expect(github.review.threadComments(long.id)).toHaveLength(120);

    const round = await run('pull_request_review', reviewEvent(pull, branch, 'Codertocat', 'changes_requested', 'Many things.'));
    expect(round.code, round.stdout).toBe(0);
    expect(round.outputs.status, round.stdout).toBe('done');

    const given = JSON.parse(readFileSync(join(agent.dir, 'round.json'), 'utf8')) as { ids: string[]; stdin: string };
    expect(new Set(given.ids)).toEqual(new Set(github.review.threads.map((t) => t.id)));
    expect(given.ids).toHaveLength(150);
    for (let i = 0; i < 150; i++) expect(given.stdin).toContain(`thread-${i}-opening`);
    for (let i = 1; i < 120; i++) expect(given.stdin).toContain(`long-${i}-word`);
    // Kept in the session folder for later rounds, whole.
    const record = remoteFile(remote, branch, `.samocode/sessions/${first.outputs.session}/_review.md`);
    expect(record).toContain('long-119-word');
    expect(record).toContain('thread-149-opening');

    // Every thread answered once and resolved, the long one after its 120th comment.
    for (const thread of github.review.threads) {
      expect(thread.isResolved).toBe(true);
      expect(github.review.threadComments(thread.id).filter((c) => c.user.login === 'github-actions[bot]')).toHaveLength(1);
    }
    expect(github.review.threadComments(long.id).at(-1)!.user.login).toBe('github-actions[bot]');
    expect(github.review.graphqlCalls.filter((c) => c.errors)).toEqual([]);
  }, 600_000);
});
