// The bench's own machinery (not its figures): picking goals from the command
// line, and git's trace reaching the action's hermetic git, whose absence
// once made the GitHub-mode trace read 0 git processes.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { readTrace, readTraceOfRun, traceHome } from '../../../bench/git-trace.js';
import type { BenchGoal } from '../../../bench/goal.js';
import { makeCtx, removeTemp, type Ctx } from '../../../bench/lib.js';
import { pickGoals, UsageError } from '../../../bench/run-goals.js';
import { Git } from '../../../src/git/command.js';
import { hermeticEnv } from '../../../src/git/hermetic-env.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const goal = (section: string): BenchGoal => ({ section, title: section, measure: async () => {} });
const GOALS = ['tokens', 'terminal', 'github', 'bundle'].map(goal);
const sections = (args: string[]) => pickGoals(GOALS, args).map((g) => g.section);

describe('picking goals', () => {
  it('runs every goal with no argument, in the order of the list', () => {
    expect(sections([])).toEqual(['tokens', 'terminal', 'github', 'bundle']);
  });

  it('takes names as arguments (npm run bench -- terminal) and after --only=, in the order of the list', () => {
    expect(sections(['github', 'terminal'])).toEqual(['terminal', 'github']);
    expect(sections(['--only=bundle,tokens'])).toEqual(['tokens', 'bundle']);
  });

  it('refuses a name it does not know, naming the ones it does', () => {
    expect(() => pickGoals(GOALS, ['terminal', 'termnal'])).toThrow(UsageError);
    expect(() => pickGoals(GOALS, ['--fast'])).toThrow(/no section "--fast".*tokens, terminal, github, bundle/);
  });

  it('npm run bench with an unknown name exits 2 with the list and writes no results', async () => {
    const results = join(ROOT, 'bench', 'results.json');
    const before = statSync(results).mtimeMs;
    const run = promisify(execFile)(process.execPath, [join(ROOT, 'bench', 'run.mjs'), 'nosuch'], { cwd: ROOT });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/no section "nosuch"; the sections are tokens, nocost, checkpoint, peer, terminal, github, coldstart, bigrepo, growth, bundle, scale/) });
    expect(statSync(results).mtimeMs).toBe(before);
  });
});

describe("git's trace", () => {
  let ctx: Ctx | undefined;
  let home: string | undefined;
  afterEach(() => {
    if (ctx) removeTemp(ctx);
    if (home) rmSync(home, { recursive: true, force: true });
    ctx = home = undefined;
  });

  it("reaches the action's hermetic git through the wrapper on PATH, not through HOME's config", async () => {
    ctx = makeCtx(ROOT, () => {});
    const trace = traceHome(ctx);
    const dir = (home = mkdtempSync(join(tmpdir(), `bench-trace-${process.pid}-`)));
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    const env = (path: string) => hermeticEnv({ source: { ...process.env, PATH: path }, home: dir, workspace: repo, identity: { name: 'bench', email: 'bench@example.com' } });

    await new Git(repo, env(process.env.PATH ?? '/usr/bin:/bin')).raw(['init', '-q']);
    expect(readTrace(trace.file).processes).toBe(0); // the hermetic git read no config of ours
    expect(() => readTraceOfRun(trace.file, 'a run')).toThrow(/recorded no git process in a run/);

    const git = new Git(repo, env(`${trace.bin}:${process.env.PATH ?? '/usr/bin:/bin'}`));
    await git.raw(['status', '--porcelain']);
    await git.raw(['rev-parse', '--git-dir']);
    const t = readTraceOfRun(trace.file, 'a run');
    expect(Object.keys(t.commands).sort()).toEqual(['rev-parse', 'status']);
    expect(t.commands.status!.count).toBe(1);
  });
});
