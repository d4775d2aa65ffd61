// `samocode doctor`'s judgement: from what the API said about a repository,
// one line per check, each with its fix. A `fail` would stop a session (or
// could not be checked, so nobody knows); a `warn` lets sessions run but
// costs something (no CI on the pull request, an older action).
import { secretsOf } from './provider-secrets.js';
import { ACTION_DIR, RECORD_PATH, WORKFLOW_PATH, parseRecord } from './vendored.js';
import { accessTo, readWorkflow, type WorkflowFacts } from './workflow-file.js';

/** An API answer, or why there is none (GitHub's status and message). */
export type Answer<T> = { ok: true; value: T } | { ok: false; why: string };

export interface SetupFacts {
  /** owner/name */
  repo: string;
  defaultBranch: string;
  actions: Answer<{ enabled: boolean; allowedActions?: string; shaPinningRequired?: boolean; githubOwnedAllowed?: boolean }>;
  tokenSettings: Answer<{ defaultPermissions: 'read' | 'write'; canCreatePullRequests: boolean }>;
  /** The workflow on the default branch and its state (`active`, `disabled_manually`, …); null when there is no file. */
  workflow: Answer<{ text: string; state: string | null } | null>;
  /** Paths of the repository's other workflows. */
  otherWorkflows: Answer<string[]>;
  label: Answer<boolean>;
  /** Secret names the repository's workflows get: its own and its organisation's. */
  secrets: Answer<Set<string>>;
  /** Variables by name: the repository's over its organisation's. */
  variables: Answer<Map<string, string>>;
  /** The vendored action on the default branch: init's record (text), and whether action.yml is there. */
  vendored: Answer<{ record: string | null; action: boolean }>;
}

export interface CliFacts {
  /** --provider, when given. */
  provider?: string;
  providers: readonly string[];
  version: string;
  digest: string;
  triggerLabel: string;
}

export interface CheckLine {
  status: 'pass' | 'warn' | 'fail';
  check: string;
  detail: string;
  fix?: string;
}

/** The permissions the action's job needs, and whether lacking each stops a session. */
const NEEDED: { scope: string; access: 'read' | 'write'; why: string; stops: boolean }[] = [
  { scope: 'contents', access: 'write', why: 'push the session branch', stops: true },
  { scope: 'issues', access: 'write', why: 'comments and labels', stops: true },
  { scope: 'pull-requests', access: 'write', why: 'the pull request', stops: true },
  { scope: 'actions', access: 'write', why: 'dispatch its continuation', stops: true },
  { scope: 'checks', access: 'read', why: "other CI services' failed checks", stops: false },
];

const WORKFLOW_FILE = WORKFLOW_PATH.split('/').at(-1)!;
const PUSH_FIX = `git add ${ACTION_DIR} ${WORKFLOW_PATH} && git commit -m 'Set up samocode' && git push (to the default branch)`;

function unknown(check: string, why: string, permission: string): CheckLine {
  return { status: 'fail', check, detail: `could not check: ${why}`, fix: `run doctor with a token that may read ${permission} (a repository admin's: GH_TOKEN=$(gh auth token))` };
}

export function checkSetup(facts: SetupFacts, cli: CliFacts): CheckLine[] {
  const repo = facts.repo;
  const workflow = facts.workflow.ok && facts.workflow.value ? readWorkflow(facts.workflow.value.text) : null;
  const variables = facts.variables.ok ? facts.variables.value : null;
  const named = variables?.get('SAMOCODE_PROVIDER');
  const provider = cli.provider ?? (named !== undefined && cli.providers.includes(named) ? named : 'claude');
  const appToken = workflow?.appToken ?? null;
  return [
    actionsEnabled(facts, repo, workflow),
    workflowPresent(facts, repo),
    workflowPermissions(facts, workflow),
    tokenSettings(facts, repo, appToken !== null),
    triggerLabel(facts, repo, cli.triggerLabel),
    providerSecrets(facts, repo, provider, workflow),
    providerVariable(facts, repo, cli, provider),
    vendoredVersion(facts, cli, workflow),
    ciOnPullRequest(facts, repo, workflow),
  ];
}

