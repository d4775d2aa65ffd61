// The README's copy steps for GitHub mode, as written: the action vendored
// into .github/actions/samocode and the workflow beside it. The workflow's
// `uses:` then names a folder holding a runnable action, and the provider
// comes from a dispatch input or a repository variable (the act recipe).
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/project.js';
import { payload } from '../helpers/runner.js';
import { checkoutRef, checkoutSteps, evaluateRef, workflowEvents } from '../helpers/workflow-checkout.js';
import { evaluate, parse } from '../helpers/workflow-expr.js';
import { ENGINES } from '../../src/providers/engines.js';

const target = mkdtempSync(join(tmpdir(), 'samocode-copy-'));
afterAll(() => rmSync(target, { recursive: true, force: true }));

/** The README's commands, with SAMOCODE pointing at this checkout. */
const COPY_STEPS = `mkdir -p .github/actions/samocode .github/workflows
tar -C "$SAMOCODE" -c action.yml package.json dist prompts skills scenarios | tar -C .github/actions/samocode -x
cp "$SAMOCODE/.github/workflows/samocode.yml" .github/workflows/`;

describe('GitHub mode: the workflow as copied', () => {
  const workflow = readFileSync(join(ROOT, '.github', 'workflows', 'samocode.yml'), 'utf8');

  it('runs the vendored action the copy steps put where its uses: line points', () => {
    execSync(COPY_STEPS, { cwd: target, env: { ...process.env, SAMOCODE: ROOT }, shell: '/bin/sh' });
    const copied = readFileSync(join(target, '.github', 'workflows', 'samocode.yml'), 'utf8');
    const uses = [...copied.matchAll(/^\s*- uses: (\S+)/gm)].map((m) => m[1]!).filter((u) => !u.startsWith('actions/'));
    expect(uses).toEqual(['./.github/actions/samocode']);
    const action = readFileSync(join(target, uses[0]!, 'action.yml'), 'utf8');
    const main = /^\s+main:\s*(\S+)/m.exec(action)![1]!;
    expect(existsSync(join(target, uses[0]!, main))).toBe(true);

    // The vendored entry runs and decides from the event alone.
    const eventPath = join(target, 'event.json');
    writeFileSync(eventPath, JSON.stringify(payload('issues', 'labeled', (p) => (p.label.name = 'bug'))));
    const result = spawnSync(process.execPath, [join(target, uses[0]!, main)], {
      cwd: target,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'issues', GITHUB_EVENT_PATH: eventPath, GITHUB_REPOSITORY: 'o/r', GITHUB_WORKSPACE: target, INPUT_PROVIDER: 'script', 'INPUT_GITHUB-TOKEN': 'ghs_x' },
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('is not the trigger label');
  });

  it('names no action outside the repository', () => {
    expect(workflow).not.toMatch(/samocode\/samocode@/);
  });

  it('takes the provider from the dispatch input, else the SAMOCODE_PROVIDER variable, and skips the CLI install for script', () => {
    expect(workflow).toMatch(/^\s+provider:\n\s+description: .*\n\s+required: false$/m);
    expect(workflow).toContain("SAMOCODE_PROVIDER: ${{ inputs.provider || vars.SAMOCODE_PROVIDER || 'claude' }}");
    expect(workflow).toMatch(/provider: \$\{\{ env\.SAMOCODE_PROVIDER \}\}/);
    expect(workflow).toMatch(/- name: Install the agent CLI\n\s+if: env\.SAMOCODE_PROVIDER != 'script'/);
  });

  it('installs each engine’s CLI at the version the tests run, pinned in package.json', () => {
    const expression = /- name: Install the agent CLI\n.*\n\s+run: npm install -g \$\{\{(.*)\}\}$/m.exec(workflow)?.[1];
    expect(expression).toBeDefined();
    const pinned = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;
    for (const [provider, engine] of Object.entries(ENGINES)) {
      expect(evaluate(parse(expression!), { env: { SAMOCODE_PROVIDER: provider } }), provider).toBe(`${engine.npmPackage}@${engine.testedVersion}`);
      expect(pinned[engine.npmPackage], provider).toBe(engine.testedVersion);
    }
    // The chosen engine's usual secret reaches the action.
    for (const engine of Object.values(ENGINES)) if (engine.secrets[0] !== 'OPENCODE_CONFIG_CONTENT') expect(workflow).toContain(`${engine.secrets[0]}: \${{ secrets.${engine.secrets[0]} }}`);
  });
});

describe('GitHub mode: the copied workflow checks out trusted code only', () => {
  /** A real payload of each event the workflow listens to, its repository's default branch renamed so that nothing passes by chance. */
  const EXAMPLES: Record<string, [string | undefined, (p: Record<string, any>) => void]> = {
    issues: ['labeled', () => {}],
    issue_comment: ['created', () => {}],
    pull_request_review: ['submitted', () => {}],
    pull_request_review_comment: ['created', () => {}],
    workflow_run: ['completed', () => {}],
    check_suite: ['completed', () => {}],
    workflow_dispatch: [undefined, (p) => (p.inputs = { issue: '7' })],
  };

  it('every actions/checkout step names a ref', () => {
    const steps = checkoutSteps();
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) expect(step.ref, step.uses).toBe('${{ github.event.repository.default_branch }}');
  });

  it("every event's checkout is the default branch, never the pull request's merge ref", () => {
    const events = workflowEvents();
    expect(events.sort()).toEqual(Object.keys(EXAMPLES).sort());
    for (const event of events) {
      const [action, adjust] = EXAMPLES[event]!;
      const body = payload(event, action, (p) => {
        adjust(p);
        p.repository.default_branch = 'trunk';
      });
      expect(checkoutRef(body, event), event).toBe('trunk');
    }
  });

  it('the reading can fail: a checkout without ref takes GitHub default, which for a review is the merge ref', () => {
    const old = '      - uses: actions/checkout@v4\n        with:\n          persist-credentials: false\n';
    expect(checkoutSteps(`jobs:\n  x:\n    steps:\n${old}`)).toEqual([{ uses: 'actions/checkout@v4', ref: null }]);
    expect(evaluateRef(null, payload('pull_request_review', 'submitted'))).toBeNull();
    expect(evaluateRef('${{ github.head_ref }}', payload('pull_request_review', 'submitted'))).toBe('');
  });
});
