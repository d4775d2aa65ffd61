import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST, install, uninstall } from '../../../src/providers/claude-install.js';
import { ROOT, makeProject, samocode } from '../../helpers/project.js';

const SKILLS = ['cleanup', 'dive', 'do', 'dop', 'dop2', 'multi-review', 'planning', 'session-archive', 'session-continue', 'session-start', 'summary', 'task-definition', 'testing'];

describe('samocode install and uninstall', () => {
  it('ships every skill the phases use, each a SKILL.md with its own name', () => {
    for (const name of SKILLS) {
      const text = readFileSync(join(ROOT, 'skills', name, 'SKILL.md'), 'utf8');
      expect(text).toMatch(new RegExp(`^---\\nname: ${name}\\ndescription: .+\\n`));
    }
  });

  it('installs skills and phase agents, and uninstall removes exactly those', async () => {
    const target = mkdtempSync(join(tmpdir(), 'samocode-claude-'));
    mkdirSync(join(target, 'skills', 'mine'), { recursive: true });
    writeFileSync(join(target, 'skills', 'mine', 'SKILL.md'), 'my own skill');
    mkdirSync(join(target, 'skills', 'dive'), { recursive: true });
    writeFileSync(join(target, 'skills', 'dive', 'SKILL.md'), 'someone else wrote this dive');

    const report = await install(ROOT, target);
    expect(report.skipped).toEqual([join('skills', 'dive', 'SKILL.md')]);
    expect(report.written).toContain(join('skills', 'planning', 'SKILL.md'));
    expect(report.written).toContain(join('agents', 'samocode-implementation-agent.md'));
    expect(readFileSync(join(target, 'skills', 'dive', 'SKILL.md'), 'utf8')).toBe('someone else wrote this dive');
    expect(existsSync(join(target, MANIFEST))).toBe(true);

    // Installing again is harmless; a skill changed by hand after install is kept on uninstall.
    expect((await install(ROOT, target)).written).toEqual(report.written);
    writeFileSync(join(target, 'skills', 'summary', 'SKILL.md'), 'edited by hand');

    const removed = await uninstall(target);
    expect(removed.skipped).toEqual([join('skills', 'summary', 'SKILL.md')]);
    expect(removed.written).toHaveLength(report.written.length - 1);
    expect(readdirSync(join(target, 'skills')).sort()).toEqual(['dive', 'mine', 'summary']);
    expect(existsSync(join(target, 'agents'))).toBe(false);
    expect(existsSync(join(target, MANIFEST))).toBe(false);
  });

  it('runs from the command line', () => {
    const project = makeProject({ git: false });
    const target = join(project.dir, 'claude-config');
    const installed = samocode(project, ['install'], { CLAUDE_CONFIG_DIR: target });
    expect(installed.code).toBe(0);
    expect(installed.stdout.trim()).toBe(`samocode: installed 30 file(s) in ${target}`);
    const removed = samocode(project, ['uninstall'], { CLAUDE_CONFIG_DIR: target });
    expect(removed.stdout.trim()).toBe(`samocode: removed 30 file(s) in ${target}`);
  });
});
