// The model gateway with the real Gemini CLI: through the built action
// (dist/index.js) as a runner starts it, the agent as its own user in its
// restricted network, and through dist/cli.js in terminal mode with
// SAMOCODE_GATEWAY=1. The CLI gets the relay's address in
// GOOGLE_GEMINI_BASE_URL and a placeholder in GEMINI_API_KEY; the relay puts
// the real key in `x-goog-api-key`, meters each streamed answer, prices it
// from the table and holds max-cost-usd between two requests of one
// iteration. The stand-in of the Gemini API records every request's headers.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { ModelStandIn, runShell, say, type ModelScript } from '../helpers/model-stand-in.js';
import { ROOT, sessionFolder } from '../helpers/project.js';
import { remoteFile } from '../helpers/runner.js';
import { baseEnv, checkCli, CONTINUE, EgressTrap, history, makeRealCliProject, probeCommand, pushedProbe, pushedSession, runOnNewIssue, readLogs, runSamocode, type Json, type ProbeOptions } from './support.js';

const GEMINI_BIN = join(ROOT, 'node_modules', '.bin', 'gemini');
const REAL_KEY = 'AIzaSyRealGatewayKey-0123456789abcdefABCD';
const MODEL = 'gemini-2.5-flash';
// The table's price for gemini-2.5-flash, per million tokens: $0.30 in, $2.50 out, $0.03 from the cache.
const cost = (input: number, output: number, cached: number) => (input * 0.3 + output * 2.5 + cached * 0.03) / 1e6;
const PLACEHOLDER = /^samocode-gateway-[0-9a-f]{36}$/;

const github = useFakeGitHub({ Codertocat: 'admin' });
beforeAll(() => checkCli(GEMINI_BIN, '0.61.0'));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * What the agent's probe tries beside its search for the key (in the CLI's
 * own home too): the stand-in directly with the placeholder, and at the
 * relay the placeholder in the query (`?key=`) instead of the header, a
 * guessed key in each, and one more model call after the budget is spent.
 */
function probeOptions(upstream: string): ProbeOptions {
  const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
  const json = { 'content-type': 'application/json' };
  const withKey = { ...json, 'x-goog-api-key': '{env.GEMINI_API_KEY}' };
  const relay = `{env.GOOGLE_GEMINI_BASE_URL}/v1beta/models/${MODEL}`;
  return {
    searchVariables: ['GEMINI_CLI_HOME'],
    work: true,
    attempts: [
      { name: 'direct', url: `${upstream}/v1beta/models/${MODEL}:generateContent`, headers: withKey, body },
      { name: 'queryKey', url: `${relay}:countTokens?key={env.GEMINI_API_KEY}`, headers: json, body },
      { name: 'guessedHeader', url: `${relay}:generateContent`, headers: { ...json, 'x-goog-api-key': 'AIzaSyGuess' }, body },
      { name: 'guessedQuery', url: `${relay}:generateContent?key=AIzaSyGuess`, headers: json, body },
      { name: 'overBudget', url: `${relay}:generateContent`, headers: withKey, body },
    ],
  };
}

