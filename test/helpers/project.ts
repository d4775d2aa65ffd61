// Real temp folders for terminal-mode tests, and the built CLI as a process.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

export interface Project {
  dir: string;
  repo: string;
  sessions: string;
  worktrees: string;
  config: string;
}

export function makeProject(options: { git?: boolean } = {}): Project {
  const dir = mkdtempSync(join(tmpdir(), 'samocode-test-'));
  const project: Project = {
    dir,
    repo: join(dir, 'repo'),
    sessions: join(dir, 'sessions'),
    worktrees: join(dir, 'worktrees'),
    config: join(dir, '.samocode'),
  };
  for (const d of [project.repo, project.sessions, project.worktrees]) mkdirSync(d, { recursive: true });
  writeFileSync(project.config, 'MAIN_REPO=./repo\nWORKTREES=./worktrees\nSESSIONS=./sessions\n');
  if (options.git !== false) {
    writeFileSync(join(project.repo, 'README.md'), '# test project\n');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: project.repo, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'initial');
  }
  return project;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

export function samocode(project: Project, args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: project.dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    lines: result.stdout.trim().split('\n'),
  };
}

export function sessionFolder(project: Project): string {
  const [first] = readdirSync(project.sessions);
  if (!first) throw new Error('no session folder');
  return join(project.sessions, first);
}

export const read = (...parts: string[]) => readFileSync(join(...parts), 'utf8');

export function writeScenario(project: Project, scenario: unknown): string {
  const path = join(project.dir, 'scenario.json');
  writeFileSync(path, JSON.stringify(scenario));
  return path;
}
