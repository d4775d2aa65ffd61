// The stand-in refuses what GitHub refuses, on its own (issue 21): ids past
// 2^31 − 1 everywhere, an app's token refused by the operations GitHub's
// description does not enable for apps, a 32-bit GraphQL Int that cannot hold
// an id is an error, a connection pages at most 100 nodes, and a deprecated
// field or operation fails the test file that used it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INT32_MAX } from '../helpers/big-ids.js';
import { FakeChecks } from '../helpers/fake-checks.js';
import { FakeGitHub, strayedFromGitHub } from '../helpers/fake-github.js';

const repo = '/repos/Codertocat/Hello-World';
const APP = 'ghs_installationtoken000000000000000000000';
const PERSONAL = 'github_pat_11AAAAAAA0personaltoken000000000000';

let github: FakeGitHub;
beforeEach(async () => {
  github = new FakeGitHub();
  github.permissions.set('Codertocat', 'admin');
  await github.start();
});
afterEach(() => github.stop());

async function call(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${github.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `token ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, data: text ? JSON.parse(text) : undefined };
}

const graphql = (query: string, variables: Record<string, unknown> = {}) => call('POST', '/graphql', APP, { query, variables });

/** A pull request with one review thread of one comment, made through the API as the action would. */
async function pullWithThread() {
  const pull = (await call('POST', `${repo}/pulls`, APP, { head: 'topic', base: 'main', title: 'T', body: 'B' })).data.number as number;
  const { review, comments } = github.review.addReview(pull, 'Codertocat', 'CHANGES_REQUESTED', 'Fix it.', [{ path: 'a.txt', line: 1, body: 'Here.' }]);
  return { pull, review, comment: comments[0]! };
}

describe('the stand-in is as strict as GitHub', () => {
  it('hands out ids past 2^31 − 1: comments, issues, pull requests, reactions, reviews, review comments, jobs, check runs', async () => {
    github.addIssue({ number: 5 });
    const comment = (await call('POST', `${repo}/issues/5/comments`, APP, { body: 'hi' })).data;
    const issue = (await call('GET', `${repo}/issues/5`, APP)).data;
    const reaction = (await call('POST', `${repo}/issues/comments/${comment.id}/reactions`, APP, { content: 'eyes' })).data;
    const { pull, review, comment: inline } = await pullWithThread();
    const pullJson = (await call('GET', `${repo}/pulls/${pull}`, APP)).data;
    const reviews = (await call('GET', `${repo}/pulls/${pull}/reviews`, APP)).data;
    const checks = new FakeChecks(github);
    const job = checks.addJob(1, { name: 'test', conclusion: 'failure', steps: [], log: '' });
    const run = checks.addCheckRun(2, { name: 'lint', conclusion: 'failure', output: { title: 't', summary: 's' } });
    for (const id of [comment.id, issue.id, reaction.id, pullJson.id, reviews[0].id, review.id, inline.id, job.id, run.id]) expect(id).toBeGreaterThan(INT32_MAX);
    expect(github.schemaMismatches).toEqual([]);
  });

  it('refuses an app token what the description does not enable for apps, with GitHub’s 403, and writes nothing', async () => {
    const { pull, comment } = await pullWithThread();
    const path = `${repo}/pulls/${pull}/comments/${comment.id}/replies`;
    const refused = await call('POST', path, APP, { body: 'a reply' });
    expect(refused).toEqual({ status: 403, data: { message: 'Resource not accessible by integration', documentation_url: expect.any(String) } });
    expect(github.review.threadComments(comment.thread)).toHaveLength(1);
    expect((await call('GET', '/user', APP)).status).toBe(403);
    // A person's token may: the same call makes the reply.
    expect((await call('POST', path, PERSONAL, { body: 'a reply' })).status).toBe(201);
    expect(github.review.threadComments(comment.thread)).toHaveLength(2);
    // What the description enables for apps stays open to them.
    expect((await call('GET', `${repo}/pulls/${pull}/reviews`, APP)).status).toBe(200);
    expect(github.schemaMismatches).toEqual([]);
  });

  it('answers a 32-bit Int that cannot hold the id with an error, as GitHub does, and gives the id as fullDatabaseId', async () => {
    const { pull, comment } = await pullWithThread();
    const ask = (field: string) =>
      graphql(`query($n: Int!) { repository(owner: "Codertocat", name: "Hello-World") { pullRequest(number: $n) { reviewThreads(first: 10) { nodes { comments(first: 10) { nodes { ${field} } } } } } } }`, { n: pull });
    const narrow = await ask('databaseId');
    expect(narrow.data.errors.map((e: { message: string }) => e.message)).toEqual([`Int cannot represent non 32-bit signed integer value: ${comment.id}`]);
    const wide = await ask('fullDatabaseId');
    expect(wide.data.errors).toBeUndefined();
    expect(wide.data.data.repository.pullRequest.reviewThreads.nodes[0].comments.nodes[0]).toEqual({ fullDatabaseId: String(comment.id) });
  });

  it('pages a connection as GitHub does: first or last required, at most 100, and cursors that go on', async () => {
    const pull = (await call('POST', `${repo}/pulls`, APP, { head: 'topic', base: 'main', title: 'T', body: 'B' })).data.number as number;
    github.review.addReview(pull, 'Codertocat', 'COMMENTED', '', Array.from({ length: 150 }, (_, i) => ({ path: 'a.txt', line: i + 1, body: `note ${i}` })));
    const page = (args: string) =>
      graphql(`query($n: Int!) { repository(owner: "Codertocat", name: "Hello-World") { pullRequest(number: $n) { reviewThreads${args} { pageInfo { hasNextPage endCursor } nodes { line } } } } }`, { n: pull });
    expect((await page('')).data.errors[0].message).toBe('You must provide a `first` or `last` value to properly paginate the `reviewThreads` connection.');
    expect((await page('(first: 101)')).data.errors[0].message).toBe('Requesting 101 records on the `reviewThreads` connection exceeds the `first` limit of 100 records.');
    const one = (await page('(first: 100)')).data.data.repository.pullRequest.reviewThreads;
    expect(one.nodes).toHaveLength(100);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const two = await graphql(
      `query($n: Int!, $cursor: String) { repository(owner: "Codertocat", name: "Hello-World") { pullRequest(number: $n) { reviewThreads(first: 100, after: $cursor) { pageInfo { hasNextPage } nodes { line } } } } }`,
      { n: pull, cursor: one.pageInfo.endCursor },
    );
    const rest = two.data.data.repository.pullRequest.reviewThreads;
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect([...one.nodes, ...rest.nodes].map((t: { line: number }) => t.line)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
  });

  it('fails the test file that used a deprecated GraphQL field or REST operation', async () => {
    await pullWithThread();
    strayedFromGitHub(github);
    await graphql(`{ repository(owner: "Codertocat", name: "Hello-World") { pullRequest(number: 100) { reviewThreads(first: 1) { nodes { comments(first: 1) { nodes { databaseId } } } } } } }`);
    expect(() => strayedFromGitHub(github)).toThrow(/The field PullRequestReviewComment\.databaseId is deprecated/);

    const rest = new FakeGitHub();
    await rest.start();
    try {
      // GET /teams/{team_id}: deprecated in the description; the stand-in does not serve it either.
      await fetch(`${rest.url}/teams/42`, { headers: { authorization: `token ${PERSONAL}` } });
      expect(() => strayedFromGitHub(rest)).toThrow(/teams\/get-legacy is deprecated/);
    } finally {
      await rest.stop();
    }
  });
});
