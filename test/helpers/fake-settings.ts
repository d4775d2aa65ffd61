// The settings side of the API stand-in, for `samocode doctor`: the
// repository's Actions settings, its workflows, files on the default branch,
// labels, and the names of its secrets and variables. Each answer is built
// from GitHub's own example of the operation and checked against the REST
// description like every other answer of the stand-in (github-schema.ts).
import { createHash } from 'node:crypto';
import type { FakeGitHub, FakeRoute } from './fake-github.js';
import { example } from './github-schema.js';

const DOCS = 'https://docs.github.com/rest';
const AT = '2024-05-01T10:00:00Z';

export interface FakeWorkflow {
  path: string;
  name: string;
  state: 'active' | 'deleted' | 'disabled_fork' | 'disabled_inactivity' | 'disabled_manually';
}

export class FakeSettings {
  actions = { enabled: true, allowed_actions: 'all' as 'all' | 'local_only' | 'selected', sha_pinning_required: false };
  selectedActions = { github_owned_allowed: true, verified_allowed: false, patterns_allowed: [] as string[] };
  workflowToken = { default_workflow_permissions: 'read' as 'read' | 'write', can_approve_pull_request_reviews: true };
  /** Files on the default branch, by path. */
  files = new Map<string, string>();
  workflows: FakeWorkflow[] = [];
  labels = new Set<string>();
  secrets = new Set<string>();
  orgSecrets = new Set<string>();
  variables = new Map<string, string>();
  orgVariables = new Map<string, string>();
  /** false: the token is not an admin's, and the admin-only endpoints answer 403 as GitHub does. */
  admin = true;

  constructor(private readonly github: FakeGitHub) {
    github.routes.push((request, send) => this.route(request, send));
  }

  private get api() {
    return `https://api.github.com/repos/${this.github.owner}/${this.github.repo}`;
  }

  private route: FakeRoute = ({ method, path, url }, send) => {
    const base = `/repos/${this.github.owner}/${this.github.repo}`;
    if (method !== 'GET' || !path.startsWith(`${base}/`)) return false;
    const rest = path.slice(base.length);
    const forbidden = () => send(403, { message: 'Resource not accessible by integration', documentation_url: DOCS });
    const notFound = () => send(404, { message: 'Not Found', documentation_url: DOCS });
    const adminOnly = (data: () => unknown) => (this.admin ? send(200, data()) : forbidden());
    let m: RegExpExecArray | null;

    if (rest === '/actions/permissions') adminOnly(() => ({ ...this.actions, ...(this.actions.allowed_actions === 'selected' ? { selected_actions_url: `${this.api}/actions/permissions/selected-actions` } : {}) }));
    else if (rest === '/actions/permissions/selected-actions') adminOnly(() => this.selectedActions);
    else if (rest === '/actions/permissions/workflow') adminOnly(() => this.workflowToken);
    else if (rest === '/actions/workflows') {
      const [items, headers] = page(this.here(url), this.workflows.map((w, i) => this.workflowJson(w, i)));
      send(200, { total_count: this.workflows.length, workflows: items }, headers);
    } else if ((m = /^\/actions\/workflows\/([^/]+)$/.exec(rest))) {
      const id = decodeURIComponent(m[1]!);
      const index = this.workflows.findIndex((w, i) => String(900 + i) === id || w.path.split('/').at(-1) === id);
      if (index < 0) notFound();
      else send(200, this.workflowJson(this.workflows[index]!, index));
    } else if ((m = /^\/contents\/(.+)$/.exec(rest))) {
      const file = decodeURIComponent(m[1]!);
      const ref = url.searchParams.get('ref');
      if (ref && ref !== this.github.defaultBranch) send(404, { message: `No commit found for the ref ${ref}`, documentation_url: DOCS });
      else if (!this.files.has(file)) notFound();
      else send(200, this.fileJson(file, this.files.get(file)!));
    } else if ((m = /^\/labels\/([^/]+)$/.exec(rest))) {
      const name = decodeURIComponent(m[1]!);
      if (!this.labels.has(name)) notFound();
      else send(200, { ...example('GET', '/repos/{owner}/{repo}/labels/{name}', 200), name, url: `${this.api}/labels/${encodeURIComponent(name)}`, default: false });
    } else if (rest === '/actions/secrets' || rest === '/actions/organization-secrets') {
      if (!this.admin) return forbidden(), true;
      const names = [...(rest === '/actions/secrets' ? this.secrets : this.orgSecrets)].sort();
      const [items, headers] = page(this.here(url), names.map((name) => ({ name, created_at: AT, updated_at: AT })));
      send(200, { total_count: names.length, secrets: items }, headers);
    } else if (rest === '/actions/variables' || rest === '/actions/organization-variables') {
      if (!this.admin) return forbidden(), true;
      const all = [...(rest === '/actions/variables' ? this.variables : this.orgVariables)].sort(([a], [b]) => a.localeCompare(b));
      const [items, headers] = page(this.here(url), all.map(([name, value]) => ({ name, value, created_at: AT, updated_at: AT })), 10, 30);
      send(200, { total_count: all.length, variables: items }, headers);
    } else return false;
    return true;
  };

  /** The request's URL on the stand-in's own address, for the Link header. */
  private here(url: URL): URL {
    return new URL(url.pathname + url.search, this.github.url);
  }

  private workflowJson(w: FakeWorkflow, index: number) {
    const id = 900 + index;
    return {
      ...example('GET', '/repos/{owner}/{repo}/actions/workflows/{workflow_id}', 200),
      id,
      node_id: Buffer.from(`08:Workflow${id}`).toString('base64'),
      name: w.name,
      path: w.path,
      state: w.state,
      url: `${this.api}/actions/workflows/${id}`,
      html_url: `https://github.com/${this.github.owner}/${this.github.repo}/blob/${this.github.defaultBranch}/${w.path}`,
      badge_url: `https://github.com/${this.github.owner}/${this.github.repo}/workflows/${encodeURIComponent(w.name)}/badge.svg`,
    };
  }

  /** A file as GitHub sends it: base64 in lines of 60, its blob sha, its links. */
  private fileJson(path: string, text: string) {
    const bytes = Buffer.from(text, 'utf8');
    const sha = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    const content = (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + '\n';
    const html = `https://github.com/${this.github.owner}/${this.github.repo}/blob/${this.github.defaultBranch}/${path}`;
    const self = `${this.api}/contents/${path}?ref=${this.github.defaultBranch}`;
    const git = `${this.api}/git/blobs/${sha}`;
    return {
      ...example('GET', '/repos/{owner}/{repo}/contents/{path}', 200),
      type: 'file',
      encoding: 'base64',
      size: bytes.length,
      name: path.split('/').at(-1),
      path,
      content,
      sha,
      url: self,
      git_url: git,
      html_url: html,
      download_url: `https://raw.githubusercontent.com/${this.github.owner}/${this.github.repo}/${this.github.defaultBranch}/${path}`,
      _links: { self, git, html },
    };
  }
}

/** One page of a list as `per_page` and `page` ask (GitHub's default and cap), with the Link header to the next. */
function page<T>(url: URL, items: T[], fallback = 30, cap = 100): [T[], Record<string, string> | undefined] {
  const size = Math.min(Number(url.searchParams.get('per_page')) || fallback, cap);
  const number = Number(url.searchParams.get('page')) || 1;
  const slice = items.slice((number - 1) * size, number * size);
  if (number * size >= items.length) return [slice, undefined];
  const next = new URL(url.toString());
  next.searchParams.set('page', String(number + 1));
  return [slice, { link: `<${next.toString()}>; rel="next"` }];
}
