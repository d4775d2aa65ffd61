// The orchestrator's records of earlier iterations (its logs, the signal
// history, the review and feedback records) lie in the session folder, where
// the agent writes too. Before an agent call they are held as last committed;
// after it, whatever the agent changed, deleted or added among them is put
// back from that commit and named. What differed from the commit before the
// call (a file left out of it) is not the commit's to restore, and is left.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Git } from './command.js';

export interface HeldRecords {
  /** Puts the records back as committed; the paths it restored or removed. */
  putBack(): Promise<string[]>;
}

const names = (out: string) => out.split('\0').filter(Boolean);

/**
 * `paths` (relative to the work tree) as HEAD has them; `own` are files under
 * them that the orchestrator writes during the call (this call's log).
 */
export async function holdRecords(git: Git, workspace: string, paths: string[], own: string[]): Promise<HeldRecords> {
  // Literal pathspecs: a file name the agent chose is never read as pathspec magic.
  const run = (args: string[]) => git.raw(['--literal-pathspecs', ...args]);
  const differing = async () => names(await run(['diff', '--name-only', '--no-renames', '-z', 'HEAD', '--', ...paths]));
  // Without --exclude-standard: an ignored session folder's files count too.
  const untracked = async () => names(await run(['ls-files', '--others', '-z', '--', ...paths]));
  const before = { differing: new Set(await differing()), untracked: new Set(await untracked()) };
  return {
    async putBack() {
      const added = (await untracked()).filter((p) => !before.untracked.has(p) && !own.includes(p));
      // What the agent put there first (a link where the logs folder was), so that checkout writes real files.
      for (const path of added) await rm(join(workspace, path), { recursive: true, force: true });
      const changed = (await differing()).filter((p) => !before.differing.has(p));
      if (changed.length) await run(['checkout', '-q', 'HEAD', '--', ...changed]);
      return [...changed, ...added].sort();
    },
  };
}
