// The agent CLI runs as a separate unprivileged user (DESIGN §6a). It writes
// the work tree but not `.git/`, has its own HOME and temp folder, and can read
// neither the orchestrator's environment (`/proc/<pid>/environ` is readable
// by the same user only) nor its folders.
//
// Layout: the work tree's top folder and `.git/` stay the orchestrator's, so
// git's own ownership check keeps guarding the orchestrator's git. The top
// folder is given to the agent user's group with the sticky bit: the agent
// creates entries there but cannot rename or remove `.git`. Everything else is
// handed to the agent user before each call (only what is not already its,
// so a second hand-over is a walk without writes) and, where the orchestrator
// is not root, taken back after the call once the reaper left no agent process.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { TreeHandOver } from './tree-owner.js';

export const DEFAULT_AGENT_USER = 'samocode-agent';

/**
 * The user `auto` makes: one per run, removed when the run ends (releaseAgentUser).
 * The reaper ends every process of the agent's uid, so two runs must never share one.
 */
export function autoUserName(): string {
  return `samocode-${randomBytes(5).toString('hex')}`;
}

export interface AgentIdentity {
  isolated: true;
  user: string;
  uid: number;
  gid: number;
  /** Its own HOME and temp folder, 700, its own. */
  home: string;
  tmpdir: string;
  workspace: string;
  /** How the orchestrator acts for the agent user: it is root, or it has passwordless sudo. */
  via: 'root' | 'sudo';
  /** This run made the user (`auto`), so it removes it. */
  created?: boolean;
  /** The work tree's top folder as it was, put back when the run ends. */
  topBefore?: { gid: number; mode: number };
}

export interface NotIsolated {
  isolated: false;
  reason: string;
}

export type AgentUser = AgentIdentity | NotIsolated;

export interface AgentUserOptions {
  workspace: string;
  /** The orchestrator's own temp folder: made 0711, the agent's HOME and TMPDIR are made in it. */
  tempRoot: string;
  /** Where a CLI login is kept; default HOME. */
  runnerHome?: string;
  log: (line: string) => void;
  /** The user `auto` creates; parallel runs on one machine (tests, several self-hosted runners) need one each. */
  autoName?: string;
  /**
   * The agent starts in a filesystem view (agent-view.ts) that makes the way
   * to its folders passable: no folder is opened up here, and the sandbox's own
   * check proves the user instead.
   */
  inView?: boolean;
  /** Leave the CLIs' logins out of the agent's HOME: the model gateway holds the credential (only config.toml is copied). */
  withoutLogins?: boolean;
}

/** What is copied when the model gateway holds the credential: config only (a `.claude.json` may hold an API key). */
const CONFIG_FILES = ['.codex/config.toml'];

/** CLI logins copied into the agent's HOME when the runner's HOME has them. */
export const CREDENTIAL_FILES = ['.claude/.credentials.json', '.claude.json', '.codex/auth.json', '.codex/config.toml'];

/**
 * Where each login file is on the runner: under HOME, or in the folder
 * CLAUDE_CONFIG_DIR or CODEX_HOME names (a self-hosted runner's own layout).
 * The agent's copy always goes where its CLI looks by default.
 */
export function credentialSources(runnerHome: string, env: NodeJS.ProcessEnv): { from: string; to: string }[] {
  const claudeDir = env.CLAUDE_CONFIG_DIR;
  const codexDir = env.CODEX_HOME;
  return CREDENTIAL_FILES.map((file) => {
    if (claudeDir && file.startsWith('.claude')) return { from: join(claudeDir, file === '.claude.json' ? '.claude.json' : '.credentials.json'), to: file };
    if (codexDir && file.startsWith('.codex/')) return { from: join(codexDir, file.slice('.codex/'.length)), to: file };
    return { from: join(runnerHome, file), to: file };
  });
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  missing: boolean;
}

function run(command: string, args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(command, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr).trim(), missing: (error as NodeJS.ErrnoException | null)?.code === 'ENOENT' });
    });
  });
}

/** Runs a command with the rights to act for the agent user: directly as root, else through `sudo -n`. */
export async function privileged(via: AgentIdentity['via'], command: string, args: string[]): Promise<Run> {
  return via === 'root' ? run(command, args) : run('sudo', ['-n', '--', command, ...args]);
}

export async function mustPrivileged(via: AgentIdentity['via'], command: string, args: string[]): Promise<void> {
  const result = await privileged(via, command, args);
  if (result.code !== 0) throw new Error(`${command} failed (${result.code}): ${result.stderr || result.stdout}`.trim());
}

