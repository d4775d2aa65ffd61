// Terminal mode as the original worker's users expect it, through dist/cli.js
// against real folders: the environment the agent gets, the invocation and
// settings, exit codes, one run per session, and what it says.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, writeFakeCli } from '../helpers/fake-cli.js';
import { CLI, ROOT, makeProject, read, samocode, sessionFolder, writeScenario, type Project } from '../helpers/project.js';

afterAll(removeTempDirs);

const lastLine = (r: { lines: string[] }) => r.lines.at(-1);
const run = (project: Project, args: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  samocode(project, ['run', '--config', '.samocode', '--session', 's', ...args], env);
const blockAtInit = (project: Project) => writeScenario(project, { phases: { init: [{ signal: { status: 'blocked', reason: 'stop here' } }] } });

/** A fake claude that records its call and blocks at once. */
const blockingClaude = () =>
  writeFakeCli('claude', `fs.writeFileSync(path.join(dir, 'env-' + call + '.json'), JSON.stringify(process.env));
emit({ type: 'result', subtype: 'success', is_error: false, total_cost_usd: 0, num_turns: 1 });
signal({ status: 'blocked', reason: 'seen' });`);

describe('terminal mode: the agent gets the person\'s environment', () => {
  it('passes JAVA_HOME, AWS_PROFILE, VIRTUAL_ENV, SSH_AUTH_SOCK, GOPATH and DISPLAY, not the runner tokens', async () => {
    const cli = await blockingClaude();
    const project = makeProject();
    writeFileSync(join(project.dir, '.env'), `CLAUDE_PATH=${cli.path}\n`);
    const mine = { JAVA_HOME: '/opt/jdk', AWS_PROFILE: 'dev', VIRTUAL_ENV: '/v', SSH_AUTH_SOCK: '/tmp/ssh.sock', GOPATH: '/go', DISPLAY: ':1', SOMETHING_ELSE: 'x' };
    const result = run(project, ['--provider', 'claude'], { ...mine, GITHUB_TOKEN: 'ghs_0123456789abcdef0123456789abcdef0123' });
    expect(result.code).toBe(4);
    const seen = JSON.parse(readFileSync(join(cli.dir, 'env-1.json'), 'utf8')) as Record<string, string>;
    for (const [name, value] of Object.entries(mine)) expect(seen[name]).toBe(value);
    expect(seen.GITHUB_TOKEN).toBeUndefined();
  });
});

describe('terminal mode: the original\'s invocation', () => {
  it('runs without the run subcommand', () => {
    const project = makeProject();
    const result = samocode(project, ['--config', '.samocode', '--session', 's', '--provider', 'script', '--script', blockAtInit(project)]);
    expect(result.code).toBe(4);
    expect(lastLine(result)).toMatch(/^samocode: blocked: stop here/);
  });

  it('prints its version and the run help', () => {
    const project = makeProject();
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    expect(samocode(project, ['--version'])).toMatchObject({ code: 0, stdout: `samocode ${version}\n` });
    const help = samocode(project, ['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: samocode \[run\] --config/);
    expect(help.stdout).toContain('--max-iterations N');
    expect(samocode(project, []).code).toBe(2);
    expect(samocode(project, ['frobnicate']).code).toBe(2);
  });

  it('names where an unknown provider came from', () => {
    const project = makeProject();
    writeFileSync(join(project.dir, '.env'), 'SAMOCODE_PROVIDER=gpt\n');
    const fromFile = run(project);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain(`unknown provider "gpt" from SAMOCODE_PROVIDER (in ${join(project.dir, '.env')}) (claude, codex, gemini, copilot, opencode, script)`);
    expect(run(project, [], { SAMOCODE_PROVIDER: 'llama' }).stderr).toContain('unknown provider "llama" from SAMOCODE_PROVIDER (claude');
  });
});

describe('terminal mode: settings', () => {
  it('honours CLAUDE_MAX_TURNS, defaults CLAUDE_MODEL to opus, and expands ~ in CLAUDE_PATH', async () => {
    const cli = await blockingClaude();
    const project = makeProject();
    // HOME is the fake's folder, so ~/claude is the fake.
    writeFileSync(join(project.dir, '.env'), 'CLAUDE_PATH=~/claude\nCLAUDE_MAX_TURNS=7\n');
    expect(run(project, ['--provider', 'claude'], { HOME: cli.dir }).code).toBe(4);
    const [call] = await cli.calls();
    const arg = (flag: string) => call!.argv[call!.argv.indexOf(flag) + 1];
    expect([arg('--max-turns'), arg('--model')]).toEqual(['7', 'opus']);
  });

  it('tries SAMOCODE_MAX_RETRIES times in all, SAMOCODE_RETRY_DELAY apart', async () => {
    const cli = await writeFakeCli('claude', `process.stderr.write('overloaded_error: try again'); process.exit(1);`);
    const project = makeProject();
    writeFileSync(join(project.dir, '.env'), `CLAUDE_PATH=${cli.path}\nSAMOCODE_MAX_RETRIES=2\nSAMOCODE_RETRY_DELAY=0\n`);
    const result = run(project, ['--provider', 'claude']);
    expect(result.code).toBe(4);
    // Each iteration is tried twice in all, then the loop records the failure.
    const iterations = read(sessionFolder(project), '_signals.jsonl').trim().split('\n').length;
    expect(iterations).toBeGreaterThan(0);
    expect((await cli.calls()).length).toBe(2 * iterations);
  });

  it('names the worktree branch with GIT_BRANCH_PREFIX', () => {
    const project = makeProject();
    writeFileSync(join(project.dir, '.env'), 'GIT_BRANCH_PREFIX=me/\n');
    const result = run(project, ['--provider', 'script', '--script', blockAtInit(project)]);
    const folder = sessionFolder(project).split('/').at(-1)!;
    expect(result.stdout).toContain(`on branch me/${folder}`);
    expect(execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: join(project.worktrees, folder), encoding: 'utf8' }).trim()).toBe(`me/${folder}`);
  });

  it('reads the process environment over .env, and ~ and a relative MAIN_REPO in .samocode', () => {
    const project = makeProject();
    writeFileSync(join(project.dir, '.env'), 'SAMOCODE_PROVIDER=codex\n');
    writeFileSync(project.config, `MAIN_REPO=repo\nWORKTREES=~/worktrees\nSESSIONS=./sessions\n`);
    const result = run(project, ['--script', blockAtInit(project)], { SAMOCODE_PROVIDER: 'script', HOME: project.dir });
    expect(result.code).toBe(4);
    expect(existsSync(join(project.worktrees, sessionFolder(project).split('/').at(-1)!, 'README.md'))).toBe(true);
  });
});

describe('terminal mode: exit codes and what it says', () => {
  it('waiting exits 3, done 0, and a done session says done once', () => {
    const project = makeProject();
    const go = (...extra: string[]) => run(project, ['--provider', 'script', ...extra]);
    const waiting = go('--task', 'Greet');
    expect(waiting.code).toBe(3);
    const qa = join(sessionFolder(project), '_qa.md');
    writeFileSync(qa, read(qa).replaceAll('**Answer:** _waiting_', '**Answer:**\nA'));
    // The plan is shown once before --auto-approve passes it on the next run.
    expect(go('--auto-approve').code).toBe(3);
    const done = go('--auto-approve');
    expect(done.code).toBe(0);
    expect(lastLine(done)).toMatch(/^samocode: done: Added hello.txt/);
    const again = go();
    expect(again.code).toBe(0);
    expect(lastLine(again)).toMatch(/^samocode: done: Added hello.txt with a greeting; tested and reviewed. \(session folder: /);
  });

  it('blocked exits 4, error 1, usage 2', () => {
    const project = makeProject();
    expect(run(project, ['--provider', 'script', '--script', blockAtInit(project)]).code).toBe(4);
    expect(samocode(project, ['run', '--config', 'nowhere/.samocode', '--session', 's']).code).toBe(1);
    expect(samocode(project, ['run', '--config', '.samocode']).code).toBe(2);
    expect(samocode(project, ['run', '--config', '.samocode', '--session', 's', '--bogus']).code).toBe(2);
  });
});

describe('terminal mode: one run per session', () => {
  it('a second run says which process holds the session and exits 6; a dead holder\'s lock is taken over', async () => {
    const project = makeProject();
    const slow = writeScenario(project, { phases: { init: [{ delayMs: 3000, signal: { status: 'blocked', reason: 'slow one done' } }] } });
    const first = execa(process.execPath, [CLI, 'run', '--config', '.samocode', '--session', 's', '--provider', 'script', '--script', slow], {
      cwd: project.dir,
      env: { PATH: process.env.PATH!, HOME: process.env.HOME! },
      extendEnv: false,
      reject: false,
    });
    const lockFile = () => readdirSync(project.sessions).find((f) => f.endsWith('.lock'));
    for (let i = 0; i < 100 && !lockFile(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(lockFile()).toBeDefined();
    const second = run(project, ['--provider', 'script', '--script', slow]);
    expect(second.code).toBe(6);
    expect(second.stderr).toMatch(new RegExp(`^samocode: \\d{2}-\\d{2}-\\d{2}-s is being run by process ${first.pid} on \\S+, started \\d{4}-`, 'm'));
    const done = await first;
    expect(done.exitCode).toBe(4);
    expect(lockFile()).toBeUndefined();

    // A lock left by a process that is gone.
    const lock = join(project.sessions, `.${sessionFolder(project).split('/').at(-1)}.lock`);
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), startedAt: '2026-01-01T00:00:00Z' }));
    const third = run(project, ['--provider', 'script', '--script', blockAtInit(project)]);
    expect(third.stdout).toMatch(/took over the lock of run 4206649 on .*, which is gone/);
    expect(third.code).toBe(4);
  }, 30_000);
});

