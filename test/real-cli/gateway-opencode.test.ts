// The model gateway with the real opencode CLI against a loopback stand-in
// of Chat Completions. The workflow's OPENCODE_CONFIG_CONTENT names an
// OpenAI-compatible provider with its upstream baseURL and its key (read
// from a variable of its own); the gateway holds both, and the CLI gets the
// same configuration with the relay's address and a placeholder in their
// place. In GitHub mode through dist/index.js, as the agent's own user, in
// its restricted network (the stand-in reachable only through the relay);
// in terminal mode through dist/cli.js with SAMOCODE_GATEWAY=1.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ModelStandIn, runShell, say, type ModelScript } from '../helpers/model-stand-in.js';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { ROOT, sessionFolder } from '../helpers/project.js';
import { remoteFile } from '../helpers/runner.js';
import { baseEnv, checkCli, CONTINUE, EgressTrap, history, makeRealCliProject, probeCommand, pushedProbe, pushedSession, runOnNewIssue, runSamocode, type Json, type ProbeOptions } from './support.js';

const OPENCODE_BIN = join(ROOT, 'node_modules', '.bin', 'opencode');
const REAL_KEY = 'sk-selfhosted-RealGatewayKey-0123456789abcdef';
const KEY_VARIABLE = `SELF_HOSTED_KEY_${process.pid}`;
const MODEL = 'stand-in-model';
// The gateway's price (per million tokens) and, different on purpose, the one opencode's config gives the CLI.
const PRICE = { input: 1.25, output: 10, cacheRead: 0.125 };
const CLI_COST = { input: 2, output: 8, cache_read: 0.5 };
// One stand-in answer: 1000 prompt tokens of which 200 cached, 50 out.
const METERED = (800 * 1.25 + 50 * 10 + 200 * 0.125) / 1e6; // $0.001525
const REPORTED = (800 * 2 + 50 * 8 + 200 * 0.5) / 1e6; // $0.0021

function workflowConfig(upstream: string): string {
  return JSON.stringify({
    provider: {
      selfhosted: {
        npm: '@ai-sdk/openai-compatible',
        name: 'a self-hosted model',
        options: { baseURL: `${upstream}/v1`, apiKey: `{env:${KEY_VARIABLE}}` },
        models: { [MODEL]: { name: 'stand-in model', cost: CLI_COST } },
      },
    },
  });
}

const github = useFakeGitHub({ Codertocat: 'admin' });
beforeAll(() => checkCli(OPENCODE_BIN, '1.18.33'));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const relayedWithKey = (standIn: ModelStandIn) => standIn.modelRequests().filter((r) => r.headers.authorization === `Bearer ${REAL_KEY}`);

/**
 * What the agent's probe tries beside its search for the key: with the
 * configuration it was given written down, the upstream directly with the
 * key that configuration holds, and the relay with a guessed one.
 */
function probeOptions(upstream: string): ProbeOptions {
  const post = (key: string) => ({ headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }) });
  return {
    configVariable: 'OPENCODE_CONFIG_CONTENT',
    attempts: [
      { name: 'direct', url: `${upstream}/v1/chat/completions`, ...post('{config.provider.selfhosted.options.apiKey}') },
      { name: 'noKey', url: '{config.provider.selfhosted.options.baseURL}/chat/completions', ...post('sk-guess') },
    ],
  };
}

