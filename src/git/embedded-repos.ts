// Repositories inside the work tree: gitlinks in the index, and untracked
// folders with a `.git` of their own (git would add each as one gitlink). For
// these, `git add` runs `git status` inside the repository, which reads that
// repository's own config: a filter or fsmonitor the agent wrote there would
// run in the orchestrator's git, with its environment. So the orchestrator's
// git never looks inside them: the index's are left out of its status and of
// every staging, and the untracked ones are never staged.
import { statSync } from 'node:fs';
import type { Git } from './command.js';

const split = (out: string) => out.split('\0').filter(Boolean);

async function listGitlinks(git: Git): Promise<string[]> {
  return split(await git.raw(['ls-files', '-s', '-z']))
    .filter((entry) => entry.startsWith('160000 '))
    .map((entry) => entry.slice(entry.indexOf('\t') + 1));
}

/**
 * The gitlinks of the index, listed again only when someone else wrote the
 * index: its inode, size and ctime (which no one can set) are kept after each
 * of our own writes, none of which adds or drops a gitlink (every `add` leaves
 * the repositories out). Listing them reads all of a big index, on every commit.
 */
export class GitlinkCache {
  private key: string | null = null;
  private linked: string[] = [];

  constructor(private readonly indexFile: string) {}

  private stamp(): string | null {
    try {
      const info = statSync(this.indexFile, { bigint: true });
      return `${info.dev}:${info.ino}:${info.size}:${info.ctimeNs}`;
    } catch {
      return null;
    }
  }

  async current(git: Git): Promise<string[]> {
    const stamp = this.stamp();
    if (stamp === null || stamp !== this.key) {
      this.linked = await listGitlinks(git);
      this.key = this.stamp();
    }
    return this.linked;
  }

  /** After a write of ours that kept the gitlinks as they were. */
  settle(): void {
    if (this.key !== null) this.key = this.stamp();
  }

  /** After something that may change them (a rebase, a checkout). */
  forget(): void {
    this.key = null;
  }
}

/** Pathspecs that keep git out of these repositories. */
export function excludeRepos(paths: string[]): string[] {
  return paths.map((path) => `:(exclude,literal)${path}`);
}