function actionsEnabled(facts: SetupFacts, repo: string, workflow: WorkflowFacts | null): CheckLine {
  const check = 'GitHub Actions';
  if (!facts.actions.ok) return unknown(check, facts.actions.why, 'the Actions settings (Administration: read)');
  const a = facts.actions.value;
  if (!a.enabled) return { status: 'fail', check, detail: 'disabled for this repository', fix: `gh api --method PUT repos/${repo}/actions/permissions -F enabled=true` };
  const theirs = "the workflow uses GitHub's own (actions/checkout, actions/setup-node)";
  if (a.allowedActions === 'local_only') {
    return { status: 'fail', check, detail: `only this repository's actions may run; ${theirs}`, fix: `gh api --method PUT repos/${repo}/actions/permissions -F enabled=true -f allowed_actions=selected, then gh api --method PUT repos/${repo}/actions/permissions/selected-actions -F github_owned_allowed=true` };
  }
  if (a.allowedActions === 'selected' && a.githubOwnedAllowed === false) {
    return { status: 'fail', check, detail: `only selected actions may run; ${theirs}`, fix: `gh api --method PUT repos/${repo}/actions/permissions/selected-actions -F github_owned_allowed=true` };
  }
  const unpinned = (workflow?.uses ?? []).filter((u) => !u.startsWith('./') && !/@[0-9a-f]{40}$/.test(u));
  if (a.shaPinningRequired && unpinned.length) {
    return { status: 'fail', check, detail: `actions must be pinned to full commit SHAs, and the workflow names ${unpinned.join(', ')}`, fix: `pin each uses: in ${WORKFLOW_PATH} to a full commit SHA` };
  }
  return { status: 'pass', check, detail: `enabled (${a.allowedActions ?? 'all'} actions allowed)` };
}

function workflowPresent(facts: SetupFacts, repo: string): CheckLine {
  const check = 'workflow';
  if (!facts.workflow.ok) return unknown(check, facts.workflow.why, 'the repository contents (Contents: read)');
  const found = facts.workflow.value;
  if (!found) return { status: 'fail', check, detail: `no ${WORKFLOW_PATH} on ${facts.defaultBranch}`, fix: `samocode init, then ${PUSH_FIX}` };
  if (found.state && found.state !== 'active') {
    return { status: 'fail', check, detail: `${WORKFLOW_PATH} is ${found.state.replace(/_/g, ' ')}`, fix: `gh workflow enable ${WORKFLOW_FILE} --repo ${repo}` };
  }
  return { status: 'pass', check, detail: `${WORKFLOW_PATH} on ${facts.defaultBranch}${found.state ? `, ${found.state}` : ''}` };
}

function workflowPermissions(facts: SetupFacts, workflow: WorkflowFacts | null): CheckLine {
  const check = 'workflow permissions';
  // The workflow line fails already; one missing piece, one failing line.
  if (!workflow) return { status: 'warn', check, detail: 'not read: see the workflow line' };
  const fix = `give the job ${NEEDED.map((n) => `${n.scope}: ${n.access}`).join(', ')} under permissions: in ${WORKFLOW_PATH} (as samocode init writes it)`;
  if (workflow.permissions === undefined) return { status: 'fail', check, detail: 'its permissions: could not be read', fix };
  let permissions = workflow.permissions;
  let source = 'the workflow asks for';
  if (permissions === null) {
    // No permissions: key: the job gets the repository's default.
    if (!facts.tokenSettings.ok) return unknown(check, facts.tokenSettings.why, 'the Actions settings (Administration: read)');
    permissions = { all: facts.tokenSettings.value.defaultPermissions };
    source = `the workflow names none, so the repository default (${facts.tokenSettings.value.defaultPermissions}) gives`;
  }
  const rank = { none: 0, read: 1, write: 2 } as const;
  const short = NEEDED.filter((n) => rank[accessTo(permissions!, n.scope)] < rank[n.access]);
  if (!short.length) return { status: 'pass', check, detail: NEEDED.map((n) => `${n.scope}: ${accessTo(permissions!, n.scope)}`).join(', ') };
  const detail = `${source} ${short.map((n) => `${n.scope}: ${accessTo(permissions!, n.scope)} (needs ${n.access}, for ${n.why})`).join('; ')}`;
  return { status: short.some((n) => n.stops) ? 'fail' : 'warn', check, detail, fix };
}

