// Step: the session branch, checked out in the workspace actions/checkout
// left: found on the remote by the issue's prefix, or made from the base.
import { openWorkspace, findSessionBranch, type Workspace } from '../git/workspace.js';
import { SessionBranch } from '../git/session-branch.js';
import { PROTECTED_PATHS } from '../git/protected-paths.js';
import { slugify } from '../session/naming.js';
import type { IssueInfo } from '../github/repo-api.js';
import type { ActiveIntent } from './intent.js';
import { checkCheckout } from './check-checkout.js';
import { StopRun } from './stop.js';
import type { Toolkit } from './toolkit.js';

export interface OpenedBranch {
  workspace: Workspace;
  branch: SessionBranch;
  /** False when this run made the branch. */
  existed: boolean;
  /** What the guard put back in .git during this run: files the agent must not have changed. */
  restoredGitFiles: string[];
  /** Files kept off this run's commits (a secret that cannot be scrubbed, over GitHub's size limit). */
  leftOut: { path: string; why: string }[];
  baseBranch: string;
}

export async function openSessionBranch(kit: Toolkit, intent: ActiveIntent, issue: IssueInfo): Promise<OpenedBranch> {
  const { inputs, runner } = kit.config;
  const restoredGitFiles: string[] = [];
  const leftOut: { path: string; why: string }[] = [];
  const workspace = await openWorkspace({
    workspace: runner.workspace,
    token: inputs.token,
    serverUrl: runner.serverUrl,
    tempRoot: runner.tempDir,
    onGitdirRestored: (files) => {
      kit.log.warning(`put back .git/${files.join(', .git/')} as the run left them (something changed them)`);
      restoredGitFiles.push(...files.map((f) => `.git/${f}`));
    },
  });
  if (workspace.removedCredentials.length) kit.log.info(`removed persisted credentials from .git/config (${workspace.removedCredentials.join(', ')})`);
  const defaultBranch = await kit.api.defaultBranch();
  await checkCheckout(kit, workspace, issue, defaultBranch);
  const prefix = `${inputs.branchPrefix}${issue.number}-`;
  const existing = await findSessionBranch(workspace, prefix);
  if (!existing && intent.kind !== 'start') throw new StopRun(`#${issue.number} has no session branch (${prefix}…); nothing to do`, 'nothing');
  const branch = new SessionBranch(workspace, existing ?? `${prefix}${slugify(issue.title)}`, {
    redactor: kit.redactor,
    forceAdd: [inputs.sessionsDir],
    onLeftOut: (files) => {
      kit.log.warning(`left out of the commit: ${files.map((f) => `${f.path} (${f.why})`).join('; ')}`);
      for (const file of files) if (!leftOut.some((f) => f.path === file.path)) leftOut.push(file);
    },
  });
  const baseBranch = inputs.baseBranch ?? defaultBranch;
  // What actions/checkout left is the base: the agent's configuration is taken from there.
  branch.protectFromBase(await branch.head(), PROTECTED_PATHS, (restored) =>
    kit.log.warning(`the agent changed ${restored.join(', ')}; put back as on the base branch (agent configuration and workflows are not taken from the session)`),
  );
  if (existing) await branch.checkoutRemote();
  else await branch.create();
  return { workspace, branch, existed: Boolean(existing), baseBranch, restoredGitFiles, leftOut };
}
