// Step: the issue the event is about, as GitHub has it now. A closed issue
// runs no agent: it says so once (per closing), and reopening it and
// commenting /resume continue the session.
import type { IssueInfo } from '../github/repo-api.js';
import type { ActiveIntent, ChecksIntent, ReviewIntent } from './intent.js';
import { postNotice } from './post-notice.js';
import { StopRun } from './stop.js';
import type { Toolkit } from './toolkit.js';

export async function loadIssue(kit: Toolkit, intent: ActiveIntent): Promise<IssueInfo> {
  const issue = await kit.api.issue(intent.kind === 'review' || intent.kind === 'checks' ? await sessionIssueOf(kit, intent) : intent.issue);
  if (issue.isPullRequest) throw new StopRun(`#${issue.number} is a pull request; nothing to do`, 'nothing');
  if (issue.state === 'closed') {
    const text = `samocode: #${issue.number} is closed, so its session does not run. Reopen the issue and comment \`/resume\` to continue.`;
    await postNotice(kit, issue.number, 'closed', issue.closedAt ?? 'closed', text);
    throw new StopRun(`#${issue.number} is closed; no agent runs`, 'nothing');
  }
  return issue;
}

/** A pull request belongs to a session when its head is a session branch: `<prefix><issue>-<slug>`. */
async function sessionIssueOf(kit: Toolkit, intent: ReviewIntent | ChecksIntent): Promise<number> {
  const prefix = kit.config.inputs.branchPrefix;
  const branch = intent.kind === 'checks' ? intent.branch : intent.branch ?? (await kit.pulls.get(intent.pull)).headRef;
  const match = branch.startsWith(prefix) ? /^(\d+)-/.exec(branch.slice(prefix.length)) : null;
  const what = intent.kind === 'checks' ? `branch ${intent.branch} is not` : `pull request #${intent.pull} is not from`;
  if (!match) throw new StopRun(`${what} a session branch (${prefix}<issue>-…); nothing to do`, 'nothing');
  return Number(match[1]);
}
