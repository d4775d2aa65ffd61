import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { PHASE_SKILLS } from '../../../src/core/phases.js';
import { CLAUDE_CLI, CLAUDE_TOOLS, claudeAgents, claudeArgs, claudeTools, skillSettings } from '../../../src/providers/claude.js';
import { CliAgent } from '../../../src/providers/cli-agent.js';
import { createAgent, type ProviderSettings } from '../../../src/providers/index.js';
import { MissingCliError } from '../../../src/providers/process.js';
import { type FakeCli, makeRequest, mkdtemp, processGone, PROMPT, removeTempDirs, runnerEnv, waitUntil, writeFakeCli } from '../../helpers/fake-cli.js';

afterAll(removeTempDirs);

// Shapes as Claude Code 2.1 prints them (see the CLI research report).
const INIT = { type: 'system', subtype: 'init', cwd: '/repo', session_id: 's-1', tools: ['Task', 'Bash', 'Read', 'Write'], model: 'claude-sonnet-4-5', permissionMode: 'acceptEdits', apiKeySource: 'ANTHROPIC_API_KEY' };
const ASSISTANT = {
  type: 'assistant',
  message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'echo ok' } }], usage: { input_tokens: 11, output_tokens: 1 } },
  parent_tool_use_id: null,
  session_id: 's-1',
};
const USER = { type: 'user', message: { role: 'user', content: [{ tool_use_id: 'toolu_1', type: 'tool_result', content: 'ok', is_error: false }] }, session_id: 's-1' };
const SUCCESS = {
  type: 'result',
  subtype: 'success',
  is_error: false,
  num_turns: 2,
  result: 'Done.',
  duration_ms: 178,
  total_cost_usd: 0.0123,
  stop_reason: 'end_turn',
  terminal_reason: 'completed',
  session_id: 's-1',
  usage: { input_tokens: 22, cache_creation_input_tokens: 5, cache_read_input_tokens: 6, output_tokens: 14, service_tier: 'standard' },
};
const OVERLOADED = {
  ...SUCCESS,
  is_error: true,
  num_turns: 1,
  total_cost_usd: 0.001,
  terminal_reason: 'api_error',
  result: 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
  usage: { input_tokens: 3, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
};

function settingsFor(fake: FakeCli, extra: Partial<ProviderSettings> = {}): ProviderSettings {
  return { provider: 'claude', cliPath: fake.path, cliSetting: 'CLAUDE_PATH', env: runnerEnv(fake), retryDelayMs: 10, ...extra };
}

const play = (lines: unknown[]) => `for (const line of ${JSON.stringify(lines)}) emit(line);`;

describe('the claude provider', () => {
  it('runs print mode with stream-json, the prompts, the turn limit and unattended permissions', async () => {
    const fake = await writeFakeCli('claude', `${play([INIT])}\nsignal({ status: 'continue' });\n${play([SUCCESS])}`);
    const agent = await CliAgent.create(CLAUDE_CLI, settingsFor(fake));
    const request = await makeRequest();
    await agent.run(request);

    const [call] = await fake.calls();
    const prompt = `${PROMPT.context}\n\nDo one iteration of the investigation phase as your instructions describe, then write ${request.sessionPath}/_signal.json.`;
    expect(call!.stdin).toBe(prompt);
    const tools = 'Bash,Read,Write,Edit,WebFetch,WebSearch';
    expect(call!.argv).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--agents',
      JSON.stringify({ 'samocode-investigation': { description: 'The investigation phase of a samocode session.', prompt: `${PROMPT.workflow}\n\n${PROMPT.agent}` } }),
      '--agent',
      'samocode-investigation',
      '--max-turns',
      '120',
      '--permission-mode',
      'acceptEdits',
      '--tools',
      tools,
      '--allowedTools',
      tools,
    ]);
    // Only what a phase uses is defined (and sent on every call); Skill only once `samocode install` put the skills there.
    expect(claudeTools('implementation')).toEqual(['Bash', 'Read', 'Write', 'Edit']);
    expect(claudeTools('quality', true)).toEqual(['Bash', 'Read', 'Write', 'Edit', 'Skill']);
    // Init uses no skill: no Skill tool, so no skill list either; it rewrites the notebook whole: no Edit.
    expect(claudeTools('init', true)).toEqual(['Bash', 'Read', 'Write']);
    expect(CLAUDE_TOOLS).toEqual(expect.arrayContaining(['Bash', 'Read', 'Write', 'Edit', 'Skill', 'WebFetch', 'WebSearch']));
    expect(call!.argv).not.toContain('--dangerously-skip-permissions');
    expect(call!.argv).not.toContain('--model');
    expect(call!.cwd).toBe(request.workdir);
    expect(agent.name).toBe('claude');
  });

  it('offers an iteration only its phase\'s skills: every other skill or command the CLI would list is turned off for the call', async () => {
    const home = await mkdtemp(join(tmpdir(), 'samocode-skills-home-'));
    const workdir = await mkdtemp(join(tmpdir(), 'samocode-skills-work-'));
    const config = join(home, '.claude');
    for (const name of ['dive', 'dop', 'do', 'dop2', 'session-start', 'samocode-run', 'my-own']) {
      mkdirSync(join(config, 'skills', name), { recursive: true });
      writeFileSync(join(config, 'skills', name, 'SKILL.md'), `---\nname: ${name}\n---\n`);
    }
    mkdirSync(join(config, 'commands'), { recursive: true });
    writeFileSync(join(config, 'commands', 'deploy.md'), 'x');
    mkdirSync(join(workdir, '.claude', 'skills', 'project-skill'), { recursive: true });
    writeFileSync(join(config, 'samocode-install.json'), '{"files":[]}');
    const env = { HOME: home };

    const settings = JSON.parse(skillSettings('implementation', workdir, env)) as { disableBundledSkills: boolean; skillOverrides: Record<string, string> };
    expect(settings.disableBundledSkills).toBe(true);
    expect(Object.keys(settings.skillOverrides)).toEqual(['deploy', 'dive', 'my-own', 'plugin-authoring', 'project-skill', 'samocode-run', 'session-start']);
    expect(new Set(Object.values(settings.skillOverrides))).toEqual(new Set(['off']));
    for (const name of PHASE_SKILLS.implementation) expect(settings.skillOverrides).not.toHaveProperty(name);
    // The same bytes every time, for the prompt cache.
    expect(skillSettings('implementation', workdir, env)).toBe(skillSettings('implementation', workdir, env));

    const request = await makeRequest({ phase: 'implementation', workdir });
    const argv = claudeArgs(request, { env });
    expect(argv[argv.indexOf('--tools') + 1]).toBe('Bash,Read,Write,Edit,Skill');
    expect(argv[argv.indexOf('--settings') + 1]).toBe(skillSettings('implementation', workdir, env));
    // Without the skills installed, or in a phase that uses none, no Skill tool and no settings.
    expect(claudeArgs(await makeRequest({ phase: 'init', workdir }), { env })).not.toContain('--settings');
    expect(claudeArgs(request, { env: { HOME: workdir } })).not.toContain('--settings');
  });

  it('names as each phase\'s skills exactly the shipped skills its prompt names', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const root = join(import.meta.dirname, '..', '..', '..');
    const shipped = readdirSync(join(root, 'skills'));
    for (const [phase, skills] of Object.entries(PHASE_SKILLS)) {
      const prompt = readFileSync(join(root, 'prompts', `${phase}.md`), 'utf8');
      const named = shipped.filter((name) => prompt.includes(`\`${name}\``)).sort();
      expect(named, phase).toEqual([...skills].sort());
    }
  });

  it('takes a context far over the 128 KiB a single argument may hold, on stdin', async () => {
    const fake = await writeFakeCli('claude', play([SUCCESS]));
    const agent = await CliAgent.create(CLAUDE_CLI, settingsFor(fake));
    const context = `# Session context\n${'ж'.repeat(150_000)}`;
    const result = await agent.run(await makeRequest({ prompt: { ...PROMPT, context } }));
    expect(result.exitCode).toBe(0);
    const [call] = await fake.calls();
    expect(call!.stdin.startsWith(context)).toBe(true);
  });

  it('passes the model and the turn limit when set, and adds a session folder kept outside the workdir', async () => {
    const fake = await writeFakeCli('claude', play([SUCCESS]));
    const agent = await CliAgent.create(CLAUDE_CLI, settingsFor(fake, { model: 'opus', maxTurns: 7 }));
    const sessionPath = await mkdtemp(join(tmpdir(), 'samocode-outside-session-'));
    await agent.run(await makeRequest({ sessionPath }));

    const [call] = await fake.calls();
    expect(call!.argv.slice(8, 12)).toEqual(['--model', 'opus', '--max-turns', '7']);
    expect(call!.argv.slice(-2)).toEqual(['--add-dir', sessionPath]);
  });

  it('gives the agent its credentials and the SAMOCODE variables, never the GitHub token or other secrets', async () => {
    const fake = await writeFakeCli('claude', play([SUCCESS]));
    const agent = await CliAgent.create(CLAUDE_CLI, settingsFor(fake, { extraEnv: ['MY_TOOL_HOME'], env: { ...runnerEnv(fake), MY_TOOL_HOME: '/opt/tool', CLAUDE_CONFIG_DIR: '/cfg' } }));
    const request = await makeRequest();
    await agent.run(request);

    const [call] = await fake.calls();
    expect(call!.envKeys).toEqual(expect.arrayContaining(['ANTHROPIC_API_KEY', 'CLAUDE_CONFIG_DIR', 'MY_TOOL_HOME', 'PATH', 'HOME']));
    for (const hidden of ['GITHUB_TOKEN', 'GH_TOKEN', 'INPUT_GITHUB-TOKEN', 'DEPLOY_SECRET', 'OPENAI_API_KEY', 'CODEX_HOME']) expect(call!.envKeys).not.toContain(hidden);
    expect(call!.env).toEqual({
      SAMOCODE_SESSION_PATH: request.sessionPath,
      SAMOCODE_PHASE: 'investigation',
      SAMOCODE_ITERATION: '2',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    });
  });

  it('logs every stdout line in order and reads cost, turns and usage from the result event', async () => {
    const chatter = Array.from({ length: 200 }, (_, i) => ({ ...ASSISTANT, uuid: `u-${i}` }));
    const lines = [INIT, 'not json: a stray line', ...chatter, USER, SUCCESS];
    const fake = await writeFakeCli('claude', `${play(lines)}\nsignal({ status: 'continue' });`);
    const agent = await CliAgent.create(CLAUDE_CLI, settingsFor(fake));
    const request = await makeRequest();
    const result = await agent.run(request);

    expect(request.log.lines).toEqual(lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))));
    expect(result).toEqual({
      exitCode: 0,
      timedOut: false,
      costUsd: 0.0123,
      turns: 2,
      usage: { inputTokens: 22, outputTokens: 14, cacheReadTokens: 6, cacheWriteTokens: 5 },
    });
    expect(JSON.parse(await readFile(join(request.sessionPath, '_signal.json'), 'utf8'))).toEqual({ status: 'continue' });
  });

  it('reports is_error as an error, and does not retry a lasting one', async () => {
    const maxTurns = { ...SUCCESS, subtype: 'error_max_turns', is_error: true, result: undefined, errors: ['Reached maximum number of turns (120)'] };
    const fake = await writeFakeCli('claude', `${play([INIT, maxTurns])}\nprocess.exitCode = 1;`);
    const agent = await CliAgent.create(CLAUDE_CLI, settingsFor(fake));
    const result = await agent.run(await makeRequest());

    expect(result).toMatchObject({ exitCode: 1, timedOut: false, costUsd: 0.0123, error: 'Reached maximum number of turns (120)' });
    expect(await fake.calls()).toHaveLength(1);
  });

  it('reports is_error even when the CLI exits 0', async () => {
    const fake = await writeFakeCli('claude', play([{ ...SUCCESS, is_error: true, result: 'Credit balance is too low' }]));
    const agent = await CliAgent.create(CLAUDE_CLI, settingsFor(fake));
    expect((await agent.run(await makeRequest())).error).toBe('Credit balance is too low');
  });

  it('describes a failure without a result event by the end of stderr, and does not retry it', async () => {
    const fake = await writeFakeCli('claude', `process.stderr.write('x'.repeat(5000) + '\\nError: Invalid API key · Please run /login\\n');\nprocess.exitCode = 1;`);
    const agent = await CliAgent.create(CLAUDE_CLI, settingsFor(fake));
    const result = await agent.run(await makeRequest());

    expect(result.exitCode).toBe(1);
    expect(result.error).toMatch(/^claude exited with code 1: x+ Error: Invalid API key · Please run \/login$/);
    expect(result.error!.length).toBeLessThanOrEqual(300);
    expect(await fake.calls()).toHaveLength(1);
  });

  it('retries a transient failure with backoff, then succeeds, paying for both tries', async () => {
    const fake = await writeFakeCli('claude', `if (call === 1) { ${play([INIT, OVERLOADED])} process.exitCode = 1; } else { signal({ status: 'continue' }); ${play([SUCCESS])} }`);
    const agent = await CliAgent.create(CLAUDE_CLI, settingsFor(fake));
    const request = await makeRequest();
    const result = await agent.run(request);

    expect(await fake.calls()).toHaveLength(2);
    expect(result.exitCode).toBe(0);
    expect(result.error).toBeUndefined();
    expect(result.costUsd).toBeCloseTo(0.0133);
    expect(result.turns).toBe(3);
    const retry = request.log.lines.map((l) => JSON.parse(l)).find((e) => e.type === 'samocode');
    expect(retry).toMatchObject({ type: 'samocode', event: 'retry', attempt: 1, waitMs: 10 });
    expect(retry.error).toContain('overloaded_error');
  });

  it('gives up after the last try and says the failure was transient', async () => {
    const fake = await writeFakeCli('claude', `${play([OVERLOADED])}\nprocess.exitCode = 1;`);
    const agent = await CliAgent.create(CLAUDE_CLI, settingsFor(fake, { retries: 2 }));
    const request = await makeRequest();
    const result = await agent.run(request);

    expect(await fake.calls()).toHaveLength(3);
    expect(result.exitCode).toBe(1);
    expect(result.error).toBe(`transient failure after 3 tries: ${OVERLOADED.result}`);
    const waits = request.log.lines.map((l) => JSON.parse(l)).filter((e) => e.event === 'retry').map((e) => e.waitMs);
    expect(waits).toEqual([10, 20]);
  });

  it('does not retry a transient failure once the agent gave its signal', async () => {
    const fake = await writeFakeCli('claude', `signal({ status: 'continue' });\n${play([OVERLOADED])}\nprocess.exitCode = 1;`);
    const agent = await CliAgent.create(CLAUDE_CLI, settingsFor(fake));
    const result = await agent.run(await makeRequest());

    expect(await fake.calls()).toHaveLength(1);
    expect(result.error).toBe(OVERLOADED.result);
  });

  it('kills the whole process tree on timeout and does not retry', async () => {
    const fake = await writeFakeCli(
      'claude',
      `const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
fs.writeFileSync(path.join(dir, 'grandchild.pid'), String(child.pid));
emit(${JSON.stringify(INIT)});
emit({ type: 'system', subtype: 'api_retry', attempt: 1, error: 'overloaded' });
setTimeout(() => {}, 30000);`,
    );
    const agent = await CliAgent.create(CLAUDE_CLI, settingsFor(fake));
    const request = await makeRequest({ timeoutMs: 1_000 });
    const started = Date.now();
    const result = await agent.run(request);

    expect(Date.now() - started).toBeLessThan(4_000);
    expect(result).toMatchObject({ timedOut: true, error: 'claude timed out after 1 s' });
    const pid = Number(await readFile(join(fake.dir, 'grandchild.pid'), 'utf8'));
    // processGone, not process.kill(pid, 0) alone: this machine's init may never reap the orphan's zombie.
    expect(await waitUntil(() => processGone(pid))).toBe(true);
    expect(await fake.calls()).toHaveLength(1);
  });

  it('fails at create time, naming the setting, when the CLI is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'samocode-empty-path-'));
    const onPath = createAgent({ provider: 'claude', cliSetting: 'CLAUDE_PATH', env: { PATH: `${empty}:${empty}/bin` } });
    await expect(onPath).rejects.toBeInstanceOf(MissingCliError);
    await expect(onPath).rejects.toThrow(/"claude" on PATH; install it or set CLAUDE_PATH/);

    const named = CliAgent.create(CLAUDE_CLI, { provider: 'claude', cliPath: join(empty, 'nope'), cliSetting: 'the cli-path input', env: {} });
    await expect(named).rejects.toThrow(/nope; install it or set the cli-path input/);
  });

  it('fails at create time when the CLI is not executable', async () => {
    const fake = await writeFakeCli('claude', play([SUCCESS]), { executable: false });
    const create = CliAgent.create(CLAUDE_CLI, settingsFor(fake));
    await expect(create).rejects.toBeInstanceOf(MissingCliError);
    await expect(create).rejects.toThrow(/set CLAUDE_PATH/);
  });

  it('ignores a result event it cannot use', async () => {
    const fake = await writeFakeCli('claude', play([{ type: 'result', total_cost_usd: 'lots', num_turns: null }]));
    const agent = await CliAgent.create(CLAUDE_CLI, settingsFor(fake));
    expect(await agent.run(await makeRequest())).toEqual({ exitCode: 0, timedOut: false });
  });
});

describe('the phase agent in --agents', () => {
  it('is made once per phase and prompt, and made again when either changes', async () => {
    const base = await makeRequest();
    const expected = (phase: string, workflow: string, agent: string) => JSON.stringify({ [`samocode-${phase}`]: { description: `The ${phase} phase of a samocode session.`, prompt: `${workflow}\n\n${agent}` } });
    const calls: [typeof base, string][] = [
      [base, expected('investigation', PROMPT.workflow, PROMPT.agent)],
      [{ ...base, iteration: 3 }, expected('investigation', PROMPT.workflow, PROMPT.agent)],
      [{ ...base, phase: 'testing' }, expected('testing', PROMPT.workflow, PROMPT.agent)],
      [{ ...base, prompt: { ...PROMPT, agent: 'other instructions' } }, expected('investigation', PROMPT.workflow, 'other instructions')],
      [{ ...base, prompt: { ...PROMPT, workflow: 'other workflow' } }, expected('investigation', 'other workflow', PROMPT.agent)],
      [base, expected('investigation', PROMPT.workflow, PROMPT.agent)],
    ];
    for (const [request, json] of calls) expect(claudeAgents(request)).toBe(json);
  });
});