describe('the model gateway with the real Gemini CLI (dist/index.js, restricted network)', () => {
  it('the key reaches only the stand-in, in x-goog-api-key; the agent holds a placeholder; usage is metered and priced; the budget stops the second request', { timeout: 240_000 }, async () => {
    let upstream = '';
    const script: ModelScript[] = [
      // The probe, then the signal; a bigger answer than the default, so that its cost alone spends the budget.
      () => ({ kind: 'reply', shell: probeCommand(REAL_KEY, probeOptions(upstream), CONTINUE), usage: { input: 20_000, cached: 5_000, output: 1_100 } }),
      say('Done.'),
    ];
    const standIn = await ModelStandIn.start('gemini', script);
    upstream = standIn.url;
    const trap = await EgressTrap.start();
    cleanups.push(() => standIn.close(), () => trap.close());
    const { run, remote } = await runOnNewIssue(github, 721, {
      timeoutMs: 180_000,
      inputs: { provider: 'gemini', 'cli-path': GEMINI_BIN, model: MODEL, 'agent-user': 'auto', 'agent-network': 'restricted', 'max-cost-usd': '0.005' },
      env: { GEMINI_API_KEY: REAL_KEY, GOOGLE_GEMINI_BASE_URL: standIn.url, HTTPS_PROXY: trap.url, HTTP_PROXY: trap.url, NO_PROXY: '127.0.0.1,localhost' },
    });

    expect(run.stdout).toMatch(/model gateway: gemini through the relay at http:\/\/(\d+\.){3}\d+:\d+ to http:\/\/127\.0\.0\.1:\d+, with the key from GEMINI_API_KEY/);
    // Every request that reached the stand-in came through the relay: the real key in the header, no key in the query, no placeholder.
    expect(standIn.requests.length).toBeGreaterThan(0);
    for (const request of standIn.requests) {
      expect(request.headers['x-goog-api-key']).toBe(REAL_KEY);
      expect(request.url).not.toContain('key=');
      expect(request.headers.authorization).toBeUndefined();
    }
    // The CLI's one model call the budget let through; the probe's countTokens with the key in the query, relayed with it in the header.
    expect(standIn.modelRequests().map((r) => r.answer)).toEqual(['shell via run_shell_command']);
    expect(standIn.requests.filter((r) => r.url.includes(':countTokens')).length).toBeGreaterThanOrEqual(1);

    const { branch, folder } = pushedSession(remote, 721);
    const probe = pushedProbe(remote, 721);
    // The relay on the host side of the agent's link, and the placeholder: never the key, nowhere the agent can read.
    expect(probe.env.GOOGLE_GEMINI_BASE_URL).toMatch(/^http:\/\/(\d+\.){3}\d+:\d+$/);
    expect(probe.env.GOOGLE_GEMINI_BASE_URL).not.toMatch(/^http:\/\/127\./);
    expect(probe.env.GEMINI_API_KEY).toMatch(PLACEHOLDER);
    expect(probe.env.GOOGLE_API_KEY).toBeUndefined();
    expect(JSON.stringify(probe.env)).not.toContain(REAL_KEY);
    expect(probe.hits).toEqual([]);
    // The stand-in is out of the agent's reach but through the relay.
    expect(probe.direct).toMatch(/^error fetch failed/);
    expect(probe.queryKey).toBe(200);
    expect(probe.guessedHeader).toBe(401);
    expect(probe.guessedQuery).toBe(401);
    expect(probe.overBudget).toBe(403);

    // The usage recorded is the stand-in's, its cost from the table's gemini-2.5-flash price.
    const [entry] = remoteFile(remote, branch, `${folder}/_signals.jsonl`).trim().split('\n').map((l) => JSON.parse(l) as Json);
    expect(entry).toMatchObject({ metered: true, usage: { inputTokens: 15_000, outputTokens: 1_100, cacheReadTokens: 5_000, cacheWriteTokens: 0 }, cacheShare: 0.25 });
    expect(entry!.costUsd).toBeCloseTo(cost(15_000, 1_100, 5_000), 10); // $0.0074
    // The budget ran out with the first request: the CLI's second never reached the stand-in, and the session blocked saying why.
    expect(run.outputs.status).toBe('blocked');
    expect(entry!.verdict).toBe('failed');
    expect(entry!.reason).toMatch(/^the budget of \$0\.005 is spent \(\$0\.0074 so far/);
    expect(github.issues.get(721)!.comments.some((c) => c.body.includes('the budget of $0.005 is spent'))).toBe(true);
    expect(remoteFile(remote, branch, 'work.txt')).toContain('work done');
    expect(trap.attempts).toEqual([]);
  });
});

describe('terminal mode with SAMOCODE_GATEWAY=1 and the Gemini CLI', () => {
  async function terminal(script: ModelScript[], env: Record<string, string>) {
    const standIn = await ModelStandIn.start('gemini', script);
    const trap = await EgressTrap.start();
    cleanups.push(() => standIn.close(), () => trap.close());
    const project = makeRealCliProject();
    cleanups.push(() => rmSync(project.dir, { recursive: true, force: true }));
    writeFileSync(join(project.dir, '.env'), `GEMINI_PATH=${GEMINI_BIN}\nGEMINI_MODEL=${MODEL}\n`);
    const result = await runSamocode(project, ['run', '--config', '.samocode', '--session', 'gw', '--provider', 'gemini', '--task', 'Say hello'], {
      ...baseEnv(project, trap),
      GOOGLE_GEMINI_BASE_URL: standIn.url,
      SAMOCODE_GATEWAY: '1',
      ...env,
    });
    return { standIn, trap, project, result };
  }

  it('holds the key from GOOGLE_API_KEY: the CLI gets the relay and a placeholder, each answer is metered and priced', { timeout: 120_000 }, async () => {
    const script: ModelScript[] = [
      runShell(`printf '%s|%s|%s' "$GEMINI_API_KEY" "$GOOGLE_GEMINI_BASE_URL" "\${GOOGLE_API_KEY:-unset}" > seen.txt; printf '%s' '{"status":"blocked","reason":"stop here"}' > "$SAMOCODE_SESSION_PATH/_signal.json"`),
      say('Stopping.'),
    ];
    const { standIn, trap, project, result } = await terminal(script, { GOOGLE_API_KEY: REAL_KEY });

    expect(result.code, result.stdout + result.stderr).toBe(4);
    expect(result.stdout).toContain(`samocode: model gateway: gemini through http://127.0.0.1:`);
    expect(result.stdout).toContain(` to ${standIn.url} (key from GOOGLE_API_KEY)`);
    expect(standIn.modelRequests().map((r) => r.answer)).toEqual(['shell via run_shell_command', 'reply']);
    expect(standIn.requests.every((r) => r.headers['x-goog-api-key'] === REAL_KEY)).toBe(true);
    const folder = sessionFolder(project);
    const [entry] = history(folder);
    // Two answers of 1,000 prompt tokens (200 cached) and 50 out.
    expect(entry).toMatchObject({ metered: true, usage: { inputTokens: 1_600, outputTokens: 100, cacheReadTokens: 400, cacheWriteTokens: 0 } });
    expect(entry!.costUsd).toBeCloseTo(cost(1_600, 100, 400), 10);
    // The CLI's own count, from its stream's stats, kept beside the metered one.
    expect(entry!.reported).toMatchObject({ usage: { inputTokens: 1_600, outputTokens: 100, cacheReadTokens: 400 } });
    expect(readLogs(folder).flatMap((l) => l.lines as Json[]).some((e) => e.type === 'result')).toBe(true);
    const workdir = join(project.worktrees, folder.split('/').at(-1)!);
    const [key, base, google] = readFileSync(join(workdir, 'seen.txt'), 'utf8').split('|');
    expect(key).toMatch(PLACEHOLDER);
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(base).not.toBe(standIn.url);
    expect(google).toBe('unset');
    expect(trap.attempts).toEqual([]);
  });

  it('refuses Vertex AI plainly: the gateway cannot carry its calls', { timeout: 60_000 }, async () => {
    const { standIn, result } = await terminal([], { GEMINI_API_KEY: REAL_KEY, GOOGLE_GENAI_USE_VERTEXAI: 'true' });

    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('SAMOCODE_GATEWAY: the Gemini CLI on Vertex AI talks to Google Cloud with its own credentials');
    expect(standIn.requests).toEqual([]);
  });
});
