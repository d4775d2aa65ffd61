// The checks side of the API stand-in: a workflow run's jobs, each job's log
// (a 302 to the text, as GitHub answers, served here on loopback), and a
// check suite's runs. Every JSON answer is checked against GitHub's published
// REST description (@octokit/openapi), so a shape GitHub would not send is an
// error here too.
import openapi from '@octokit/openapi/generated/api.github.com.deref.json' with { type: 'json' };
import type { FakeGitHub } from './fake-github.js';
import { BIG_IDS } from './big-ids.js';

export interface FakeJob {
  id: number;
  runId: number;
  name: string;
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | 'timed_out';
  steps: { name: string; conclusion: 'success' | 'failure' | 'skipped' }[];
  log: string;
}

export interface FakeCheckRun {
  id: number;
  suiteId: number;
  name: string;
  conclusion: 'success' | 'failure';
  output: { title: string; summary: string; text?: string };
}

type Schema = { type?: string; nullable?: boolean; required?: string[]; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[]; anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[] };

/** Enough of JSON Schema for GitHub's REST description: types, nullable, required, enums, nesting. */
export function schemaErrors(value: unknown, schema: Schema, at = '$'): string[] {
  if (value === null) return schema.nullable || schema.type === 'null' || (!schema.type && !schema.properties) ? [] : [`${at} is null`];
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return options.some((o) => schemaErrors(value, o, at).length === 0) ? [] : [`${at} matches none of its schemas`];
  if (schema.allOf) return schema.allOf.flatMap((s) => schemaErrors(value, s, at));
  const type = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (schema.type && schema.type !== type && !(schema.type === 'number' && type === 'integer')) return [`${at} is ${type}, not ${schema.type}`];
  if (schema.enum && !schema.enum.includes(value)) return [`${at} is ${String(value)}, not one of ${schema.enum.join('|')}`];
  if (type === 'array' && schema.items) return (value as unknown[]).flatMap((v, i) => schemaErrors(v, schema.items!, `${at}[${i}]`));
  if (type !== 'object') return [];
  const object = value as Record<string, unknown>;
  const missing = (schema.required ?? []).filter((k) => !(k in object)).map((k) => `${at}.${k} is missing`);
  const wrong = Object.entries(schema.properties ?? {}).flatMap(([k, s]) => (k in object ? schemaErrors(object[k], s, `${at}.${k}`) : []));
  return [...missing, ...wrong];
}

const paths = (openapi as unknown as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>> }).paths;
const responseSchema = (path: string) => paths[path]!.get!.responses['200']!.content!['application/json']!.schema;

export class FakeChecks {
  jobs: FakeJob[] = [];
  checkRuns: FakeCheckRun[] = [];
  /** Answers that did not match GitHub's description (should stay empty). */
  shapeErrors: string[] = [];
  /** Log downloads: the job, and whether the redirect target was asked for. */
  logRequests: { job: number; followed: boolean }[] = [];
  private nextId = BIG_IDS.checks;

  constructor(private readonly github: FakeGitHub) {
    github.routes.push((request, send) => this.route(request, send));
  }

  addJob(runId: number, job: Omit<FakeJob, 'id' | 'runId'>): FakeJob {
    const full = { id: this.nextId++, runId, ...job };
    this.jobs.push(full);
    return full;
  }

  addCheckRun(suiteId: number, run: Omit<FakeCheckRun, 'id' | 'suiteId'>): FakeCheckRun {
    const full = { id: this.nextId++, suiteId, ...run };
    this.checkRuns.push(full);
    return full;
  }

  private get repoUrl() {
    return `https://api.github.com/repos/${this.github.owner}/${this.github.repo}`;
  }

