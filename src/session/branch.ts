// The session's branch on a runner. The workspace is what actions/checkout
// leaves: shallow, single-branch, no identity, maybe a persisted token. Git
// authenticates per command (through the environment, not argv or
// .git/config), commits as the action, and never throws work away: a push
// that cannot be rebased goes to a backup branch.
import { lstat, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';

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

export function checkBranchName(name: string): void {
  if (!SAFE_BRANCH.test(name) || name.endsWith('.lock')) throw new Error(`unsafe branch name "${name}"`);
}

export class SessionBranch {
  readonly git: SimpleGit;
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
    if (options.token) {
      const basic = Buffer.from(`x-access-token:${options.token}`).toString('base64');
      const host = (options.serverUrl ?? 'https://github.com').replace(/\/+$/, '');
      Object.assign(env, {
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: `http.${host}/.extraheader`,
        GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
      });
    }
    // The token travels in GIT_CONFIG_* for this process only; simple-git asks that this be said out loud.
    const gitVars = Object.keys(env).filter((k) => k.startsWith('GIT_'));
    this.git = simpleGit({ baseDir: options.workspace, allowEnvironment: gitVars, unsafe: { allowUnsafeConfigEnvCount: true } }).env(env);
  }

  /**
   * actions/checkout persists the token in .git/config unless told not to;
   * the agent must not find it there. Our own calls authenticate per command.
   */
  async removePersistedCredentials(): Promise<string[]> {
    const removed: string[] = [];
    const found = await this.git.raw(['config', '--local', '--name-only', '--get-regexp', '^(http\\..*\\.extraheader|includeif\\..*)$']).catch(() => '');
    for (const key of new Set(found.split('\n').map((k) => k.trim()).filter(Boolean))) {
      await this.git.raw(['config', '--local', '--unset-all', key]).catch(() => {});
      removed.push(key);
    }
    return removed;
  }

  /** The remote branch whose name starts with `prefix`, if any (the title may have changed since). */
  async findRemote(prefix: string): Promise<string | null> {
    const out = await this.git.raw(['ls-remote', '--heads', this.remote, `refs/heads/${prefix}*`]);
    const names = out
      .split('\n')
      .map((line) => line.split('\t')[1]?.replace('refs/heads/', '').trim())
      .filter((n): n is string => Boolean(n) && !n!.includes('-backup-'));
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
  }

  async head(): Promise<string> {
    return (await this.git.revparse(['HEAD'])).trim();
  }

  /** Replaces secret values in the files about to be committed; returns the files it changed. */
  async scrubSecrets(): Promise<string[]> {
    const secrets = (this.options.secrets ?? []).filter((s) => s.length >= 6);
    if (secrets.length === 0) return [];
    const listed = await this.git.raw(['status', '--porcelain', '-z', '--untracked-files=all']);
    const entries = listed.split('\0').filter(Boolean);
    const scrubbed: string[] = [];
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const code = entry.slice(0, 2);
      if (code[0] === 'R' || code[0] === 'C') i++; // the next entry is the old name
      if (code.includes('D')) continue;
      const file = join(this.options.workspace, entry.slice(3));
      try {
        const info = await lstat(file);
        if (!info.isFile() || info.size > SCAN_LIMIT) continue;
        const text = await readFile(file, 'latin1');
        if (!secrets.some((secret) => text.includes(secret))) continue;
        let clean = text;
        for (const secret of secrets) clean = clean.split(secret).join('***');
        await writeFile(file, clean, 'latin1');
        scrubbed.push(entry.slice(3));
      } catch {
        // gone meanwhile
      }
    }
    return scrubbed;
  }

  /**
   * Puts `paths` back as they are in `base` (or removes them when base has
   * none): what the agent wrote there is not committed, so the next agent call
   * loads the repository's own configuration, not the session's.
   */
  async restoreFromBase(base: string, paths: string[]): Promise<string[]> {
    // Two git calls in the usual case where nothing was touched: this runs every iteration.
    const [dirty, committed] = await Promise.all([
      this.git.raw(['status', '--porcelain', '--untracked-files=all', '--', ...paths]),
      this.git.raw(['diff', '--name-only', base, 'HEAD', '--', ...paths]).catch(() => ''),
    ]);
    const touched = `${dirty}\n${committed}`;
    const changed = paths.filter((path) => touched.split('\n').some((line) => {
      const name = line.length > 3 && /^[ MADRCU?!]{2} /.test(line) ? line.slice(3) : line;
      return name === path || name.startsWith(`${path}/`);
    }));
    for (const path of changed) {
      await rm(join(this.options.workspace, path), { recursive: true, force: true });
      await this.git.raw(['rm', '-r', '-q', '--cached', '--ignore-unmatch', '--', path]);
      const inBase = await this.git.raw(['ls-tree', '--name-only', base, '--', path]);
      if (inBase.trim()) await this.git.raw(['checkout', base, '--', path]);
    }
    return changed;
  }

  /** Commits everything; true when there was something to commit. */
  async commit(message: string): Promise<boolean> {
    const scrubbed = await this.scrubSecrets();
    if (scrubbed.length) message = `${message}\n\nsamocode replaced a secret value in: ${scrubbed.join(', ')}`;
    await this.git.raw(['add', '-A']);
    const status = await this.git.raw(['status', '--porcelain']);
    if (!status.trim()) return false;
    await this.git.raw(['commit', '--no-verify', '-q', '-m', message]);
    return true;
  }

  /** Pushes; a rejected push is fetched, rebased and retried; a conflict goes to a backup branch. */
  async push(attempts = 3): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.git.raw(['push', '-q', this.remote, `HEAD:refs/heads/${this.branch}`]);
        return;
      } catch (error) {
        if (!/rejected|non-fast-forward|fetch first|stale info/i.test(String((error as Error).message)) || attempt >= attempts) throw error;
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
    await this.scrubSecrets();
    await this.git.raw(['add', '-A']);
    await this.git.raw(['commit', '--no-verify', '-q', '--allow-empty', '-m', `samocode: run ${runId} takes the session (${note})`]);
    await this.push();
    this.claimed = true;
  }

  async checkpoint(message: string): Promise<void> {
    await this.commit(message);
    await this.push();
  }
}
