// A local stand-in for the GitHub REST API: the few endpoints samocode
// calls, state in memory, every request recorded, faults on demand.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback, readBody } from './http.js';
import { describedOperation, example, loadDescription, requestProblem, responseProblem } from './github-schema.js';
import { afterAll, beforeAll } from 'vitest';
import { FakeReview } from './fake-review.js';
import { BIG_IDS } from './big-ids.js';

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
  state: 'open' | 'closed';
  closed_at: string | null;
  pull_request?: unknown;
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

/** More endpoints, asked before the built-in ones (the review stand-in adds its own). `send` writes JSON, or a string as it is when the headers give a text/ content type. */
export type FakeRoute = (
  request: { method: string; path: string; body: any; url: URL; headers: Record<string, string | string[] | undefined> },
  send: (status: number, data?: unknown, headers?: Record<string, string>) => void,
) => boolean | Promise<boolean>;

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
  /** Do the write first, then answer with the fault (GitHub's 502 after the comment was made). */
  after?: boolean;
  /** Only requests whose JSON body matches. */
  body?: RegExp;
}

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  issues = new Map<number, FakeIssue>();
  permissions = new Map<string, string>();
  pulls: FakePull[] = [];
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
  /** Where a request or an answer differed from GitHub's published description. */
  schemaMismatches: string[] = [];
  /** Deprecated operations and fields that were called: GitHub removes them, so the file that used them fails. */
  deprecatedUses: string[] = [];
  /** Ids past what a 32-bit integer holds, as github.com's are. */
  private nextId = BIG_IDS.comments;
  private readonly userIds = new Map<string, number>();
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
    const full: FakeIssue = { title: 'An issue', body: '', labels: [], comments: [], state: 'open', closed_at: null, ...issue };
    this.issues.set(issue.number, full);
    return full;
  }

  /** A comment as a person would make it, dated now to the second as GitHub does (or when given). */
  addComment(issue: number, login: string, body: string, at = this.now(), type = 'User'): FakeComment {
    const comment = { id: this.nextId++, body, user: { login, type }, created_at: at, updated_at: at };
    this.issues.get(issue)!.comments.push(comment);
    return comment;
  }

  close(issue: number): void {
    Object.assign(this.issues.get(issue)!, { state: 'closed', closed_at: this.now() });
  }

  reopen(issue: number): void {
    Object.assign(this.issues.get(issue)!, { state: 'open', closed_at: null });
  }

  private get api(): string {
    return `https://api.github.com/repos/${this.owner}/${this.repo}`;
  }

  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  async start(): Promise<string> {
    // Before the first request, so that no run's first answer waits for the description.
    loadDescription();
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
    let reply: Reply;
    try {
      reply = this.refusedAccess(method, url.pathname, req.headers.authorization) ?? (await this.extra(method, url, body, req.headers)) ?? this.answer(method, url, body);
      const problem = responseProblem(method, url.pathname, reply.status, reply.data);
      if (problem) this.schemaMismatches.push(`${method} ${url.pathname}: ${problem}`);
    } catch (error) {
      // A broken stand-in answers at once instead of leaving the action to time out.
      this.schemaMismatches.push(`${method} ${url.pathname}: the stand-in threw ${(error as Error).stack}`);
      reply = { status: 500, data: { message: String(error) } };
    }
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    const text = typeof reply.data === 'string' && reply.headers?.['content-type']?.startsWith('text/');
    res.end(reply.data === undefined ? '' : text ? (reply.data as string) : JSON.stringify(reply.data));
  }

  /**
   * What GitHub's description says of the operation whoever serves it: a
   * deprecated one is noted (the file fails), and one not enabled for GitHub
   * Apps refuses an app's token (`ghs_`: an installation's, or the workflow's
   * GITHUB_TOKEN; `ghu_`: an app acting for a user) as GitHub does.
   */
  private refusedAccess(method: string, path: string, authorization: string | undefined): Reply | null {
    const op = describedOperation(method, path);
    if (!op) return null;
    if (op.deprecated) this.deprecatedUses.push(`${method} ${path}: ${op.id} is deprecated in GitHub's REST description`);
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
    if (!op.enabledForApps && /^gh[su]_/.test(token)) return { status: 403, data: { message: 'Resource not accessible by integration', documentation_url: DOCS } };
    return null;
  }

  /** An added route's answer (faults first, as for the built-in ones), or null when none serves the request. */
  private async extra(method: string, url: URL, body: any, headers: Record<string, string | string[] | undefined>): Promise<Reply | null> {
    if (!this.routes.length) return null;
    const fault = this.faults.find((f) => f.times > 0 && f.path.test(url.pathname) && (!f.method || f.method === method) && !f.after);
    if (fault) return null;
    const refused = requestProblem(method, url.pathname, body);
    if (refused) return invalid(refused);
    let reply: Reply | null = null;
    const send = (status: number, data?: unknown, replyHeaders?: Record<string, string>) => void (reply = { status, data, headers: replyHeaders });
    for (const route of this.routes) if (await route({ method, path: url.pathname, body, url, headers }, send)) return reply;
    return null;
  }

  /** A fault first (or, with `after`, once the write is done); else what GitHub would answer. */
  private answer(method: string, url: URL, body: any): Reply {
    const fault = this.faults.find(
      (f) => f.times > 0 && f.path.test(url.pathname) && (!f.method || f.method === method) && (!f.body || f.body.test(JSON.stringify(body ?? null))),
    );
    if (fault) fault.times--;
    const injected = fault ? { status: fault.status, data: { message: fault.message ?? `injected ${fault.status}` }, headers: fault.headers } : null;
    if (injected && !fault!.after) return injected;
    const refused = requestProblem(method, url.pathname, body);
    const reply = refused ? invalid(refused) : this.route(method, url, body);
    return injected ?? reply;
  }

  private route(method: string, url: URL, body: any): Reply {
    const ok = (data?: unknown, status = 200): Reply => ({ status, data });
    const telegram = /^\/bot([^/]+)\/sendMessage$/.exec(url.pathname);
    if (telegram && method === 'POST') {
      this.telegram.push({ token: telegram[1]!, chatId: body.chat_id, text: body.text });
      return ok({ ok: true });
    }
    // An installation token is not a user: GitHub answers /user with 403.
    if (url.pathname === '/user' && method === 'GET') return { status: 403, data: { message: 'Resource not accessible by integration', documentation_url: DOCS } };
    const base = `/repos/${this.owner}/${this.repo}`;
    const path = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : null;
    if (path === null) return notFound();
    let m: RegExpExecArray | null;

    if (path === '' && method === 'GET') return ok(this.repoJson());
    if ((m = /^\/collaborators\/([^/]+)\/permission$/.exec(path))) {
      const login = decodeURIComponent(m[1]!);
      const permission = this.permissions.get(login) ?? 'none';
      const legacy = permission === 'maintain' ? 'write' : permission === 'triage' ? 'read' : permission;
      return ok({ permission: legacy, role_name: permission, user: { ...this.userJson(login), role_name: permission } });
    }
    if ((m = /^\/issues\/(\d+)$/.exec(path)) && method === 'GET') {
      const issue = this.issues.get(Number(m[1]));
      return issue ? ok(this.issueJson(issue)) : notFound();
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(path))) {
      const issue = this.issues.get(Number(m[1]));
      if (!issue) return notFound();
      if (method === 'GET') return ok(issue.comments.map((c) => this.commentJson(issue, c)));
      if (String(body.body).length > MAX_COMMENT) return invalid(`body is too long (maximum is ${MAX_COMMENT} characters)`);
      const comment = this.addComment(issue.number, 'github-actions[bot]', body.body, undefined, 'Bot');
      return ok(this.commentJson(issue, comment), 201);
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(path)) && method === 'PATCH') {
      for (const issue of this.issues.values()) {
        const comment = issue.comments.find((c) => c.id === Number(m![1]));
        if (!comment) continue;
        if (String(body.body).length > MAX_COMMENT) return invalid(`body is too long (maximum is ${MAX_COMMENT} characters)`);
        comment.body = body.body;
        comment.updated_at = this.now();
        return ok(this.commentJson(issue, comment));
      }
      return notFound();
    }
    if ((m = /^\/issues\/comments\/(\d+)\/reactions$/.exec(path)) && method === 'POST') {
      return this.react(Number(m[1]), body);
    }
    if ((m = /^\/issues\/(\d+)\/labels$/.exec(path)) && method === 'POST') {
      const issue = this.issues.get(Number(m[1]));
      if (!issue) return notFound();
      for (const label of body.labels as (string | { name: string })[]) {
        const name = typeof label === 'string' ? label : label.name;
        if (!issue.labels.includes(name)) issue.labels.push(name);
      }
      return ok(issue.labels.map((name) => this.labelJson(name)));
    }
    if ((m = /^\/issues\/(\d+)\/labels\/(.+)$/.exec(path)) && method === 'DELETE') {
      const issue = this.issues.get(Number(m[1]));
      const name = decodeURIComponent(m[2]!);
      if (!issue?.labels.includes(name)) return { status: 404, data: { message: 'Label does not exist', documentation_url: DOCS } };
      issue.labels = issue.labels.filter((l) => l !== name);
      return ok(issue.labels.map((n) => this.labelJson(n)));
    }
    if (path === '/pulls' && method === 'GET') {
      const head = url.searchParams.get('head')?.split(':').at(-1);
      const state = url.searchParams.get('state') ?? 'open';
      return ok(this.pulls.filter((p) => (!head || p.head === head) && (state === 'all' || p.state === state)).map((p) => this.pullJson(p, 'list')));
    }
    if (path === '/pulls' && method === 'POST') {
      const pull = { number: 100 + this.pulls.length, head: body.head, base: body.base, title: body.title, body: body.body, state: 'open', draft: body.draft === true };
      this.pulls.push(pull);
      // A pull request is an issue too: its conversation is that issue's comments.
      this.addIssue({ number: pull.number, title: pull.title, body: pull.body, pull_request: {} });
      return ok(this.pullJson(pull, 'create'), 201);
    }
    if ((m = /^\/actions\/workflows\/([^/]+)\/dispatches$/.exec(path)) && method === 'POST') {
      this.dispatches.push({ workflow: decodeURIComponent(m[1]!), ref: body.ref, inputs: body.inputs });
      return { status: 204 };
    }
    return { status: 404, data: { message: `no stand-in for ${method} ${url.pathname}`, documentation_url: DOCS } };
  }

  /** A user as GitHub sends one inside an answer (simple-user), from its own example. */
  private userJson(login: string, type = 'User') {
    const user = example('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission', 200).user;
    const id = this.userIds.get(login) ?? this.userIds.set(login, this.userIds.size + 1).get(login)!;
    const api = `https://api.github.com/users/${encodeURIComponent(login)}`;
    for (const key of Object.keys(user)) if (typeof user[key] === 'string') user[key] = user[key].replace('https://api.github.com/users/octocat', api);
    // A bot's page is its app's: github-actions[bot] is at /apps/github-actions.
    const page = type === 'Bot' ? `https://github.com/apps/${login.replace(/\[bot\]$/, '')}` : `https://github.com/${login}`;
    return { ...user, login, id, node_id: Buffer.from(`04:User${id}`).toString('base64'), html_url: page, type };
  }

  private repoJson() {
    // GitHub's example is of a fork and lacks `language`; this repository is no fork.
    const { source: _source, parent: _parent, ...repo } = example('GET', '/repos/{owner}/{repo}', 200);
    const owner = this.userJson(this.owner, 'Organization');
    return { ...repo, name: this.repo, full_name: `${this.owner}/${this.repo}`, owner, default_branch: this.defaultBranch, fork: false, language: null, html_url: `https://github.com/${this.owner}/${this.repo}` };
  }

  private labelJson(name: string) {
    const [label] = example('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', 200);
    return { ...label, name, url: `${this.api}/labels/${encodeURIComponent(name)}`, default: false };
  }

  private commentJson(issue: FakeIssue, c: FakeComment) {
    const [comment] = example('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', 200);
    return {
      ...comment,
      id: c.id,
      node_id: Buffer.from(`012:IssueComment${c.id}`).toString('base64'),
      url: `${this.api}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/issues/${issue.number}#issuecomment-${c.id}`,
      issue_url: `${this.api}/issues/${issue.number}`,
      body: c.body,
      user: this.userJson(c.user.login, c.user.type),
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: c.user.type === 'Bot' ? 'NONE' : 'COLLABORATOR',
    };
  }

  /** `POST …/issues/comments/{comment_id}/reactions`: 201 when made, 200 when this user already reacted so, 422 for an unknown content. */
  private react(commentId: number, body: any): Reply {
    const exists = [...this.issues.values()].some((issue) => issue.comments.some((c) => c.id === commentId));
    if (!exists) return notFound();
    if (!REACTIONS.includes(body?.content)) return { status: 422, data: { message: 'Validation Failed', errors: [{ resource: 'Reaction', field: 'content', code: 'invalid' }], documentation_url: DOCS } };
    const user = { login: 'github-actions[bot]', type: 'Bot' };
    const list = this.reactions.get(commentId) ?? [];
    const same = list.find((r) => r.content === body.content && r.user.login === user.login);
    if (same) return { status: 200, data: this.reactionJson(same) };
    const reaction = { id: this.nextId++, node_id: `REA_kwFake${this.nextId}`, user, content: body.content, created_at: this.now() };
    this.reactions.set(commentId, [...list, reaction]);
    return { status: 201, data: this.reactionJson(reaction) };
  }

  /** GitHub's own example of a reaction, as this one. */
  private reactionJson(r: FakeReaction) {
    const shape = example('POST', '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', 201);
    return { ...shape, id: r.id, node_id: r.node_id, user: { ...shape.user, login: r.user.login, type: r.user.type }, content: r.content, created_at: r.created_at };
  }

  /** The reactions on a comment, as `content` strings. */
  reactionsOn(commentId: number): string[] {
    return (this.reactions.get(commentId) ?? []).map((r) => r.content);
  }

  private issueJson(issue: FakeIssue) {
    const base = example('GET', '/repos/{owner}/{repo}/issues/{issue_number}', 200);
    const { pull_request: pullExample, ...rest } = base;
    const closed = issue.state === 'closed';
    const pull = `https://github.com/${this.owner}/${this.repo}/pull/${issue.number}`;
    return {
      ...rest,
      id: BIG_IDS.issues + issue.number,
      node_id: Buffer.from(`05:Issue${issue.number}`).toString('base64'),
      url: `${this.api}/issues/${issue.number}`,
      repository_url: this.api,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      state_reason: closed ? 'completed' : null,
      closed_at: closed ? issue.closed_at : null,
      closed_by: closed ? base.closed_by : null,
      labels: issue.labels.map((name) => this.labelJson(name)),
      comments: issue.comments.length,
      html_url: `https://github.com/${this.owner}/${this.repo}/issues/${issue.number}`,
      // An issue that is a pull request carries the links GitHub gives it.
      ...(issue.pull_request
        ? { pull_request: { ...pullExample, ...(issue.pull_request as object), url: `${this.api}/pulls/${issue.number}`, html_url: pull, diff_url: `${pull}.diff`, patch_url: `${pull}.patch`, merged_at: null } }
        : {}),
    };
  }

  pullJson(p: FakePull, as: 'list' | 'create' | 'get' = 'get') {
    const pull = as === 'list' ? example('GET', '/repos/{owner}/{repo}/pulls', 200)[0] : example('POST', '/repos/{owner}/{repo}/pulls', 201);
    const html = `https://github.com/${this.owner}/${this.repo}/pull/${p.number}`;
    return {
      ...pull,
      id: BIG_IDS.issues + 500_000 + p.number,
      number: p.number,
      url: `${this.api}/pulls/${p.number}`,
      html_url: html,
      head: { ...pull.head, ref: p.head, label: `${this.owner}:${p.head}` },
      base: { ...pull.base, ref: p.base, label: `${this.owner}:${p.base}` },
      node_id: `PR_kwFake${p.number}`,
      draft: p.draft,
      title: p.title,
      body: p.body,
      state: p.state,
      // GitHub's example names a team without the `type` it requires; none is asked here.
      requested_teams: [],
      requested_reviewers: [],
    };
  }
}

