// `samocode doctor` through dist/cli.js against the API stand-in (answers
// shaped and checked per GitHub's REST description): a repository set up
// right passes every line and exits 0; each missing piece gets the line that
// names it, with its fix, and a non-zero exit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { FakeSettings } from '../helpers/fake-settings.js';
import { cliAsync, freshRepository, initRepository } from '../helpers/init-repo.js';
import { ROOT } from '../helpers/project.js';

const REPO = 'Codertocat/Hello-World';
const ACTION = '.github/actions/samocode';
const WORKFLOW = '.github/workflows/samocode.yml';
const RECORD = `${ACTION}/samocode-vendored.json`;
const TOKEN = 'ghp_doctortoken000000000000000000000000000';

const github = useFakeGitHub();
let settings: FakeSettings;

// What init writes, as the default branch holds it after the suggested commit.
const initialised = initRepository();
const written = (path: string) => readFileSync(join(initialised, path), 'utf8');

/** A repository set up as init's output says. */
function setUpRight(): FakeSettings {
  github.routes = [];
  const s = new FakeSettings(github);
  for (const path of [WORKFLOW, `${ACTION}/action.yml`, RECORD]) s.files.set(path, written(path));
  s.workflows = [{ path: WORKFLOW, name: 'samocode', state: 'active' }];
  s.labels.add('samocode');
  s.secrets.add('ANTHROPIC_API_KEY');
  s.variables.set('SAMOCODE_PROVIDER', 'claude');
  return s;
}

beforeEach(() => {
  settings = setUpRight();
});

async function doctor(args: string[] = ['--repo', REPO], env: NodeJS.ProcessEnv = {}, cwd = initialised) {
  const run = await cliAsync(cwd, ['doctor', ...args], { GITHUB_API_URL: github.url, GH_TOKEN: TOKEN, SAMOCODE_RETRY_BASE_MS: '1', ...env });
  const checks = run.stdout.split('\n').filter((l) => /^[✓!✗] /.test(l));
  return { ...run, checks, line: (check: string) => checks.find((l) => l.slice(2).startsWith(`${check}:`)) ?? `(no ${check} line)` };
}

