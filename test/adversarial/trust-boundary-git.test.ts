// Trust boundary, "run code in the action's git" and "reach git through
// config outside .git/config". The agent plants everything that would run a
// program or redirect a push inside the orchestrator's own git calls: a
// clean filter that would put git's environment (the auth header) into a
// pushed file, gpg.program with commit.gpgsign, include.path, insteadOf and
// pushInsteadOf, remote.origin.pushurl to another bare repository,
// core.sshCommand, core.fsmonitor, core.hooksPath and hooks, a global config
// in its HOME, .git/info/attributes, a .git/commondir, and a repository of
// its own inside the work tree (whose config git's status would read); the runner's own
// HOME holds a global config with a filter too. With agent-user none the
// agent can write .git and the guard puts it back before every git call;
// with auto the writes themselves fail. Nothing runs; the push reaches the
// real remote only; .git/config ends as it began.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { writeFakeCli } from '../helpers/fake-cli.js';
import { checkout, labeledEvent, makeRemote, remoteBranches, remoteFile, runBuiltAction } from '../helpers/runner.js';

const TOKEN = 'ghs_GitTrustBoundaryToken000000000000000000';
const FORMS = [TOKEN, Buffer.from(`x-access-token:${TOKEN}`).toString('base64')];

const github = useFakeGitHub({ Codertocat: 'admin' });

/** A program that leaves a marker (with its environment) wherever it is run, then passes stdin on and appends its env. */
function evilScript(dir: string): string {
  const path = join(dir, 'evil.sh');
  writeFileSync(path, `#!/bin/sh\n{ echo "ran: $0 $*"; echo "parent: $(tr "\\0" " " < /proc/$PPID/cmdline) uid $(id -u)"; env; } >> ${JSON.stringify(join(dir, 'marker'))}\ncat\nenv\nexit 0\n`);
  chmodSync(path, 0o755);
  return path;
}

/** What the agent plants: every write is tried and its outcome recorded in planted.json. */
function planter(options: { evil: string; realUrl: string; otherUrl: string; common: string; include: string; hooks: string }): string {
  const { evil, realUrl, otherUrl, common, include, hooks } = options;
  const config = `
[filter "x"]
\tclean = ${evil}
\tsmudge = ${evil}
\trequired = true
[gpg]
\tprogram = ${evil}
[commit]
\tgpgsign = true
[include]
\tpath = ${include}
[url "${otherUrl}"]
\tpushInsteadOf = ${realUrl}
\tinsteadOf = ${realUrl}
[remote "origin"]
\tpushurl = ${otherUrl}
[core]
\tsshCommand = ${evil}
\tfsmonitor = ${evil}
\thooksPath = ${hooks}
`;
  const globalConfig = `[filter "x"]\n\tclean = ${evil}\n[core]\n\thooksPath = ${hooks}\n[url "${otherUrl}"]\n\tpushInsteadOf = ${realUrl}\n`;
  return `
const phase = process.env.SAMOCODE_PHASE;
const ok = () => emit({ type: 'result', subtype: 'success', is_error: false, total_cost_usd: 0, num_turns: 1 });
const outcome = {};
const attempt = (name, write) => { try { write(); outcome[name] = 'written'; } catch (e) { outcome[name] = e.code || String(e); } };
if (phase === 'init') {
  fs.writeFileSync('.gitattributes', '* filter=x\\n');
  fs.writeFileSync('work.txt', 'the work itself\\n');
  attempt('.git/config', () => fs.appendFileSync('.git/config', ${JSON.stringify(config)}));
  for (const hook of ['pre-commit', 'commit-msg', 'post-commit', 'pre-push', 'post-checkout', 'reference-transaction', 'pre-auto-gc']) {
    attempt('.git/hooks/' + hook, () => { fs.writeFileSync('.git/hooks/' + hook, '#!/bin/sh\\nexec ${evil} "$@"\\n'); fs.chmodSync('.git/hooks/' + hook, 0o755); });
  }
  attempt('.git/info/attributes', () => { fs.mkdirSync('.git/info', { recursive: true }); fs.writeFileSync('.git/info/attributes', '* filter=x\\n'); });
  attempt('.git/commondir', () => fs.writeFileSync('.git/commondir', ${JSON.stringify(common)} + '\\n'));
  // As its own user it also tries to move .git away (as the runner's user that is a test of its own, below).
  if (process.getuid() !== 0) attempt('rename .git', () => fs.renameSync('.git', '.git-away'));
  attempt('HOME/.gitconfig', () => fs.appendFileSync(path.join(process.env.HOME, '.gitconfig'), ${JSON.stringify(globalConfig)}));
  attempt('HOME/.config/git/config', () => { fs.mkdirSync(path.join(process.env.HOME, '.config', 'git'), { recursive: true }); fs.writeFileSync(path.join(process.env.HOME, '.config', 'git', 'config'), ${JSON.stringify(globalConfig)}); });
  // An embedded repository of its own, whose config the orchestrator's git must never read.
  const { execFileSync } = require('node:child_process');
  const sub = (...args) => execFileSync('git', ['-c', 'user.name=a', '-c', 'user.email=a@example.com', ...args], { cwd: 'nested', stdio: 'ignore', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
  fs.mkdirSync('nested');
  sub('init', '-q');
  fs.writeFileSync('nested/f.txt', 'one\\n');
  fs.writeFileSync('nested/.gitattributes', '* filter=x\\n');
  sub('add', '-A');
  sub('commit', '-q', '-m', 'nested');
  sub('config', 'filter.x.clean', ${JSON.stringify(evil)});
  sub('config', 'core.fsmonitor', ${JSON.stringify(evil)});
  fs.writeFileSync(path.join(dir, 'planted.json'), JSON.stringify({ uid: process.getuid(), outcome }));
  signal({ status: 'continue', phase: 'investigation' });
} else {
  // Same size, new stat: whoever looks at the nested work tree must hash it, through its filter.
  require('node:child_process').execFileSync('sleep', ['1.1']);
  fs.writeFileSync('nested/f.txt', 'two\\n');
  fs.writeFileSync('more.txt', 'a second iteration, after the plants\\n');
  signal({ status: 'blocked', reason: 'planted' });
}
ok();
`;
}

