// Terminal mode: `node dist/cli.js run …` on a session folder written to
// resume in implementation, with the bench agent as the claude provider.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newOverview, type SessionStatus } from '../src/core/overview.js';
import { datePrefix } from '../src/session/naming.js';
import { baseEnv, cycleMs, git, gitInput, historyTimes, readUsage, runProc, tempDir, writeAgent, type Ctx } from './lib.js';

export interface TerminalProject {
  dir: string;
  repo: string;
  sessions: string;
  worktrees: string;
  config: string;
  folder: string;
  sessionPath: string;
}

export const SESSION_NAME = 'bench';

export function resumeStatus(totalIterations: number, phase: SessionStatus['phase'] = 'implementation'): SessionStatus {
  return {
    phase,
    iteration: 0,
    totalIterations,
    blocked: null,
    lastAction: totalIterations ? `${phase} iteration ${totalIterations}` : 'planning → implementation',
    next: { kind: 'continue' },
    lastComment: null,
    costUsd: 0,
  };
}

/** A project as the README sets one up: `.samocode` with MAIN_REPO, WORKTREES, SESSIONS; MAIN_REPO a git repository or not. */
export function makeTerminalProject(ctx: Ctx, options: { git: boolean; totalIterations?: number; flowLog?: string[]; phase?: SessionStatus['phase'] }): TerminalProject {
  const dir = tempDir(ctx, 'terminal');
  const p: TerminalProject = {
    dir,
    repo: join(dir, 'repo'),
    sessions: join(dir, 'sessions'),
    worktrees: join(dir, 'worktrees'),
    config: join(dir, '.samocode'),
    folder: `${datePrefix(new Date())}-${SESSION_NAME}`,
    sessionPath: '',
  };
  p.sessionPath = join(p.sessions, p.folder);
  for (const d of [p.repo, p.sessions, p.worktrees, p.sessionPath]) mkdirSync(d, { recursive: true });
  writeFileSync(p.config, 'MAIN_REPO=./repo\nWORKTREES=./worktrees\nSESSIONS=./sessions\n');
  writeFileSync(join(p.repo, 'README.md'), '# bench project\n');
  if (options.git) {
    git(p.repo, 'init', '-q', '-b', 'main');
    git(p.repo, 'add', '-A');
    git(p.repo, 'commit', '-q', '-m', 'initial');
  }
  let overview = newOverview(
    { sessionName: p.folder, startedAt: new Date(Date.now() - 86_400_000).toISOString(), task: 'Benchmark the loop.', workingDir: p.repo },
    resumeStatus(options.totalIterations ?? 0, options.phase),
  );
  if (options.flowLog?.length) overview = overview.replace(/## Flow Log\n(.*)\n/, (_m, first: string) => `## Flow Log\n${first}\n${options.flowLog!.join('\n')}\n`);
  writeFileSync(join(p.sessionPath, '_overview.md'), overview);
  return p;
}

/**
 * Gives a terminal session the history of `n` earlier iterations: `n` lines
 * of `_signals.jsonl`, `n` agent logs, and (with git) `n` commits on the
 * session's worktree branch, as a long-running session would have.
 */
export function addHistory(p: TerminalProject, n: number, withGit: boolean): void {
  const start = Date.now() - n * 60_000;
  const lines: string[] = [];
  mkdirSync(join(p.sessionPath, '_logs'), { recursive: true });
  const two = (x: number) => String(x).padStart(2, '0');
  for (let i = 1; i <= n; i++) {
    const at = new Date(start + i * 60_000);
    const phase = i <= 5 ? 'init' : 'implementation';
    lines.push(
      JSON.stringify({ iteration: i, phase, phaseIteration: 1, at: at.toISOString(), signal: { status: 'continue', phase }, verdict: 'accepted', next: phase }),
    );
    const name = `${two(at.getUTCMonth() + 1)}-${two(at.getUTCDate())}-${two(at.getUTCHours())}${two(at.getUTCMinutes())}-${String(i).padStart(3, '0')}-${phase}.jsonl`;
    const log = [
      JSON.stringify({ type: 'system', subtype: 'init', session_id: `s${i}`, tools: ['Bash', 'Read', 'Write'] }),
      JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: `iteration ${i}: ${'worked on the code. '.repeat(10)}` }] } }),
      JSON.stringify({ type: 'result', subtype: 'success', is_error: false, total_cost_usd: 0, num_turns: 3 }),
    ];
    writeFileSync(join(p.sessionPath, '_logs', name), `${log.join('\n')}\n`);
  }
  writeFileSync(join(p.sessionPath, '_signals.jsonl'), `${lines.join('\n')}\n`);
  if (withGit) {
    // The worktree branch samocode/<folder> with n commits of its own on top of main.
    const branch = `refs/heads/samocode/${p.folder}`;
    const head = git(p.repo, 'rev-parse', 'main').trim();
    const parts: string[] = [];
    let content = '';
    for (let i = 1; i <= n; i++) {
      content += `call ${i}\n`;
      const msg = `samocode: implementation #${i} → implementation`;
      parts.push(
        `commit ${branch}\ncommitter samocode <samocode@example.com> ${Math.floor(start / 1000) + i * 60} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}\n${i === 1 ? `from ${head}\n` : ''}M 100644 inline bench-work.txt\ndata ${Buffer.byteLength(content)}\n${content}\n`,
      );
    }
    gitInput(p.repo, `${parts.join('')}done\n`, 'fast-import', '--quiet', '--done');
  }
}

