// Step: the session folder on the branch, the twin of terminal mode's
// openTerminalSession: found by the issue's number, or made with the task.
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { cleanUntrusted } from '../core/clean.js';
import { newOverview, parseStatus, type SessionStatus } from '../core/overview.js';
import type { Links } from '../core/render.js';
import { isoStamp } from '../core/time.js';
import type { IssueInfo } from '../github/repo-api.js';
import { FsSessionStore } from '../session/fs-store.js';
import { datePrefix, issueFolder, slugify } from '../session/naming.js';
import type { ActiveIntent } from './intent.js';
import type { OpenedBranch } from './open-branch.js';
import { failOnIssue } from './post-notice.js';
import type { Toolkit } from './toolkit.js';

export interface GitHubSession {
  folder: string;
  path: string;
  store: FsSessionStore;
  links: Links;
  /** The issue's text as the task: cleaned, from the label event's snapshot when there is one. */
  issueText: string;
  /** True when this run made the session. */
  created: boolean;
  overview: string;
  status: SessionStatus;
}

export async function openSession(
  kit: Toolkit,
  intent: ActiveIntent,
  issue: IssueInfo,
  opened: OpenedBranch,
  payload: Record<string, unknown>,
): Promise<GitHubSession> {
  const { inputs, runner } = kit.config;
  const root = join(runner.workspace, inputs.sessionsDir);
  const found = issueFolder(await readdir(root).catch(() => [] as string[]), issue.number);
  if (opened.existed && !found) {
    // The branch says a session exists; starting another from scratch would replay every old comment.
    await failOnIssue(kit, issue.number, `the session folder for #${issue.number} is missing from ${inputs.sessionsDir}/ on ${opened.branch.name}; restore it there, or delete the branch to start over`);
  }
  const folder = found ?? `${datePrefix(new Date(kit.startedAt))}-${issue.number}-${slugify(issue.title)}`;
  const path = join(root, folder);
  const store = new FsSessionStore({
    sessionPath: path,
    workdir: runner.workspace,
    redact: (text) => kit.redactor.redact(text),
    checkpoint: (message) => opened.branch.checkpoint(message),
    // Nothing above the work tree is trusted to be a real folder, and no link in the session is followed.
    guardFrom: runner.workspace,
    onRefused: (file, why) => kit.log.warning(`not read: ${file} (${why})`),
    // The orchestrator's records of earlier iterations come back from the session branch's last commit.
    holdCommitted: (paths, own) => opened.branch.holdRecords(paths, own),
  });
  // The label event's own snapshot of the issue: an edit made after the label was added is not the task.
  const snapshot = intent.kind === 'start' ? (payload.issue as { title?: string; body?: string | null } | undefined) : undefined;
  const issueText = cleanUntrusted(`${snapshot?.title ?? issue.title}\n\n${snapshot?.body ?? issue.body}`);

  let overview = await store.readOverview();
  if (overview === null && store.refused.length) {
    // A planted link or a strange file is not "no session yet": starting over would lose the real one.
    const why = store.refused.map((r) => `${r.file}: ${r.why}`).join('; ');
    await failOnIssue(kit, issue.number, `the session's files on ${opened.branch.name} could not be read safely (${why}); fix them there and comment /resume`);
  }
  const created = overview === null;
  if (overview === null) {
    overview = newOverview({ sessionName: folder, startedAt: isoStamp(kit.startedAt), task: issueText, workingDir: '.', source: issue.url });
    await store.writeOverview(overview);
    kit.log.info(`new session ${folder} on ${opened.branch.name}`);
  }
  const reading = parseStatus(overview);
  if (!reading.ok) {
    await failOnIssue(kit, issue.number, `the session's _overview.md is unusable (${reading.reason}); fix it on ${opened.branch.name} and comment /resume`);
  }
  return { folder, path, store, links: sessionLinks(kit, opened.branch.name, path), issueText, created, overview, status: (reading as { status: SessionStatus }).status };
}

function sessionLinks(kit: Toolkit, branch: string, sessionPath: string): Links {
  const { runner } = kit.config;
  const repo = `${runner.serverUrl}/${runner.repository}`;
  const inRepo = (path: string) => relative(runner.workspace, path);
  return {
    run: runner.runUrl,
    branch: `${repo}/tree/${branch}`,
    sessionFolder: `${repo}/tree/${branch}/${inRepo(sessionPath)}`,
    file: (name) => `${repo}/blob/${branch}/${inRepo(join(sessionPath, name))}`,
  };
}
