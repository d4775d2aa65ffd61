// The gemini, copilot and opencode providers against tiny executables that
// print each CLI's events (shapes as the pinned CLIs print them against the
// stand-ins in test/real-cli): the arguments, the call folder and what it
// holds, the environment, and what the events add up to. The real CLIs are
// tested in test/real-cli/{gemini,copilot,opencode}.test.ts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliAgent } from '../../../src/providers/cli-agent.js';
import { COPILOT_CLI, usageFromFile } from '../../../src/providers/copilot.js';
import { ENGINES } from '../../../src/providers/engines.js';
import { GEMINI_CLI, geminiPrompt } from '../../../src/providers/gemini.js';
import type { ProviderSettings } from '../../../src/providers/index.js';
import { OPENCODE_CLI } from '../../../src/providers/opencode.js';
import { promptWithInstructions } from '../../../src/providers/prompts.js';
import { type FakeCli, makeRequest, mkdtemp, removeTempDirs, runnerEnv, writeFakeCli } from '../../helpers/fake-cli.js';
import { tmpdir } from 'node:os';

afterAll(removeTempDirs);

function settingsFor(provider: ProviderSettings['provider'], fake: FakeCli, extra: Partial<ProviderSettings> = {}): ProviderSettings {
  return { provider, cliPath: fake.path, cliSetting: `${provider.toUpperCase()}_PATH`, env: runnerEnv(fake), retries: 0, model: 'm-1', ...extra };
}

/** The fake reports the files it was pointed at, as they were during the call. */
const REPORT_FILES = `
const seen = {};
for (const name of ['GEMINI_SYSTEM_MD', 'GEMINI_CLI_HOME']) if (process.env[name]) seen[name] = process.env[name];
if (process.env.GEMINI_SYSTEM_MD) seen.system = fs.readFileSync(process.env.GEMINI_SYSTEM_MD, 'utf8');
if (process.env.GEMINI_CLI_HOME) seen.settings = JSON.parse(fs.readFileSync(path.join(process.env.GEMINI_CLI_HOME, '.gemini', 'settings.json'), 'utf8'));
seen.env = Object.keys(process.env).filter((k) => /TOKEN|KEY|GEMINI|COPILOT|OPENCODE/.test(k)).sort();
fs.writeFileSync(path.join(dir, 'seen.json'), JSON.stringify(seen));
`;

async function seen(fake: FakeCli): Promise<Record<string, any>> {
  const { readFile } = await import('node:fs/promises');
  return JSON.parse(await readFile(join(fake.dir, 'seen.json'), 'utf8')) as Record<string, any>;
}

const GEMINI_RESULT = (status: string, extra: Record<string, unknown> = {}) => ({
  type: 'result',
  status,
  stats: { total_tokens: 2_100, input_tokens: 2_000, output_tokens: 100, cached: 400, input: 1_600, duration_ms: 1_328, tool_calls: 1, models: {} },
  ...extra,
});

