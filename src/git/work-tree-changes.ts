// What the work tree holds that the index does not, from one pass over it.
// `git status` looks at every tracked file once (and writes what it learned
// back to the index when it can, so that a file touched but not changed is
// hashed once, not at every checkpoint), lists the new files and the ignored
// ones, and names the commit HEAD is on. Repositories inside the work tree
// come out as folders and are never looked into.
import type { Git } from './command.js';

export interface WorkTreeChanges {
  /** The commit HEAD names; null on a branch with no commit yet. */
  head: string | null;
  /** Tracked paths whose file differs from the index: changed, deleted, of another type, or unmerged. */
  tracked: string[];
  /** New files that no .gitignore hides. */
  untracked: string[];
  /** New folders that hold a repository of their own (without the trailing slash). */
  repos: string[];
  /** Ignored paths; an ignored folder is named once, with a trailing slash, its contents not listed. */
  ignored: string[];
}

/** The rest of a record after `fields` space-separated fields: the path, which may hold spaces. */
function pathAfter(record: string, fields: number): string {
  let at = 0;
  for (let i = 0; i < fields; i++) at = record.indexOf(' ', at) + 1;
  return record.slice(at);
}

/** `exclude` are pathspecs (the index's gitlinks) that git is not to look at. */
export async function workTreeChanges(git: Git, exclude: string[]): Promise<WorkTreeChanges> {
  // Porcelain v2 is the stable format; renames off, so that each record names one path.
  const out = await git.raw(['status', '--porcelain=v2', '-z', '--branch', '--no-ahead-behind', '--untracked-files=all', '--ignored=matching', '--no-renames', '--ignore-submodules=all', '--', '.', ...exclude]);
  const changes: WorkTreeChanges = { head: null, tracked: [], untracked: [], repos: [], ignored: [] };
  const records = out.split('\0');
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const kind = record[0];
    if (kind === '#') {
      const oid = /^# branch\.oid ([0-9a-f]+)$/.exec(record);
      if (oid) changes.head = oid[1]!;
    } else if (kind === '1' || kind === '2' || kind === 'u') {
      // "1 XY sub mH mI mW hH hI path", "2 XY sub mH mI mW hH hI Xscore path\0orig", "u XY sub m1 m2 m3 mW h1 h2 h3 path".
      const paths = [pathAfter(record, kind === '1' ? 8 : kind === '2' ? 9 : 10), ...(kind === '2' ? [records[++i]!] : [])];
      const [, xy, sub] = record.split(' ', 3);
      // A gitlink's repository is never looked into; the index keeps it as it is.
      if (sub === 'N...' && (kind === 'u' || xy![1] !== '.')) changes.tracked.push(...paths);
    } else if (kind === '?') {
      const path = record.slice(2);
      if (path.endsWith('/')) changes.repos.push(path.slice(0, -1));
      else changes.untracked.push(path);
    } else if (kind === '!') changes.ignored.push(record.slice(2));
  }
  return changes;
}
