// What the orchestrator's git reads from inside .git is what the orchestrator
// left there. The agent can write the work tree (and, without an agent user,
// .git too): a planted filter, include, pushurl, insteadOf, commondir, info
// file or hook would run or redirect inside our own git calls. The guard
// snapshots these once, before any agent runs, and before every git call
// puts back whatever differs; a gitdir that was swapped for another cannot be
// put back, so that stops the run.
import { lstat, mkdir, readdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';

export class GitdirTamperedError extends Error {
  override name = 'GitdirTamperedError';
}

interface Entry {
  content: Buffer;
  mode: number;
}

/** Files directly in .git that git reads as configuration or indirection. */
const TOP_FILES = ['config', 'commondir', 'gitdir', 'info/attributes', 'info/exclude', 'info/grafts', 'info/alternates', 'objects/info/alternates'];
/** Folders whose every file is checked. */
const FOLDERS = ['hooks', 'info'];

async function readEntry(path: string): Promise<Entry | null> {
  try {
    const info = await lstat(path);
    if (!info.isFile()) return { content: Buffer.from(`not a regular file (${info.mode.toString(8)})`), mode: -1 };
    return { content: await readFile(path), mode: info.mode & 0o7777 };
  } catch {
    return null;
  }
}

async function listFiles(dir: string, prefix: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.map((e) => `${prefix}/${e.name}`);
}

export class GitdirGuard {
  private snapshot: Map<string, Entry | null> | null = null;
  private identity: { dev: number; ino: number } | null = null;

  constructor(
    readonly gitdir: string,
    private readonly onRestore: (files: string[]) => void = () => {},
  ) {}

  /** Remembers .git as it is now; from then on `verify` holds it there. */
  async arm(): Promise<void> {
    const info = await lstat(this.gitdir);
    if (!info.isDirectory()) throw new GitdirTamperedError(`${this.gitdir} is not a directory`);
    this.identity = { dev: info.dev, ino: info.ino };
    const names = new Set(TOP_FILES);
    for (const folder of FOLDERS) for (const name of await listFiles(join(this.gitdir, folder), folder)) names.add(name);
    const snapshot = new Map<string, Entry | null>();
    for (const name of names) snapshot.set(name, await readEntry(join(this.gitdir, name)));
    this.snapshot = snapshot;
  }

  /** Puts back every watched file that differs; returns what it put back. */
  async verify(): Promise<string[]> {
    if (!this.snapshot || !this.identity) return [];
    const info = await lstat(this.gitdir).catch(() => null);
    if (!info?.isDirectory() || info.dev !== this.identity.dev || info.ino !== this.identity.ino) {
      throw new GitdirTamperedError(`the repository's .git was replaced or moved since the run began; the run stops rather than use it`);
    }
    const restored: string[] = [];
    // A watched folder swapped for a link: put back as a folder, never written through.
    for (const folder of FOLDERS) {
      const path = join(this.gitdir, folder);
      const kind = await lstat(path).catch(() => null);
      if (kind && !kind.isDirectory()) {
        await rm(path, { recursive: true, force: true });
        restored.push(folder);
      }
    }
    const names = new Set(this.snapshot.keys());
    for (const folder of FOLDERS) for (const name of await listFiles(join(this.gitdir, folder), folder)) names.add(name);
    for (const name of names) {
      const want = this.snapshot.get(name) ?? null;
      const path = join(this.gitdir, name);
      const have = await readEntry(path);
      if (same(want, have)) continue;
      await rm(path, { recursive: true, force: true });
      if (want) {
        await mkdir(join(path, '..'), { recursive: true });
        await writeFile(path, want.content);
        await chmod(path, want.mode);
      }
      restored.push(name);
    }
    if (restored.length) this.onRestore(restored);
    return restored;
  }
}

function same(a: Entry | null, b: Entry | null): boolean {
  if (a === null || b === null) return a === b;
  return a.mode === b.mode && a.content.equals(b.content);
}
