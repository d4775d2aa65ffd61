// The review side of the API stand-in: a pull request's reviews, inline
// comments grouped in threads, replies, and GraphQL. GraphQL requests are
// executed against GitHub's published schema (@octokit/graphql-schema), so a
// query or mutation GitHub would refuse is refused here too: a 32-bit `Int`
// holding a larger id is an error, a connection gives at most 100 nodes a
// page, and a deprecated field fails the test file that asked for it.
import { schema as published } from '@octokit/graphql-schema';
import { buildSchema, graphql, GraphQLError, NoDeprecatedCustomRule, parse, validate, type GraphQLSchema } from 'graphql';
import { BIG_IDS } from './big-ids.js';
import type { FakeGitHub, FakePull } from './fake-github.js';
import { example } from './github-schema.js';

export interface FakeReviewComment {
  id: number;
  pull: number;
  thread: string;
  path: string;
  line: number;
  body: string;
  user: { login: string; type: string };
  created_at: string;
  in_reply_to_id?: number;
}

export interface FakeThread {
  id: string;
  pull: number;
  path: string;
  line: number;
  isResolved: boolean;
}

export interface FakeReviewRecord {
  id: number;
  pull: number;
  user: { login: string; type: string };
  body: string;
  state: string;
  submitted_at: string;
}

