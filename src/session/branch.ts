// The session's branch on a runner. The workspace is what actions/checkout
// leaves: shallow, single-branch, no identity, maybe a persisted token. Git
// authenticates per command (through the environment, not argv or
// .git/config), commits as the action, and never throws work away: a push
// that cannot be rebased goes to a backup branch.
import { lstat, readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { Git } from './git.js';

export interface BranchOptions {
  workspace: string;
  remote?: string;
  /** Used per command only; never written to .git/config. */
  token?: string;
  /** The host whose requests carry the token (from GITHUB_SERVER_URL). */
  serverUrl?: string;
  identity?: { name: string; email: string };
  env?: NodeJS.ProcessEnv;
  /** Values that must never be committed: a changed file holding one has it replaced before the commit. */
  secrets?: string[];
}

/** A file larger than this is not scanned for secrets (it is committed as it is). */
const SCAN_LIMIT = 10 * 1024 * 1024;

export const ACTION_IDENTITY = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' };
const SAFE_BRANCH = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)[A-Za-z0-9._/-]{1,200}(?<![./])$/;

export class BranchConflictError extends Error {
  override name = 'BranchConflictError';
  constructor(
    message: string,
    readonly backupBranch: string | null,
  ) {
    super(message);
  }
}

/** Another run took the session first; this one stops without touching it. */
export class AnotherRunError extends BranchConflictError {
  override name = 'AnotherRunError';
}

const CLAIM = /^samocode: run (\S+) takes the session/;
/** Network trouble or a 5xx from the server: worth another try. */
const TRANSIENT_GIT = /could not resolve host|timed out|connection (reset|refused|timed out)|early EOF|RPC failed|unexpected disconnect|the remote end hung up|HTTP 5\d\d|returned error: 5\d\d|internal server error|bad gateway|service unavailable/i;

export function checkBranchName(name: string): void {
  if (!SAFE_BRANCH.test(name) || name.endsWith('.lock')) throw new Error(`unsafe branch name "${name}"`);
}

export class SessionBranch {
  readonly git: Git;
  private readonly remote: string;

