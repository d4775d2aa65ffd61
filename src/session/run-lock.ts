// One `samocode run` per session: a lock file made with O_EXCL holds the
// pid, host and start time of the run that has it. A lock whose process is
// gone (same host, dead pid) is taken over; one from another host is not, as
// its pid cannot be checked from here.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { isoStamp } from '../core/time.js';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

export type LockResult = { ok: true; release: () => void; tookOver?: LockHolder } | { ok: false; holder: LockHolder | null };

function readHolder(path: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') return { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt ?? '') };
  } catch {
    // unreadable: treated as held by an unknown run
  }
  return null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function create(path: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  writeSync(fd, `${JSON.stringify(holder)}\n`);
  closeSync(fd);
  return true;
}

export function acquireRunLock(path: string, now: Date = new Date()): LockResult {
  const me: LockHolder = { pid: process.pid, host: hostname(), startedAt: isoStamp(now) };
  const release = () => {
    if (readHolder(path)?.pid === me.pid) rmSync(path, { force: true });
  };
  if (create(path, me)) return { ok: true, release };
  const holder = readHolder(path);
  if (!holder || holder.host !== me.host || isAlive(holder.pid)) return { ok: false, holder };
  // Stale: its run died without cleaning up. Remove and try once more; a run racing us for it wins or loses here.
  rmSync(path, { force: true });
  return create(path, me) ? { ok: true, release, tookOver: holder } : { ok: false, holder: readHolder(path) };
}
