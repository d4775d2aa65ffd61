// What `samocode doctor` asks GitHub about a repository's set-up, each call
// an endpoint of GitHub's REST description, answered or not: a 403 or 404
// from an admin-only endpoint is a fact to report, not an error.
import type { Answer, SetupFacts } from '../core/setup-checks.js';
import { ACTION_DIR, RECORD_PATH, WORKFLOW_PATH } from '../core/vendored.js';
import type { GitHubClient } from './client.js';

type Status = { status?: number; message?: string };

/** The call's value; `missing` for a 404 when that means "not there"; else why it failed. */
async function ask<T>(call: () => Promise<T>, missing?: T): Promise<Answer<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    const e = error as Status;
    if (e.status === 404 && missing !== undefined) return { ok: true, value: missing };
    // Octokit adds the documentation link to GitHub's message; the line is long enough without it.
    const message = (e.message ?? String(error)).split('\n')[0]!.replace(/ - https:\/\/\S+$/, '');
    return { ok: false, why: e.status ? `GitHub answered ${e.status}: ${message}` : message };
  }
}

/** A file's text on a ref, or null when there is none. */
async function fileText(client: GitHubClient, owner: string, repo: string, path: string, ref: string): Promise<string | null> {
  const { data } = await client.rest.repos.getContent({ owner, repo, path, ref });
  if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return null;
  return Buffer.from(data.content, (data.encoding as BufferEncoding) || 'base64').toString('utf8');
}

export class RepositoryNotFound extends Error {
  override name = 'RepositoryNotFound';
}

export async function gatherSetupFacts(client: GitHubClient, owner: string, repo: string, triggerLabel: string): Promise<SetupFacts> {
  const where = { owner, repo };
  const info = await ask(async () => (await client.rest.repos.get(where)).data);
  if (!info.ok) throw new RepositoryNotFound(`cannot read ${owner}/${repo} with this token (${info.why})`);
  const ref = info.value.default_branch;
  const workflowName = WORKFLOW_PATH.split('/').at(-1)!;

  const [actions, tokenSettings, workflowText, workflowState, workflows, label, secrets, orgSecrets, variables, orgVariables, record, actionYml] = await Promise.all([
    ask(async () => (await client.rest.actions.getGithubActionsPermissionsRepository(where)).data),
    ask(async () => (await client.rest.actions.getGithubActionsDefaultWorkflowPermissionsRepository(where)).data),
    ask(() => fileText(client, owner, repo, WORKFLOW_PATH, ref), null),
    ask(async () => (await client.rest.actions.getWorkflow({ ...where, workflow_id: workflowName })).data.state as string | null, null),
    ask(async () => await client.paginate(client.rest.actions.listRepoWorkflows, { ...where, per_page: 100 })),
    ask(async () => (await client.rest.issues.getLabel({ ...where, name: triggerLabel }), true), false),
    ask(async () => await client.paginate(client.rest.actions.listRepoSecrets, { ...where, per_page: 100 })),
    ask(async (): Promise<{ name: string }[]> => await client.paginate(client.rest.actions.listRepoOrganizationSecrets, { ...where, per_page: 100 }), []),
    ask(async () => await client.paginate(client.rest.actions.listRepoVariables, { ...where, per_page: 30 })),
    ask(async (): Promise<{ name: string; value: string }[]> => await client.paginate(client.rest.actions.listRepoOrganizationVariables, { ...where, per_page: 30 }), []),
    ask(() => fileText(client, owner, repo, RECORD_PATH, ref), null),
    ask(async () => (await fileText(client, owner, repo, `${ACTION_DIR}/action.yml`, ref)) !== null, false),
  ]);

  let selected: Answer<boolean | undefined> = { ok: true, value: undefined };
  if (actions.ok && actions.value.allowed_actions === 'selected') {
    selected = await ask(async () => (await client.rest.actions.getAllowedActionsRepository(where)).data.github_owned_allowed);
  }

  return {
    repo: `${owner}/${repo}`,
    defaultBranch: ref,
    actions:
      actions.ok && selected.ok
        ? { ok: true, value: { enabled: actions.value.enabled, allowedActions: actions.value.allowed_actions, shaPinningRequired: actions.value.sha_pinning_required, githubOwnedAllowed: selected.value } }
        : { ok: false, why: actions.ok ? (selected as { why: string }).why : actions.why },
    tokenSettings: tokenSettings.ok
      ? { ok: true, value: { defaultPermissions: tokenSettings.value.default_workflow_permissions, canCreatePullRequests: tokenSettings.value.can_approve_pull_request_reviews } }
      : tokenSettings,
    workflow: workflowText.ok
      ? { ok: true, value: workflowText.value === null ? null : { text: workflowText.value, state: workflowState.ok ? workflowState.value : null } }
      : workflowText,
    otherWorkflows: workflows.ok ? { ok: true, value: workflows.value.filter((w) => w.path !== WORKFLOW_PATH).map((w) => w.name) } : workflows,
    label,
    // An organisation secret may be limited to some repositories: this list holds the ones this repository gets.
    secrets: secrets.ok && orgSecrets.ok ? { ok: true, value: new Set([...secrets.value, ...orgSecrets.value].map((s) => s.name)) } : secrets.ok ? (orgSecrets as { ok: false; why: string }) : secrets,
    variables:
      variables.ok && orgVariables.ok
        ? { ok: true, value: new Map([...orgVariables.value, ...variables.value].map((v) => [v.name, v.value])) }
        : variables.ok
          ? (orgVariables as { ok: false; why: string })
          : variables,
    vendored: record.ok && actionYml.ok ? { ok: true, value: { record: record.value, action: actionYml.value } } : record.ok ? (actionYml as { ok: false; why: string }) : record,
  };
}
