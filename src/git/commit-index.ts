// The index committed with git's plumbing. `git commit` would look at every
// tracked file again (a second pass over the work tree, just after the one
// that staged it) and write the whole index once more; here the index is
// staged path by path, its tree written once, and the branch moved from the
// commit it was on to the new one, with the reflog line `git commit` writes.
// Identity, hooks and signing come from the same environment as before:
// commit-tree and update-ref read them as commit does.
import type { Git } from './command.js';

export interface Staged {
  path: string;
  deleted: boolean;
}

/** Puts each of `paths` in the index as the work tree has it: added, updated, or removed where it is gone. */
export async function stagePaths(git: Git, paths: string[]): Promise<void> {
  if (!paths.length) return;
  // Paths on stdin are taken literally; --replace lets a file take a folder's place and the other way round, as add does.
  await git.raw(['update-index', '--add', '--remove', '--replace', '-z', '--stdin'], `${paths.join('\0')}\0`);
}

/** Writes the index as a tree; returns its id. */
export async function writeTree(git: Git): Promise<string> {
  return (await git.raw(['write-tree'])).trim();
}

const names = (out: string) => out.split('\0').filter(Boolean);

/** How `tree` differs from `head`'s tree (every path of it on a branch with no commit yet). */
export async function changedSince(git: Git, head: string | null, tree: string): Promise<Staged[]> {
  if (head === null) return names(await git.raw(['ls-tree', '-r', '-z', '--name-only', tree])).map((path) => ({ path, deleted: false }));
  const parts = names(await git.raw(['diff-tree', '-r', '-z', '--no-renames', '--name-status', head, tree]));
  const staged: Staged[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) staged.push({ path: parts[i + 1]!, deleted: parts[i] === 'D' });
  return staged;
}

/**
 * A message as `git commit -m` keeps it: trailing spaces cut from each line,
 * runs of blank lines made one, none at the start or end, a final newline.
 */
export function cleanMessage(message: string): string {
  const lines: string[] = [];
  for (const line of message.split('\n').map((l) => l.replace(/[ \t\r\v\f]+$/, ''))) {
    if (line === '' && (lines.length === 0 || lines[lines.length - 1] === '')) continue;
    lines.push(line);
  }
  while (lines[lines.length - 1] === '') lines.pop();
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Commits `tree` on top of `head` (none on a branch with no commit yet) and moves HEAD's branch to it, only from `head`. */
export async function commitTree(git: Git, tree: string, head: string | null, message: string): Promise<string> {
  const text = cleanMessage(message);
  const commit = (await git.raw(['commit-tree', tree, ...(head ? ['-p', head] : []), '-F', '-'], text)).trim();
  const subject = text.split('\n', 1)[0];
  await git.raw(['update-ref', '-m', `commit${head ? '' : ' (initial)'}: ${subject}`, 'HEAD', commit, head ?? '']);
  return commit;
}
