// A local stand-in for the GitHub REST API: the few endpoints samocode
// calls, state in memory, every request recorded, faults on demand.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback, readBody } from './http.js';
import { afterAll, beforeAll } from 'vitest';
import { FakeReview } from './fake-review.js';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
  created_at: string;
  updated_at: string;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  comments: FakeComment[];
  pull_request?: unknown;
}

/** A reaction as GitHub's REST description shapes it (`reaction`). */
export interface FakeReaction {
  id: number;
  node_id: string;
  user: { login: string; type: string };
  content: string;
  created_at: string;
}

const REACTIONS = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'];

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface Fault {
  method?: string;
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  message?: string;
  times: number;
}

export interface FakePull {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: string;
  draft: boolean;
}

export type FakeRoute = (request: { method: string; path: string; body: any; url: URL }, send: (status: number, data?: unknown) => void) => boolean | Promise<boolean>;

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  issues = new Map<number, FakeIssue>();
  permissions = new Map<string, string>();
  pulls: FakePull[] = [];
  /** More endpoints (the review stand-in adds its own), asked before the built-in ones. */
  routes: FakeRoute[] = [];
  /** Reviews, review threads and GraphQL for the pull requests. */
  readonly review: FakeReview;
  dispatches: { workflow: string; ref: string; inputs: Record<string, string> }[] = [];
  /** Reactions on issue comments, by comment id. */
  reactions = new Map<number, FakeReaction[]>();
  /** Telegram messages, for tests that point TELEGRAM_API_URL here too. */
  telegram: { token: string; chatId: string; text: string }[] = [];
  requests: RecordedRequest[] = [];
  faults: Fault[] = [];
  defaultBranch = 'main';
  private nextId = 1000;
  private server: Server | null = null;
  url = '';

  constructor(
    repository = 'Codertocat/Hello-World',
    /** Date every comment with this one time, as a stand-in built from example payloads would. */
    private readonly fixedTime?: string,
  ) {
    [this.owner, this.repo] = repository.split('/') as [string, string];
    this.review = new FakeReview(this);
  }

  private now(): string {
    return this.fixedTime ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  }

  addIssue(issue: Partial<FakeIssue> & { number: number }): FakeIssue {
    const full: FakeIssue = { title: 'An issue', body: '', labels: [], comments: [], ...issue };
    this.issues.set(issue.number, full);
    return full;
  }

  /** A comment as a person would make it, dated now to the second as GitHub does (or when given). */
  addComment(issue: number, login: string, body: string, at = this.now(), type = 'User'): FakeComment {
    const comment = { id: this.nextId++, body, user: { login, type }, created_at: at, updated_at: at };
    this.issues.get(issue)!.comments.push(comment);
    return comment;
  }

  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.url = await listenOnLoopback(this.server);
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((done) => this.server?.close(() => done()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readBody(req)) as any;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, body });

    const send = (status: number, data?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(data === undefined ? '' : JSON.stringify(data));
    };
    const fault = this.faults.find((f) => f.times > 0 && f.path.test(url.pathname) && (!f.method || f.method === method));
    if (fault) {
      fault.times--;
      return send(fault.status, { message: fault.message ?? `injected ${fault.status}` }, fault.headers);
    }

    for (const route of this.routes) if (await route({ method, path: url.pathname, body, url }, send)) return;

    const telegram = /^\/bot([^/]+)\/sendMessage$/.exec(url.pathname);
    if (telegram && method === 'POST') {
      this.telegram.push({ token: telegram[1]!, chatId: body.chat_id, text: body.text });
      return send(200, { ok: true });
    }
    const base = `/repos/${this.owner}/${this.repo}`;
    const path = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : null;
    if (path === null) return send(404, { message: 'Not Found' });
    let m: RegExpExecArray | null;

    if (path === '' && method === 'GET') {
      return send(200, { full_name: `${this.owner}/${this.repo}`, default_branch: this.defaultBranch });
    }
    if ((m = /^\/collaborators\/([^/]+)\/permission$/.exec(path))) {
      const permission = this.permissions.get(decodeURIComponent(m[1]!)) ?? 'none';
      const legacy = permission === 'maintain' ? 'write' : permission === 'triage' ? 'read' : permission;
      return send(200, { permission: legacy, role_name: permission, user: { login: m[1] } });
    }
    if ((m = /^\/issues\/(\d+)$/.exec(path)) && method === 'GET') {
      const issue = this.issues.get(Number(m[1]));
      if (!issue) return send(404, { message: 'Not Found' });
      return send(200, this.issueJson(issue));
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(path))) {
      const issue = this.issues.get(Number(m[1]));
      if (!issue) return send(404, { message: 'Not Found' });
      if (method === 'GET') return send(200, issue.comments);
      const comment = this.addComment(issue.number, 'github-actions[bot]', body.body, undefined, 'Bot');
      return send(201, comment);
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(path)) && method === 'PATCH') {
      for (const issue of this.issues.values()) {
        const comment = issue.comments.find((c) => c.id === Number(m![1]));
        if (comment) {
          comment.body = body.body;
          comment.updated_at = this.now();
          return send(200, comment);
        }
      }
      return send(404, { message: 'Not Found' });
    }
    if ((m = /^\/issues\/comments\/(\d+)\/reactions$/.exec(path)) && method === 'POST') {
      return this.react(Number(m[1]), body, send);
    }
    if ((m = /^\/issues\/(\d+)\/labels$/.exec(path)) && method === 'POST') {
      const issue = this.issues.get(Number(m[1]))!;
      for (const label of body.labels as string[]) if (!issue.labels.includes(label)) issue.labels.push(label);
      return send(200, issue.labels.map((name) => ({ name })));
    }
    if ((m = /^\/issues\/(\d+)\/labels\/(.+)$/.exec(path)) && method === 'DELETE') {
      const issue = this.issues.get(Number(m[1]))!;
      const name = decodeURIComponent(m[2]!);
      if (!issue.labels.includes(name)) return send(404, { message: 'Label does not exist' });
      issue.labels = issue.labels.filter((l) => l !== name);
      return send(200, issue.labels.map((n) => ({ name: n })));
    }
    if (path === '/pulls' && method === 'GET') {
      const head = url.searchParams.get('head')?.split(':').at(-1);
      const state = url.searchParams.get('state') ?? 'open';
      return send(200, this.pulls.filter((p) => (!head || p.head === head) && (state === 'all' || p.state === state)).map((p) => this.pullJson(p)));
    }
    if (path === '/pulls' && method === 'POST') {
      const pull = { number: 100 + this.pulls.length, head: body.head, base: body.base, title: body.title, body: body.body, state: 'open', draft: body.draft === true };
      this.pulls.push(pull);
      // A pull request is an issue too: its conversation is that issue's comments.
      this.addIssue({ number: pull.number, title: pull.title, body: pull.body, pull_request: { url: `https://api.github.com/repos/${this.owner}/${this.repo}/pulls/${pull.number}` } });
      return send(201, this.pullJson(pull));
    }
    if ((m = /^\/actions\/workflows\/([^/]+)\/dispatches$/.exec(path)) && method === 'POST') {
      this.dispatches.push({ workflow: decodeURIComponent(m[1]!), ref: body.ref, inputs: body.inputs });
      return send(204);
    }
    return send(404, { message: `no stand-in for ${method} ${url.pathname}` });
  }

  /** `POST …/issues/comments/{comment_id}/reactions`: 201 when made, 200 when this user already reacted so, 422 for an unknown content. */
  private react(commentId: number, body: any, send: (status: number, data?: unknown) => void): void {
    const exists = [...this.issues.values()].some((issue) => issue.comments.some((c) => c.id === commentId));
    if (!exists) return send(404, { message: 'Not Found' });
    if (!REACTIONS.includes(body?.content)) return send(422, { message: 'Validation Failed', errors: [{ resource: 'Reaction', field: 'content', code: 'invalid' }] });
    const user = { login: 'github-actions[bot]', type: 'Bot' };
    const list = this.reactions.get(commentId) ?? [];
    const same = list.find((r) => r.content === body.content && r.user.login === user.login);
    if (same) return send(200, same);
    const reaction = { id: this.nextId++, node_id: `REA_kwFake${this.nextId}`, user, content: body.content, created_at: this.now() };
    this.reactions.set(commentId, [...list, reaction]);
    send(201, reaction);
  }

  /** The reactions on a comment, as `content` strings. */
  reactionsOn(commentId: number): string[] {
    return (this.reactions.get(commentId) ?? []).map((r) => r.content);
  }

  private issueJson(issue: FakeIssue) {
    return {
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: 'open',
      labels: issue.labels.map((name) => ({ name })),
      html_url: `https://github.com/${this.owner}/${this.repo}/issues/${issue.number}`,
      ...(issue.pull_request ? { pull_request: issue.pull_request } : {}),
    };
  }

  pullJson(p: FakePull) {
    return {
      number: p.number,
      node_id: `PR_kwFake${p.number}`,
      draft: p.draft,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${p.number}`,
      head: { ref: p.head },
      base: { ref: p.base },
      title: p.title,
      body: p.body,
      state: p.state,
    };
  }
}

/** A stand-in started before a file's tests and stopped after them, with these repository permissions. */
export function useFakeGitHub(permissions: Record<string, string> = {}, fixedTime?: string): FakeGitHub {
  const github = new FakeGitHub(undefined, fixedTime);
  for (const [login, permission] of Object.entries(permissions)) github.permissions.set(login, permission);
  beforeAll(() => github.start());
  afterAll(() => github.stop());
  return github;
}
