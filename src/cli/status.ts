// `samocode status`: one line per session, from its _overview.md and, at the
// plan gate, whether a person has approved the plan since.
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isPlanApproved } from '../core/gates.js';
import { formatNext, parseStatus, type SessionStatus } from '../core/overview.js';
import { FsSessionStore } from '../session/fs-store.js';
import { EXIT } from './exit-codes.js';
import { brokenOverview, findSession } from './open-session.js';
import { loadPaths } from './project.js';
import { err, out } from './usage.js';

async function stateOf(store: FsSessionStore, s: SessionStatus): Promise<string> {
  if (s.blocked) return `blocked: ${s.blocked}`;
  if (s.next.kind === 'waiting' && s.next.gate === 'plan_approval' && isPlanApproved(await store.readGates(), await store.planFingerprint())) {
    return 'plan approved; the next run goes on to implementation';
  }
  if (s.next.kind === 'waiting') return s.next.gate === 'qa_answers' ? 'waiting for your answers in _qa.md' : 'waiting for your approval of the plan';
  return formatNext(s.next);
}

export async function status(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, session: { type: 'string' } } });
  const paths = loadPaths(values.config);
  let folders: string[];
  if (values.session) {
    const found = await findSession(paths, values.session, new Date());
    if (found.isNew) {
      err(`samocode: no session "${values.session}" in ${paths.sessions}`);
      return EXIT.error;
    }
    folders = [found.folder];
  } else {
    folders = (await readdir(paths.sessions, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  }
  if (folders.length === 0) out('samocode: no sessions yet');
  let code: number = EXIT.done;
  for (const folder of folders) {
    const path = resolve(paths.sessions, folder);
    const store = new FsSessionStore({ sessionPath: path, workdir: paths.mainRepo });
    const reading = parseStatus(await store.readOverview());
    if (!reading.ok) {
      out(`${folder}: ${brokenOverview(path, reading.reason)}`);
      code = EXIT.error;
      continue;
    }
    const s = reading.status;
    out(`${folder}: phase ${s.phase}, iteration ${s.iteration} (total ${s.totalIterations}), ${await stateOf(store, s)}; last action: ${s.lastAction}; cost $${s.costUsd.toFixed(4)}`);
  }
  return code;
}
