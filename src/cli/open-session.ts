// Terminal mode's session: the folder under SESSIONS, the worktree under
// WORKTREES, and what a second `samocode run` takes in before the loop.
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { recordFileAnswers, unreadFileAnswers } from '../core/answers.js';
import { newOverview, parseStatus, readSection, resumeStatus, writeStatus, type SessionStatus } from '../core/overview.js';
import { PHASE_TABLE } from '../core/phases.js';
import { isoStamp } from '../core/time.js';
import { FsSessionStore } from '../session/fs-store.js';
import { checkSessionName, resolveSessionName } from '../session/naming.js';
import type { ProjectPaths } from '../session/terminal-config.js';
import { prepareWorktree, type Worktree } from '../git/worktree.js';

export interface OpenedSession {
  name: string;
  folder: string;
  path: string;
  isNew: boolean;
  store: FsSessionStore;
  worktree: Worktree;
  task?: string;
  dive?: string;
  /** What this run did before the loop: resumed, answers taken in, … */
  notices: string[];
}

export class SessionSetupError extends Error {
  override name = 'SessionSetupError';
}

/** What a person can do about an `_overview.md` the loop cannot read. */
export function brokenOverview(sessionPath: string, reason: string): string {
  const file = join(sessionPath, '_overview.md');
  return (
    `${file}: ${reason}. To restore it: fix that line by hand (the Status block is \`Key: value\` lines), ` +
    `or bring back the last good copy (\`git checkout -- _overview.md\` where the session folder is in git), ` +
    'or delete the file to start the session afresh (its other files stay)'
  );
}

export function personName(): string {
  try {
    return userInfo().username || 'terminal user';
  } catch {
    return 'terminal user';
  }
}

async function listFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

export async function findSession(paths: ProjectPaths, name: string, now: Date) {
  const problem = checkSessionName(name);
  if (problem) throw new SessionSetupError(problem);
  const resolved = resolveSessionName(await listFolders(paths.sessions), name, now);
  return { ...resolved, path: join(paths.sessions, resolved.folder) };
}

export interface OpenOptions {
  name: string;
  task?: string;
  dive?: string;
  now: Date;
  /** The worktree branch is `<prefix>/<folder>`; `samocode` unless GIT_BRANCH_PREFIX says. */
  branchPrefix?: string;
}

const quoted = (text: string) => text.trim().split('\n').map((line) => (line ? `> ${line}` : '>')).join('\n');

/**
 * `--task`/`--dive` on a session that exists: a section still empty takes the
 * text; one that holds other text keeps it and gets the new text after it, so
 * the original's "dive first, then the task" works and nothing is lost.
 */
export function keepSection(overview: string, title: 'Task' | 'Dive', text: string | undefined, at: string): { overview: string; note?: string } {
  if (!text?.trim()) return { overview };
  const current = readSection(overview, title);
  if (current?.trim() === text.trim()) return { overview };
  const lines = overview.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^##\\s+${title}\\s*$`, 'i').test(l));
  if (start < 0) return { overview: `${overview.replace(/\s*$/, '')}\n\n## ${title}\n${quoted(text)}\n`, note: `--${title.toLowerCase()} kept in the session` };
  let end = start + 1;
  while (end < lines.length && !/^#{1,2}\s/.test(lines[end]!)) end++;
  const body = current === undefined ? quoted(text) : [...lines.slice(start + 1, end)].join('\n').trimEnd() + `\n>\n> Added ${at}:\n${quoted(text)}`;
  lines.splice(start + 1, end - start - 1, ...body.split('\n'), '');
  const verb = current === undefined ? 'kept in the session' : 'added to the session\'s own';
  return { overview: lines.join('\n'), note: `--${title.toLowerCase()} ${verb}` };
}

export async function openTerminalSession(paths: ProjectPaths, options: OpenOptions): Promise<OpenedSession> {
  const found = await findSession(paths, options.name, options.now);
  const notices: string[] = [];
  const worktree = await prepareWorktree(paths.mainRepo, paths.worktrees, found.folder, options.branchPrefix);
  notices.push(worktree.note);
  // The worktree is committed once per run (see cli.ts), not per iteration: it is local,
  // so nothing is lost in between, and a commit per iteration costs more than the loop.
  const store = new FsSessionStore({ sessionPath: found.path, workdir: worktree.path });

  let overview = await store.readOverview();
  if (overview === null) {
    if (!found.isNew && existsSync(found.path)) notices.push(`${found.folder} had no _overview.md; starting it afresh`);
    await mkdir(found.path, { recursive: true });
    overview = newOverview({
      sessionName: found.folder,
      startedAt: isoStamp(options.now),
      task: options.task,
      dive: options.dive,
      workingDir: worktree.path,
    });
    await store.writeOverview(overview);
    notices.push(`new session ${found.folder}`);
  } else if (options.task || options.dive) {
    const at = isoStamp(options.now).slice(0, 16).replace('T', ' ');
    let updated = overview;
    for (const [title, text] of [['Task', options.task], ['Dive', options.dive]] as const) {
      const kept = keepSection(updated, title, text, at);
      updated = kept.overview;
      if (kept.note) notices.push(kept.note);
    }
    if (updated !== overview) await store.writeOverview((overview = updated));
  }

  const reading = parseStatus(overview);
  if (!reading.ok) throw new SessionSetupError(brokenOverview(found.path, reading.reason));
  let status: SessionStatus = reading.status;

  if (status.next.kind === 'waiting' && status.next.gate === 'qa_answers') {
    const gates = await store.readGates();
    const qa = await store.readQa();
    const updated = recordFileAnswers(gates, qa, personName(), isoStamp(options.now));
    if (updated !== gates) {
      await store.writeGates(updated);
      notices.push(`took in ${updated.answers.length - gates.answers.length} answer(s) from _qa.md`);
    }
    notices.push(...unreadFileAnswers(updated, qa).map((line) => `_qa.md ${line}`));
  }
  if (status.blocked) {
    notices.push(`resuming a blocked session (was: ${status.blocked})`);
    status = resumeStatus(status, PHASE_TABLE[status.phase].maxIterations, personName());
    await store.writeOverview(writeStatus(overview, status));
  }

  return {
    name: options.name,
    folder: found.folder,
    path: found.path,
    isNew: found.isNew,
    store,
    worktree,
    task: readSection(overview, 'Task'),
    dive: readSection(overview, 'Dive'),
    notices,
  };
}
