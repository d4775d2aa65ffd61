import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliAgent } from '../../../src/providers/cli-agent.js';
import { CODEX_CLI, codexPrompt } from '../../../src/providers/codex.js';
import { createAgent, type ProviderSettings } from '../../../src/providers/index.js';
import { MissingCliError } from '../../../src/providers/process.js';
import { type FakeCli, makeRequest, mkdtemp, processGone, PROMPT, removeTempDirs, runnerEnv, waitUntil, writeFakeCli } from '../../helpers/fake-cli.js';

afterAll(removeTempDirs);

// Shapes as codex-cli 0.169 prints them with --json (see the CLI research report).
const THREAD = { type: 'thread.started', thread_id: '01a212b9-0000-7000-8000-000000000000' };
const TURN = { type: 'turn.started' };
const COMMAND = { type: 'item.completed', item: { id: 'item_1', type: 'command_execution', command: "/bin/bash -lc 'echo ok'", aggregated_output: 'ok\n', exit_code: 0, status: 'completed' } };
const MESSAGE = { type: 'item.completed', item: { id: 'item_2', type: 'agent_message', text: 'Done.' } };
const completed = (input: number, cached: number, output: number) => ({
  type: 'turn.completed',
  usage: { input_tokens: input, cached_input_tokens: cached, cache_write_input_tokens: 0, output_tokens: output, reasoning_output_tokens: 0 },
});
const BAD_REQUEST = JSON.stringify({ error: { message: 'mock bad request', type: 'invalid_request_error' } });
const DISCONNECTED = 'stream disconnected before completion: error sending request for url (https://api.openai.com/v1/responses)';

function settingsFor(fake: FakeCli, extra: Partial<ProviderSettings> = {}): ProviderSettings {
  return { provider: 'codex', cliPath: fake.path, cliSetting: 'CODEX_PATH', env: runnerEnv(fake), retryDelayMs: 10, ...extra };
}

const play = (lines: unknown[]) => `for (const line of ${JSON.stringify(lines)}) emit(line);`;

