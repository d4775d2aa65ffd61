// Files in a folder the agent can write, handled without trusting it: nothing is
// read or written through a link it planted, only regular files are read, and
// each read is capped. The agent's processes have ended before the orchestrator
// reads (§6a), so checking with lstat and then opening with O_NOFOLLOW suffices.
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_APPEND, O_NOFOLLOW, O_NONBLOCK } = constants;

export type Refused = (path: string, why: string) => void;

export type ReadResult = { kind: 'absent' } | { kind: 'refused'; why: string } | { kind: 'read'; bytes: Buffer; size: number };

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export function describeKind(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a link';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a pipe';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads a regular file, never through a link. Over `maxBytes` it is refused, unless
 * `truncate`: then the first `maxBytes + 1` bytes are read and `size` says how big it was.
 */
export async function readRegular(path: string, maxBytes: number, truncate = false): Promise<ReadResult> {
  const stats = await lstatOrNull(path);
  if (!stats) return { kind: 'absent' };
  if (!stats.isFile()) return { kind: 'refused', why: `is ${describeKind(stats)}` };
  if (stats.size > maxBytes && !truncate) return { kind: 'refused', why: `is ${stats.size} bytes, over the cap of ${maxBytes}` };
  let handle;
  try {
    // O_NONBLOCK: should a pipe appear here after all, opening it cannot hang.
    handle = await open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'absent' };
    if (code === 'ELOOP') return { kind: 'refused', why: 'is a link' };
    throw error;
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile() || opened.ino !== stats.ino || opened.dev !== stats.dev) return { kind: 'refused', why: 'changed while it was opened' };
    const buffer = Buffer.alloc(Math.min(opened.size, maxBytes + 1));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { kind: 'read', bytes: buffer.subarray(0, bytesRead), size: opened.size };
  } finally {
    await handle.close();
  }
}

/** Whatever is at `path` that is not a regular file goes, so what is written next is a file of ours. */
async function clearNonRegular(path: string, onRefused: Refused): Promise<void> {
  const stats = await lstatOrNull(path);
  if (!stats || stats.isFile()) return;
  onRefused(path, `was ${describeKind(stats)}; removed and written as a regular file`);
  // rm removes a link itself, never what it points at.
  await rm(path, { recursive: true, force: true });
}

/**
 * Makes `dir` a real folder: a link or a file in its place is removed and
 * reported. `from` (an ancestor the orchestrator trusts) has every folder below
 * it down to `dir` checked the same way.
 */
export async function ensureRealDir(dir: string, onRefused: Refused, from?: string): Promise<void> {
  for (const folder of chain(dir, from)) {
    const stats = await lstatOrNull(folder);
    if (stats?.isDirectory()) continue;
    if (stats) {
      onRefused(folder, `was ${describeKind(stats)}; removed and made a folder`);
      await rm(folder, { recursive: true, force: true });
    }
    // Recursive only matters for the first: its trusted parents may not exist yet.
    await mkdir(folder, { recursive: true });
  }
}

/** Null if every folder from `from` down to `dir` is a real folder (or absent); else what is wrong. */
export async function checkRealDir(dir: string, from?: string): Promise<{ folder: string; why: string } | null> {
  for (const folder of chain(dir, from)) {
    const stats = await lstatOrNull(folder);
    if (!stats) return null;
    if (!stats.isDirectory()) return { folder, why: `is ${describeKind(stats)}` };
  }
  return null;
}

/** The folders below `from` down to `dir`, top first; just `dir` when `from` is not above it. */
function chain(dir: string, from?: string): string[] {
  const target = resolve(dir);
  const root = from === undefined ? undefined : resolve(from);
  if (!root || !isInside(target, root)) return [target];
  const folders: string[] = [];
  for (let at = target; at !== root && isInside(at, root); at = dirname(at)) folders.unshift(at);
  return folders;
}

const isInside = (path: string, root: string) => path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);

/**
 * A new file beside `path`, made with O_EXCL (never through a link, never
 * over anything). Named by this process, the clock's nanoseconds and a
 * count, which nothing can plant ahead of; not by node:crypto, whose load
 * costs a terminal run about 0.5 MiB (the bench's goal 3) for nothing else.
 * A name that is taken all the same is passed over for the next.
 */
async function openTemp(path: string): Promise<{ temp: string; handle: FileHandle }> {
  for (let tries = 1; ; tries++) {
    const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${process.hrtime.bigint().toString(36)}-${++tempsMade}.tmp`);
    try {
      return { temp, handle: await open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= MAX_TEMP_TRIES) throw error;
    }
  }
}
const MAX_TEMP_TRIES = 100;
let tempsMade = 0;

/** Writes a fresh regular file: a temp file in the same folder, renamed over whatever was there (a link is replaced, not followed). */
export async function writeRegular(path: string, content: string | Buffer, onRefused: Refused): Promise<void> {
  await clearNonRegular(path, onRefused);
  const { temp, handle } = await openTemp(path);
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

/** Opens for appending, never through a link: a link or other thing in its place is removed first. */
export async function openAppend(path: string, onRefused: Refused) {
  await clearNonRegular(path, onRefused);
  return open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0o644);
}

export async function appendRegular(path: string, text: string, onRefused: Refused): Promise<void> {
  const handle = await openAppend(path, onRefused);
  try {
    await handle.appendFile(text);
  } finally {
    await handle.close();
  }
}
