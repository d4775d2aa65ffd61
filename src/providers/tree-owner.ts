// Handing the work tree to the agent user before each call, when the
// orchestrator is root: only what is not the agent's yet changes owner, and a
// folder whose entries did not change since the last hand-over is not looked
// into again. What the orchestrator writes between calls (git's checkouts,
// the session's files) is a new entry in some folder, which changes that
// folder's ctime; writing an existing file keeps its owner. So a tree where
// nothing changed costs one lstat a folder, and no process.
import { lchownSync, lstatSync, readdirSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';

export interface TreeOwner {
  uid: number;
  gid: number;
}

export class TreeHandOver {
  /** Every folder of the tree (the top included), with its ctime when last looked into. */
  private readonly folders = new Map<string, bigint>();

  constructor(
    private readonly top: string,
    private readonly owner: TreeOwner,
  ) {}

  /** Gives the agent what is not its yet; returns how many entries changed owner. */
  handOver(): number {
    if (this.folders.size === 0) return this.walk(this.top);
    let changed = 0;
    for (const [dir, seen] of [...this.folders]) {
      const info = stat(dir);
      if (!info?.isDirectory()) {
        this.folders.delete(dir);
        continue;
      }
      if (info.ctimeNs !== seen) changed += this.look(dir, info.ctimeNs);
    }
    return changed;
  }

  /** The folder and everything under it, as met for the first time. */
  private walk(dir: string): number {
    const info = stat(dir);
    if (!info?.isDirectory()) return 0;
    return this.look(dir, info.ctimeNs);
  }

  /** Each entry of `dir`: its own if not the agent's (a hard-linked file never: it may be one outside the tree); new folders walked. */
  private look(dir: string, ctime: bigint): number {
    this.folders.set(dir, ctime);
    let changed = 0;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return 0;
    }
    for (const name of names) {
      // The top folder's .git stays the orchestrator's.
      if (dir === this.top && name === '.git') continue;
      const path = join(dir, name);
      const info = stat(path);
      if (!info) continue;
      const folder = info.isDirectory();
      if (info.uid !== BigInt(this.owner.uid) && (folder || info.nlink === 1n)) {
        lchownSync(path, this.owner.uid, this.owner.gid);
        changed++;
      }
      if (folder && !this.folders.has(path)) changed += this.walk(path);
    }
    return changed;
  }
}

function stat(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch {
    return undefined;
  }
}