async function lookupUser(name: string): Promise<{ uid: number; gid: number } | undefined> {
  if (!/^[a-z_][a-z0-9_-]*\$?$/i.test(name) || name.length > 32) throw new Error(`agent-user: not a user name: ${JSON.stringify(name)}`);
  const uid = await run('id', ['-u', '--', name]);
  const gid = await run('id', ['-g', '--', name]);
  if (uid.code !== 0 || gid.code !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Root, passwordless sudo, or neither (with why). */
async function privilege(): Promise<AgentIdentity['via'] | NotIsolated> {
  if (process.platform !== 'linux') return { isolated: false, reason: `agent-user needs Linux; this is ${process.platform}` };
  if (process.getuid?.() === 0) return 'root';
  const sudo = await run('sudo', ['-n', 'true']);
  if (sudo.code === 0) return 'sudo';
  return { isolated: false, reason: sudo.missing ? 'not root, and sudo is not installed' : 'not root, and sudo asks for a password' };
}

/** `home` is the run's folder for the agent: in the user database, it says which run made the user. */
async function createUser(via: AgentIdentity['via'], name: string, home: string): Promise<NotIsolated | undefined> {
  const args = ['--system', '--user-group', '--no-create-home', '--home-dir', home, '--shell', '/bin/sh', name];
  const made = await privileged(via, 'useradd', args);
  if (made.code === 0 || (await lookupUser(name))) return undefined; // made, or made meanwhile by a parallel run
  if (made.missing || /command not found|No such file/i.test(made.stderr)) return { isolated: false, reason: 'useradd is not available to create the agent user' };
  return { isolated: false, reason: `useradd ${name} failed: ${made.stderr || `exit ${made.code}`}` };
}

export async function prepareAgentUser(mode: 'auto' | 'none' | string, options: AgentUserOptions): Promise<AgentUser> {
  if (mode === 'none') return { isolated: false, reason: 'agent-user is none' };
  const via = await privilege();
  if (typeof via !== 'string') {
    if (mode === 'auto') return via;
    throw new Error(`agent-user ${mode}: cannot run as another user: ${via.reason}`);
  }
  const name = mode === 'auto' ? (options.autoName ?? autoUserName()) : mode;
  let ids = await lookupUser(name);
  let created = false;
  if (!ids && mode !== 'auto') throw new Error(`agent-user ${name}: no such user`);
  if (!ids) {
    created = true;
    const failed = await createUser(via, name, resolve(options.tempRoot));
    if (failed) return failed;
    ids = await lookupUser(name);
    if (!ids) return { isolated: false, reason: `the agent user ${name} was created but cannot be found` };
    options.log(`agent user: created ${name} (uid ${ids.uid})`);
  }
  if (ids.uid === 0 || ids.uid === process.getuid?.()) throw new Error(`agent-user ${name}: uid ${ids.uid} is not another unprivileged user`);
  const workspace = resolve(options.workspace);
  const tempRoot = resolve(options.tempRoot);
  const top = await stat(workspace);
  const identity: AgentIdentity = { isolated: true, user: name, ...ids, home: '', tmpdir: '', workspace, via, created, topBefore: { gid: top.gid, mode: top.mode & 0o7777 } };
  await makeAgentFolders(identity, tempRoot, options.runnerHome ?? process.env.HOME ?? homedir(), options.withoutLogins === true);
  await layOutWorkspace(identity, options.log);
  if (!options.inView) {
    await makeTraversable(identity, [workspace, identity.home, identity.tmpdir], options.log);
    await checkIdentity(identity);
  }
  options.log(`agent user: ${name} (uid ${ids.uid}) writes the work tree but not .git; HOME ${identity.home}`);
  return identity;
}

/** Fresh HOME and TMPDIR in tempRoot, written while still the orchestrator's, then given to the agent user. */
async function makeAgentFolders(identity: AgentIdentity, tempRoot: string, runnerHome: string, withoutLogins: boolean): Promise<void> {
  await mkdir(tempRoot, { recursive: true });
  // The agent may pass through to its own folders, but not list what else is here.
  await chmod(tempRoot, 0o711);
  identity.home = await mkdtemp(join(tempRoot, 'agent-home-'));
  identity.tmpdir = await mkdtemp(join(tempRoot, 'agent-tmp-'));
  // Its own git reads a work tree owned by another uid (the top folder stays the orchestrator's).
  await writeFile(join(identity.home, '.gitconfig'), `[safe]\n\tdirectory = ${identity.workspace}\n`, { mode: 0o600 });
  for (const source of credentialSources(runnerHome, process.env)) {
    if (withoutLogins && !CONFIG_FILES.includes(source.to)) continue;
    const from = source.from;
    const info = await stat(from).catch(() => undefined);
    if (!info?.isFile()) continue;
    const to = join(identity.home, source.to);
    await mkdir(dirname(to), { recursive: true, mode: 0o700 });
    await copyFile(from, to, constants.COPYFILE_EXCL);
    await chmod(to, 0o600);
    // The original is a credential too: the agent user reads the copy, never the runner's.
    if (info.mode & 0o077) await chmod(from, info.mode & 0o700).catch(() => mustPrivileged(identity.via, 'chmod', ['go-rwx', '--', from]));
  }
  for (const dir of [identity.home, identity.tmpdir]) {
    await mustPrivileged(identity.via, 'chown', ['-R', '-h', '--', `${identity.uid}:${identity.gid}`, dir]);
    await chmod(dir, 0o700).catch(() => mustPrivileged(identity.via, 'chmod', ['700', '--', dir]));
  }
}

async function layOutWorkspace(identity: AgentIdentity, log: (line: string) => void): Promise<void> {
  const top = identity.workspace;
  const gitdir = join(top, '.git');
  const git = await lstat(gitdir).catch(() => undefined);
  if (git && git.uid === identity.uid) throw new Error(`agent-user ${identity.user}: ${gitdir} is owned by the agent user`);
  if (git?.isDirectory()) {
    const agentOwned = await privileged(identity.via, 'find', [gitdir, '-user', String(identity.uid), '-print', '-quit']);
    if (agentOwned.stdout.trim()) throw new Error(`agent-user ${identity.user}: ${agentOwned.stdout.trim()} is owned by the agent user`);
    // Nothing in the gitdir is writable by group or others, whoever's group it is.
    await mustPrivileged(identity.via, 'chmod', ['-R', 'go-w', '--', gitdir]);
  }
  const mode = ((await stat(top)).mode & 0o777) | 0o1070;
  await mustPrivileged(identity.via, 'chgrp', ['--', String(identity.gid), top]);
  await mustPrivileged(identity.via, 'chmod', [(mode & 0o7777).toString(8), '--', top]);
  log(`agent user: ${top} is group ${identity.gid}, sticky; .git stays the orchestrator's`);
}

/** Every folder above the ones the agent needs lets others pass through (not list). */
async function makeTraversable(identity: AgentIdentity, paths: string[], log: (line: string) => void): Promise<void> {
  const seen = new Set<string>();
  for (const path of paths) {
    for (let dir = dirname(path); !seen.has(dir); dir = dirname(dir)) {
      seen.add(dir);
      const info = await stat(dir);
      if (!(info.mode & 0o001)) {
        await mustPrivileged(identity.via, 'chmod', ['o+x', '--', dir]);
        log(`agent user: ${dir} now lets others pass through (o+x)`);
      }
      if (dir === dirname(dir)) break;
    }
  }
}

/** The shell check every start-up proof runs: the agent's uid, the work tree writable, `.git` not. */
export const LAUNCH_CHECK = 'id -u; cd "$1" && test -w . && test ! -w .git';

/**
 * Starts a planned launch of {@link LAUNCH_CHECK} and says why it failed, or
 * null when it printed the agent's uid and passed: isolation is proven, not assumed.
 */
export async function proveLaunch(plan: AgentSpawn, uid: number): Promise<string | null> {
  const child = spawn(plan.executable, plan.args, { env: plan.env, uid: plan.uid, gid: plan.gid, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((done) => {
    child.once('error', (error) => ((err += error.message), done(null)));
    child.once('close', done);
  });
  return code === 0 && out.trim() === String(uid) ? null : `exit ${code}, uid ${out.trim() || '?'}; ${err.trim()}`;
}

/** Runs the check as the agent user, the way the agent will be started. */
async function checkIdentity(identity: AgentIdentity): Promise<void> {
  const plan = agentSpawn(identity, '/bin/sh', ['-c', LAUNCH_CHECK, 'check', identity.workspace], { PATH: process.env.PATH ?? '/usr/bin:/bin' });
  const failure = await proveLaunch(plan, identity.uid);
  if (failure) throw new Error(`agent-user ${identity.user}: running as the agent user failed (${failure})`);
}

export interface AgentSpawn {
  executable: string;
  args: string[];
  env: Record<string, string>;
  /** Set when the orchestrator is root: node switches user in the child. */
  uid?: number;
  gid?: number;
}

// Through sudo, values go in the environment only, never in argv (world-readable in /proc).
// sudo may replace PATH and HOME, so they travel under other names and are put back.
const SUDO_TRAMPOLINE =
  'export PATH="$SAMOCODE_AGENT_PATH" HOME="$SAMOCODE_AGENT_HOME"; unset SAMOCODE_AGENT_PATH SAMOCODE_AGENT_HOME; exec "$@"';

/** How to start `executable args` as the agent user with `env` (its HOME, TMPDIR and names put in). */
export function agentSpawn(identity: AgentIdentity, executable: string, args: string[], env: Record<string, string>): AgentSpawn {
  const own: Record<string, string> = { ...env, HOME: identity.home, TMPDIR: identity.tmpdir, TMP: identity.tmpdir, TEMP: identity.tmpdir, USER: identity.user, LOGNAME: identity.user };
  if (identity.via === 'root') return { executable, args, env: own, uid: identity.uid, gid: identity.gid };
  return {
    executable: 'sudo',
    args: ['-n', '-u', identity.user, '--preserve-env', '--', '/bin/sh', '-c', SUDO_TRAMPOLINE, 'samocode-agent', executable, ...args],
    env: { ...own, SAMOCODE_AGENT_PATH: own.PATH ?? '/usr/bin:/bin', SAMOCODE_AGENT_HOME: identity.home },
  };
}

/** find(1) arguments for what in the work tree (outside `.git`) is not yet owned by `uid`; hard-linked files are never touched. */
function notOwnedBy(top: string, uid: number): string[] {
  return [top, '-mindepth', '1', '-path', join(top, '.git'), '-prune', '-o', '!', '-user', String(uid), '(', '-type', 'd', '-o', '-links', '1', ')'];
}

const handOvers = new WeakMap<AgentIdentity, TreeHandOver>();

/** Before each agent call: what the orchestrator's git wrote since is given to the agent user. */
export async function handOverWorkTree(identity: AgentIdentity): Promise<void> {
  const top = identity.workspace;
  if (identity.via === 'root') {
    // Root changes owners itself, and looks only into folders that changed since the last call.
    let handOver = handOvers.get(identity);
    if (!handOver) handOvers.set(identity, (handOver = new TreeHandOver(top, identity)));
    handOver.handOver();
    return;
  }
  // Through sudo the tree was taken back after the last call: all of it goes over again.
  await mustPrivileged(identity.via, 'find', [...notOwnedBy(top, identity.uid), '-exec', 'chown', '-h', `${identity.uid}:${identity.gid}`, '{}', '+']);
}

/** After each agent call (reaped first): a non-root orchestrator takes the tree back, so its git can check out and rebase. */
export async function takeBackWorkTree(identity: AgentIdentity): Promise<void> {
  if (identity.via === 'root') return; // root writes what the agent owns
  const uid = process.getuid!();
  const gid = process.getgid!();
  await mustPrivileged(identity.via, 'find', [...notOwnedBy(identity.workspace, uid), '-exec', 'chown', '-h', `${uid}:${gid}`, '{}', '+']);
}

/** Folders on the way to the agent's that others may not pass through: opened (o+x) where no filesystem view covers them. */
export async function openTheWay(identity: AgentIdentity, log: (line: string) => void): Promise<void> {
  await makeTraversable(identity, [identity.workspace, identity.home, identity.tmpdir], log);
  await checkIdentity(identity);
}

/**
 * When the run ends, however it ends (its processes already reaped): the work
 * tree goes back to the orchestrator, its top folder as it was, the agent's
 * HOME and temp folder are removed, and a user this run made is deleted.
 * Synchronous, so that an exit handler can run it; each step is tried even
 * when an earlier one failed.
 */
export function releaseAgentUser(identity: AgentIdentity): string[] {
  const failed: string[] = [];
  const step = (command: string, args: string[]) => {
    const argv = identity.via === 'root' ? [command, ...args] : ['sudo', '-n', '--', command, ...args];
    const result = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000, encoding: 'utf8' });
    if (result.status !== 0) failed.push(`${command}: ${(result.stderr || result.error?.message || `exit ${result.status}`).trim()}`);
  };
  const uid = process.getuid!();
  const gid = process.getgid!();
  step('find', [...notOwnedBy(identity.workspace, uid), '-user', String(identity.uid), '-exec', 'chown', '-h', `${uid}:${gid}`, '{}', '+']);
  if (identity.topBefore) {
    step('chgrp', ['--', String(identity.topBefore.gid), identity.workspace]);
    step('chmod', [identity.topBefore.mode.toString(8), '--', identity.workspace]);
  }
  for (const dir of [identity.home, identity.tmpdir]) if (dir) step('rm', ['-rf', '--', dir]);
  if (identity.created) step('userdel', ['--', identity.user]);
  return failed;
}
