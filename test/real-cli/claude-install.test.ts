// `samocode install`, then the real Claude Code CLI (the pinned
// devDependency) against a loopback stand-in: its init event lists the
// installed skills as slash commands, and the phase agents as agents.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicStandIn, say } from '../helpers/anthropic-stand-in.js';
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
});
