// `samocode init` as a person runs it: dist/cli.js in a fresh repository's checkout.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { CLI } from './project.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A git repository with one commit, as `git init` and a first commit leave it. */
export function freshRepository(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'samocode-init-')), 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  writeFileSync(join(dir, 'README.md'), '# Hello-World\n');
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'initial'], { cwd: dir });
  return dir;
}

/** dist/cli.js with these arguments, in `cwd`. */
export function cli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** dist/cli.js, not blocking this process: for commands that call a stand-in it serves. */
export async function cliAsync(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, extendEnv: false, reject: false, timeout: 60_000 });
  return { code: typeof result.exitCode === 'number' ? result.exitCode : null, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** A fresh repository with `samocode init` run in it; throws when init fails. */
export function initRepository(args: string[] = []): string {
  const dir = freshRepository();
  const run = cli(dir, ['init', ...args]);
  if (run.code !== 0) throw new Error(`samocode init failed (${run.code}): ${run.stdout}${run.stderr}`);
  return dir;
}
