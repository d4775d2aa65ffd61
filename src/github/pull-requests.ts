// The session's pull request and its review: REST for the pull request,
// its reviews and thread replies; GraphQL where REST has no way (the review
// threads with their resolved state, resolving one, ready for review).
import { ownMarker } from '../core/marker.js';
import type { Review, ReviewThread } from '../core/review.js';
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

const THREADS = `query($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 100) {
        nodes {
          id
          isResolved
          path
          line
          comments(first: 100) {
            nodes { databaseId body createdAt diffHunk author { login __typename } }
          }
        }
      }
    }
  }
}`;

const RESOLVE = `mutation($thread: ID!) { resolveReviewThread(input: { threadId: $thread }) { thread { id isResolved } } }`;
const READY = `mutation($pull: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $pull }) { pullRequest { id isDraft } } }`;

interface ThreadNodes {
  repository: {
    pullRequest: {
      reviewThreads: {
        nodes: {
          id: string;
          isResolved: boolean;
          path: string;
          line: number | null;
          comments: { nodes: { databaseId: number; body: string; createdAt: string; diffHunk: string; author: { login: string; __typename: string } | null }[] };
        }[];
      };
    } | null;
  } | null;
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
      submittedAt: r.submitted_at ?? new Date(0).toISOString(),
    }));
  }

  async threads(number: number): Promise<ReviewThread[]> {
    const data = await this.client.graphql<ThreadNodes>(THREADS, { owner: this.owner, repo: this.repo, number });
    const nodes = data.repository?.pullRequest?.reviewThreads.nodes ?? [];
    return nodes.map((t) => ({
      id: t.id,
      isResolved: t.isResolved,
      path: t.path,
      line: t.line,
      comments: t.comments.nodes.map((c) => ({
        id: c.databaseId,
        author: c.author?.login ?? '',
        authorType: c.author?.__typename === 'Bot' ? 'Bot' : 'User',
        body: c.body,
        createdAt: c.createdAt,
        diffHunk: c.diffHunk,
      })),
    }));
  }

  /** A reply in the thread of `commentId`, unless one with the same marker is there already. */
  async reply(number: number, thread: ReviewThread, body: string): Promise<void> {
    const marker = ownMarker(body);
    // Only the action's own comment counts: a marker copied into someone else's does not stop the reply.
    if (marker && thread.comments.some((c) => ownMarker(c.body) === marker && c.authorType === 'Bot')) return;
    const first = thread.comments[0];
    if (!first) return;
    this.writes++;
    await this.client.rest.pulls.createReplyForReviewComment({ owner: this.owner, repo: this.repo, pull_number: number, comment_id: first.id, body: this.body(body) });
  }

  async resolve(threadId: string): Promise<void> {
    this.writes++;
    await this.client.graphql(RESOLVE, { thread: threadId });
  }
}
