// The few GitHub calls samocode makes, typed and small. Every body passes
// the redactor on its way out; every write that could repeat is looked up
// by its hidden marker first.
import type { IssueComment } from '../core/intake.js';
import { ownMarker } from '../core/render.js';
import type { Redactor } from '../core/redact.js';
import type { GitHubClient } from './client.js';
import { RepositoryCalls } from './repository-calls.js';

export const STATE_LABELS = ['samocode:running', 'samocode:waiting', 'samocode:blocked', 'samocode:done'] as const;
export type StateLabel = (typeof STATE_LABELS)[number];

const WRITE_ROLES = new Set(['admin', 'maintain', 'write']);

export interface IssueInfo {
  number: number;
  title: string;
  body: string;
  labels: string[];
  url: string;
  state: string;
  /** When it was last closed; set while it is closed. */
  closedAt: string | null;
  isPullRequest: boolean;
}

export class PermissionUnknownError extends Error {
  override name = 'PermissionUnknownError';
}

export class RepoApi extends RepositoryCalls {
  private readonly permissions = new Map<string, boolean>();

  constructor(
    client: GitHubClient,
    owner: string,
    repo: string,
    redactor: Redactor,
    /** The first wait before our own retry of a comment (ms). */
    private readonly retryBaseMs = 1_000,
  ) {
    super(client, owner, repo, redactor);
  }

  /**
   * write, maintain or admin; anything else is no. GitHub answering 404 means
   * not a collaborator (no); any other failure throws PermissionUnknownError, so
   * that a caller may deny (a start) or wait for a later run (comments).
   */
  async canSteer(login: string): Promise<boolean> {
    const cached = this.permissions.get(login);
    if (cached !== undefined) return cached;
    let allowed: boolean;
    try {
      const { data } = await this.client.rest.repos.getCollaboratorPermissionLevel({ owner: this.owner, repo: this.repo, username: login });
      const role = (data as { role_name?: string }).role_name ?? data.permission;
      allowed = WRITE_ROLES.has(role) || WRITE_ROLES.has(data.permission);
    } catch (error) {
      if ((error as { status?: number }).status !== 404) {
        throw new PermissionUnknownError(`could not ask GitHub for @${login}'s permission: ${(error as Error).message}`);
      }
      allowed = false;
    }
    this.permissions.set(login, allowed);
    return allowed;
  }

  async issue(number: number): Promise<IssueInfo> {
    const { data } = await this.client.rest.issues.get({ owner: this.owner, repo: this.repo, issue_number: number });
    return {
      number: data.number,
      title: data.title,
      body: data.body ?? '',
      labels: data.labels.map((l) => (typeof l === 'string' ? l : l.name ?? '')).filter(Boolean),
      url: data.html_url,
      state: data.state,
      closedAt: data.closed_at ?? null,
      isPullRequest: Boolean(data.pull_request),
    };
  }

  async comments(issue: number): Promise<IssueComment[]> {
    const all = await this.client.paginate(this.client.rest.issues.listComments, {
      owner: this.owner,
      repo: this.repo,
      issue_number: issue,
      per_page: 100,
    });
    return all.map((c) => ({
      id: c.id,
      author: c.user?.login ?? '',
      authorType: c.user?.type ?? 'User',
      body: c.body ?? '',
      createdAt: c.created_at,
      updatedAt: c.updated_at,
    }));
  }

  /**
   * Creates a comment. A 5xx may come after GitHub did the write, so the retry
   * is ours, not the client's: look for the comment's marker first, then try again.
   */
  async comment(issue: number, body: string): Promise<number> {
    const marker = ownMarker(body);
    for (let attempt = 1; ; attempt++) {
      this.writes++;
      try {
        const { data } = await this.client.rest.issues.createComment({ owner: this.owner, repo: this.repo, issue_number: issue, body: this.body(body), request: { retries: 0 } });
        return data.id;
      } catch (error) {
        const status = (error as { status?: number }).status ?? 0;
        if (status < 500 || attempt >= 3) throw error;
        const landed = marker ? await this.findOwn(issue, marker) : null;
        if (landed !== null) return landed;
        await new Promise((done) => setTimeout(done, this.retryBaseMs * attempt));
      }
    }
  }

