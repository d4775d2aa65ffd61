// Terminal mode's session: the folder under SESSIONS, the worktree under
// WORKTREES, and what a second `samocode run` takes in before the loop.
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { recordFileAnswers } from '../core/answers.js';
import { newOverview, parseStatus, readSection, resumeStatus, writeStatus, type SessionStatus } from '../core/overview.js';
import { PHASE_TABLE } from '../core/phases.js';
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
}

export async function openTerminalSession(paths: ProjectPaths, options: OpenOptions): Promise<OpenedSession> {
  const found = await findSession(paths, options.name, options.now);
  const notices: string[] = [];
  const worktree = await prepareWorktree(paths.mainRepo, paths.worktrees, found.folder);
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
      startedAt: options.now.toISOString(),
      task: options.task,
      dive: options.dive,
      workingDir: worktree.path,
    });
    await store.writeOverview(overview);
    notices.push(`new session ${found.folder}`);
  } else if (options.task || options.dive) {
    notices.push('--task and --dive only apply to a new session; the session keeps its own');
  }

  const reading = parseStatus(overview);
  if (!reading.ok) throw new SessionSetupError(`${found.folder}: ${reading.reason}; fix the file and run again`);
  let status: SessionStatus = reading.status;

  if (status.next.kind === 'waiting' && status.next.gate === 'qa_answers') {
    const gates = await store.readGates();
    const updated = recordFileAnswers(gates, await store.readQa(), personName(), options.now.toISOString());
    if (updated !== gates) {
      await store.writeGates(updated);
      notices.push(`took in ${updated.answers.length - gates.answers.length} answer(s) from _qa.md`);
    }
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