export interface TerminalRun {
  wallMs: number;
  rssMb: number | null;
  /** CPU time of the orchestrator process itself (its children not included). */
  cpuMs: number | null;
  calls: number;
  /** Iterations this run recorded in `_signals.jsonl`. */
  iterations: number;
  /** Mean in-loop cycle (agent included), from the iteration start times. */
  cycleMs: number;
  lastLine: string;
}

export async function runTerminal(
  ctx: Ctx,
  p: TerminalProject,
  options: {
    implIterations: number;
    edit: boolean;
    expect: number;
    /** HOME for this run (e.g. one whose .gitconfig turns trace2 on); default ctx.home. */
    home?: string;
  },
): Promise<TerminalRun> {
  const agent = writeAgent(join(p.dir, 'agent'), { implIterations: options.implIterations, edit: options.edit });
  const before = historyLines(p);
  const rssFile = join(p.dir, 'rss');
  const r = await runProc(
    process.execPath,
    ['--import', ctx.rssHook, join(ctx.root, 'dist', 'cli.js'), 'run', '--config', p.config, '--session', SESSION_NAME, '--max-iterations', '100000'],
    {
      cwd: p.dir,
      env: baseEnv(ctx, { ...(options.home ? { HOME: options.home } : {}), SAMOCODE_PROVIDER: 'claude', CLAUDE_PATH: agent.path, BENCH_RSS_FILE: rssFile }),
      timeoutMs: 120_000,
    },
  );
  const lines = r.stdout.trim().split('\n');
  const last = lines.at(-1) ?? '';
  const history = historyTimes(readFileSync(join(p.sessionPath, '_signals.jsonl'), 'utf8')).slice(before);
  if (r.code !== 0 || !last.startsWith('samocode: done') || agent.calls() !== options.expect || history.length !== options.expect) {
    throw new Error(
      `terminal run did not go as planned (exit ${r.code}, ${agent.calls()} agent calls, ${history.length} iterations recorded, expected ${options.expect}):\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`,
    );
  }
  const usage = readUsage(rssFile);
  return { wallMs: r.ms, rssMb: usage.rssMb, cpuMs: usage.cpuMs, calls: agent.calls(), iterations: history.length, cycleMs: cycleMs(history), lastLine: last };
}

function historyLines(p: TerminalProject): number {
  try {
    return readFileSync(join(p.sessionPath, '_signals.jsonl'), 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}