  jobJson(job: FakeJob) {
    const at = '2024-05-01T10:00:00Z';
    return {
      id: job.id,
      run_id: job.runId,
      run_url: `${this.repoUrl}/actions/runs/${job.runId}`,
      run_attempt: 1,
      node_id: `CR_kwFake${job.id}`,
      head_sha: '0000000000000000000000000000000000000000',
      url: `${this.repoUrl}/actions/jobs/${job.id}`,
      html_url: `https://github.com/${this.github.owner}/${this.github.repo}/actions/runs/${job.runId}/job/${job.id}`,
      status: 'completed',
      conclusion: job.conclusion,
      created_at: at,
      started_at: at,
      completed_at: at,
      name: job.name,
      steps: job.steps.map((s, i) => ({ name: s.name, status: 'completed', conclusion: s.conclusion, number: i + 1, started_at: at, completed_at: at })),
      check_run_url: `${this.repoUrl}/check-runs/${job.id}`,
      labels: ['ubuntu-latest'],
      runner_id: 1,
      runner_name: 'GitHub Actions 1',
      runner_group_id: 1,
      runner_group_name: 'GitHub Actions',
      workflow_name: 'CI',
      head_branch: null,
    };
  }

  checkRunJson(run: FakeCheckRun) {
    const at = '2024-05-01T10:00:00Z';
    return {
      id: run.id,
      head_sha: '0000000000000000000000000000000000000000',
      node_id: `CR_kwFake${run.id}`,
      external_id: null,
      url: `${this.repoUrl}/check-runs/${run.id}`,
      html_url: `https://github.com/${this.github.owner}/${this.github.repo}/runs/${run.id}`,
      details_url: `https://ci.example.com/builds/${run.id}`,
      status: 'completed',
      conclusion: run.conclusion,
      started_at: at,
      completed_at: at,
      output: { title: run.output.title, summary: run.output.summary, text: run.output.text ?? null, annotations_count: 0, annotations_url: `${this.repoUrl}/check-runs/${run.id}/annotations` },
      name: run.name,
      check_suite: { id: run.suiteId },
      app: null,
      pull_requests: [],
    };
  }

  private checked(path: string, data: unknown): unknown {
    this.shapeErrors.push(...schemaErrors(data, responseSchema(path)).map((e) => `${path}: ${e}`));
    return data;
  }

  private route(request: { method: string; path: string; url: URL }, send: (status: number, data?: unknown, headers?: Record<string, string>) => void): boolean {
    const { method, path } = request;
    if (method !== 'GET') return false;
    let m: RegExpExecArray | null;
    if ((m = /^\/_signed-logs\/jobs\/(\d+)$/.exec(path))) {
      const job = this.jobs.find((j) => j.id === Number(m![1]));
      const asked = this.logRequests.findLast((r) => r.job === Number(m![1]));
      if (asked) asked.followed = true;
      if (!job || request.url.searchParams.get('urlSigningMethod') !== 'HMACV1') send(404, 'not found', { 'content-type': 'text/plain' });
      else send(200, job.log, { 'content-type': 'text/plain; charset=utf-8' });
      return true;
    }
    const base = `/repos/${this.github.owner}/${this.github.repo}`;
    if (!path.startsWith(base)) return false;
    const rest = path.slice(base.length);
    if ((m = /^\/actions\/runs\/(\d+)\/jobs$/.exec(rest))) {
      const jobs = this.jobs.filter((j) => j.runId === Number(m![1])).map((j) => this.jobJson(j));
      send(200, this.checked('/repos/{owner}/{repo}/actions/runs/{run_id}/jobs', { total_count: jobs.length, jobs }));
      return true;
    }
    if ((m = /^\/actions\/jobs\/(\d+)\/logs$/.exec(rest))) {
      const id = Number(m[1]);
      if (!this.jobs.some((j) => j.id === id)) return send(404, { message: 'Not Found' }), true;
      this.logRequests.push({ job: id, followed: false });
      // GitHub answers with a short-lived signed address of the text.
      send(302, undefined, { location: `${this.github.url}/_signed-logs/jobs/${id}?urlExpires=2099-01-01T00%3A00%3A00Z&urlSigningMethod=HMACV1&urlSignature=fake` });
      return true;
    }
    if ((m = /^\/check-suites\/(\d+)\/check-runs$/.exec(rest))) {
      const runs = this.checkRuns.filter((r) => r.suiteId === Number(m![1])).map((r) => this.checkRunJson(r));
      send(200, this.checked('/repos/{owner}/{repo}/check-suites/{check_suite_id}/check-runs', { total_count: runs.length, check_runs: runs }));
      return true;
    }
    return false;
  }
}