async function attack(issue: number, agentUser: string) {
  github.addIssue({ number: issue, title: `Plant git config ${agentUser}`, labels: ['samocode'] });
  const remote = makeRemote();
  const other = makeRemote();
  const cli = await writeFakeCli('claude', '');
  const evil = evilScript(cli.dir);
  const hooks = join(cli.dir, 'hooks');
  mkdirSync(hooks);
  for (const hook of ['pre-commit', 'post-commit', 'pre-push', 'post-checkout', 'reference-transaction']) {
    writeFileSync(join(hooks, hook), `#!/bin/sh\nexec ${evil} "$@"\n`);
    chmodSync(join(hooks, hook), 0o755);
  }
  const include = join(cli.dir, 'included.gitconfig');
  writeFileSync(include, `[filter "x"]\n\tclean = ${evil}\n[remote "origin"]\n\tpushurl = ${other.url}\n`);
  const common = join(cli.dir, 'common.git');
  execFileSync('git', ['init', '-q', '--bare', common]);
  writeFileSync(join(common, 'config'), `[core]\n\trepositoryformatversion = 0\n\tbare = false\n[filter "x"]\n\tclean = ${evil}\n[remote "origin"]\n\turl = ${other.url}\n`);
  // The fake's body is written now that the paths it plants are known.
  const fake = await writeFakeCli('claude', planter({ evil, realUrl: remote.url, otherUrl: other.url, common, include, hooks }));
  // The runner's own HOME: a global config with a filter that .git/info/attributes (there before the run) applies to every file.
  const runnerHome = mkdtempSync(join(tmpdir(), 'samocode-runner-home-'));
  writeFileSync(join(runnerHome, '.gitconfig'), `[filter "y"]\n\tclean = ${evil}\n\trequired = true\n[core]\n\thooksPath = ${hooks}\n\tfsmonitor = ${evil}\n[url "${other.url}"]\n\tpushInsteadOf = ${remote.url}\n`);
  const workspace = checkout(remote);
  mkdirSync(join(workspace, '.git', 'info'), { recursive: true });
  writeFileSync(join(workspace, '.git', 'info', 'attributes'), '* filter=y\n');
  const configBefore = readFileSync(join(workspace, '.git', 'config'), 'utf8');
  const run = await runBuiltAction({
    apiUrl: github.url,
    snapshotFrom: github,
    workspace,
    event: 'issues',
    payload: labeledEvent(issue),
    token: TOKEN,
    inputs: { provider: 'claude', 'cli-path': fake.path, 'agent-user': agentUser, ...(agentUser === 'none' ? { 'agent-network': 'open' } : {}) },
    env: { HOME: runnerHome },
  });
  const planted = JSON.parse(readFileSync(join(fake.dir, 'planted.json'), 'utf8')) as { uid: number; outcome: Record<string, string> };
  return { run, remote, other, workspace, configBefore, planted, marker: join(cli.dir, 'marker') };
}

