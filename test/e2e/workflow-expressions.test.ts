// The workflow users copy, linted and run in part: every expression parses
// and names only contexts and functions GitHub allows where it stands (no
// actionlint here: test/helpers/workflow-expr.ts reads GitHub's expression
// language), and the job's `if` admits and drops real events as it should.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decideIntent } from '../../src/core/intent.js';
import { initRepository } from '../helpers/init-repo.js';
import { ROOT } from '../helpers/project.js';
import { payload } from '../helpers/runner.js';
import { evaluate, FUNCTIONS, names, parse } from '../helpers/workflow-expr.js';

const shipped = readFileSync(join(ROOT, '.github', 'workflows', 'samocode.yml'), 'utf8');
// Checked as `samocode init` (dist/cli.js) writes it into a fresh repository.
const workflow = readFileSync(join(initRepository(), '.github', 'workflows', 'samocode.yml'), 'utf8');
const jobIf = /^ {4}if: >-\n((?: {6}.*\n)+)/m.exec(workflow)![1]!.replace(/\s+/g, ' ').trim();
const group = /^ {6}group: (.*)$/m.exec(workflow)![1]!;
const templates = (text: string) => [...text.matchAll(/\$\{\{(.*?)\}\}/g)].map((m) => m[1]!);
// What GitHub makes available (docs: "Contexts" → context availability).
const JOB_LEVEL = ['github', 'needs', 'vars', 'inputs'];
const STEP_LEVEL = [...JOB_LEVEL, 'secrets', 'env', 'steps', 'job', 'runner', 'matrix', 'strategy'];

/** The job's `if` for an event, with the contexts the runner gives it. */
const admits = (event: string, body: Record<string, unknown>) =>
  Boolean(evaluate(parse(jobIf), { github: { event_name: event, event: body, workflow: 'samocode', repository: 'Codertocat/Hello-World' }, inputs: {}, vars: {}, needs: {} }));

const workflowRun = (adjust: (run: Record<string, any>) => void) =>
  payload('workflow_run', 'completed', (p) => {
    Object.assign(p.workflow_run, { name: 'CI', head_branch: 'samocode/62-say-hello', conclusion: 'failure' });
    p.workflow_run.head_repository.full_name = 'Codertocat/Hello-World';
    adjust(p.workflow_run);
  });

describe('the copied workflow lints clean', () => {
  it('is the one samocode init writes, byte for byte', () => {
    expect(workflow).toBe(shipped);
  });

  it('every expression parses and names only what GitHub allows there', () => {
    for (const [source, allowed] of [[jobIf, JOB_LEVEL], ...templates(group).map((t) => [t, JOB_LEVEL] as const)] as const) {
      const used = names(parse(source));
      expect(used.contexts.filter((c) => !allowed.includes(c)), source).toEqual([]);
      expect(used.functions.filter((f) => !FUNCTIONS.includes(f)), source).toEqual([]);
    }
    const steps = [...templates(workflow.slice(workflow.indexOf('    steps:'))), ...[...workflow.matchAll(/^ +if: (?!>)(.+)$/gm)].map((m) => m[1]!)];
    expect(steps.length).toBeGreaterThan(3);
    for (const source of steps) {
      const used = names(parse(source));
      expect(used.contexts.filter((c) => !STEP_LEVEL.includes(c)), source).toEqual([]);
      expect(used.functions.filter((f) => !FUNCTIONS.includes(f)), source).toEqual([]);
    }
  });

  it('the linter can fail: an unknown context or function, or a broken expression', () => {
    expect(names(parse("github.event.x == 'a' && secret.TOKEN")).contexts).toContain('secret');
    expect(names(parse('startWith(github.ref, "x")'.replace(/"/g, "'"))).functions).toEqual(['startWith']);
    expect(() => parse("(github.event_name == 'issues'")).toThrow();
  });

  it('subscribes to finished checks, listing the CI workflows by name', () => {
    expect(workflow).toMatch(/^ {2}workflow_run:\n {4}workflows: \[[^\]]+\]\n {4}types: \[completed\]$/m);
    expect(workflow).toMatch(/^ {2}check_suite:\n {4}types: \[completed\]$/m);
    expect(workflow).toMatch(/^ {2}checks: read/m);
  });

  it('shows the GitHub App token step, commented, passed as github-token', () => {
    expect(workflow).toMatch(/^ {6}# - id: app-token\n {6}# {3}uses: actions\/create-github-app-token@v\d+$/m);
    expect(workflow).toMatch(/^ {10}# github-token: \$\{\{ steps\.app-token\.outputs\.token \}\}$/m);
  });
});

describe("the job's if, on real events", () => {
  it('admits a failed or passed check on a session branch, and nothing else of the kind', () => {
    expect(admits('workflow_run', workflowRun(() => {}))).toBe(true);
    expect(admits('workflow_run', workflowRun((r) => (r.conclusion = 'success')))).toBe(true);
    expect(admits('workflow_run', workflowRun((r) => (r.conclusion = 'cancelled')))).toBe(false);
    expect(admits('workflow_run', workflowRun((r) => (r.head_branch = 'main')))).toBe(false);
    expect(admits('workflow_run', workflowRun((r) => (r.head_branch = null)))).toBe(false);
    expect(admits('workflow_run', workflowRun((r) => (r.name = 'samocode')))).toBe(false);
    expect(admits('workflow_run', workflowRun((r) => (r.head_repository.full_name = 'fork/Hello-World')))).toBe(false);
    const suite = (slug: string, branch = 'samocode/62-say-hello') =>
      payload('check_suite', 'completed', (p) => Object.assign(p.check_suite, { head_branch: branch, conclusion: 'failure', app: { ...p.check_suite.app, slug } }));
    expect(admits('check_suite', suite('circleci'))).toBe(true);
    expect(admits('check_suite', suite('github-actions'))).toBe(false);
    expect(admits('check_suite', suite('circleci', 'changes'))).toBe(false);
  });

  it("queues a check in a group of its own, apart from the session's reviews", () => {
    const at = (event: string, body: Record<string, unknown>) => templates(group).map((t) => evaluate(parse(t), { github: { event_name: event, event: body }, inputs: {} })).join('');
    expect(at('workflow_run', workflowRun(() => {}))).toBe('checks-samocode/62-say-hello');
    expect(at('pull_request_review', { pull_request: { head: { ref: 'samocode/62-say-hello' } } })).toBe('samocode/62-say-hello');
    expect(at('issues', { issue: { number: 62 } })).toBe('62');
  });

  it("drops a GitHub App's own comments, as the action does", () => {
    const appComment = payload('issue_comment', 'created', (p) => {
      p.comment.body = '<!-- samocode:tracking -->\n### samocode session';
      p.comment.user = { ...p.comment.user, login: 'samocode-for-acme[bot]', type: 'Bot' };
      p.sender = { ...p.sender, login: 'samocode-for-acme[bot]', type: 'Bot' };
      p.issue.labels = [{ name: 'samocode' }];
    });
    expect(admits('issue_comment', appComment)).toBe(false);
    expect(decideIntent('issue_comment', appComment, { triggerLabel: 'samocode', allowedBots: ['samocode-for-acme[bot]'] })).toEqual({ kind: 'ignore', reason: "the action's own comment" });
    const person = payload('issue_comment', 'created', (p) => (p.issue.labels = [{ name: 'samocode' }]));
    expect(admits('issue_comment', person)).toBe(true);
  });
});