let schema: GraphQLSchema | null = null;
/** GitHub's schema, built once per process: a few hundred milliseconds. */
function githubSchema(): GraphQLSchema {
  schema ??= buildSchema(published.idl, { assumeValidSDL: true });
  return schema;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class FakeReview {
  reviews: FakeReviewRecord[] = [];
  comments: FakeReviewComment[] = [];
  threads: FakeThread[] = [];
  /** Every GraphQL request, with its errors if GitHub's schema refused it. */
  graphqlCalls: { query: string; variables: Record<string, unknown>; errors?: string[] }[] = [];
  /** Deprecated fields, arguments and values that a query used. */
  deprecatedUses: string[] = [];
  private nextId = BIG_IDS.review;

  constructor(private readonly github: FakeGitHub) {
    github.routes.push((request, send) => this.route(request, send));
  }

  private pull(number: number): FakePull | undefined {
    return this.github.pulls.find((p) => p.number === number);
  }

  /** A submitted review, with inline comments each opening a thread. */
  addReview(pull: number, login: string, state: 'COMMENTED' | 'CHANGES_REQUESTED' | 'APPROVED', body: string, inline: { path: string; line: number; body: string }[] = [], type = 'User'): { review: FakeReviewRecord; comments: FakeReviewComment[] } {
    const at = now();
    const review = { id: this.nextId++, pull, user: { login, type }, body, state, submitted_at: at };
    this.reviews.push(review);
    const comments = inline.map((c) => {
      const thread = { id: `PRRT_kwFake${this.nextId++}`, pull, path: c.path, line: c.line, isResolved: false };
      this.threads.push(thread);
      return this.addComment(thread, login, c.body, type);
    });
    return { review, comments };
  }

  /** A comment in an existing thread, as a person replying there. */
  addComment(thread: FakeThread, login: string, body: string, type = 'User', inReplyTo?: number): FakeReviewComment {
    const comment = { id: this.nextId++, pull: thread.pull, thread: thread.id, path: thread.path, line: thread.line, body, user: { login, type }, created_at: now(), ...(inReplyTo ? { in_reply_to_id: inReplyTo } : {}) };
    this.comments.push(comment);
    return comment;
  }

  threadComments(thread: string): FakeReviewComment[] {
    return this.comments.filter((c) => c.thread === thread);
  }

  /** GitHub's own example of a user, as another login. */
  private userJson(user: { login: string; type: string }, from: { user?: Record<string, unknown> }) {
    return { ...from.user, login: user.login, type: user.type };
  }

  private reviewJson(r: FakeReviewRecord) {
    const repo = `${this.github.owner}/${this.github.repo}`;
    const shape = example('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', 200)[0];
    return {
      ...shape,
      id: r.id,
      node_id: `PRR_kwFake${r.id}`,
      user: this.userJson(r.user, shape),
      body: r.body,
      state: r.state,
      html_url: `https://github.com/${repo}/pull/${r.pull}#pullrequestreview-${r.id}`,
      pull_request_url: `https://api.github.com/repos/${repo}/pulls/${r.pull}`,
      submitted_at: r.submitted_at,
      commit_id: '0000000000000000000000000000000000000000',
      author_association: 'COLLABORATOR',
      _links: { html: { href: `https://github.com/${repo}/pull/${r.pull}` }, pull_request: { href: `https://api.github.com/repos/${repo}/pulls/${r.pull}` } },
    };
  }

  private commentJson(c: FakeReviewComment) {
    const repo = `${this.github.owner}/${this.github.repo}`;
    const shape = example('POST', '/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies', 201);
    return {
      ...shape,
      id: c.id,
      node_id: `PRRC_kwFake${c.id}`,
      pull_request_review_id: null,
      path: c.path,
      line: c.line,
      body: c.body,
      user: this.userJson(c.user, shape),
      created_at: c.created_at,
      updated_at: c.created_at,
      diff_hunk: `@@ -1,1 +1,1 @@\n+line ${c.line}`,
      html_url: `https://github.com/${repo}/pull/${c.pull}#discussion_r${c.id}`,
      url: `https://api.github.com/repos/${repo}/pulls/comments/${c.id}`,
      pull_request_url: `https://api.github.com/repos/${repo}/pulls/${c.pull}`,
      ...(c.in_reply_to_id ? { in_reply_to_id: c.in_reply_to_id } : {}),
    };
  }

  private async route(request: { method: string; path: string; body: any }, send: (status: number, data?: unknown) => void): Promise<boolean> {
    const { method, path, body } = request;
    if (path === '/graphql' && method === 'POST') {
      send(200, await this.graphql(body));
      return true;
    }
    const base = `/repos/${this.github.owner}/${this.github.repo}`;
    if (!path.startsWith(base)) return false;
    const rest = path.slice(base.length);
    let m: RegExpExecArray | null;
    if ((m = /^\/pulls\/(\d+)$/.exec(rest))) {
      const pull = this.pull(Number(m[1]));
      if (!pull) return send(404, { message: 'Not Found' }), true;
      if (method === 'PATCH') {
        if (typeof body?.body === 'string') pull.body = body.body;
        if (typeof body?.title === 'string') pull.title = body.title;
      } else if (method !== 'GET') return false;
      send(200, this.github.pullJson(pull));
      return true;
    }
    if ((m = /^\/pulls\/(\d+)\/reviews$/.exec(rest)) && method === 'GET') {
      send(200, this.reviews.filter((r) => r.pull === Number(m![1])).map((r) => this.reviewJson(r)));
      return true;
    }
    if ((m = /^\/pulls\/(\d+)\/comments\/(\d+)\/replies$/.exec(rest)) && method === 'POST') {
      const parent = this.comments.find((c) => c.id === Number(m![2]) && c.pull === Number(m![1]));
      if (!parent) return send(404, { message: 'Not Found' }), true;
      if (typeof body?.body !== 'string' || !body.body) return send(422, { message: 'Validation Failed' }), true;
      const thread = this.threads.find((t) => t.id === parent.thread)!;
      // GitHub answers a reply to a reply by putting it in the same thread, under its first comment.
      const reply = this.addComment(thread, 'github-actions[bot]', body.body, 'Bot', this.threadComments(thread.id)[0]!.id);
      send(201, this.commentJson(reply));
      return true;
    }
    return false;
  }

  private async graphql(body: { query?: string; variables?: Record<string, unknown> }) {
    const query = body?.query ?? '';
    const variables = body?.variables ?? {};
    this.noteDeprecated(query);
    const result = await graphql({ schema: githubSchema(), source: query, variableValues: variables, rootValue: this.root() });
    const errors = result.errors?.map((e) => e.message);
    this.graphqlCalls.push({ query, variables, ...(errors ? { errors } : {}) });
    return result.errors ? { data: result.data ?? null, errors: result.errors.map((e) => ({ message: e.message })) } : { data: result.data };
  }

  /** GitHub keeps deprecated fields until their removal date; a test that uses one would break on that day, so it fails now. */
  private noteDeprecated(query: string): void {
    let document;
    try {
      document = parse(query);
    } catch {
      return; // graphql() reports the syntax error
    }
    for (const error of validate(githubSchema(), document, [NoDeprecatedCustomRule])) this.deprecatedUses.push(`GraphQL: ${error.message}`);
  }

  /** Resolvers for what samocode asks; the schema decides what may be asked and what comes back. */
  private root() {
    const commentNode = (c: FakeReviewComment) => ({
      __typename: 'PullRequestReviewComment',
      id: `PRRC_kwFake${c.id}`,
      // A 32-bit Int: an id past 2^31 − 1 makes the schema answer with an error, as GitHub does.
      databaseId: c.id,
      // GitHub's BigInt travels as a string.
      fullDatabaseId: String(c.id),
      body: c.body,
      createdAt: c.created_at,
      diffHunk: `@@ -1,1 +1,1 @@\n+line ${c.line}`,
      author: { __typename: c.user.type === 'Bot' ? 'Bot' : 'User', login: c.user.login.replace(/\[bot\]$/, '') },
    });
    const threadNode = (t: FakeThread) => ({
      __typename: 'PullRequestReviewThread',
      id: t.id,
      isResolved: t.isResolved,
      path: t.path,
      line: t.line,
      comments: (args: Page) => connection('comments', this.threadComments(t.id).map(commentNode), args),
    });
    return {
      repository: ({ owner, name }: { owner: string; name: string }) =>
        owner === this.github.owner && name === this.github.repo
          ? {
              pullRequest: ({ number }: { number: number }) =>
                this.pull(number) ? { reviewThreads: (args: Page) => connection('reviewThreads', this.threads.filter((t) => t.pull === number).map(threadNode), args) } : null,
            }
          : null,
      node: ({ id }: { id: string }) => {
        const thread = this.threads.find((t) => t.id === id);
        if (thread) return threadNode(thread);
        const comment = this.comments.find((c) => `PRRC_kwFake${c.id}` === id);
        if (comment) return commentNode(comment);
        throw new GraphQLError(`Could not resolve to a node with the global id of '${id}'`);
      },
      addPullRequestReviewThreadReply: ({ input }: { input: { pullRequestReviewThreadId: string; body: string } }) => {
        const thread = this.threads.find((t) => t.id === input.pullRequestReviewThreadId);
        if (!thread) throw new GraphQLError(`Could not resolve to a node with the global id of '${input.pullRequestReviewThreadId}'`);
        if (!input.body.trim()) throw new GraphQLError('Body can\'t be blank');
        const reply = this.addComment(thread, 'github-actions[bot]', input.body, 'Bot', this.threadComments(thread.id)[0]!.id);
        return { comment: commentNode(reply) };
      },
      resolveReviewThread: ({ input }: { input: { threadId: string } }) => {
        const thread = this.threads.find((t) => t.id === input.threadId);
        if (!thread) throw new Error(`Could not resolve to a node with the global id of '${input.threadId}'`);
        thread.isResolved = true;
        return { thread: threadNode(thread) };
      },
      markPullRequestReadyForReview: ({ input }: { input: { pullRequestId: string } }) => {
        const pull = this.github.pulls.find((p) => `PR_kwFake${p.number}` === input.pullRequestId);
        if (!pull) throw new Error(`Could not resolve to a node with the global id of '${input.pullRequestId}'`);
        pull.draft = false;
        return { pullRequest: { __typename: 'PullRequest', id: input.pullRequestId, isDraft: false } };
      },
    };
  }
}

interface Page {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

const cursorOf = (index: number) => Buffer.from(`cursor:v2:${index}`).toString('base64');
const indexOf = (cursor: string) => Number(/^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString())?.[1] ?? NaN);

/** A page of a connection, as GitHub cuts one: `first` or `last` required, at most 100, cursors opaque. */
function connection<T>(name: string, all: T[], page: Page) {
  const { first, last, after, before } = page;
  if (first == null && last == null) throw new GraphQLError(`You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`);
  for (const [arg, value] of [['first', first], ['last', last]] as const) {
    if (value != null && value > 100) throw new GraphQLError(`Requesting ${value} records on the \`${name}\` connection exceeds the \`${arg}\` limit of 100 records.`);
  }
  let start = 0;
  let end = all.length;
  for (const cursor of [after, before]) if (cursor != null && Number.isNaN(indexOf(cursor))) throw new GraphQLError(`\`${cursor}\` does not appear to be a valid cursor.`);
  if (after != null) start = indexOf(after) + 1;
  if (before != null) end = Math.min(end, indexOf(before));
  if (first != null) end = Math.min(end, start + first);
  if (last != null) start = Math.max(start, end - last);
  const nodes = all.slice(start, end);
  return {
    nodes,
    edges: nodes.map((node, i) => ({ node, cursor: cursorOf(start + i) })),
    totalCount: all.length,
    pageInfo: {
      hasNextPage: end < all.length,
      hasPreviousPage: start > 0,
      startCursor: nodes.length ? cursorOf(start) : null,
      endCursor: nodes.length ? cursorOf(end - 1) : null,
    },
  };
}
