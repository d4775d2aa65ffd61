import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datePrefix } from '../../src/session/naming.js';
import { makeProject, read, samocode, sessionFolder, writeScenario, type Project } from '../helpers/project.js';

const run = (project: Project, ...extra: string[]) =>
  samocode(project, ['run', '--config', '.samocode', '--session', 'greet', '--provider', 'script', ...extra]);

const lastLine = (r: { lines: string[] }) => r.lines.at(-1);

describe('terminal mode: a whole session through both gates', () => {
  it('stops at each gate and continues after the person acts', () => {
    const project = makeProject();

    const first = run(project, '--task', 'Add a greeting');
    expect(first.code).toBe(3);
    expect(first.lines.filter((l) => / #\d+ /.test(l))).toHaveLength(3);
    expect(lastLine(first)).toMatch(/^samocode: waiting for answers \(questions are in _qa.md\): fill in the \*\*Answer:\*\* lines of .*_qa.md, then run `samocode run --config \/\S+\/\.samocode --session greet` again$/);
    const folder = sessionFolder(project);
    expect(folder.endsWith(`${datePrefix(new Date())}-greet`)).toBe(true);
    expect(read(folder, '_overview.md')).toContain('## Task\n> Add a greeting');

    // Running again without answers changes nothing.
    const idle = run(project);
    expect(idle.code).toBe(3);
    expect(lastLine(idle)).toMatch(/waiting for answers \(2 question\(s\) unanswered: Q1, Q2\)/);

    const qa = join(folder, '_qa.md');
    writeFileSync(qa, read(qa).replaceAll('**Answer:** _waiting_', '**Answer:** A'));
    const second = run(project);
    expect(second.code).toBe(3);
    expect(second.stdout).toContain('took in 2 answer(s) from _qa.md');
    expect(lastLine(second)).toMatch(/waiting for plan approval/);
    const gates = JSON.parse(read(folder, '_gates.json'));
    expect(gates.answers.map((a: { questions: string[]; source: string }) => [a.questions, a.source])).toEqual([
      [['Q1'], '_qa.md'],
      [['Q2'], '_qa.md'],
    ]);

    expect(lastLine(run(project))).toMatch(/waiting for plan approval \(plan .*plan-greeting.md is not approved yet\)/);

    const approval = samocode(project, ['approve', '--config', '.samocode', '--session', 'greet']);
    expect(approval.code).toBe(0);
    expect(approval.stdout).toMatch(/approved .*-plan-greeting.md \(blob [0-9a-f]{12}\)/);

    const third = run(project);
    expect(third.code).toBe(0);
    expect(lastLine(third)).toMatch(/^samocode: done: Added hello.txt/);

    const history = read(folder, '_signals.jsonl').trim().split('\n').map((l) => JSON.parse(l));
    expect(history.map((h) => h.phase)).toEqual([
      'init', 'investigation', 'requirements', 'requirements', 'planning',
      'implementation', 'implementation', 'testing', 'quality', 'done',
    ]);
    expect(readdirSync(join(folder, '_logs'))).toHaveLength(10);
    expect(read(folder, '_overview.md')).toMatch(/^Next: done$/m);

    // The code was committed on the session's branch in its worktree.
    const worktree = join(project.worktrees, folder.split('/').at(-1)!);
    expect(read(worktree, 'hello.txt')).toBe('Hello from samocode.\n');
    const log = execFileSync('git', ['log', '--format=%s', 'samocode/' + folder.split('/').at(-1)], { cwd: project.repo, encoding: 'utf8' });
    // One commit per run that changed the code (the session folder lives outside the worktree here).
    expect(log.trim().split('\n')).toEqual([`samocode: ${folder.split('/').at(-1)} iterations 6-10 (implementation → done, done)`, 'initial']);

    const status = samocode(project, ['status', '--config', '.samocode', '--session', 'greet']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/phase done, iteration 1 \(total 10\), done/);
  });

  it('works in MAIN_REPO directly when it has no git history', () => {
    const project = makeProject({ git: false });
    const first = run(project);
    expect(first.code).toBe(3);
    expect(first.stdout).toContain('MAIN_REPO has no git history');
  });
});

describe('terminal mode: configuration', () => {
  it('names every missing key, one line each', () => {
    const project = makeProject();
    writeFileSync(project.config, 'MAIN_REPO=./repo\n');
    const result = run(project);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'samocode: .samocode: WORKTREES is not set',
      'samocode: .samocode: SESSIONS is not set',
    ]);
  });

  it('names a folder that does not exist', () => {
    const project = makeProject();
    writeFileSync(project.config, 'MAIN_REPO=./repo\nWORKTREES=./nowhere\nSESSIONS=./sessions\n');
    const result = run(project);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^samocode: \.samocode: WORKTREES points to .*nowhere, which does not exist$/m);
  });

  it('says when the config file is missing', () => {
    const project = makeProject();
    const result = samocode(project, ['run', '--config', 'missing/.samocode', '--session', 'x', '--provider', 'script']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('samocode: config file not found: missing/.samocode');
  });

  it('rejects an unknown provider and a bad session name', () => {
    const project = makeProject();
    const unknown = run(project, '--provider', 'gpt');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown provider "gpt" from --provider (claude, codex, gemini, copilot, opencode, script)');
    const bad = samocode(project, ['run', '--config', '.samocode', '--session', '../escape', '--provider', 'script']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('invalid session name "../escape"');
  });

  it('takes the provider and scenario from .env beside the config', () => {
    const project = makeProject();
    const scenario = writeScenario(project, { phases: { init: [{ signal: { status: 'blocked', reason: 'from the .env scenario' } }] } });
    writeFileSync(join(project.dir, '.env'), `SAMOCODE_PROVIDER=script\nSAMOCODE_SCRIPT=${scenario}\n`);
    const result = samocode(project, ['run', '--config', '.samocode', '--session', 'envy']);
    expect(result.code).toBe(4);
    expect(lastLine(result)).toMatch(/^samocode: blocked: from the .env scenario/);
  });

  it('explains a missing scenario file', () => {
    const project = makeProject();
    const result = run(project, '--script', 'nope.json');
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('samocode: error: scenario file not found: nope.json (set the script input or --script)');
  });
});

describe('terminal mode: session names', () => {
  it('uses the exact folder, else the newest *-NAME, else a new dated one', () => {
    const project = makeProject();
    const scenario = writeScenario(project, { phases: { init: [{ signal: { status: 'blocked', reason: 'stop' } }] } });
    mkdirSync(join(project.sessions, '26-01-01-feature'));
    mkdirSync(join(project.sessions, '26-02-01-feature'));
    mkdirSync(join(project.sessions, 'exact'));
    const go = (name: string) => samocode(project, ['run', '--config', '.samocode', '--session', name, '--provider', 'script', '--script', scenario]);
    go('feature');
    expect(existsSync(join(project.sessions, '26-02-01-feature', '_overview.md'))).toBe(true);
    expect(existsSync(join(project.sessions, '26-01-01-feature', '_overview.md'))).toBe(false);
    go('exact');
    expect(existsSync(join(project.sessions, 'exact', '_overview.md'))).toBe(true);
    go('fresh');
    expect(existsSync(join(project.sessions, `${datePrefix(new Date())}-fresh`, '_overview.md'))).toBe(true);
  });
});

describe('terminal mode: blocked and resumed', () => {
  it('exits 4 with the reason on a bad signal and resumes when run again', () => {
    const project = makeProject();
    const scenario = writeScenario(project, {
      phases: {
        init: [{ signal: '{"status": "continue", "phase": ' }, { signal: { status: 'continue', phase: 'investigation' } }],
        investigation: [{ signal: { status: 'blocked', reason: 'needs a human', needs: 'human_decision' } }],
      },
    });
    const first = run(project, '--script', scenario);
    expect(first.code).toBe(4);
    expect(lastLine(first)).toMatch(/^samocode: blocked: invalid signal: _signal.json is not valid JSON/);
    expect(first.stderr).toBe('');

    const second = run(project, '--script', scenario);
    expect(second.stdout).toContain('resuming a blocked session');
    expect(second.code).toBe(4);
    expect(lastLine(second)).toMatch(/^samocode: blocked: needs a human \(needs human_decision\)/);
    const history = read(sessionFolder(project), '_signals.jsonl').trim().split('\n').map((l) => JSON.parse(l));
    expect(history.map((h) => [h.phase, h.phaseIteration, h.verdict])).toEqual([
      ['init', 1, 'rejected'],
      ['init', 2, 'accepted'],
      ['investigation', 1, 'accepted'],
    ]);
  });
});

describe('terminal mode: a process provider', () => {
  it('starts the CLI named by CLAUDE_PATH with the session variables and nothing secret', async () => {
    const { writeFakeCli } = await import('../helpers/fake-cli.js');
    const cli = await writeFakeCli(
      'claude',
      `const next = { init: 'investigation', investigation: 'requirements' }[process.env.SAMOCODE_PHASE];
emit({ type: 'result', subtype: 'success', is_error: false, total_cost_usd: 0.25, num_turns: 3, usage: { input_tokens: 10, output_tokens: 5 } });
signal(next ? { status: 'continue', phase: next } : { status: 'blocked', reason: 'stop at ' + process.env.SAMOCODE_PHASE + ' ' + process.env.SAMOCODE_ITERATION });`,
    );
    const project = makeProject();
    writeFileSync(join(project.dir, '.env'), `CLAUDE_PATH=${cli.path}\n`);
    const result = samocode(project, ['run', '--config', '.samocode', '--session', 'real', '--provider', 'claude'], {
      GITHUB_TOKEN: 'ghs_mustnotleak000000000000000000000000',
      ANTHROPIC_API_KEY: 'sk-ant-test',
    });
    expect(result.code).toBe(4);
    expect(lastLine(result)).toMatch(/^samocode: blocked: stop at requirements 1/);
    const calls = await cli.calls();
    expect(calls.map((c) => [c.env.SAMOCODE_PHASE, c.env.SAMOCODE_ITERATION])).toEqual([
      ['init', '1'],
      ['investigation', '1'],
      ['requirements', '1'],
    ]);
    expect(calls[0]!.env.SAMOCODE_SESSION_PATH).toBe(sessionFolder(project));
    expect(calls[0]!.envKeys).toContain('ANTHROPIC_API_KEY');
    expect(calls[0]!.envKeys).not.toContain('GITHUB_TOKEN');
    const overview = read(sessionFolder(project), '_overview.md');
    expect(overview).toMatch(/^Cost USD: 0\.7500$/m);
  });

  it('names the setting when the CLI is missing', () => {
    const project = makeProject();
    writeFileSync(join(project.dir, '.env'), 'CLAUDE_PATH=/nowhere/claude\n');
    const result = samocode(project, ['run', '--config', '.samocode', '--session', 'gone', '--provider', 'claude']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('samocode: error: agent CLI not found or not executable: /nowhere/claude; install it or set CLAUDE_PATH');
  });

  it.each([
    ['gemini', 'GEMINI_PATH'],
    ['copilot', 'COPILOT_PATH'],
    ['opencode', 'OPENCODE_PATH'],
  ])('names %s’s setting when its CLI is not on PATH, and takes its path from %s', (provider, key) => {
    const project = makeProject();
    const path = `${dirname(process.execPath)}:/usr/bin:/bin`;
    const missing = samocode(project, ['run', '--config', '.samocode', '--session', 'gone', '--provider', provider], { PATH: path });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`samocode: error: agent CLI not found or not executable: "${provider}" on PATH; install it or set ${key}`);
    writeFileSync(join(project.dir, '.env'), `SAMOCODE_PROVIDER=${provider}\n${key}=/nowhere/${provider}\n`);
    const set = samocode(project, ['run', '--config', '.samocode', '--session', 'gone'], { PATH: path });
    expect(set.stderr.trim()).toBe(`samocode: error: agent CLI not found or not executable: /nowhere/${provider}; install it or set ${key}`);
  });
});
