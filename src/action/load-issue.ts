// Step: the issue the event is about, as GitHub has it now.
import type { IssueInfo } from '../github/repo-api.js';
import type { ActiveIntent } from './intent.js';
import { StopRun } from './stop.js';
import type { Toolkit } from './toolkit.js';

export async function loadIssue(kit: Toolkit, intent: ActiveIntent): Promise<IssueInfo> {
  const issue = await kit.api.issue(intent.issue);
  if (issue.isPullRequest) throw new StopRun(`#${issue.number} is a pull request; nothing to do`, 'nothing');
  return issue;
}
