// `samocode status`: one line per session, from its _overview.md.
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatNext, parseStatus } from '../core/overview.js';
import { FsSessionStore } from '../session/fs-store.js';
import { findSession } from './open-session.js';
import { loadPaths } from './project.js';
import { out } from './usage.js';

export async function status(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, session: { type: 'string' } } });
  const paths = loadPaths(values.config);
  const folders = values.session
    ? [(await findSession(paths, values.session, new Date())).folder]
    : (await readdir(paths.sessions, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (folders.length === 0) out('samocode: no sessions yet');
  let code = 0;
  for (const folder of folders) {
    const store = new FsSessionStore({ sessionPath: resolve(paths.sessions, folder), workdir: paths.mainRepo });
    const reading = parseStatus(await store.readOverview());
    if (!reading.ok) {
      out(`${folder}: ${reading.reason}`);
      code = 1;
      continue;
    }
    const s = reading.status;
    const state = s.blocked ? `blocked: ${s.blocked}` : formatNext(s.next);
    out(`${folder}: phase ${s.phase}, iteration ${s.iteration} (total ${s.totalIterations}), ${state}; last action: ${s.lastAction}; cost $${s.costUsd.toFixed(4)}`);
  }
  return code;
}
