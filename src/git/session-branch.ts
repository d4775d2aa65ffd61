// The session's branch on a runner: commits as the action, pushes after
// every iteration, and never throws work away. A rejected push is fetched,
// rebased and retried; a conflict, or another run's claim, goes to a backup
// branch. Everything runs through the workspace's one guarded Git.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redactor } from '../core/redact.js';
import { checkBranchName } from './branch-name.js';
import { changedSince, commitTree, stagePaths, writeTree, type Staged } from './commit-index.js';
import { excludeRepos, GitlinkCache } from './embedded-repos.js';
import { AnotherRunError, BranchConflictError } from './errors.js';
import { committedSince, protectedAmong, restoreFromBase, type Protection } from './protected-paths.js';
import { holdRecords, type HeldRecords } from './held-records.js';
import { scrubForCommit } from './scrub.js';
import { workTreeChanges } from './work-tree-changes.js';
import type { Workspace } from './workspace.js';

export interface SessionBranchOptions {
  /** Known secret values are scrubbed from what is committed. */
  redactor: Redactor;
  /** Committed even where a .gitignore ignores them: the session folder. */
  forceAdd?: string[];
  /** Told what was left out of a commit, and why. */
  onLeftOut?: (files: { path: string; why: string }[]) => void;
  /** Waits between push attempts (ms, times the attempt squared). */
  retryDelayMs?: number;
}

const split = (out: string) => out.split('\0').filter(Boolean);
/** One path is the other or lies under it. */
const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

const CLAIM = /^samocode: run (\S+) takes the session/;
/** Network trouble or a 5xx from the server: worth another try. */
const TRANSIENT_GIT = /could not resolve host|timed out|connection (reset|refused|timed out)|early EOF|RPC failed|unexpected disconnect|the remote end hung up|HTTP 5\d\d|returned error: 5\d\d|internal server error|bad gateway|service unavailable/i;
const REJECTED = /rejected|non-fast-forward|fetch first|stale info/i;
const REFUSED_FOR_GOOD = /workflow.*(scope|permission)|refusing to allow/i;

export class SessionBranch {
  private protection: Protection | null = null;
  private unpushed = false;
  private runId: string | null = null;
  private claimed = false;
  private readonly gitlinks: GitlinkCache;

  constructor(
    private readonly workspace: Workspace,
    readonly name: string,
    private readonly options: SessionBranchOptions,
  ) {
    checkBranchName(name);
    this.gitlinks = new GitlinkCache(join(workspace.guard.gitdir, 'index'));
  }

  private get git() {
    return this.workspace.git;
  }

  private get tracking(): string {
    return `refs/remotes/origin/${this.name}`;
  }

  /** Fetches only the session branch, shallow, and checks it out. */
  async checkoutRemote(): Promise<void> {
    await this.git.raw(['fetch', '--no-tags', '--depth=1', this.workspace.remoteUrl, `+refs/heads/${this.name}:${this.tracking}`]);
    await this.git.raw(['checkout', '-q', '--no-track', '-B', this.name, this.tracking]);
  }

  /** A new branch from what is checked out (the base branch). */
  async create(): Promise<void> {
    await this.git.raw(['checkout', '-q', '--no-track', '-B', this.name]);
    this.gitlinks.forget();
    this.unpushed = true;
  }

  async head(): Promise<string> {
    return (await this.git.raw(['rev-parse', 'HEAD'])).trim();
  }

  /**
   * From now on, what the agent writes under `paths` is put back as it is in
   * `base` (or removed when base has none) before each commit, so later agent
   * calls load the repository's own configuration, not the session's.
   */
  protectFromBase(base: string, paths: string[], onRestore: (paths: string[]) => void = () => {}): void {
    this.protection = { base, paths, onRestore };
  }

  /** The orchestrator's records under `paths` held as last committed, for `putBack` after an agent call. */
  holdRecords(paths: string[], own: string[]): Promise<HeldRecords> {
    return holdRecords(this.git, this.workspace.path, paths, own);
  }

  /**
   * Stages what changed in the work tree, repositories inside it left out,
   * and writes the index's tree; returns it, the commit HEAD is on, and what
   * the tree changes from that commit (a rename as its two sides).
   */
  private async stage(): Promise<{ head: string | null; tree: string; staged: Staged[] }> {
    const forced = this.options.forceAdd ?? [];
    const linked = await this.gitlinks.current(this.git);
    const changes = await workTreeChanges(this.git, excludeRepos(linked));
    // Status wrote back what it learned of unchanged files, never a gitlink.
    this.gitlinks.settle();
    // The session folder is committed even where a .gitignore hides it: what is hidden under it is listed then only.
    const hidden = changes.ignored.some((path) => forced.some((f) => overlaps(path.replace(/\/$/, ''), f)));
    const underForced = hidden ? split(await this.git.raw(['ls-files', '-o', '-z', '--', ...forced])) : [];
    const untracked = [...new Set([...changes.repos, ...underForced.filter((p) => p.endsWith('/')).map((p) => p.slice(0, -1))])];
    if (untracked.length) this.options.onLeftOut?.(untracked.map((path) => ({ path, why: 'a git repository inside the work tree: not committed, and not looked into' })));
    const outside = (path: string) => !path.endsWith('/') && !untracked.some((repo) => path === repo || path.startsWith(`${repo}/`));
    // Hidden files under the session folder go in by name (`add -f` with an exclude pathspec would leave them out).
    await stagePaths(this.git, [...new Set([...changes.tracked, ...changes.untracked, ...underForced])].filter(outside));
    this.gitlinks.settle();
    const tree = await writeTree(this.git);
    this.gitlinks.settle();
    return { head: changes.head, tree, staged: await changedSince(this.git, changes.head, tree) };
  }

