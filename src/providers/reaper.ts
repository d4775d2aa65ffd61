// However an agent call ends, nothing it started keeps running (DESIGN §6a):
// not its process group, not its session (`setsid` leaves the group), not a
// process of the agent user, not a process that carries the call's marker in
// its environment. Every live call is in a registry, so that a signal handler
// in an entry can end them all before it checkpoints.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';

/**
 * Set in every agent call's environment to a fresh value; found again in `/proc/<pid>/environ`.
 * The leading underscore keeps it apart from the SAMOCODE_* variables a phase is given.
 */
export const MARKER_VAR = '_SAMOCODE_AGENT_CALL';

/**
 * Unique, not secret: the agent reads it in its own environment anyway. The
 * pid and the start time tell this run from any other on the machine, the
 * count one call from the next. Not from node:crypto: loading that module
 * costs a terminal run about 0.5 MiB (the bench's goal 3) for nothing else.
 */
export function newMarker(): string {
  return `${process.pid}-${RUN_STARTED}-${++markersMade}`;
}
const RUN_STARTED = Date.now().toString(36);
let markersMade = 0;

export interface AgentCall {
  /** The CLI's pid; it is spawned detached, so this is also its group and session id. */
  pid: number;
  /** The value of MARKER_VAR in the call's environment. */
  marker: string;
  /** With an agent user: every process of this uid belongs to the call. */
  uid?: number;
  /** With an agent user reached through sudo: the orchestrator cannot signal its processes, so they are killed as that user. */
  sudoUser?: string;
  /**
   * When the CLI's process was made (clock ticks since boot, /proc/<pid>/stat).
   * Whatever the call started is younger: an older process is looked at no
   * further than its group, session and (with an agent user) uid, and its
   * environment is not read. Unset, every process's environment is read.
   */
  startTicks?: number;
}

interface ProcEntry {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  startTicks: number;
}

// One buffer for every /proc/<pid>/stat read: readFileSync gives a file of
// unknown size (as /proc's are) a fresh 64 KiB, and a scan reads one a process.
const statBuffer = Buffer.allocUnsafe(4096);

/** Reads `/proc/<pid>/stat` into statBuffer; returns its length. */
function readStat(pid: number): number {
  const fd = openSync(`/proc/${pid}/stat`, 'r');
  try {
    return readSync(fd, statBuffer, 0, statBuffer.length, 0);
  } finally {
    closeSync(fd);
  }
}

const SPACE = 0x20;
const CLOSE_PAREN = 0x29;
const ZOMBIE = 0x5a; // 'Z'
const DEAD = 0x58; // 'X'

/**
 * Parsed from the bytes, not from a string: a scan reads every process on
 * the machine after every agent call, and a string split into its 50 fields
 * for each was most of what the terminal loop allocated.
 */
function readEntry(pid: number): ProcEntry | undefined {
  let end: number;
  try {
    end = readStat(pid);
  } catch {
    return undefined; // gone, or no /proc (not Linux)
  }
  // The command name may hold spaces and parentheses: the fields start after the last ')'.
  const start = statBuffer.lastIndexOf(CLOSE_PAREN, end - 1) + 2;
  const state = statBuffer[start];
  if (state === ZOMBIE || state === DEAD) return undefined; // already dead, waiting for its parent
  // Field 0 from there is stat's third field (state), 1 ppid, 2 pgrp, 3 session; starttime is its 22nd, 19 here.
  const entry: ProcEntry = { pid, ppid: NaN, pgid: NaN, sid: NaN, startTicks: NaN };
  let field = 0;
  let value = 0;
  for (let i = start; i <= end && field <= 19; i++) {
    const byte = i < end ? statBuffer[i]! : SPACE;
    if (byte !== SPACE) {
      value = value * 10 + byte - 0x30;
      continue;
    }
    if (field === 1) entry.ppid = value;
    else if (field === 2) entry.pgid = value;
    else if (field === 3) entry.sid = value;
    else if (field === 19) entry.startTicks = value;
    field++;
    value = 0;
  }
  return entry;
}

/** The real uid of a process; -1 when it is gone. */
function uidOf(pid: number): number {
  try {
    return Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1] ?? -1);
  } catch {
    return -1;
  }
}

/** When `pid` was made, for AgentCall.startTicks; undefined where there is no /proc. */
export function startTicksOf(pid: number): number | undefined {
  const ticks = readEntry(pid)?.startTicks;
  return ticks !== undefined && Number.isFinite(ticks) ? ticks : undefined;
}

function listProcesses(): Map<number, ProcEntry> {
  const all = new Map<number, ProcEntry>();
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return all;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue; // not a process: /proc/self, /proc/meminfo, …
    const entry = readEntry(Number(name));
    if (entry) all.set(entry.pid, entry);
  }
  return all;
}

