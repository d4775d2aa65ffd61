// Repositories inside the work tree: gitlinks in the index, and untracked
// folders with a `.git` of their own (git adds each as one gitlink). For
// these, `git add` runs `git status` inside the repository, which reads that
// repository's own config: a filter or fsmonitor the agent wrote there would
// run in the orchestrator's git, with its environment. So the orchestrator's
// git never looks inside them: they are left out of every `git add`.
import { statSync } from 'node:fs';
import type { Git } from './command.js';

export interface EmbeddedRepos {
  /** Gitlinks already in the index (a submodule of the base, or committed before): kept as they are. */
  linked: string[];
  /** Untracked repositories: never committed. */
  untracked: string[];
  /** Untracked files under the forced paths that a .gitignore hides: only then is a forced add needed. */
  ignoredForced: boolean;
}

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

/** `forced` are the paths added even where ignored: repositories in them count too. */
export async function findEmbeddedRepos(git: Git, forced: string[] = [], gitlinks?: GitlinkCache): Promise<EmbeddedRepos> {
  const linked = gitlinks ? await gitlinks.current(git) : await listGitlinks(git);
  const others = split(await git.raw(['ls-files', '-o', '-z', '--exclude-standard']));
  const visible = new Set(others);
  const underForced = forced.length ? split(await git.raw(['ls-files', '-o', '-z', '--', ...forced])) : [];
  others.push(...underForced);
  // ls-files names an untracked repository as a folder, with the trailing slash.
  const untracked = [...new Set(others.filter((path) => path.endsWith('/')).map((path) => path.slice(0, -1)))];
  return { linked, untracked, ignoredForced: underForced.some((path) => !visible.has(path)) };
}

/** Pathspecs that keep `git add` out of these repositories. */
export function excludeRepos(repos: EmbeddedRepos): string[] {
  return [...repos.linked, ...repos.untracked].map((path) => `:(exclude,literal)${path}`);
}