  /** Protected paths back from base; returns whether anything was put back. */
  private async protect(staged: string[], committedToo: boolean): Promise<boolean> {
    if (!this.protection) return false;
    const committed = committedToo ? await committedSince(this.git, this.protection) : [];
    const touched = protectedAmong([...staged, ...committed], this.protection.paths);
    if (!touched.length) return false;
    await restoreFromBase(this.git, this.workspace.path, this.protection.base, touched);
    this.gitlinks.forget();
    this.protection.onRestore(touched);
    return true;
  }

  /** Commits everything; true when there was something to commit. */
  async commit(message: string, options: { allowEmpty?: boolean; committedToo?: boolean } = {}): Promise<boolean> {
    let { head, tree, staged } = await this.stage();
    if (await this.protect(staged.map((s) => s.path), options.committedToo ?? false)) ({ head, tree, staged } = await this.stage());
    const present = staged.filter((s) => !s.deleted).map((s) => s.path);
    const { scrubbed, leftOut } = await scrubForCommit(this.workspace.path, present, this.options.redactor);
    await stagePaths(this.git, scrubbed);
    if (leftOut.length) {
      await this.git.raw(['--literal-pathspecs', 'reset', '-q', 'HEAD', '--', ...leftOut.map((f) => f.path)]);
      this.gitlinks.forget();
      this.options.onLeftOut?.(leftOut);
      const out = new Set(leftOut.map((f) => f.path));
      staged = staged.filter((s) => !out.has(s.path));
    }
    if (scrubbed.length || leftOut.length) tree = await writeTree(this.git);
    this.gitlinks.settle();
    if (!staged.length && !options.allowEmpty) return false;
    const notes = [
      ...(scrubbed.length ? [`samocode replaced a secret value in: ${scrubbed.join(', ')}`] : []),
      ...(leftOut.length ? [`samocode left out: ${leftOut.map((f) => `${f.path} (${f.why})`).join('; ')}`] : []),
    ];
    const full = notes.length ? `${message}\n\n${this.options.redactor.redact(notes.join('\n'))}` : message;
    await commitTree(this.git, tree, head, full);
    this.unpushed = true;
    return true;
  }

  /** Pushes; a rejected push is fetched, rebased and retried; a conflict goes to a backup branch. */
  async push(attempts = 3): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.git.raw(['push', '-q', this.workspace.remoteUrl, `HEAD:refs/heads/${this.name}`]);
        this.unpushed = false;
        return;
      } catch (error) {
        const message = String((error as Error).message);
        if (attempt >= attempts) throw error;
        if (TRANSIENT_GIT.test(message)) {
          await sleep((this.options.retryDelayMs ?? 1_000) * attempt * attempt);
          continue;
        }
        if (REFUSED_FOR_GOOD.test(message) || !REJECTED.test(message)) throw error;
      }
      await this.rebaseOnRemote();
    }
  }

  private async rebaseOnRemote(): Promise<void> {
    await this.git.raw(['fetch', '--no-tags', this.workspace.remoteUrl, `+refs/heads/${this.name}:${this.tracking}`]);
    const other = await this.otherRunOn(this.tracking);
    if (other) {
      const backup = this.claimed ? await this.backup() : null;
      throw new AnotherRunError(`run ${other} is working on this session${backup ? `; this run's work is on ${backup}` : ''}`, backup);
    }
    this.gitlinks.forget();
    try {
      await this.git.raw(['rebase', '-q', this.tracking]);
    } catch {
      await this.git.raw(['rebase', '--abort']).catch(() => {});
      const backup = await this.backup();
      throw new BranchConflictError(`the session branch changed on the remote and the change conflicts; this run's work is on ${backup}`, backup);
    }
  }

  /** Pushes this run's local commits to a backup branch; returns its name. */
  async backup(): Promise<string> {
    const backup = `${this.name}-backup-${Date.now()}`;
    await this.git.raw(['push', '-q', this.workspace.remoteUrl, `HEAD:refs/heads/${backup}`]);
    return backup;
  }

  /** The id of another run that claimed the session in commits we do not have yet. */
  private async otherRunOn(tracking: string): Promise<string | null> {
    if (!this.runId) return null;
    const subjects = await this.git.raw(['log', '--format=%s', `HEAD..${tracking}`]).catch(() => '');
    for (const subject of subjects.split('\n')) {
      const match = CLAIM.exec(subject);
      if (match && match[1] !== this.runId) return match[1]!;
    }
    return null;
  }

  /**
   * Takes the session for this run with a commit of its own: when two runs
   * start at once, the one whose claim lands first proceeds and the other
   * stops cleanly (AnotherRunError).
   */
  async claim(runId: string, note: string): Promise<void> {
    this.runId = runId;
    // The first commit of a run also catches configuration committed earlier (by a person, or before protection).
    await this.commit(`samocode: run ${runId} takes the session (${note})`, { allowEmpty: true, committedToo: true });
    await this.push();
    this.claimed = true;
  }

  private deferred: { runId: string; note: string } | null = null;

  /**
   * The claim waits (a run that may start no agent commits nothing); the first
   * checkpoint, or `claimDeferred`, makes it: nothing is pushed unclaimed.
   */
  deferClaim(runId: string, note: string): void {
    this.deferred = { runId, note };
  }

  async claimDeferred(): Promise<void> {
    const deferred = this.deferred;
    this.deferred = null;
    if (deferred) await this.claim(deferred.runId, deferred.note);
  }

  async checkpoint(message: string): Promise<void> {
    if (this.deferred) await this.claimDeferred();
    await this.commit(message);
    if (this.unpushed) await this.push();
  }
}
