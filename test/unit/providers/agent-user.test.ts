// The agent user, for real (tests and CI run as root, so `auto` must isolate):
// another uid, its own HOME and TMPDIR, the work tree writable and `.git/` not,
// the orchestrator's environment and folders out of reach.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAgentUser, type AgentIdentity } from '../../../src/providers/agent-user.js';
import { runProcess } from '../../../src/providers/process.js';

const asRoot = process.platform === 'linux' && process.getuid?.() === 0;
const SECRET = `samocode-secret-${process.pid}-${Date.now()}`;

const lines: string[] = [];
const log = { write: (line: string) => void lines.push(line), close: async () => {} };
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });

/** A tiny agent: the shell script given, run as the agent through runProcess. */
function agentScript(dir: string, name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe.skipIf(!asRoot)('agent user (as root)', () => {
  const root = mkdtempSync(join(tmpdir(), 'samocode-agentuser-'));
  const workspace = join(root, 'work');
  const tempRoot = join(root, 'temp');
  const bin = join(root, 'bin');
  const runnerHome = join(root, 'runner-home');
  let identity: AgentIdentity;
  let holder: ChildProcess;

  const asAgent = async (script: string, extraEnv: Record<string, string> = {}) => {
    lines.length = 0;
    const outcome = await runProcess({ executable: script, args: [], cwd: workspace, env: { PATH: process.env.PATH!, ...extraEnv }, timeoutMs: 20_000, log, identity });
    return { ...outcome, out: lines.join('\n') };
  };

  beforeAll(async () => {
    chmodSync(root, 0o755);
    mkdirSync(workspace);
    mkdirSync(bin);
    git(workspace, 'init', '-q', '-b', 'main');
    git(workspace, 'config', 'user.email', 't@example.com');
    git(workspace, 'config', 'user.name', 't');
    writeFileSync(join(workspace, 'README.md'), 'hello\n');
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-q', '-m', 'one');
    git(workspace, 'checkout', '-q', '-b', 'later');
    mkdirSync(join(workspace, 'src'));
    writeFileSync(join(workspace, 'src', 'later.txt'), 'checked out later\n');
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-q', '-m', 'two');
    git(workspace, 'checkout', '-q', 'main');
    mkdirSync(join(runnerHome, '.claude'), { recursive: true });
    mkdirSync(join(runnerHome, '.codex'), { recursive: true });
    writeFileSync(join(runnerHome, '.claude', '.credentials.json'), '{"login":"claude"}');
    writeFileSync(join(runnerHome, '.codex', 'auth.json'), '{"login":"codex"}');
    // A process of ours with a secret in its environment: what the agent must not read.
    holder = spawn('sleep', ['300'], { env: { PATH: process.env.PATH, HOLDER_SECRET: SECRET }, stdio: 'ignore' });
    const prepared = await prepareAgentUser('auto', { workspace, tempRoot, runnerHome, log: () => {}, autoName: 'samocode-t-user' });
    // As root, auto must isolate: a silent fallback to the runner user fails here.
    expect(prepared).toMatchObject({ isolated: true });
    identity = prepared as AgentIdentity;
    mkdirSync(join(tempRoot, 'orchestrator'), { mode: 0o700 });
    writeFileSync(join(tempRoot, 'orchestrator', 'token'), SECRET, { mode: 0o600 });
  });

  afterAll(() => holder?.kill('SIGKILL'));

  it('runs as another uid, without our groups', async () => {
    const result = await asAgent(agentScript(bin, 'who', 'echo "uid=$(id -u) groups=$(id -G)"'));
    expect(result.exitCode).toBe(0);
    expect(identity.uid).not.toBe(0);
    expect(identity.uid).not.toBe(process.getuid!());
    expect(result.out).toContain(`uid=${identity.uid} `);
    expect(result.out.split('groups=')[1]!.split(' ')).not.toContain('0');
  });

  it('cannot read the environment of our processes', async () => {
    // The probe works: as ourselves the secret is there to read.
    expect(readFileSync(`/proc/${holder.pid}/environ`, 'latin1')).toContain(SECRET);
    const script = agentScript(bin, 'environ', `for pid in ${holder.pid} ${process.pid}; do cat /proc/$pid/environ; echo "rc=$?"; done 2>&1`);
    const result = await asAgent(script);
    expect(result.out).not.toContain(SECRET);
    expect(result.out).not.toContain('rc=0');
    expect(result.out).toMatch(/Permission denied/);
  });

  it('cannot write .git, nor move it away', async () => {
    const configBefore = readFileSync(join(workspace, '.git', 'config'), 'utf8');
    const script = agentScript(
      bin,
      'gitdir',
      [
        'try() { if ( eval "$1" ) 2>/dev/null; then echo "WROTE: $1"; else echo "denied: $1"; fi; }',
        'try "echo \'[core] fsmonitor = evil\' >> .git/config"',
        'try "echo evil > .git/hooks/pre-commit"',
        'try "mkdir -p .git/info && echo \'* filter=evil\' > .git/info/attributes"',
        'try "echo /tmp/evil > .git/commondir"',
        'try "mv .git .git-moved"',
        'try "rm -rf .git"',
        'try "ln -s /tmp .git/evil-link"',
      ].join('\n'),
    );
    const result = await asAgent(script);
    expect(result.out).not.toContain('WROTE');
    expect(result.out.match(/denied/g)).toHaveLength(7);
    expect(readFileSync(join(workspace, '.git', 'config'), 'utf8')).toBe(configBefore);
    expect(existsSync(join(workspace, '.git', 'commondir'))).toBe(false);
    expect(existsSync(join(workspace, '.git', 'hooks', 'pre-commit'))).toBe(false);
    expect(existsSync(join(workspace, '.git', 'info', 'attributes'))).toBe(false);
    expect(existsSync(join(workspace, '.git-moved'))).toBe(false);
  });

  it('writes the work tree, a file our git checked out after preparation included', async () => {
    git(workspace, 'checkout', '-q', 'later');
    expect(statSync(join(workspace, 'src', 'later.txt')).uid).toBe(process.getuid!());
    const script = agentScript(bin, 'write', 'echo edited >> src/later.txt && echo x > README.md && mkdir -p new/deep && echo y > new/deep/file && echo done');
    const result = await asAgent(script);
    expect(result.out).toContain('done');
    expect(readFileSync(join(workspace, 'src', 'later.txt'), 'utf8')).toBe('checked out later\nedited\n');
    expect(readFileSync(join(workspace, 'new', 'deep', 'file'), 'utf8')).toBe('y\n');
    // Our git still works on the tree without any safe.directory: the top and .git stay ours.
    expect(git(workspace, 'status', '--porcelain')).toContain('new/');
    git(workspace, 'checkout', '-q', '--', '.');
    git(workspace, 'clean', '-qfd');
    git(workspace, 'checkout', '-q', 'main');
  });

  it('has its own HOME and TMPDIR, a git that accepts the tree, and the CLI login copied', async () => {
    const script = agentScript(
      bin,
      'home',
      'echo "home=$HOME tmp=$TMPDIR"; touch "$HOME/h" "$TMPDIR/t" && echo wrote-own; cat "$HOME/.claude/.credentials.json" "$HOME/.codex/auth.json"; echo; git status --porcelain >/dev/null && echo git-ok',
    );
    const result = await asAgent(script);
    expect(result.out).toContain(`home=${identity.home} tmp=${identity.tmpdir}`);
    expect(identity.home.startsWith(tempRoot)).toBe(true);
    expect(result.out).toContain('wrote-own');
    expect(result.out).toContain('{"login":"claude"}{"login":"codex"}');
    expect(result.out).toContain('git-ok');
    for (const dir of [identity.home, identity.tmpdir]) expect(statSync(dir)).toMatchObject({ uid: identity.uid, mode: 0o40700 });
    const copied = statSync(join(identity.home, '.claude', '.credentials.json'));
    expect(copied).toMatchObject({ uid: identity.uid, mode: 0o100600 });
    expect(statSync(join(runnerHome, '.claude', '.credentials.json')).uid).toBe(process.getuid!());
  });

  it('cannot list or read the orchestrator\'s own folders', async () => {
    const script = agentScript(bin, 'peek', `ls ${tempRoot} && echo LISTED; cat ${tempRoot}/orchestrator/token; cat ${runnerHome}/.codex/auth.json ${runnerHome}/.claude/.credentials.json 2>&1; true`);
    const result = await asAgent(script);
    expect(result.out).not.toContain('LISTED');
    expect(result.out).not.toContain(SECRET);
    expect(result.out).not.toContain('login');
    expect(result.out).toMatch(/Permission denied/);
  });

  it('a named user must exist; none is not isolated', async () => {
    await expect(prepareAgentUser('samocode-no-such-user', { workspace, tempRoot, log: () => {} })).rejects.toThrow(/no such user/);
    await expect(prepareAgentUser('root', { workspace, tempRoot, log: () => {} })).rejects.toThrow(/not another unprivileged user/);
    expect(await prepareAgentUser('none', { workspace, tempRoot, log: () => {} })).toEqual({ isolated: false, reason: 'agent-user is none' });
  });

  it('preparing again reuses the user', async () => {
    const again = await prepareAgentUser('auto', { workspace, tempRoot, log: () => {}, autoName: 'samocode-t-user' });
    expect(again).toMatchObject({ isolated: true, uid: identity.uid });
  });
});
