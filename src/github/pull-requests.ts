// The session's pull request and its review: REST for the pull request and
// its reviews; GraphQL where REST has no way (the review threads with their
// resolved state, resolving one, ready for review) or no way for an app's
// token (a reply in a thread).
import { ownMarker } from '../core/marker.js';
import type { Review, ReviewComment, ReviewThread } from '../core/review.js';
import { isoStamp } from '../core/time.js';
import { RepositoryCalls } from './repository-calls.js';

export interface PullInfo {
  number: number;
  nodeId: string;
  headRef: string;
  draft: boolean;
  state: string;
  url: string;
  body: string;
}

// Ids through `fullDatabaseId` (a BigInt, sent as a string): github.com's
// review comment ids no longer fit the deprecated 32-bit `databaseId`.
// Every thread and every comment of a thread, a page of 100 at a time.
const COMMENT = `fragment comment on PullRequestReviewComment { fullDatabaseId body createdAt diffHunk author { login __typename } }`;

const THREADS = `query($owner: String!, $repo: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id
          isResolved
          path
          line
          comments(first: 100) { pageInfo { hasNextPage endCursor } nodes { ...comment } }
        }
      }
    }
  }
}
${COMMENT}`;

const THREAD_COMMENTS = `query($thread: ID!, $cursor: String) {
  node(id: $thread) {
    ... on PullRequestReviewThread { comments(first: 100, after: $cursor) { pageInfo { hasNextPage endCursor } nodes { ...comment } } }
  }
}
${COMMENT}`;

/** GitHub's reply to a thread, by the thread's node id: enabled for app tokens, where REST's `…/replies` is not. */
const REPLY = `mutation($thread: ID!, $body: String!) { addPullRequestReviewThreadReply(input: { pullRequestReviewThreadId: $thread, body: $body }) { comment { id } } }`;
const RESOLVE = `mutation($thread: ID!) { resolveReviewThread(input: { threadId: $thread }) { thread { id isResolved } } }`;
const READY = `mutation($pull: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $pull }) { pullRequest { id isDraft } } }`;

interface Page<T> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
}

interface CommentNode {
  fullDatabaseId: string | null;
  body: string;
  createdAt: string;
  diffHunk: string;
  author: { login: string; __typename: string } | null;
}

interface ThreadNode {
  id: string;
  isResolved: boolean;
  path: string;
  line: number | null;
  comments: Page<CommentNode>;
}

interface ThreadPage {
  repository: { pullRequest: { reviewThreads: Page<ThreadNode> } | null } | null;
}

interface CommentPage {
  node: { comments?: Page<CommentNode> } | null;
}

/** Every node of a connection, asking page after page from the cursor given (the first page when null). */
async function allPages<T>(first: Page<T> | null, next: (cursor: string) => Promise<Page<T> | null>): Promise<T[]> {
  const nodes: T[] = [...(first?.nodes ?? [])];
  let page = first;
  while (page?.pageInfo.hasNextPage && page.pageInfo.endCursor) {
    page = await next(page.pageInfo.endCursor);
    nodes.push(...(page?.nodes ?? []));
  }
  return nodes;
}

export class PullRequestApi extends RepositoryCalls {
  private info(data: { number: number; node_id: string; head: { ref: string }; draft?: boolean; state: string; html_url: string; body: string | null }): PullInfo {
    return { number: data.number, nodeId: data.node_id, headRef: data.head.ref, draft: data.draft ?? false, state: data.state, url: data.html_url, body: data.body ?? '' };
  }

  async get(number: number): Promise<PullInfo> {
    const { data } = await this.client.rest.pulls.get({ owner: this.owner, repo: this.repo, pull_number: number });
    return this.info(data);
  }

  /** The open pull request from `head`, if there is one. */
  async findOpen(head: string): Promise<PullInfo | null> {
    const { data } = await this.client.rest.pulls.list({ owner: this.owner, repo: this.repo, head: `${this.owner}:${head}`, state: 'open', per_page: 10 });
    const found = data.find((p) => p.head.ref === head);
    return found ? this.info(found) : null;
  }

  async create(options: { head: string; base: string; title: string; body: string; draft: boolean }): Promise<PullInfo> {
    this.writes++;
    const { data } = await this.client.rest.pulls.create({
      owner: this.owner,
      repo: this.repo,
      head: options.head,
      base: options.base,
      title: this.body(options.title).slice(0, 250),
      body: this.body(options.body),
      draft: options.draft,
    });
    return this.info(data);
  }

  async updateBody(number: number, body: string): Promise<void> {
    this.writes++;
    await this.client.rest.pulls.update({ owner: this.owner, repo: this.repo, pull_number: number, body: this.body(body) });
  }

  async markReady(pull: PullInfo): Promise<void> {
    if (!pull.draft) return;
    this.writes++;
    await this.client.graphql(READY, { pull: pull.nodeId });
  }

  async reviews(number: number): Promise<Review[]> {
    const all = await this.client.paginate(this.client.rest.pulls.listReviews, { owner: this.owner, repo: this.repo, pull_number: number, per_page: 100 });
    return all.map((r) => ({
      id: r.id,
      author: r.user?.login ?? '',
      authorType: r.user?.type ?? 'User',
      state: r.state,
      body: r.body ?? '',
      submittedAt: r.submitted_at ?? isoStamp(0),
    }));
  }

  /** Every review thread of the pull request, each with every comment. */
  async threads(number: number): Promise<ReviewThread[]> {
    const threadPage = async (cursor: string | null) =>
      (await this.client.graphql<ThreadPage>(THREADS, { owner: this.owner, repo: this.repo, number, cursor })).repository?.pullRequest?.reviewThreads ?? null;
    const commentPage = async (thread: string, cursor: string) => (await this.client.graphql<CommentPage>(THREAD_COMMENTS, { thread, cursor })).node?.comments ?? null;
    const nodes = await allPages(await threadPage(null), threadPage);
    const threads: ReviewThread[] = [];
    for (const t of nodes) {
      const comments = await allPages(t.comments, (cursor) => commentPage(t.id, cursor));
      threads.push({ id: t.id, isResolved: t.isResolved, path: t.path, line: t.line, comments: comments.map(reviewComment) });
    }
    return threads;
  }

  /** A reply in the thread, unless the action's own with the same marker is there already. */
  async reply(thread: ReviewThread, body: string): Promise<void> {
    const marker = ownMarker(body);
    // Only the action's own comment counts: a marker copied into someone else's does not stop the reply.
    if (marker && thread.comments.some((c) => ownMarker(c.body) === marker && c.authorType === 'Bot')) return;
    this.writes++;
    await this.client.graphql(REPLY, { thread: thread.id, body: this.body(body) });
  }

  async resolve(threadId: string): Promise<void> {
    this.writes++;
    await this.client.graphql(RESOLVE, { thread: threadId });
  }
}

function reviewComment(c: CommentNode): ReviewComment {
  return {
    id: Number(c.fullDatabaseId ?? 0),
    author: c.author?.login ?? '',
    authorType: c.author?.__typename === 'Bot' ? 'Bot' : 'User',
    body: c.body,
    createdAt: c.createdAt,
    diffHunk: c.diffHunk,
  };
}