/** The app-token step and its github-token line, uncommented as the README says. */
const withAppToken = (workflow: string) =>
  workflow.replace(/^( +)# (- id: app-token|  uses: actions\/create-github-app-token@\S+|  with:|    app-id: .*|    private-key: .*)$/gm, '$1$2').replace(/^( +)# (github-token: \$\{\{ steps\.app-token\.outputs\.token \}\})$/m, '$1$2');

describe('samocode doctor', () => {
  it('passes every line of a repository set up right, and exits 0', async () => {
    const run = await doctor();
    expect(run.stderr).toBe('');
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(`samocode doctor: ${REPO} (default branch main)`);
    expect(run.checks.map((l) => l.split(':')[0])).toEqual([
      '✓ GitHub Actions',
      '✓ workflow',
      '✓ workflow permissions',
      '✓ workflow token',
      '✓ trigger label',
      '✓ claude secrets',
      '✓ SAMOCODE_PROVIDER',
      '✓ vendored action',
      '✓ CI on the pull request',
    ]);
    expect(run.line('workflow permissions')).toBe('✓ workflow permissions: contents: write, issues: write, pull-requests: write, actions: write, checks: read');
    expect(run.line('vendored action')).toMatch(/^✓ vendored action: samocode \S+, the same as this CLI$/);
    expect(run.stdout).toContain('samocode doctor: nothing would stop a session');
    // Every answer was one GitHub's description allows (useFakeGitHub checks at the end), and only reads were made.
    expect(github.writes()).toEqual([]);
  });

  // Each missing piece: what to break, the line that must name it (and its fix).
  const missing: [string, () => void, string, RegExp][] = [
    ['Actions disabled', () => (settings.actions.enabled = false), 'GitHub Actions', /^✗ GitHub Actions: disabled for this repository — fix: gh api --method PUT repos\/Codertocat\/Hello-World\/actions\/permissions -F enabled=true$/],
    ['only local actions allowed', () => (settings.actions.allowed_actions = 'local_only'), 'GitHub Actions', /^✗ GitHub Actions: only this repository's actions may run; .* — fix: .*allowed_actions/],
    ['GitHub-owned actions not selected', () => ((settings.actions.allowed_actions = 'selected'), (settings.selectedActions.github_owned_allowed = false)), 'GitHub Actions', /^✗ GitHub Actions: only selected actions may run; .* — fix: gh api --method PUT repos\/Codertocat\/Hello-World\/actions\/permissions\/selected-actions -F github_owned_allowed=true$/],
    ['SHA pinning required', () => (settings.actions.sha_pinning_required = true), 'GitHub Actions', /^✗ GitHub Actions: actions must be pinned to full commit SHAs.* — fix: pin each uses:/],
    ['no workflow', () => settings.files.delete(WORKFLOW), 'workflow', /^✗ workflow: no \.github\/workflows\/samocode\.yml on main — fix: samocode init, then git add /],
    ['the workflow disabled', () => (settings.workflows[0]!.state = 'disabled_manually'), 'workflow', /^✗ workflow: \.github\/workflows\/samocode\.yml is disabled manually — fix: gh workflow enable samocode\.yml --repo Codertocat\/Hello-World$/],
    ['a permission short', () => settings.files.set(WORKFLOW, written(WORKFLOW).replace(/^ {2}issues: write/m, '  issues: read')), 'workflow permissions', /^✗ workflow permissions: the workflow asks for issues: read \(needs write, for comments and labels\) — fix: give the job contents: write, issues: write/],
    ['no permissions, a read-only default', () => settings.files.set(WORKFLOW, written(WORKFLOW).replace(/^permissions:\n(?: {2}.*\n)+/m, '')), 'workflow permissions', /^✗ workflow permissions: the workflow names none, so the repository default \(read\) gives contents: read \(needs write/],
    ['Actions may not create pull requests', () => (settings.workflowToken.can_approve_pull_request_reviews = false), 'workflow token', /^✗ workflow token: default permissions read; Actions may not create pull requests: the job token cannot open the session's pull request — fix: gh api --method PUT repos\/Codertocat\/Hello-World\/actions\/permissions\/workflow -f default_workflow_permissions=read -F can_approve_pull_request_reviews=true$/],
    ['no trigger label', () => settings.labels.clear(), 'trigger label', /^✗ trigger label: no label "samocode" — fix: gh label create samocode --repo Codertocat\/Hello-World /],
    ['no provider secret', () => settings.secrets.clear(), 'claude secrets', /^✗ claude secrets: none of ANTHROPIC_API_KEY, CLAUDE_CODE_OAUTH_TOKEN is a secret of Codertocat\/Hello-World — fix: gh secret set ANTHROPIC_API_KEY --repo Codertocat\/Hello-World$/],
    ['a secret the workflow does not pass', () => ((settings.secrets = new Set(['CLAUDE_CODE_OAUTH_TOKEN']))), 'claude secrets', /^✗ claude secrets: CLAUDE_CODE_OAUTH_TOKEN set, but the workflow does not pass it to the action — fix: add CLAUDE_CODE_OAUTH_TOKEN: \$\{\{ secrets\.CLAUDE_CODE_OAUTH_TOKEN \}\} to the env/],
    ['a provider variable naming no provider', () => settings.variables.set('SAMOCODE_PROVIDER', 'gpt'), 'SAMOCODE_PROVIDER', /^✗ SAMOCODE_PROVIDER: "gpt" is no provider \(.*\) — fix: gh variable set SAMOCODE_PROVIDER --repo Codertocat\/Hello-World --body claude$/],
    ['no vendored action', () => (settings.files.delete(`${ACTION}/action.yml`), settings.files.delete(RECORD)), 'vendored action', /^✗ vendored action: no \.github\/actions\/samocode\/action\.yml on main — fix: samocode init, then git add/],
    ['the App token step without its variable', () => settings.files.set(WORKFLOW, withAppToken(written(WORKFLOW))), 'CI on the pull request', /^✗ CI on the pull request: the App token step needs variable SAMOCODE_APP_ID and secret SAMOCODE_APP_PRIVATE_KEY, which is not set — fix: a GitHub App token/],
  ];

  it.each(missing)('%s: names it, with the fix, and exits non-zero', async (_name, breakIt, check, expected) => {
    breakIt();
    const run = await doctor();
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.line(check)).toMatch(expected);
    // The rest still pass: one missing piece, one failing line.
    expect(run.checks.filter((l) => l.startsWith('✗')), run.stdout).toEqual([run.line(check)]);
    expect(run.stdout).toMatch(/samocode doctor: 1 of 9 checks would stop a session/);
  });

  it('a provider given that the variable does not name: the variable line and the secret line', async () => {
    const run = await doctor(['--repo', REPO, '--provider', 'codex']);
    expect(run.code).toBe(1);
    expect(run.line('SAMOCODE_PROVIDER')).toBe('✗ SAMOCODE_PROVIDER: claude, not codex — fix: gh variable set SAMOCODE_PROVIDER --repo Codertocat/Hello-World --body codex');
    expect(run.line('codex secrets')).toBe('✗ codex secrets: none of OPENAI_API_KEY is a secret of Codertocat/Hello-World — fix: gh secret set OPENAI_API_KEY --repo Codertocat/Hello-World');
  });

  it('an App token set up in full passes, and the job token may then be kept from creating pull requests', async () => {
    settings.files.set(WORKFLOW, withAppToken(written(WORKFLOW)));
    settings.variables.set('SAMOCODE_APP_ID', '12345');
    settings.secrets.add('SAMOCODE_APP_PRIVATE_KEY');
    settings.workflowToken.can_approve_pull_request_reviews = false;
    settings.workflows.push({ path: '.github/workflows/ci.yml', name: 'CI', state: 'active' });
    const run = await doctor();
    expect(run.code, run.stdout).toBe(0);
    expect(run.line('CI on the pull request')).toBe('✓ CI on the pull request: a GitHub App token pushes, so your CI runs on it');
    expect(run.line('workflow token')).toContain('(not needed: the App token opens it)');
  });

  it('warns, exit 0, where sessions run but something is lost: CI without an App token, an older vendored action', async () => {
    settings.workflows.push({ path: '.github/workflows/ci.yml', name: 'CI', state: 'active' });
    const record = JSON.parse(written(RECORD));
    settings.files.set(RECORD, JSON.stringify({ ...record, version: '0.0.1' }));
    const run = await doctor();
    expect(run.code, run.stdout).toBe(0);
    expect(run.line('CI on the pull request')).toMatch(/^! CI on the pull request: the job token's pushes start no workflow, so CI will not run on the session's pull request — fix: a GitHub App token/);
    expect(run.line('vendored action')).toMatch(/^! vendored action: samocode 0\.0\.1; this CLI is \S+ — fix: samocode init --upgrade, then git add/);
  });

  it('a token that may not read the settings: those lines say so, with the token to use, and exit 1', async () => {
    settings.admin = false;
    const run = await doctor();
    expect(run.code).toBe(1);
    expect(run.line('GitHub Actions')).toBe(
      "✗ GitHub Actions: could not check: GitHub answered 403: Resource not accessible by integration — fix: run doctor with a token that may read the Actions settings (Administration: read) (a repository admin's: GH_TOKEN=$(gh auth token))",
    );
    expect(run.line('claude secrets')).toMatch(/^✗ claude secrets: could not check: GitHub answered 403/);
    expect(run.line('trigger label')).toMatch(/^✓/);
  });

  it('pages through long lists of secrets and variables', async () => {
    settings.secrets = new Set(Array.from({ length: 130 }, (_, i) => `SECRET_${String(i).padStart(3, '0')}`));
    settings.secrets.add('ZZ_LAST');
    settings.secrets.add('ANTHROPIC_API_KEY');
    for (let i = 0; i < 45; i++) settings.variables.set(`A_VAR_${i}`, 'x');
    const run = await doctor();
    expect(run.code, run.stdout).toBe(0);
    expect(github.requests.filter((r) => r.path.endsWith('/actions/secrets')).length).toBeGreaterThanOrEqual(2);
  });

  it('takes the repository from the checkout\'s origin remote, and the token from GITHUB_TOKEN', async () => {
    const repo = freshRepository();
    execFileSync('git', ['remote', 'add', 'origin', 'git@github.com:Codertocat/Hello-World.git'], { cwd: repo });
    const run = await doctor([], { GH_TOKEN: '', GITHUB_TOKEN: TOKEN }, repo);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`samocode doctor: ${REPO}`);
  });

  it('says what it needs to start, without a stack trace', async () => {
    const noToken = await doctor(['--repo', REPO], { GH_TOKEN: '' });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr.trim()).toBe('samocode: error: no token: set GH_TOKEN or GITHUB_TOKEN (GH_TOKEN=$(gh auth token) samocode doctor)');
    const noRemote = await doctor([], {}, freshRepository());
    expect(noRemote.code).toBe(1);
    expect(noRemote.stderr).toContain('give --repo owner/name');
    const unknownRepo = await doctor(['--repo', 'someone/else']);
    expect(unknownRepo.code).toBe(1);
    expect(unknownRepo.stderr).toContain('cannot read someone/else with this token (GitHub answered 404');
    const badRepo = await doctor(['--repo', 'not a repo']);
    expect(badRepo.code).toBe(2);
    expect(badRepo.stderr).toContain('--repo must be owner/name');
    for (const run of [noToken, noRemote, unknownRepo, badRepo]) expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

it('the stand-in and the checks agree with the shipped workflow on what init writes', () => {
  expect(written(WORKFLOW)).toBe(readFileSync(join(ROOT, WORKFLOW), 'utf8'));
});