describe('the gemini provider', () => {
  it('runs headless with tools approved, the phase agent as the system prompt, the session folder included when it is outside', async () => {
    const fake = await writeFakeCli('gemini', `${REPORT_FILES}\nemit({ type: 'init', model: 'm-1' });\nemit(${JSON.stringify(GEMINI_RESULT('success'))});\nsignal({ status: 'continue' });`);
    const outside = await mkdtemp(join(tmpdir(), 'samocode-outside-session-'));
    const request = await makeRequest({ sessionPath: outside });
    const env = { ...runnerEnv(fake), GEMINI_API_KEY: 'k' };
    const result = await (await CliAgent.create(GEMINI_CLI, settingsFor('gemini', fake, { env }))).run(request);

    const [call] = await fake.calls();
    expect(call!.argv).toEqual(['-p', geminiPrompt(request), '--yolo', '--output-format', 'stream-json', '-m', 'm-1', '--include-directories', outside]);
    const files = await seen(fake);
    expect(files.system).toBe(`${request.prompt.workflow}\n\n${request.prompt.agent}\n`);
    expect(call!.envKeys).toContain('GEMINI_CLI_TRUST_WORKSPACE');
    // No base URL set: the user's own home and settings stay the CLI's.
    expect(files.GEMINI_CLI_HOME).toBeUndefined();
    // Its key passes the allow-list; the GitHub token does not.
    expect(files.env).toEqual(expect.arrayContaining(['GEMINI_API_KEY', 'GEMINI_SYSTEM_MD']));
    expect(files.env).not.toContain('GITHUB_TOKEN');
    // The call folder is gone afterwards.
    expect(existsSync(files.GEMINI_SYSTEM_MD)).toBe(false);
    expect(result).toMatchObject({ exitCode: 0, usage: { inputTokens: 1_600, outputTokens: 100, cacheReadTokens: 400 } });
    expect(result.error).toBeUndefined();
    expect(result.costUsd).toBeUndefined();
  });

  it('gives the call a home whose settings choose the API key when the API address is set, and leaves --include-directories out for a session inside the work tree', async () => {
    const fake = await writeFakeCli('gemini', `${REPORT_FILES}\nemit(${JSON.stringify(GEMINI_RESULT('success'))});`);
    const request = await makeRequest();
    const env = { ...runnerEnv(fake), GEMINI_API_KEY: 'k', [ENGINES.gemini.api.baseUrlEnv]: 'http://127.0.0.1:9' };
    await (await CliAgent.create(GEMINI_CLI, settingsFor('gemini', fake, { env, model: undefined }))).run(request);

    const [call] = await fake.calls();
    expect(call!.argv).toEqual(['-p', geminiPrompt(request), '--yolo', '--output-format', 'stream-json']);
    const files = await seen(fake);
    expect(files.settings).toMatchObject({ security: { auth: { selectedType: 'gemini-api-key' } } });
    expect(files.env).toContain('GOOGLE_GEMINI_BASE_URL');
  });

  it('reports the API error of the result event in its own words', async () => {
    const message = '[API Error: {"error":{"code":400,"message":"the request is refused","status":"INVALID_ARGUMENT"}}]';
    const fake = await writeFakeCli('gemini', `emit(${JSON.stringify(GEMINI_RESULT('error', { error: { type: 'unknown', message } }))});\nprocess.exit(1);`);
    const result = await (await CliAgent.create(GEMINI_CLI, settingsFor('gemini', fake))).run(await makeRequest());
    expect(result).toMatchObject({ exitCode: 1, error: '400 the request is refused' });
  });
});

describe('the copilot provider', () => {
  it('runs headless with all tools, its usage file in the call folder, the instructions in the prompt, and never the GitHub token', async () => {
    const usage = {
      modelMetrics: {
        a: { usage: { inputTokens: 2_000, outputTokens: 100, cacheReadTokens: 400, cacheWriteTokens: 0 } },
        b: { usage: { inputTokens: 500, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 100 } },
      },
    };
    const body = `${REPORT_FILES}
const file = process.argv[process.argv.indexOf('--usage-output-file') + 1];
fs.writeFileSync(file, ${JSON.stringify(JSON.stringify(usage))});
emit({ type: 'result', exitCode: 0, usage: { premiumRequests: 0 } });
signal({ status: 'continue' });`;
    const fake = await writeFakeCli('copilot', body);
    const outside = await mkdtemp(join(tmpdir(), 'samocode-outside-session-'));
    const request = await makeRequest({ sessionPath: outside });
    const env = { ...runnerEnv(fake), COPILOT_GITHUB_TOKEN: 'github_pat_own', COPILOT_PROVIDER_API_KEY: 'k' };
    const result = await (await CliAgent.create(COPILOT_CLI, settingsFor('copilot', fake, { env }))).run(request);

    const [call] = await fake.calls();
    const usageFile = call!.argv[call!.argv.indexOf('--usage-output-file') + 1]!;
    expect(call!.argv).toEqual([
      '-p', promptWithInstructions(request), '--allow-all-tools', '--no-auto-update', '--output-format', 'json', '--disable-builtin-mcps',
      '--usage-output-file', usageFile, '--model', 'm-1', '--add-dir', outside,
    ]);
    expect(usageFile).toMatch(/samocode-call-[^/]+\/usage\.json$/);
    expect(existsSync(usageFile)).toBe(false);
    const files = await seen(fake);
    expect(files.env).toEqual(['COPILOT_GITHUB_TOKEN', 'COPILOT_PROVIDER_API_KEY']);
    expect(result).toMatchObject({ exitCode: 0, usage: { inputTokens: 1_600 + 400, outputTokens: 110, cacheReadTokens: 400, cacheWriteTokens: 100 } });
  });

  it('reports its session error when it fails, and no usage when it wrote no file', async () => {
    const fake = await writeFakeCli('copilot', `emit({ type: 'session.error', data: { errorType: 'query', message: '400 the request is refused', statusCode: 400 } });\nemit({ type: 'result', exitCode: 1 });\nprocess.exit(1);`);
    const result = await (await CliAgent.create(COPILOT_CLI, settingsFor('copilot', fake))).run(await makeRequest());
    expect(result).toMatchObject({ exitCode: 1, error: '400 the request is refused' });
    expect(result.usage).toBeUndefined();
  });

  it('sums a usage file over its models, without the cached part in the input', () => {
    expect(usageFromFile('{"modelMetrics":{}}')).toBeUndefined();
    expect(usageFromFile('not json')).toBeUndefined();
    expect(usageFromFile(JSON.stringify({ modelMetrics: { x: { usage: { inputTokens: 10, outputTokens: 2, cacheReadTokens: 4 } } } }))).toEqual({
      inputTokens: 6, outputTokens: 2, cacheReadTokens: 4, cacheWriteTokens: 0,
    });
  });
});

