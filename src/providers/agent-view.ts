// The agent's filesystem view (DESIGN §6a "Filesystem view"): each call
// starts in a mount namespace of its own, where the runner user's HOME,
// RUNNER_TEMP and every folder on the way to the agent's folders that others
// may not pass through are covered by an empty tmpfs. What the agent needs
// below them (the work tree, its own HOME and temp folder, the CLI, the
// toolchains on PATH) is bound back at the same path. So no folder of the
// runner is opened up (no o+x), and what earlier steps left there is not seen.
import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve, sep } from 'node:path';

export interface ViewPlan {
  /** Covered by an empty tmpfs, outermost only. */
  hide: string[];
  /** Bound back inside a covered folder, outermost only. */
  keep: string[];
}

const inside = (path: string, dir: string) => path === dir || path.startsWith(dir === sep ? dir : `${dir}${sep}`);
const strictlyInside = (path: string, dir: string) => path !== dir && inside(path, dir);

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

export interface ViewNeeds {
  /** The runner's folders to hide: its HOME and RUNNER_TEMP. */
  hide: string[];
  /** The agent's own folders, the CLI's folder and the toolchains: kept, at their paths. */
  keep: string[];
  /** The agent's uid and gid: a folder it owns, or whose group it is in, is passable to it. */
  uid: number;
  gid: number;
}

/** Folders on the way to `path` that the agent may not pass through. */
async function closedAncestors(path: string, uid: number, gid: number): Promise<string[]> {
  const closed: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const info = await stat(dir).catch(() => undefined);
    if (info) {
      const bit = info.uid === uid ? 0o100 : info.gid === gid ? 0o010 : 0o001;
      if (!(info.mode & bit)) closed.push(dir);
    }
    if (dir === dirname(dir)) break;
  }
  return closed;
}

export async function planView(needs: ViewNeeds): Promise<ViewPlan> {
  const keep: string[] = [];
  for (const path of needs.keep) {
    if (!isAbsolute(path) || !(await isDir(path))) continue;
    keep.push(resolve(path));
    const real = await realpath(path).catch(() => undefined);
    if (real && real !== resolve(path)) keep.push(real);
  }
  const hide = new Set<string>();
  for (const path of needs.hide) {
    if (!isAbsolute(path) || !(await isDir(path))) continue;
    const dir = await realpath(path);
    // Never cover the root, nor a folder that holds something the agent works in as a whole.
    if (dir === sep || keep.some((k) => inside(dir, k))) continue;
    hide.add(dir);
  }
  for (const path of keep) for (const dir of await closedAncestors(path, needs.uid, needs.gid)) if (!keep.some((k) => inside(dir, k))) hide.add(dir);
  const outermost = (list: string[]) => [...new Set(list)].filter((p, _, all) => !all.some((q) => strictlyInside(p, q)));
  const hidden = outermost([...hide]).sort();
  // What is kept is bound back only where a covered folder would hide it; a folder that is covered itself stays covered.
  const bound = outermost(keep.filter((k) => hidden.some((h) => strictlyInside(k, h)))).sort();
  return { hide: hidden, keep: bound };
}

/** A shell word: single-quoted. */
const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * The shell lines that make the view in a fresh mount namespace (run as root
 * there, before the switch to the agent user). Each kept folder is opened
 * before its cover goes on and bound back from the open descriptor; the
 * descriptors are closed before the agent starts.
 */
export function viewScript(plan: ViewPlan): string {
  const lines: string[] = [];
  const fds = plan.keep.map((path, i) => ({ path, fd: 3 + i }));
  if (fds.length) lines.push(`exec ${fds.map(({ path, fd }) => `${fd}<${quote(path)}`).join(' ')}`);
  for (const dir of plan.hide) lines.push(`mount -t tmpfs -o mode=0755,size=64k,nosuid,nodev samocode-view ${quote(dir)}`);
  for (const { path, fd } of fds) lines.push(`mkdir -p ${quote(path)}`, `mount --no-canonicalize --bind /proc/self/fd/${fd} ${quote(path)}`);
  if (fds.length) lines.push(`exec ${fds.map(({ fd }) => `${fd}<&-`).join(' ')}`);
  return lines.join('\n');
}