function tokenSettings(facts: SetupFacts, repo: string, appToken: boolean): CheckLine {
  const check = 'workflow token';
  if (!facts.tokenSettings.ok) return unknown(check, facts.tokenSettings.why, 'the Actions settings (Administration: read)');
  const t = facts.tokenSettings.value;
  const detail = `default permissions ${t.defaultPermissions}; Actions ${t.canCreatePullRequests ? 'may' : 'may not'} create pull requests`;
  if (t.canCreatePullRequests || appToken) return { status: 'pass', check, detail: appToken && !t.canCreatePullRequests ? `${detail} (not needed: the App token opens it)` : detail };
  return {
    status: 'fail',
    check,
    detail: `${detail}: the job token cannot open the session's pull request`,
    fix: `gh api --method PUT repos/${repo}/actions/permissions/workflow -f default_workflow_permissions=${t.defaultPermissions} -F can_approve_pull_request_reviews=true`,
  };
}

function triggerLabel(facts: SetupFacts, repo: string, label: string): CheckLine {
  const check = 'trigger label';
  if (!facts.label.ok) return unknown(check, facts.label.why, 'issues (Issues: read)');
  if (facts.label.value) return { status: 'pass', check, detail: `"${label}" exists` };
  return { status: 'fail', check, detail: `no label "${label}"`, fix: `gh label create ${label} --repo ${repo} --color 5319e7 --description 'Start a samocode session'` };
}

function providerSecrets(facts: SetupFacts, repo: string, provider: string, workflow: WorkflowFacts | null): CheckLine {
  const check = `${provider} secrets`;
  const needs = secretsOf(provider);
  if (!needs.anyOf.length) return { status: needs.note ? 'warn' : 'pass', check, detail: needs.note ?? `the ${provider} provider needs none` };
  if (!facts.secrets.ok) return unknown(check, facts.secrets.why, 'the Actions secrets (Secrets: read)');
  const set = needs.anyOf.filter((name) => facts.secrets.ok && facts.secrets.value.has(name));
  const passed = (name: string) => workflow === null || workflow.secrets.has(name);
  const usable = set.filter(passed);
  if (usable.length) return { status: 'pass', check, detail: `${usable.join(', ')} set${workflow ? ' and passed to the action' : ''}` };
  if (set.length) {
    return { status: 'fail', check, detail: `${set.join(', ')} set, but the workflow does not pass it to the action`, fix: `add ${set[0]}: \${{ secrets.${set[0]} }} to the env of the action's step in ${WORKFLOW_PATH}` };
  }
  const suggest = needs.anyOf.find(passed) ?? needs.anyOf[0]!;
  return { status: 'fail', check, detail: `none of ${needs.anyOf.join(', ')} is a secret of ${repo}`, fix: `gh secret set ${suggest} --repo ${repo}` };
}

function providerVariable(facts: SetupFacts, repo: string, cli: CliFacts, provider: string): CheckLine {
  const check = 'SAMOCODE_PROVIDER';
  if (!facts.variables.ok) return unknown(check, facts.variables.why, 'the Actions variables (Variables: read)');
  const value = facts.variables.value.get('SAMOCODE_PROVIDER');
  const fix = `gh variable set SAMOCODE_PROVIDER --repo ${repo} --body ${provider}`;
  if (value === undefined) {
    if (provider === 'claude') return { status: 'pass', check, detail: 'unset, so sessions use claude' };
    return { status: 'fail', check, detail: `unset, so sessions use claude, not ${provider}`, fix };
  }
  if (!cli.providers.includes(value)) return { status: 'fail', check, detail: `"${value}" is no provider (${cli.providers.join(', ')})`, fix };
  if (value !== provider) return { status: 'fail', check, detail: `${value}, not ${provider}`, fix };
  return { status: 'pass', check, detail: value };
}