describe('terminal mode: messages', () => {
  const status = (project: Project, session = 's') => samocode(project, ['status', '--config', '.samocode', '--session', session]);

  it('status says there is no such session, and approved after approve', () => {
    const project = makeProject();
    const missing = status(project, 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`samocode: no session "nope" in ${project.sessions}`);
    expect(existsSync(join(project.sessions, 'nope'))).toBe(false);

    run(project, ['--provider', 'script']);
    const qa = join(sessionFolder(project), '_qa.md');
    writeFileSync(qa, read(qa).replaceAll('**Answer:** _waiting_', '- **Answer:** A'));
    expect(run(project, ['--provider', 'script']).stdout).toContain('took in 2 answer(s) from _qa.md');
    expect(status(project).stdout).toMatch(/waiting for your approval of the plan;/);
    const approved = samocode(project, ['approve', '--config', '.samocode', '--session', 's']);
    expect(approved.stdout).toMatch(new RegExp(`run \`samocode run --config ${project.config.replace(/[.]/g, '\\.')} --session s\` to continue$`, 'm'));
    expect(status(project).stdout).toMatch(/plan approved; the next run goes on to implementation;/);
  });

  it('names a question whose answer it could not read, and what it found', () => {
    const project = makeProject();
    run(project, ['--provider', 'script']);
    const qa = join(sessionFolder(project), '_qa.md');
    writeFileSync(qa, read(qa).replace('**Answer:** _waiting_', '**Answer:** _waiting_\nthe README, I think'));
    const again = run(project, ['--provider', 'script']);
    expect(again.code).toBe(3);
    expect(again.stdout).toContain('samocode: _qa.md Q1: found "the README, I think" after its **Answer:** line, not read as an answer');
  });

  it('a broken _overview.md says how to restore it', () => {
    const project = makeProject();
    run(project, ['--provider', 'script', '--script', blockAtInit(project)]);
    const overview = join(sessionFolder(project), '_overview.md');
    writeFileSync(overview, read(overview).replace(/^## Status[\s\S]*?(?=^## )/m, ''));
    const broken = run(project, ['--provider', 'script']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/_overview\.md: .*To restore it: fix that line by hand .*git checkout -- _overview\.md.*or delete the file to start the session afresh/);
    expect(status(project).stdout).toMatch(/To restore it/);
  });

  it('keeps --task in a session that exists, beside the task it had', () => {
    const project = makeProject();
    const scenario = blockAtInit(project);
    run(project, ['--provider', 'script', '--script', scenario, '--dive', 'the login code']);
    const later = run(project, ['--provider', 'script', '--script', scenario, '--task', 'Fix the login']);
    expect(later.stdout).toContain('samocode: --task kept in the session');
    const overview = read(sessionFolder(project), '_overview.md');
    expect(overview).toContain('## Task\n> Fix the login\n');
    const more = run(project, ['--provider', 'script', '--script', scenario, '--task', 'And the logout']);
    expect(more.stdout).toContain("--task added to the session's own");
    expect(read(sessionFolder(project), '_overview.md')).toMatch(/## Task\n> Fix the login\n>\n> Added \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\n> And the logout\n/);
  });
});

describe('terminal mode: Ctrl-C', () => {
  it('ends the agent, blocks the session with the reason, commits the worktree and exits 130', async () => {
    const cli = await writeFakeCli('claude', `fs.writeFileSync('work-in-progress.txt', 'half done\\n');
fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
setTimeout(() => {}, 60000);`);
    const project = makeProject();
    writeFileSync(join(project.dir, '.env'), `CLAUDE_PATH=${cli.path}\n`);
    const child = execa(process.execPath, [CLI, 'run', '--config', '.samocode', '--session', 's', '--provider', 'claude'], {
      cwd: project.dir,
      env: { PATH: process.env.PATH!, HOME: process.env.HOME! },
      extendEnv: false,
      reject: false,
    });
    for (let i = 0; i < 200 && !existsSync(join(cli.dir, 'pid')); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('samocode: the run was interrupted by SIGINT');
    expect(String(result.stdout).trim().split('\n').at(-1)).toMatch(/^samocode: blocked: the run was interrupted by SIGINT/);
    const agentPid = Number(readFileSync(join(cli.dir, 'pid'), 'utf8'));
    expect(() => process.kill(agentPid, 0)).toThrow();
    const folder = sessionFolder(project).split('/').at(-1)!;
    expect(read(sessionFolder(project), '_overview.md')).toMatch(/^Blocked: the run was interrupted by SIGINT/m);
    const log = execFileSync('git', ['log', '--format=%s', '--name-only', '-1', `samocode/${folder}`], { cwd: project.repo, encoding: 'utf8' });
    expect(log).toMatch(new RegExp(`^samocode: ${folder} iterations 1-1 \\(init → init, blocked\\)\\n\\nwork-in-progress.txt`));
  }, 30_000);
});