// One buffer for every /proc/<pid>/environ read, grown when a larger one comes:
// read as a string, each environment became a copy in the old generation.
let environBuffer = Buffer.allocUnsafe(64 * 1024);

/** Reads `/proc/<pid>/environ` into environBuffer; returns its length. */
function readEnviron(pid: number): number {
  const fd = openSync(`/proc/${pid}/environ`, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === environBuffer.length) {
        const bigger = Buffer.allocUnsafe(length * 2);
        environBuffer.copy(bigger);
        environBuffer = bigger;
      }
      const read = readSync(fd, environBuffer, length, environBuffer.length - length, null);
      if (read === 0) return length;
      length += read;
    }
  } finally {
    closeSync(fd);
  }
}

function carriesMarker(pid: number, marker: string): boolean {
  let length: number;
  try {
    length = readEnviron(pid);
  } catch {
    return false; // another user's process, or gone
  }
  // `NAME=value\0` at the start of the block or right after another variable's \0.
  const environ = environBuffer.subarray(0, length);
  const entry = `${MARKER_VAR}=${marker}\0`;
  for (let at = environ.indexOf(entry, 0, 'latin1'); at >= 0; at = environ.indexOf(entry, at + 1, 'latin1')) {
    if (at === 0 || environ[at - 1] === 0) return true;
  }
  return false;
}

/** This process and its ancestors: never ours to kill. */
function protectedPids(all: Map<number, ProcEntry>): Set<number> {
  const mine = new Set<number>();
  for (let pid: number | undefined = process.pid; pid && !mine.has(pid); pid = all.get(pid)?.ppid) mine.add(pid);
  return mine;
}

/** The live processes that belong to the call, descendants of any of them included. */
export function findCallProcesses(call: AgentCall): number[] {
  const all = listProcesses();
  const spared = protectedPids(all);
  const found = new Set<number>();
  for (const entry of all.values()) {
    if (spared.has(entry.pid)) continue;
    // Only a process made since the call began can carry its marker (or be its descendant).
    const young = call.startTicks === undefined || !(entry.startTicks < call.startTicks);
    const ours =
      entry.pgid === call.pid ||
      entry.sid === call.pid ||
      (call.uid !== undefined && uidOf(entry.pid) === call.uid) ||
      (young && carriesMarker(entry.pid, call.marker));
    if (ours) found.add(entry.pid);
  }
  // A child whose parent is still alive is found through it even with a cleaned environment.
  let grew = true;
  while (grew) {
    grew = false;
    for (const entry of all.values()) {
      if (!found.has(entry.pid) && found.has(entry.ppid) && !spared.has(entry.pid)) {
        found.add(entry.pid);
        grew = true;
      }
    }
  }
  return [...found];
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone, or not ours to signal
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export interface ReapReport {
  killed: number;
  /** Pids still alive when the bound ran out (e.g. stuck in the kernel). */
  left: number[];
}

/** Kills everything the call started, repeating until nothing is left or the bound runs out. Synchronous: usable from a signal or exit handler. */
export function reapCall(call: AgentCall, rounds = 40): ReapReport {
  signal(-call.pid, 'SIGKILL');
  let killed = 0;
  let left: number[] = [];
  for (let round = 0; round < rounds; round++) {
    left = findCallProcesses(call);
    if (left.length === 0) return { killed, left };
    if (call.sudoUser) {
      // kill(-1) as the agent user reaches every process of that user, and nothing else.
      spawnSync('sudo', ['-n', '-u', call.sudoUser, '--', '/bin/sh', '-c', 'kill -9 -1'], { stdio: 'ignore', timeout: 5_000 });
    }
    for (const pid of left) signal(pid, 'SIGKILL');
    killed += left.length;
    sleepSync(Math.min(5 * (round + 1), 50));
  }
  return { killed, left: findCallProcesses(call) };
}

const live = new Set<AgentCall>();
let exitHookInstalled = false;

export function registerCall(call: AgentCall): void {
  live.add(call);
  if (!exitHookInstalled) {
    // 'exit' runs on a normal end and on process.exit(); the entries' signal handlers call reapAll() themselves.
    process.on('exit', () => reapAll());
    exitHookInstalled = true;
  }
}

export function unregisterCall(call: AgentCall): void {
  live.delete(call);
}

export function liveCalls(): AgentCall[] {
  return [...live];
}

/** Ends every live agent call's processes, synchronously. For the entries' SIGINT/SIGTERM/SIGHUP handlers, before they checkpoint. */
export function reapAll(): ReapReport {
  const total: ReapReport = { killed: 0, left: [] };
  for (const call of [...live]) {
    const report = reapCall(call);
    total.killed += report.killed;
    total.left.push(...report.left);
  }
  return total;
}
