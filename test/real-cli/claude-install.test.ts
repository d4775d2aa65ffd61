// `samocode install`, then the real Claude Code CLI (the pinned
// devDependency) against a loopback stand-in: its init event lists the
// installed skills as slash commands, and the phase agents as agents.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicStandIn, messagesText, say } from '../helpers/anthropic-stand-in.js';
import { PHASE_SKILLS } from '../../src/core/phases.js';
import { claudeArgs } from '../../src/providers/claude.js';
import { makeRequest } from '../helpers/fake-cli.js';
import { ROOT } from '../helpers/project.js';
import { CLAUDE_BIN, EgressTrap, baseEnv, checkCli, makeRealCliProject, runSamocode } from './support.js';

beforeAll(() => checkCli(CLAUDE_BIN, '2.1.332'));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('claude: what samocode install gives the real CLI', () => {
  it('lists every installed skill as a slash command, the original\'s too, and the phase agents', async () => {
    const standIn = await AnthropicStandIn.start([], { otherwise: say('ok') });
    const trap = await EgressTrap.start();
    const project = makeRealCliProject();
    cleanups.push(() => standIn.close(), () => trap.close(), async () => rmSync(project.dir, { recursive: true, force: true }));
    const config = join(project.home, '.claude');
    const env = { ...baseEnv(project, trap), CLAUDE_CONFIG_DIR: config, ANTHROPIC_BASE_URL: standIn.url, ANTHROPIC_API_KEY: 'sk-ant-stand-in-0000', DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };

    const installed = await runSamocode(project, ['install'], env);
    expect(installed.code).toBe(0);

    const claude = await execa(CLAUDE_BIN, ['-p', 'hello', '--output-format', 'stream-json', '--verbose', '--max-turns', '1'], {
      cwd: project.repo,
      env,
      extendEnv: false,
      reject: false,
      timeout: 60_000,
      stdin: 'ignore',
    });
    const init = String(claude.stdout)
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string; subtype?: string; slash_commands?: string[]; agents?: string[]; skills?: string[] })
      .find((event) => event.type === 'system' && event.subtype === 'init');
    expect(init, `${claude.stdout}\n${claude.stderr}`).toBeDefined();

    const shipped = readdirSync(join(ROOT, 'skills')).sort();
    for (const name of ['task', 'create-plan', 'do2', 'samocode-implement', 'session-sync', 'codex', 'gemini', 'samocode-run']) expect(shipped).toContain(name);
    for (const name of shipped) expect(init!.slash_commands, name).toContain(name);
    const phases = ['init', 'investigation', 'requirements', 'planning', 'implementation', 'testing', 'quality', 'done'];
    for (const phase of phases) expect(init!.agents).toContain(`${phase}-agent`);
    expect(init!.agents).toContain('agent-template');
    expect(trap.attempts).toEqual([]);
  }, 90_000);

  it('offers an orchestrated call only its phase\'s skills, with the provider\'s own arguments', async () => {
    const standIn = await AnthropicStandIn.start([], { otherwise: say('ok') });
    const trap = await EgressTrap.start();
    const project = makeRealCliProject();
    cleanups.push(() => standIn.close(), () => trap.close(), async () => rmSync(project.dir, { recursive: true, force: true }));
    const config = join(project.home, '.claude');
    const env = { ...baseEnv(project, trap), CLAUDE_CONFIG_DIR: config, ANTHROPIC_BASE_URL: standIn.url, ANTHROPIC_API_KEY: 'sk-ant-stand-in-0000', DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };
    expect((await runSamocode(project, ['install'], env)).code).toBe(0);

    const listed = (text: string) => {
      const at = text.indexOf('The following skills are available for use with the Skill tool:');
      if (at < 0) return [];
      const lines = text.slice(at).split('\n').slice(1);
      while (lines[0] === '') lines.shift();
      const end = lines.findIndex((line) => !line.startsWith('- '));
      return lines.slice(0, end < 0 ? lines.length : end).map((line) => line.slice(2).split(':')[0]!).sort();
    };
    for (const phase of ['implementation', 'quality', 'init'] as const) {
      const request = await makeRequest({ phase, workdir: project.repo });
      const args = claudeArgs(request, { env, maxTurns: 1 });
      const before = standIn.messageRequests().length;
      const claude = await execa(CLAUDE_BIN, args, { cwd: project.repo, env, extendEnv: false, reject: false, timeout: 60_000, input: 'hello' });
      const sent = standIn.messageRequests().slice(before);
      expect(sent.length, `${claude.stdout}\n${claude.stderr}`).toBeGreaterThan(0);
      expect(listed(messagesText(sent[0]!.body)), phase).toEqual([...PHASE_SKILLS[phase]].sort());
    }
    // The person's own conversation still has every skill.
    const plain = await execa(CLAUDE_BIN, ['-p', 'hello', '--max-turns', '1'], { cwd: project.repo, env, extendEnv: false, reject: false, timeout: 60_000, stdin: 'ignore' });
    expect(plain.exitCode, plain.stderr).toBe(0);
    const all = listed(messagesText(standIn.messageRequests().at(-1)!.body));
    for (const name of ['samocode-run', 'session-start', 'task', 'dive', 'dop']) expect(all).toContain(name);
    expect(trap.attempts).toEqual([]);
  }, 180_000);
});