describe('the opencode provider', () => {
  const step = (input: number, output: number, read: number, cost: number) => ({
    type: 'step_finish',
    part: { type: 'step-finish', reason: 'stop', tokens: { total: input + output + read, input, output, reasoning: 0, cache: { write: 0, read } }, cost },
  });

  it('runs `run --format json` with the model, its own title, the instructions in the prompt, and adds up tokens and cost per step', async () => {
    const fake = await writeFakeCli('opencode', `${REPORT_FILES}\nemit({ type: 'step_start' });\nemit(${JSON.stringify(step(800, 50, 200, 0.01))});\nemit(${JSON.stringify(step(900, 70, 300, 0.02))});\nsignal({ status: 'continue' });`);
    const request = await makeRequest();
    const env = { ...runnerEnv(fake), OPENCODE_CONFIG_CONTENT: '{}', OPENROUTER_API_KEY: 'k' };
    const result = await (await CliAgent.create(OPENCODE_CLI, settingsFor('opencode', fake, { env, model: 'p/m' }))).run(request);

    const [call] = await fake.calls();
    expect(call!.argv).toEqual(['run', '--format', 'json', '--pure', '--auto', '--title', 'samocode investigation 2', '-m', 'p/m', promptWithInstructions(request)]);
    const files = await seen(fake);
    expect(files.env).toEqual(expect.arrayContaining(['OPENCODE_CONFIG_CONTENT', 'OPENROUTER_API_KEY', 'OPENAI_API_KEY', 'OPENCODE_DISABLE_AUTOUPDATE']));
    expect(files.env).not.toContain('GITHUB_TOKEN');
    expect(result).toMatchObject({ exitCode: 0, turns: 2, usage: { inputTokens: 1_700, outputTokens: 120, cacheReadTokens: 500, cacheWriteTokens: 0 } });
    expect(result.costUsd).toBeCloseTo(0.03, 10);
  });

  it('reports the API error event in its own words', async () => {
    const error = { type: 'error', error: { name: 'APIError', data: { message: 'the request is refused', statusCode: 400 } } };
    const fake = await writeFakeCli('opencode', `emit(${JSON.stringify(error)});\nprocess.exit(1);`);
    const result = await (await CliAgent.create(OPENCODE_CLI, settingsFor('opencode', fake))).run(await makeRequest());
    expect(result).toMatchObject({ exitCode: 1, error: '400 the request is refused' });
  });

  it.each([
    ['gemini', GEMINI_CLI, `emit(${JSON.stringify(GEMINI_RESULT('error', { error: { type: 'unknown', message: '[API Error: {"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}]' } }))});`],
    ['opencode', OPENCODE_CLI, `emit(${JSON.stringify({ type: 'error', error: { name: 'APIError', data: { message: 'Service Unavailable', statusCode: 503 } } })});`],
    ['copilot', COPILOT_CLI, `emit(${JSON.stringify({ type: 'session.error', data: { message: '429 Too many requests', statusCode: 429 } })});`],
  ] as const)('%s: an API error with a rate limit or a 5xx is tried again', async (provider, cli, body) => {
    const fake = await writeFakeCli(provider, `if (call === 1) { ${body} process.exit(1); }\nsignal({ status: 'continue' });`);
    const result = await (await CliAgent.create(cli, settingsFor(provider, fake, { retries: 1, retryDelayMs: 10 }))).run(await makeRequest());
    expect(await fake.calls()).toHaveLength(2);
    expect(result).toMatchObject({ exitCode: 0 });
  });
});