  constructor(
    readonly branch: string,
    private readonly options: BranchOptions,
  ) {
    checkBranchName(branch);
    this.remote = options.remote ?? 'origin';
    const identity = options.identity ?? ACTION_IDENTITY;
    // Git gets a small, known environment: nothing the runner holds leaks into it, nothing odd steers it.
    const source = options.env ?? process.env;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(source)) {
      if (v !== undefined && (['PATH', 'HOME', 'USER', 'TMPDIR', 'LANG', 'SSL_CERT_FILE', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY'].includes(k) || k.startsWith('LC_'))) env[k] = v;
    }
    Object.assign(env, {
      GIT_AUTHOR_NAME: identity.name,
      GIT_AUTHOR_EMAIL: identity.email,
      GIT_COMMITTER_NAME: identity.name,
      GIT_COMMITTER_EMAIL: identity.email,
      GIT_TERMINAL_PROMPT: '0',
    });
    // Config given in the environment wins over .git/config, which the agent can write: no hooks, no
    // fsmonitor command runs in our git calls. The token travels here too, for these processes only,
    // never in argv or .git/config.
    const config: [string, string][] = [
      ['core.hooksPath', '/dev/null'],
      ['core.fsmonitor', 'false'],
      ['core.quotePath', 'false'],
    ];
    if (options.token) {
      const basic = Buffer.from(`x-access-token:${options.token}`).toString('base64');
      const host = (options.serverUrl ?? 'https://github.com').replace(/\/+$/, '');
      config.push([`http.${host}/.extraheader`, `AUTHORIZATION: basic ${basic}`]);
    }
    env.GIT_CONFIG_COUNT = String(config.length);
    config.forEach(([key, value], i) => {
      env[`GIT_CONFIG_KEY_${i}`] = key;
      env[`GIT_CONFIG_VALUE_${i}`] = value;
    });
    this.git = new Git(options.workspace, env);
  }

  /**
   * actions/checkout persists the token in .git/config unless told not to;
   * the agent must not find it there. Our own calls authenticate per command.
   */
  async removePersistedCredentials(): Promise<string[]> {
    const removed: string[] = [];
    const found = await this.git.raw(['config', '--local', '--get-regexp', '^(http\\..*\\.extraheader|includeif\\..*)$']).catch(() => '');
    for (const line of found.split('\n').filter(Boolean)) {
      const [key, ...rest] = line.split(' ');
      // Newer checkouts keep the header in a file the config includes: that file goes too.
      if (key!.startsWith('includeif.') && /credentials/i.test(rest.join(' '))) await rm(rest.join(' '), { force: true });
      await this.git.raw(['config', '--local', '--unset-all', key!]).catch(() => {});
      if (!removed.includes(key!)) removed.push(key!);
    }
    this.configSnapshot = await readFile(join(this.options.workspace, '.git', 'config'), 'utf8').catch(() => null);
    return removed;
  }

  /** .git/config as it was before any agent ran; put back before each commit. */
  private configSnapshot: string | null = null;

  private async restoreConfig(): Promise<void> {
    if (this.configSnapshot === null) return;
    const file = join(this.options.workspace, '.git', 'config');
    const now = await readFile(file, 'utf8').catch(() => null);
    if (now !== this.configSnapshot) await writeFile(file, this.configSnapshot);
  }

  /** The remote branch whose name starts with `prefix`, if any (the title may have changed since). */
  async findRemote(prefix: string): Promise<string | null> {
    const out = await this.git.raw(['ls-remote', '--heads', this.remote, `refs/heads/${prefix}*`]);
    const names = out
      .split('\n')
      .map((line) => line.split('\t')[1]?.replace('refs/heads/', '').trim())
      .filter((n): n is string => Boolean(n) && !/-backup-\d+$/.test(n!));
    return names.sort()[0] ?? null;
  }

  /** Fetches only the session branch, shallow, and checks it out. */
  async checkoutRemote(): Promise<void> {
    await this.git.raw(['fetch', '--no-tags', '--depth=1', this.remote, `+refs/heads/${this.branch}:refs/remotes/${this.remote}/${this.branch}`]);
    await this.git.raw(['checkout', '-q', '-B', this.branch, `refs/remotes/${this.remote}/${this.branch}`]);
  }

  /** A new branch from what is checked out (the base branch). */
  async create(): Promise<void> {
    await this.git.raw(['checkout', '-q', '-B', this.branch]);
    this.unpushed = true;
  }

  async head(): Promise<string> {
    return (await this.git.raw(['rev-parse', 'HEAD'])).trim();
  }

  private protection: { base: string; paths: string[]; onRestore: (paths: string[]) => void } | null = null;
  private unpushed = false;

  /**
   * From now on, what the agent writes under `paths` is put back as it is in
   * `base` (or removed when base has none) before each commit, so later agent
   * calls load the repository's own configuration, not the session's.
   */
  protectFromBase(base: string, paths: string[], onRestore: (paths: string[]) => void = () => {}): void {
    this.protection = { base, paths, onRestore };
  }

  /** The working tree's changes, from one `git status`. */
  private async changes(): Promise<{ path: string; deleted: boolean }[]> {
    const entries = (await this.git.raw(['status', '--porcelain', '-z', '--untracked-files=all'])).split('\0');
    const changes: { path: string; deleted: boolean }[] = [];
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (!entry) continue;
      const code = entry.slice(0, 2);
      if (code[0] === 'R' || code[0] === 'C') i++; // the next entry is the old name
      changes.push({ path: entry.slice(3), deleted: code.includes('D') });
    }
    return changes;
  }

  private async restore(base: string, paths: string[]): Promise<void> {
    for (const path of paths) {
      await rm(join(this.options.workspace, path), { recursive: true, force: true });
      await this.git.raw(['rm', '-r', '-q', '--cached', '--ignore-unmatch', '--', path]);
      const inBase = await this.git.raw(['ls-tree', '--name-only', base, '--', path]);
      if (inBase.trim()) await this.git.raw(['checkout', base, '--', path]);
    }
  }

  /** Replaces known secret values in changed files; returns the files it changed. */
  private async scrub(changes: { path: string; deleted: boolean }[]): Promise<string[]> {
    const secrets = (this.options.secrets ?? []).filter((secret) => secret.length >= 6);
    if (secrets.length === 0) return [];
    const scrubbed: string[] = [];
    for (const { path, deleted } of changes) {
      if (deleted) continue;
      const file = join(this.options.workspace, path);
      try {
        const info = await lstat(file);
        if (!info.isFile() || info.size > SCAN_LIMIT) continue;
        const text = await readFile(file, 'latin1');
        if (!secrets.some((secret) => text.includes(secret))) continue;
        let clean = text;
        for (const secret of secrets) clean = clean.split(secret).join('***');
        await writeFile(file, clean, 'latin1');
        scrubbed.push(path);
      } catch {
        // gone meanwhile
      }
    }
    return scrubbed;
  }

  /**
   * Readies the tree for a commit: protected paths back from base, secrets
   * scrubbed. One `git status` when nothing needs doing: this runs every iteration.
   */
  private async prepare(committedToo: boolean): Promise<{ changed: boolean; scrubbed: string[] }> {
    await this.restoreConfig();
    let changes = await this.changes();
    if (this.protection) {
      const { base, paths, onRestore } = this.protection;
      const committed = committedToo ? (await this.git.raw(['diff', '-z', '--name-only', base, 'HEAD', '--', ...paths]).catch(() => '')).split('\0') : [];
      const under = (name: string, p: string) => name === p || name.startsWith(`${p}/`);
      const touched = paths.filter((p) => changes.some((c) => under(c.path, p)) || committed.some((name) => under(name, p)));
      if (touched.length) {
        await this.restore(base, touched);
        onRestore(touched);
        changes = await this.changes();
      }
    }
    return { changed: changes.length > 0, scrubbed: await this.scrub(changes) };
  }

  /** Commits everything; true when there was something to commit. */
  async commit(message: string, options: { allowEmpty?: boolean; committedToo?: boolean } = {}): Promise<boolean> {
    const { changed, scrubbed } = await this.prepare(options.committedToo ?? false);
    if (!changed && !options.allowEmpty) return false;
    if (scrubbed.length) message = `${message}\n\nsamocode replaced a secret value in: ${scrubbed.join(', ')}`;
    await this.git.raw(['add', '-A']);
    await this.git.raw(['commit', '--no-verify', '-q', ...(options.allowEmpty ? ['--allow-empty'] : []), '-m', message]);
    this.unpushed = true;
    return true;
  }

  /** Pushes; a rejected push is fetched, rebased and retried; a conflict goes to a backup branch. */
  async push(attempts = 3): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.git.raw(['push', '-q', this.remote, `HEAD:refs/heads/${this.branch}`]);
        this.unpushed = false;
        return;
      } catch (error) {
        const message = String((error as Error).message);
        if (attempt >= attempts) throw error;
        if (TRANSIENT_GIT.test(message)) {
          await sleep(1_000 * attempt * attempt);
          continue;
        }
        if (/workflow.*(scope|permission)|refusing to allow/i.test(message)) throw error;
        if (!/rejected|non-fast-forward|fetch first|stale info/i.test(message)) throw error;
      }
      const tracking = `refs/remotes/${this.remote}/${this.branch}`;
      await this.git.raw(['fetch', '--no-tags', this.remote, `+refs/heads/${this.branch}:${tracking}`]);
      const other = await this.otherRunOn(tracking);
      if (other) {
        const backup = this.claimed ? await this.backup() : null;
        throw new AnotherRunError(
          `run ${other} is working on this session${backup ? `; this run's work is on ${backup}` : ''}`,
          backup,
        );
      }
      try {
        await this.git.raw(['rebase', '-q', `refs/remotes/${this.remote}/${this.branch}`]);
      } catch {
        await this.git.raw(['rebase', '--abort']).catch(() => {});
        const backup = await this.backup();
        throw new BranchConflictError(`the session branch changed on the remote and the change conflicts; this run's work is on ${backup}`, backup);
      }
    }
  }

  private runId: string | null = null;
  private claimed = false;

  /** Pushes this run's local commits to a backup branch; returns its name. */
  private async backup(): Promise<string> {
    const backup = `${this.branch}-backup-${Date.now()}`;
    await this.git.raw(['push', '-q', this.remote, `HEAD:refs/heads/${backup}`]);
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

  async checkpoint(message: string): Promise<void> {
    await this.commit(message);
    if (this.unpushed) await this.push();
  }
}
