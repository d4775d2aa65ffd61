// The CLI installed as the README says, from a clean prefix and with no
// network: `npm pack`, then `npm install -g --prefix <tmp> <tarball> --offline`.
// The bundle needs no runtime dependency, so nothing has to be fetched.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshRepository } from '../helpers/init-repo.js';
import { ROOT, makeProject, sessionFolder } from '../helpers/project.js';

const work = mkdtempSync(join(tmpdir(), 'samocode-install-'));
const prefix = join(work, 'prefix');
const bin = join(prefix, 'bin', 'samocode');
const installed = join(prefix, 'lib', 'node_modules', 'samocode');
const npmEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

beforeAll(() => {
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', env: npmEnv }).trim().split('\n').at(-1)!;
  execFileSync('npm', ['install', '-g', '--offline', '--ignore-scripts', '--prefix', prefix, join(work, tarball)], { cwd: work, env: npmEnv, stdio: 'pipe' });
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const samocode = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    return { code: 0, stdout: execFileSync(bin, args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: work, ...env } }) };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { code: e.status, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('samocode installed from a packed tarball into a clean prefix', () => {
  it('has no runtime dependency, and prints its version', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    expect(samocode(work, ['--version'])).toMatchObject({ code: 0, stdout: `samocode ${version}\n` });
  });

  it('runs a script-provider session, reading the install folder\'s .env under the project\'s', () => {
    const project = makeProject();
    writeFileSync(join(installed, '.env'), 'SAMOCODE_PROVIDER=script\nCLAUDE_MAX_TURNS=oops\n');
    // The project's .env wins over the install folder's: CLAUDE_MAX_TURNS there would fail the run.
    writeFileSync(join(project.dir, '.env'), 'CLAUDE_MAX_TURNS=9\n');
    const result = samocode(project.dir, ['--config', '.samocode', '--session', 'installed', '--task', 'Greet']);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/samocode: waiting for answers/);
    expect(existsSync(join(sessionFolder(project), '_qa.md'))).toBe(true);
    // And the install folder's skills install too.
    const config = join(work, 'claude-config');
    mkdirSync(config);
    expect(samocode(work, ['install'], { CLAUDE_CONFIG_DIR: config }).stdout).toMatch(/^samocode: installed \d+ file\(s\)/);
    expect(existsSync(join(config, 'skills', 'samocode-run', 'SKILL.md'))).toBe(true);
    rmSync(project.dir, { recursive: true, force: true });
  });

  it('sets a repository up with init: the package carries the workflow and the action it vendors', () => {
    const repo = freshRepository();
    const result = samocode(repo, ['init']);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(repo, '.github', 'workflows', 'samocode.yml'), 'utf8')).toBe(readFileSync(join(ROOT, '.github', 'workflows', 'samocode.yml'), 'utf8'));
    expect(existsSync(join(repo, '.github', 'actions', 'samocode', 'dist', 'index.js'))).toBe(true);
    expect(samocode(repo, ['doctor', '--help']).stdout).toContain('usage: samocode doctor');
  });
});