describe('the codex provider', () => {
  it('runs codex exec with JSON events, no prompts, the workdir and the whole prompt', async () => {
    const fake = await writeFakeCli('codex', `${play([THREAD, TURN, MESSAGE, completed(1, 0, 1)])}\nsignal({ status: 'continue' });`);
    const agent = await CliAgent.create(CODEX_CLI, settingsFor(fake));
    const request = await makeRequest();
    await agent.run(request);

    const [call] = await fake.calls();
    expect(call!.argv).toEqual(['exec', '--json', '--skip-git-repo-check', '-C', request.workdir, '--dangerously-bypass-approvals-and-sandbox', codexPrompt(request)]);
    const prompt = call!.argv.at(-1)!;
    for (const piece of [PROMPT.workflow, PROMPT.agent, PROMPT.context, `${request.sessionPath}/_signal.json`]) expect(prompt).toContain(piece);
    expect(prompt.indexOf(PROMPT.workflow)).toBeLessThan(prompt.indexOf(PROMPT.agent));
    expect(prompt.indexOf(PROMPT.agent)).toBeLessThan(prompt.indexOf(PROMPT.context));
    expect(call!.cwd).toBe(request.workdir);
    expect(agent.name).toBe('codex');
  });

  it('passes the model only when set', async () => {
    const fake = await writeFakeCli('codex', play([completed(1, 0, 1)]));
    const agent = await CliAgent.create(CODEX_CLI, settingsFor(fake, { model: 'gpt-5-codex' }));
    const request = await makeRequest();
    await agent.run(request);

    const [call] = await fake.calls();
    expect(call!.argv.slice(0, -1)).toEqual(['exec', '--json', '--skip-git-repo-check', '-C', request.workdir, '--dangerously-bypass-approvals-and-sandbox', '-m', 'gpt-5-codex']);
  });

  it('gives the agent its credentials and the SAMOCODE variables, never the GitHub token or other secrets', async () => {
    const fake = await writeFakeCli('codex', play([completed(1, 0, 1)]));
    const agent = await CliAgent.create(CODEX_CLI, settingsFor(fake));
    const request = await makeRequest();
    await agent.run(request);

    const [call] = await fake.calls();
    expect(call!.envKeys).toEqual(expect.arrayContaining(['OPENAI_API_KEY', 'CODEX_HOME', 'PATH', 'HOME']));
    for (const hidden of ['GITHUB_TOKEN', 'GH_TOKEN', 'INPUT_GITHUB-TOKEN', 'DEPLOY_SECRET', 'ANTHROPIC_API_KEY']) expect(call!.envKeys).not.toContain(hidden);
    expect(call!.env).toEqual({ SAMOCODE_SESSION_PATH: request.sessionPath, SAMOCODE_PHASE: 'investigation', SAMOCODE_ITERATION: '2' });
  });

  it('logs every stdout line in order and sums usage over the turns, with no cost', async () => {
    const lines = [THREAD, TURN, 'Reading additional input from stdin...', COMMAND, completed(22, 6, 14), TURN, MESSAGE, completed(100, 40, 7)];
    const fake = await writeFakeCli('codex', `${play(lines)}\nsignal({ status: 'continue' });`);
    const agent = await CliAgent.create(CODEX_CLI, settingsFor(fake));
    const request = await makeRequest();
    const result = await agent.run(request);

    expect(request.log.lines).toEqual(lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))));
    expect(result).toEqual({ exitCode: 0, timedOut: false, usage: { inputTokens: 122, outputTokens: 21, cacheReadTokens: 46 } });
    expect(result.costUsd).toBeUndefined();
  });

  it('reports a failed turn by its message and does not retry a lasting failure', async () => {
    const fake = await writeFakeCli('codex', `${play([THREAD, TURN, { type: 'error', message: BAD_REQUEST }, { type: 'turn.failed', error: { message: BAD_REQUEST } }])}\nprocess.exitCode = 1;`);
    const agent = await CliAgent.create(CODEX_CLI, settingsFor(fake));
    const result = await agent.run(await makeRequest());

    expect(result).toEqual({ exitCode: 1, timedOut: false, error: 'mock bad request' });
    expect(await fake.calls()).toHaveLength(1);
  });

  it('does not count errors it recovered from', async () => {
    const fake = await writeFakeCli('codex', play([THREAD, TURN, { type: 'error', message: `Reconnecting... 2/5 (${DISCONNECTED})` }, MESSAGE, completed(5, 0, 5)]));
    const agent = await CliAgent.create(CODEX_CLI, settingsFor(fake));
    const result = await agent.run(await makeRequest());

    expect(result.error).toBeUndefined();
    expect(await fake.calls()).toHaveLength(1);
  });

  it('retries a transient failure, then succeeds', async () => {
    const failing = [THREAD, TURN, { type: 'error', message: `Reconnecting... 5/5 (${DISCONNECTED})` }, { type: 'turn.failed', error: { message: DISCONNECTED } }];
    const fake = await writeFakeCli(
      'codex',
      `if (call === 1) { ${play(failing)} process.exitCode = 1; } else { signal({ status: 'continue' }); ${play([THREAD, TURN, MESSAGE, completed(10, 2, 4)])} }`,
    );
    const agent = await CliAgent.create(CODEX_CLI, settingsFor(fake));
    const request = await makeRequest();
    const result = await agent.run(request);

    expect(await fake.calls()).toHaveLength(2);
    expect(result).toEqual({ exitCode: 0, timedOut: false, usage: { inputTokens: 10, outputTokens: 4, cacheReadTokens: 2 } });
    expect(request.log.lines.map((l) => JSON.parse(l)).filter((e) => e.type === 'samocode')).toEqual([
      { type: 'samocode', event: 'retry', attempt: 1, of: 3, waitMs: 10, error: DISCONNECTED },
    ]);
  });

  it('gives up after the last try and says the failure was transient', async () => {
    const fake = await writeFakeCli('codex', `process.stderr.write('ERROR: 503 Service Unavailable\\n');\nprocess.exitCode = 1;`);
    const agent = await CliAgent.create(CODEX_CLI, settingsFor(fake, { retries: 1 }));
    const result = await agent.run(await makeRequest());

    expect(await fake.calls()).toHaveLength(2);
    expect(result).toEqual({ exitCode: 1, timedOut: false, error: 'transient failure after 2 tries: codex exited with code 1: ERROR: 503 Service Unavailable' });
  });

  it('kills the whole process tree on timeout and does not retry', async () => {
    const fake = await writeFakeCli(
      'codex',
      `const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
fs.writeFileSync(path.join(dir, 'grandchild.pid'), String(child.pid));
emit(${JSON.stringify(THREAD)});
emit({ type: 'error', message: 'Reconnecting... waiting for network (Connection failed: error sending request)' });
setTimeout(() => {}, 30000);`,
    );
    const agent = await CliAgent.create(CODEX_CLI, settingsFor(fake));
    const started = Date.now();
    const result = await agent.run(await makeRequest({ timeoutMs: 1_000 }));

    expect(Date.now() - started).toBeLessThan(4_000);
    expect(result).toMatchObject({ timedOut: true, error: 'codex timed out after 1 s' });
    const pid = Number(await readFile(join(fake.dir, 'grandchild.pid'), 'utf8'));
    // processGone, not process.kill(pid, 0) alone: this machine's init may never reap the orphan's zombie.
    expect(await waitUntil(() => processGone(pid))).toBe(true);
    expect(await fake.calls()).toHaveLength(1);
  });

  it('fails at create time, naming the setting, when the CLI is missing or not executable', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'samocode-empty-path-'));
    const onPath = createAgent({ provider: 'codex', cliSetting: 'CODEX_PATH', env: { PATH: `${empty}:${empty}/bin` } });
    await expect(onPath).rejects.toBeInstanceOf(MissingCliError);
    await expect(onPath).rejects.toThrow(/"codex" on PATH; install it or set CODEX_PATH/);

    const fake = await writeFakeCli('codex', play([completed(1, 0, 1)]), { executable: false });
    const notExecutable = CliAgent.create(CODEX_CLI, settingsFor(fake));
    await expect(notExecutable).rejects.toBeInstanceOf(MissingCliError);
    await expect(notExecutable).rejects.toThrow(`${fake.path}; install it or set CODEX_PATH`);
  });
});