function vendoredVersion(facts: SetupFacts, cli: CliFacts, workflow: WorkflowFacts | null): CheckLine {
  const check = 'vendored action';
  const local = `./${ACTION_DIR}`;
  const elsewhere = workflow?.uses.find((u) => /samocode/i.test(u) && u !== local);
  if (workflow && elsewhere && !workflow.uses.includes(local)) return { status: 'pass', check, detail: `the workflow runs ${elsewhere}, not a vendored copy` };
  if (!facts.vendored.ok) return unknown(check, facts.vendored.why, 'the repository contents (Contents: read)');
  const upgrade = `samocode init --upgrade, then ${PUSH_FIX}`;
  const { record: text, action } = facts.vendored.value;
  if (!action) return { status: 'fail', check, detail: `no ${ACTION_DIR}/action.yml on ${facts.defaultBranch}`, fix: `samocode init, then ${PUSH_FIX}` };
  const record = text === null ? null : parseRecord(text);
  if (!record) return { status: 'warn', check, detail: `${ACTION_DIR} has no ${RECORD_PATH.split('/').at(-1)} (copied by hand?): its version is unknown`, fix: upgrade };
  if (record.version === cli.version && record.digest === cli.digest) return { status: 'pass', check, detail: `samocode ${record.version}, the same as this CLI` };
  const detail = record.version === cli.version ? `samocode ${record.version}, but a different build than this CLI's` : `samocode ${record.version}; this CLI is ${cli.version}`;
  return { status: 'warn', check, detail, fix: upgrade };
}

function ciOnPullRequest(facts: SetupFacts, repo: string, workflow: WorkflowFacts | null): CheckLine {
  const check = 'CI on the pull request';
  const app = workflow?.appToken ?? null;
  const setUp = `a GitHub App token (README, "Tokens"): gh variable set SAMOCODE_APP_ID --repo ${repo} --body <app id>; gh secret set SAMOCODE_APP_PRIVATE_KEY --repo ${repo} < key.pem; uncomment the app-token step and its github-token line in ${WORKFLOW_PATH}`;
  if (app) {
    if (!facts.variables.ok) return unknown(check, facts.variables.why, 'the Actions variables (Variables: read)');
    if (!facts.secrets.ok) return unknown(check, facts.secrets.why, 'the Actions secrets (Secrets: read)');
    const missing = [...app.vars.filter((v) => facts.variables.ok && !facts.variables.value.has(v)).map((v) => `variable ${v}`), ...app.secrets.filter((s) => facts.secrets.ok && !facts.secrets.value.has(s)).map((s) => `secret ${s}`)];
    if (missing.length) return { status: 'fail', check, detail: `the App token step needs ${missing.join(' and ')}, which is not set`, fix: setUp };
    if (!app.passedAsToken) return { status: 'warn', check, detail: "the App token step runs, but its token is not the action's github-token", fix: `uncomment github-token: \${{ steps.app-token.outputs.token }} under the action in ${WORKFLOW_PATH}` };
    return { status: 'pass', check, detail: 'a GitHub App token pushes, so your CI runs on it' };
  }
  if (!facts.otherWorkflows.ok) return unknown(check, facts.otherWorkflows.why, 'the workflows (Actions: read)');
  if (!facts.otherWorkflows.value.length) return { status: 'pass', check, detail: 'no other workflows, so none to run on it' };
  return { status: 'warn', check, detail: `the job token's pushes start no workflow, so ${facts.otherWorkflows.value.join(', ')} will not run on the session's pull request`, fix: setUp };
}

/** The checklist as printed, one line a check. */
export function formatCheck(line: CheckLine): string {
  const mark = { pass: '✓', warn: '!', fail: '✗' }[line.status];
  return `${mark} ${line.check}: ${line.detail}${line.fix ? ` — fix: ${line.fix}` : ''}`;
}