function expectNothingRanOrRedirected(result: Awaited<ReturnType<typeof attack>>): void {
  const { run, remote, other, workspace, configBefore, marker } = result;
  expect(run.outputs.status).toBe('blocked');
  // Blocked by the agent's own reason, not by an error of the action's git.
  expect(run.stdout.match(/::error::.*/g)).toEqual(['::error::samocode: blocked: planted']);
  expect(existsSync(marker), existsSync(marker) ? readFileSync(marker, 'utf8').slice(0, 400) : '').toBe(false);
  // The push reached the real remote, with the files as the agent wrote them (no filter output in them), and nothing else.
  const branch = run.outputs.branch!;
  expect(remoteBranches(remote)).toContain(branch);
  expect(remoteFile(remote, branch, 'work.txt')).toBe('the work itself\n');
  expect(remoteFile(remote, branch, 'more.txt')).toBe('a second iteration, after the plants\n');
  expect(remoteBranches(other)).toEqual(['main']);
  // The agent's own repository inside the work tree is left out, and said so.
  expect(() => remoteFile(remote, branch, 'nested/f.txt')).toThrow();
  expect(run.stdout).toContain('left out of the commit: nested (a git repository inside the work tree');
  const everything = execFileSync('git', ['log', '--all', '-p'], { cwd: remote.bare, encoding: 'latin1' });
  for (const form of FORMS) expect(everything.includes(form)).toBe(false);
  expect(readFileSync(join(workspace, '.git', 'config'), 'utf8')).toBe(configBefore);
  expect(existsSync(join(workspace, '.git', 'commondir'))).toBe(false);
}

describe('trust boundary: the agent plants git configuration', () => {
  it('agent-user none: the agent writes .git, the guard puts it all back before every git call, and says so', async () => {
    const result = await attack(121, 'none');
    const { planted, run } = result;
    expect(planted.uid).toBe(process.getuid!());
    for (const name of ['.git/config', '.git/hooks/pre-commit', '.git/info/attributes', '.git/commondir', 'HOME/.gitconfig']) expect(planted.outcome[name], name).toBe('written');
    expectNothingRanOrRedirected(result);
    expect(run.stdout).toMatch(/put back \.git\/[^\n]*config/);
    const notice = github.issues.get(121)!.comments.find((c) => c.body.includes('samocode:restored'));
    expect(notice?.body).toMatch(/\.git\/config[\s\S]*\.git\/commondir|\.git\/commondir[\s\S]*\.git\/config/);
  });

  it('agent-user auto: every write into .git fails, its own HOME config does not apply, and nothing runs', async () => {
    const result = await attack(122, 'auto');
    const { planted } = result;
    expect(planted.uid).not.toBe(0);
    expect(planted.uid).not.toBe(process.getuid!());
    for (const [name, outcome] of Object.entries(planted.outcome)) {
      if (name.startsWith('HOME/')) expect(outcome, name).toBe('written');
      else expect(outcome, name).toMatch(/^E(ACCES|PERM)$/);
    }
    expect(planted.outcome['rename .git']).toMatch(/^E(ACCES|PERM)$/);
    expectNothingRanOrRedirected(result);
  });

  it('agent-user none: a .git swapped for one of the agent\'s stops the run before any git call uses it', async () => {
    github.addIssue({ number: 123, title: 'Swap the gitdir', labels: ['samocode'] });
    const remote = makeRemote();
    const cli = await writeFakeCli('claude', '');
    const evil = evilScript(cli.dir);
    const fake = await writeFakeCli(
      'claude',
      `const { execFileSync } = require('node:child_process');
fs.writeFileSync('work.txt', 'work\\n');
fs.renameSync('.git', '.git-away');
execFileSync('git', ['init', '-q', '.'], { stdio: 'ignore' });
fs.appendFileSync('.git/config', '[filter "x"]\\n\\tclean = ${evil}\\n[core]\\n\\tfsmonitor = ${evil}\\n');
fs.writeFileSync('.gitattributes', '* filter=x\\n');
signal({ status: 'continue', phase: 'investigation' });
emit({ type: 'result', subtype: 'success', is_error: false, total_cost_usd: 0, num_turns: 1 });`,
    );
    const run = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(123), token: TOKEN, inputs: { provider: 'claude', 'cli-path': fake.path, 'agent-user': 'none', 'agent-network': 'open' } });
    expect(run.outputs.status).toBe('blocked');
    expect(run.stdout).toMatch(/\.git was replaced or moved since the run began/);
    expect(existsSync(join(cli.dir, 'marker'))).toBe(false);
    expect(github.issues.get(123)!.labels).toContain('samocode:blocked');
    expect(() => remoteFile(remote, run.outputs.branch!, 'work.txt')).toThrow();
  });
});