describe('the model gateway with the real opencode CLI', () => {
  it('GitHub mode: the key and the upstream stay with the relay; the agent holds a placeholder in its config; usage is metered, its own report kept; the budget stops the second request', async () => {
    let upstream = '';
    const script: ModelScript[] = [() => runShell(probeCommand(REAL_KEY, probeOptions(upstream), CONTINUE)), say('Done.')];
    const standIn = await ModelStandIn.start('chat', script);
    upstream = standIn.url;
    const trap = await EgressTrap.start();
    cleanups.push(() => standIn.close(), () => trap.close());
    const { run, remote } = await runOnNewIssue(github, 721, {
      timeoutMs: 150_000,
      inputs: {
        provider: 'opencode',
        'cli-path': OPENCODE_BIN,
        model: `selfhosted/${MODEL}`,
        'model-prices': JSON.stringify({ [MODEL]: PRICE }),
        'max-cost-usd': '0.001',
        // The variable the config reads its key from, asked for by name: the gateway keeps it from the agent all the same.
        'agent-env': KEY_VARIABLE,
      },
      env: { OPENCODE_CONFIG_CONTENT: workflowConfig(standIn.url), [KEY_VARIABLE]: REAL_KEY, HTTPS_PROXY: trap.url, HTTP_PROXY: trap.url, NO_PROXY: '127.0.0.1,localhost' },
    });

    expect(run.stdout).toMatch(new RegExp(`model gateway: opencode through the relay at http://[\\d.]+:\\d+ to ${standIn.url}/v1, with the key from ${KEY_VARIABLE} \\(opencode's provider "selfhosted"\\)`));
    // One model request went through, with the real key; the agent's own direct call never arrived.
    expect(standIn.modelRequests().map((r) => r.answer)).toEqual(['shell via bash']);
    expect(relayedWithKey(standIn)).toHaveLength(1);
    expect(standIn.requests.filter((r) => r.headers.authorization !== `Bearer ${REAL_KEY}`)).toEqual([]);

    const { branch, folder } = pushedSession(remote, 721);
    const probe = pushedProbe(remote, 721);
    // The config it was handed: the relay on the host side of its link, the placeholder, the rest as the workflow wrote it.
    const options = probe.config.provider.selfhosted.options;
    expect(options.baseURL).toMatch(/^http:\/\/(\d+\.){3}\d+:\d+$/);
    expect(options.baseURL).not.toMatch(/^http:\/\/127\./);
    expect(options.apiKey).toMatch(/^samocode-gateway-[0-9a-f]{36}$/);
    expect(probe.config.provider.selfhosted.models[MODEL].cost).toEqual(CLI_COST);
    expect(probe.env[KEY_VARIABLE]).toBeUndefined();
    expect(JSON.stringify(probe.env)).not.toContain(REAL_KEY);
    // What the agent writes is scrubbed of known secrets before it is committed: no mark of a scrubbed value either.
    expect(JSON.stringify(probe)).not.toContain('***');
    expect(JSON.stringify(probe.env)).not.toContain(standIn.url);
    expect(probe.hits).toEqual([]);
    expect(probe.direct).toMatch(/^error fetch failed/);
    expect(probe.noKey).toBe(401);

    const entry = JSON.parse(remoteFile(remote, branch, `${folder}/_signals.jsonl`).trim().split('\n')[0]!) as Json;
    expect(entry).toMatchObject({ metered: true, usage: { inputTokens: 800, outputTokens: 50, cacheReadTokens: 200, cacheWriteTokens: 0 } });
    expect(entry.costUsd).toBeCloseTo(METERED, 10);
    // opencode's own account of its step, at the prices its config gave it: kept beside the gateway's, not in its place.
    expect(entry.reported.costUsd).toBeCloseTo(REPORTED, 10);
    expect(entry.reported.usage).toMatchObject({ inputTokens: 800, outputTokens: 50, cacheReadTokens: 200 });
    expect(run.outputs.status).toBe('blocked');
    expect(entry.reason).toMatch(/^the budget of \$0\.001 is spent \(\$0\.0015 so far/);
    expect(github.issues.get(721)!.comments.some((c) => c.body.includes('the budget of $0.001 is spent'))).toBe(true);
  }, 200_000);

  it('GitHub mode: a config the gateway cannot rewrite blocks the run saying why when the gateway is required, and the key never reaches a CLI', async () => {
    const standIn = await ModelStandIn.start('chat', [say('never')]);
    cleanups.push(() => standIn.close());
    const two = JSON.parse(workflowConfig(standIn.url));
    two.provider.other = { npm: '@ai-sdk/openai-compatible', options: { baseURL: 'http://127.0.0.1:9/v1', apiKey: 'sk-other-0123456789' }, models: { m: {} } };
    const { run } = await runOnNewIssue(github, 722, {
      timeoutMs: 60_000,
      inputs: { provider: 'opencode', 'cli-path': OPENCODE_BIN, model: `selfhosted/${MODEL}`, 'model-gateway': 'on' },
      env: { OPENCODE_CONFIG_CONTENT: JSON.stringify(two), [KEY_VARIABLE]: REAL_KEY },
    });
    expect(run.code).not.toBe(0);
    const said = github.issues.get(722)!.comments.map((c) => c.body).join('\n');
    expect(said).toContain('the model gateway cannot run (input model-gateway: on): OPENCODE_CONFIG_CONTENT gives credentials to 2 providers (selfhosted, other)');
    expect(said).not.toContain(REAL_KEY);
    expect(standIn.requests).toEqual([]);
  }, 90_000);

  it('terminal mode with SAMOCODE_GATEWAY=1: the person’s key stays with the relay, the CLI gets the placeholder config, each answer is metered', async () => {
    const signal = JSON.stringify({ status: 'blocked', reason: 'stop here' });
    const script: ModelScript[] = [runShell(`printf '%s|%s' "$OPENCODE_CONFIG_CONTENT" "$${KEY_VARIABLE}" > seen.txt; printf '%s' '${signal}' > "$SAMOCODE_SESSION_PATH/_signal.json"`), say('Stopping.')];
    const standIn = await ModelStandIn.start('chat', script);
    const trap = await EgressTrap.start();
    cleanups.push(() => standIn.close(), () => trap.close());
    const project = makeRealCliProject();
    cleanups.push(() => rmSync(project.dir, { recursive: true, force: true }));
    writeFileSync(join(project.dir, '.env'), `OPENCODE_PATH=${OPENCODE_BIN}\nOPENCODE_MODEL=selfhosted/${MODEL}\n`);
    const env = {
      ...baseEnv(project, trap),
      OPENCODE_CONFIG_CONTENT: workflowConfig(standIn.url),
      [KEY_VARIABLE]: REAL_KEY,
      SAMOCODE_GATEWAY: '1',
      SAMOCODE_MODEL_PRICES: JSON.stringify({ [MODEL]: PRICE }),
    };
    const result = await runSamocode(project, ['run', '--config', '.samocode', '--session', 'gw', '--provider', 'opencode', '--task', 'Say hello'], env);

    expect(result.code, result.stdout + result.stderr).toBe(4);
    expect(result.stdout).toMatch(new RegExp(`samocode: model gateway: opencode through http://127\\.0\\.0\\.1:\\d+ to ${standIn.url}/v1 \\(key from ${KEY_VARIABLE} \\(opencode's provider "selfhosted"\\)\\)`));
    expect(standIn.modelRequests().map((r) => r.answer)).toEqual(['shell via bash', 'reply']);
    expect(relayedWithKey(standIn)).toHaveLength(2);
    const folder = sessionFolder(project);
    const workdir = join(project.worktrees, folder.split('/').at(-1)!);
    const [config, key] = readFileSync(join(workdir, 'seen.txt'), 'utf8').split('|');
    const options = JSON.parse(config!).provider.selfhosted.options;
    expect(options.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(options.apiKey).toMatch(/^samocode-gateway-[0-9a-f]{36}$/);
    expect(config).not.toContain(REAL_KEY);
    expect(key).toBe('');
    const [entry] = history(folder);
    expect(entry).toMatchObject({ metered: true, usage: { inputTokens: 1_600, outputTokens: 100, cacheReadTokens: 400, cacheWriteTokens: 0 } });
    expect(entry!.costUsd).toBeCloseTo(2 * METERED, 10);
    expect(entry!.reported.costUsd).toBeCloseTo(2 * REPORTED, 10);
  }, 150_000);
});