interface Reply {
  status: number;
  data?: unknown;
  headers?: Record<string, string>;
}

const DOCS = 'https://docs.github.com/rest';
/** GitHub refuses a comment body longer than this. */
const MAX_COMMENT = 65536;
const notFound = (): Reply => ({ status: 404, data: { message: 'Not Found', documentation_url: DOCS } });
/** GitHub's answer to a body it cannot take: 422 with the reason. */
const invalid = (why: string): Reply => ({ status: 422, data: { message: `Invalid request.\n\n${why}`, documentation_url: DOCS } });

/** Throws when a file's flows got an answer GitHub would not give, or called what GitHub deprecated. */
export function strayedFromGitHub(github: FakeGitHub): void {
  if (github.schemaMismatches.length) throw new Error(`the GitHub stand-in strayed from GitHub's REST description:\n${github.schemaMismatches.join('\n')}`);
  const deprecated = [...github.deprecatedUses, ...github.review.deprecatedUses];
  if (deprecated.length) throw new Error(`the tests called what GitHub deprecated (it will be removed):\n${[...new Set(deprecated)].join('\n')}`);
}

/** A stand-in started before a file's tests and stopped after them, with these repository permissions. */
export function useFakeGitHub(permissions: Record<string, string> = {}, fixedTime?: string): FakeGitHub {
  const github = new FakeGitHub(undefined, fixedTime);
  for (const [login, permission] of Object.entries(permissions)) github.permissions.set(login, permission);
  beforeAll(() => github.start());
  afterAll(async () => {
    await github.stop();
    strayedFromGitHub(github);
  });
  return github;
}