  /** The id of the action's own comment that carries `marker`, if there is one. */
  async findOwnComment(issue: number, marker: string): Promise<number | null> {
    return this.findOwn(issue, marker);
  }

  private async findOwn(issue: number, marker: string, existing?: IssueComment[]): Promise<number | null> {
    for (const c of existing ?? (await this.comments(issue))) {
      if (ownMarker(c.body) === marker && (await this.isOwn(c))) return c.id;
    }
    return null;
  }

  async editComment(id: number, body: string): Promise<void> {
    this.writes++;
    await this.client.rest.issues.updateComment({ owner: this.owner, repo: this.repo, comment_id: id, body: this.body(body) });
  }

  /** Posts unless a comment of its own with this marker is already there (a retried run, a 502 after the write). */
  async commentOnce(issue: number, marker: string, body: string, existing?: IssueComment[]): Promise<number> {
    return (await this.findOwn(issue, marker, existing)) ?? this.comment(issue, body);
  }

  /** A reaction on an issue comment: a quiet acknowledgement, no notification. */
  async react(commentId: number, content: '+1' | 'eyes'): Promise<void> {
    this.writes++;
    await this.client.rest.reactions.createForIssueComment({ owner: this.owner, repo: this.repo, comment_id: commentId, content });
  }

  private self: Promise<string | null> | null = null;

  /**
   * The action writes as a bot (the workflow token or an app); with a personal
   * token it writes as that person, found once by asking who the token is.
   * A marker copied into someone else's comment does not make it ours.
   */
  async isOwn(comment: IssueComment): Promise<boolean> {
    if (comment.authorType === 'Bot') return true;
    this.self ??= this.client.rest.users.getAuthenticated().then(
      ({ data }) => data.login,
      () => null,
    );
    return comment.author === (await this.self);
  }

  /**
   * One write a state change: the state label added, or, when another state
   * label must go, the issue's labels set in one request. The labels are read
   * just before, so that a label someone added during the run is kept.
   */
  async setStateLabel(issue: number, state: StateLabel, current: string[]): Promise<string[]> {
    const isStale = (l: string) => (STATE_LABELS as readonly string[]).includes(l) && l !== state;
    if (current.includes(state) && !current.some(isStale)) return current;
    const fresh = (await this.issue(issue)).labels;
    if (fresh.includes(state) && !fresh.some(isStale)) return fresh;
    const wanted = [...fresh.filter((l) => !isStale(l) && l !== state), state];
    this.writes++;
    if (fresh.some(isStale)) await this.client.rest.issues.setLabels({ owner: this.owner, repo: this.repo, issue_number: issue, labels: wanted });
    else await this.client.rest.issues.addLabels({ owner: this.owner, repo: this.repo, issue_number: issue, labels: [state] });
    return wanted;
  }

  async defaultBranch(): Promise<string> {
    const { data } = await this.client.rest.repos.get({ owner: this.owner, repo: this.repo });
    return data.default_branch;
  }

  /** The open pull request from `head`, or a new one. */
  async ensurePullRequest(head: string, base: string, title: string, body: string): Promise<{ number: number; url: string; created: boolean }> {
    const open = await this.client.rest.pulls.list({ owner: this.owner, repo: this.repo, head: `${this.owner}:${head}`, state: 'open', per_page: 10 });
    const found = open.data.find((p) => p.head.ref === head);
    if (found) return { number: found.number, url: found.html_url, created: false };
    this.writes++;
    const { data } = await this.client.rest.pulls.create({ owner: this.owner, repo: this.repo, head, base, title: this.body(title).slice(0, 250), body: this.body(body) });
    return { number: data.number, url: data.html_url, created: true };
  }

  async dispatch(workflow: string, ref: string, issue: number): Promise<void> {
    this.writes++;
    await this.client.rest.actions.createWorkflowDispatch({ owner: this.owner, repo: this.repo, workflow_id: workflow, ref, inputs: { issue: String(issue) } });
  }
}
