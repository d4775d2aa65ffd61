// The model gateway with the real GitHub Copilot CLI on its bring-your-own-key
// settings, against a loopback stand-in of OpenAI Chat Completions: through
// the built action (dist/index.js, the agent as its own user in its
// restricted network) and through dist/cli.js with SAMOCODE_GATEWAY=1. The
// CLI gets the relay as COPILOT_PROVIDER_BASE_URL and the placeholder as its
// bearer token; the relay holds COPILOT_PROVIDER_API_KEY.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { listenOnLoopback } from '../helpers/http.js';
import { ModelStandIn, runShell, say, type ModelScript, type ModelTurn } from '../helpers/model-stand-in.js';
import { ROOT, sessionFolder } from '../helpers/project.js';
import { remoteFile } from '../helpers/runner.js';
import { baseEnv, checkCli, CONTINUE, EgressTrap, history, makeRealCliProject, probeCommand, pushedProbe, pushedSession, runOnNewIssue, runSamocode, type Json, type ProbeAttempt } from './support.js';

const BIN = join(ROOT, 'node_modules', '.bin', 'copilot');
const REAL_KEY = 'sk-proj-CopilotGatewayKey-0123456789abcdefABCDEF';
const MODEL = 'stand-in-model';
const PRICE = { input: 1.25, output: 10, cacheRead: 0.125 };
// The stand-in's usage for each answer: 1,000 prompt tokens of which 200 cached, 50 out.
const COST = (800 * 1.25 + 50 * 10 + 200 * 0.125) / 1e6; // $0.001525

const github = useFakeGitHub({ Codertocat: 'admin' });
const shared = { dir: '', cache: '' };
beforeAll(async () => {
  await checkCli(BIN, '1.0.102');
  // The CLI unpacks itself (about 235 MB) on first run: once for the file, where the agent user can read it.
  shared.dir = mkdtempSync(join(tmpdir(), `samocode-gw-copilot-${process.pid}-`));
  chmodSync(shared.dir, 0o755);
  shared.cache = join(shared.dir, 'copilot-cache');
  mkdirSync(shared.cache, { mode: 0o755 });
  const unpacked = await execa(BIN, ['--version'], { env: { PATH: process.env.PATH!, HOME: shared.dir, COPILOT_CACHE_HOME: shared.cache }, extendEnv: false, reject: false, timeout: 120_000 });
  if (unpacked.exitCode !== 0) throw new Error(`copilot --version: ${unpacked.stderr}`);
}, 150_000);
afterAll(() => rmSync(shared.dir, { recursive: true, force: true }));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * The agent's probe: the CLI's environment is read from its ancestors (its
 * shell gets less), each of whose environments is searched for the key; it
 * calls the stand-in directly with the placeholder, and on Copilot's own
 * service asks the relay for GitHub paths it does not carry.
 */
function probeTurn(upstream: string, then: string, own?: { key: string; model: string }): ModelTurn {
  const token = own ? '{cli.COPILOT_GITHUB_TOKEN}' : '{cli.COPILOT_PROVIDER_BEARER_TOKEN}';
  const direct: ProbeAttempt = {
    name: 'direct',
    url: upstream + (own ? '/chat/completions' : '/v1/chat/completions'),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: own?.model ?? MODEL, messages: [{ role: 'user', content: 'hi' }] }),
  };
  const relayed = (own ? ['/user/repos', '/repos/octo/hello/contents/README.md', '/user'] : []).map(
    (path): ProbeAttempt => ({ group: 'relayed', name: path, url: `{cli.COPILOT_DEBUG_GITHUB_API_URL}${path}`, headers: { authorization: 'Bearer {cli.COPILOT_GITHUB_TOKEN}' } }),
  );
  const options = { cliMark: own ? 'COPILOT_API_URL' : 'COPILOT_PROVIDER_BASE_URL', work: true, attempts: [...(upstream ? [direct] : []), ...relayed] };
  return runShell(probeCommand(own?.key ?? REAL_KEY, options, then));
}

async function standIn(script: ModelScript[]) {
  const model = await ModelStandIn.start('chat', script);
  cleanups.push(() => model.close());
  return model;
}

describe('the model gateway with the real Copilot CLI (bring your own key)', () => {
  it('dist/index.js: the key reaches only the stand-in; the agent holds a placeholder; usage is metered; the budget stops the second request', async () => {
    let upstream = '';
    const model = await standIn([() => probeTurn(upstream, CONTINUE), say('Done.')]);
    upstream = model.url;
    const { run, remote } = await runOnNewIssue(github, 721, {
      timeoutMs: 150_000,
      // agent-user auto and agent-network restricted: the defaults.
      inputs: { provider: 'copilot', 'cli-path': BIN, model: MODEL, 'model-prices': JSON.stringify({ [MODEL]: PRICE }), 'max-cost-usd': '0.001' },
      env: {
        COPILOT_PROVIDER_BASE_URL: `${model.url}/v1`,
        COPILOT_PROVIDER_API_KEY: REAL_KEY,
        COPILOT_OFFLINE: 'true',
        COPILOT_CACHE_HOME: shared.cache,
      },
    });

    expect(run.stdout, run.stdout + run.stderr).toMatch(/model gateway: copilot through the relay at http:\/\/(\d+\.){3}\d+:\d+ to http:\/\/127\.0\.0\.1:\d+\/v1, with the key from COPILOT_PROVIDER_API_KEY/);
    const posts = model.modelRequests();
    const relayed = posts.filter((r) => r.headers.authorization === `Bearer ${REAL_KEY}`);
    expect(relayed.map((r) => r.answer)).toEqual(['shell via bash']);
    expect(relayed[0]!.url).toBe('/v1/chat/completions');
    // The agent's restricted network has no way to the stand-in but the relay: its direct call never arrived.
    expect(posts.filter((r) => r.headers.authorization !== `Bearer ${REAL_KEY}`)).toEqual([]);
    expect(model.requests.filter((r) => JSON.stringify(r.headers).includes('samocode-gateway-'))).toEqual([]);

    const { branch, folder } = pushedSession(remote, 721);
    const probe = pushedProbe(remote, 721);
    // The CLI's environment (its shell gets less): the relay on the host side of the agent's link, and the placeholder.
    expect(probe.cli.COPILOT_PROVIDER_BASE_URL).toMatch(/^http:\/\/(\d+\.){3}\d+:\d+$/);
    expect(probe.cli.COPILOT_PROVIDER_BASE_URL).not.toMatch(/^http:\/\/127\./);
    expect(probe.cli.COPILOT_PROVIDER_BEARER_TOKEN).toMatch(/^samocode-gateway-[0-9a-f]{36}$/);
    expect(probe.cli.COPILOT_PROVIDER_API_KEY).toBeUndefined();
    expect(JSON.stringify(probe.cli)).not.toContain(REAL_KEY);
    expect(JSON.stringify(probe.env)).not.toContain(REAL_KEY);
    // The agent ran as a user of its own.
    expect(probe.uid).not.toBe(0);
    expect(probe.uid).not.toBe(process.getuid!());
    expect(probe.hits).toEqual([]);
    expect(probe.direct).toMatch(/^error fetch failed/);

    // What the relay metered is what the stand-in sent, priced from the table; the CLI's own usage file kept beside it.
    const entry = JSON.parse(remoteFile(remote, branch, `${folder}/_signals.jsonl`).trim().split('\n')[0]!) as Json;
    expect(entry).toMatchObject({ metered: true, usage: { inputTokens: 800, outputTokens: 50, cacheReadTokens: 200, cacheWriteTokens: 0 }, cacheShare: 0.2 });
    expect(entry.costUsd).toBeCloseTo(COST, 10);
    // The budget was spent by the first answer: the second request never reached the stand-in, and the session blocked saying why.
    expect(run.outputs.status).toBe('blocked');
    expect(entry.reason).toMatch(/^the budget of \$0\.001 is spent \(\$0\.0015 so far/);
    expect(github.issues.get(721)!.comments.some((c) => c.body.includes('the budget of $0.001 is spent'))).toBe(true);
    expect(remoteFile(remote, branch, 'work.txt')).toContain('work done');
  }, 200_000);

  it('dist/cli.js with SAMOCODE_GATEWAY=1: relays with the real key, gives the CLI the placeholder, meters each answer', async () => {
    const model = await standIn([probeTurn('', `printf '%s' '{"status":"blocked","reason":"stop here"}' > "$SAMOCODE_SESSION_PATH/_signal.json"`), say('Stopping.')]);
    const trap = await EgressTrap.start();
    cleanups.push(() => trap.close());
    const project = makeRealCliProject();
    cleanups.push(() => rmSync(project.dir, { recursive: true, force: true }));
    writeFileSync(join(project.dir, '.env'), `COPILOT_PATH=${BIN}\nCOPILOT_MODEL=${MODEL}\n`);
    const env = {
      ...baseEnv(project, trap),
      COPILOT_PROVIDER_BASE_URL: `${model.url}/v1`,
      COPILOT_PROVIDER_API_KEY: REAL_KEY,
      COPILOT_OFFLINE: 'true',
      COPILOT_CACHE_HOME: shared.cache,
      SAMOCODE_GATEWAY: '1',
      SAMOCODE_MODEL_PRICES: JSON.stringify({ [MODEL]: PRICE }),
    };
    const result = await runSamocode(project, ['run', '--config', '.samocode', '--session', 'gw', '--provider', 'copilot', '--task', 'Say hello'], env);

    expect(result.stdout, result.stdout + result.stderr).toMatch(/samocode: model gateway: copilot through http:\/\/127\.0\.0\.1:\d+ to http:\/\/127\.0\.0\.1:\d+\/v1 \(key from COPILOT_PROVIDER_API_KEY\)/);
    const requests = model.modelRequests();
    expect(requests.map((r) => r.answer)).toEqual(['shell via bash', 'reply']);
    expect(requests.every((r) => r.headers.authorization === `Bearer ${REAL_KEY}`)).toBe(true);
    const folder = sessionFolder(project);
    const [entry] = history(folder);
    expect(entry).toMatchObject({ metered: true, usage: { inputTokens: 1_600, outputTokens: 100, cacheReadTokens: 400, cacheWriteTokens: 0 }, cacheShare: 0.2 });
    expect(entry!.costUsd).toBeCloseTo(2 * COST, 10);
    const probe = JSON.parse(readFileSync(join(folder, 'probe.json'), 'utf8')) as Json;
    expect(probe.cli.COPILOT_PROVIDER_BEARER_TOKEN).toMatch(/^samocode-gateway-[0-9a-f]{36}$/);
    expect(probe.cli.COPILOT_PROVIDER_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(probe.cli.COPILOT_PROVIDER_BASE_URL).not.toBe(`${model.url}/v1`);
    expect(probe.cli.COPILOT_PROVIDER_API_KEY).toBeUndefined();
    expect(JSON.stringify(probe.cli)).not.toContain(REAL_KEY);
    // Terminal mode is the person's own: samocode's process, theirs, holds the key it was started with (DESIGN §6a).
    expect(trap.attempts).toEqual([]);
  }, 150_000);
});

/** A loopback stand-in of the api.github.com paths the CLI signs in through; its sign-in answer names `api` as the Copilot API. Anything else: 404, recorded. */
async function githubStandIn(api: string) {
  const requests: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      const path = (req.url ?? '').split('?')[0];
      const answer =
        path === '/copilot_internal/user'
          ? { login: 'octocat', copilot_plan: 'individual', chat_enabled: true, endpoints: { api, telemetry: 'https://telemetry.individual.githubcopilot.com', proxy: 'https://proxy.individual.githubcopilot.com' } }
          : ['/copilot_internal/managed_settings', '/copilot_internal/team_customizations', '/copilot/mcp_registry'].includes(path!)
            ? {}
            : null;
      res.writeHead(answer ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer ?? { message: 'Not Found' }));
    });
  });
  const url = await listenOnLoopback(server);
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url, requests };
}

/** A model as Copilot's catalog lists it: the CLI takes --model only for a listed one, and calls Chat Completions for one that offers it. */
const catalogEntry = (id: string) => ({
  id,
  name: id,
  object: 'model',
  vendor: 'OpenAI',
  version: id,
  model_picker_enabled: true,
  capabilities: { family: id, type: 'chat', object: 'model_capabilities', tokenizer: 'o200k_base', limits: { max_context_window_tokens: 128000, max_output_tokens: 16384, max_prompt_tokens: 128000 }, supports: { streaming: true, tool_calls: true, parallel_tool_calls: true } },
  policy: { state: 'enabled', terms: 'stand-in' },
  preview: false,
  supported_endpoints: ['/chat/completions'],
  billing: { is_premium: true, multiplier: 1 },
});

describe("the model gateway with the real Copilot CLI on Copilot's own service (its GitHub token)", () => {
  it('dist/index.js: the token reaches only the stand-ins, through the relay and the sign-in paths it carries; the agent holds a placeholder; tokens are metered, cost is not', async () => {
    const OWN_TOKEN = 'github_pat_11CopilotOwnToken0000_abcdefABCDEF0123456789abcdefABCDEF0123456789abcdefABCDEF01';
    const OWN_MODEL = 'gpt-5-mini';
    let upstream = '';
    const stop = `printf '%s' '{"status":"blocked","reason":"stop here"}' > "$SAMOCODE_SESSION_PATH/_signal.json"`;
    const model = await standIn([() => probeTurn(upstream, stop, { key: OWN_TOKEN, model: OWN_MODEL }), say('Stopping.')]);
    model.models = [catalogEntry(OWN_MODEL)];
    upstream = model.url;
    const ghApi = await githubStandIn(model.url);
    const { run, remote } = await runOnNewIssue(github, 731, {
      timeoutMs: 150_000,
      // agent-user auto and agent-network restricted: the defaults. A budget, which premium requests cannot be held to.
      inputs: { provider: 'copilot', 'cli-path': BIN, model: OWN_MODEL, 'max-cost-usd': '0.001' },
      env: {
        COPILOT_GITHUB_TOKEN: OWN_TOKEN,
        // The CLI's own variable for its GitHub API: the relay's upstream for the sign-in paths.
        COPILOT_DEBUG_GITHUB_API_URL: ghApi.url,
        COPILOT_CACHE_HOME: shared.cache,
      },
    });

    expect(run.stdout, run.stdout + run.stderr).toMatch(
      /model gateway: copilot through the relay at http:\/\/(\d+\.){3}\d+:\d+ to https:\/\/api\.githubcopilot\.com \(or the Copilot API its sign-in names\) and http:\/\/127\.0\.0\.1:\d+ for \/copilot_internal\/user, .* only, with the key from COPILOT_GITHUB_TOKEN; Copilot's own service bills premium requests/,
    );
    expect(run.stdout).toContain("::warning::samocode: model gateway: max-cost-usd 0.001 is not enforced: Copilot's own service bills premium requests");
    // The sign-in went through the relay with the real token, to the listed paths only.
    const signIn = ghApi.requests;
    expect(signIn.map((r) => r.url.split('?')[0])).toContain('/copilot_internal/user');
    expect(signIn.every((r) => r.headers.authorization?.replace(/^bearer /i, 'Bearer ') === `Bearer ${OWN_TOKEN}`)).toBe(true);
    expect(signIn.every((r) => r.method === 'GET' && ['/copilot_internal/user', '/copilot_internal/managed_settings', '/copilot_internal/team_customizations', '/copilot/mcp_registry'].includes(r.url.split('?')[0]!))).toBe(true);
    // The Copilot API named in the sign-in answer got the model calls, with the real token only.
    const posts = model.modelRequests();
    const relayed = posts.filter((r) => r.headers.authorization === `Bearer ${OWN_TOKEN}`);
    expect(relayed.map((r) => r.answer)).toEqual(['shell via bash', 'reply']);
    expect(relayed[0]!.url).toBe('/chat/completions');
    expect(posts.filter((r) => r.headers.authorization !== `Bearer ${OWN_TOKEN}`)).toEqual([]);
    expect(model.requests.filter((r) => JSON.stringify(r.headers).includes('samocode'))).toEqual([]);
    expect(model.requests.every((r) => r.headers.authorization === `Bearer ${OWN_TOKEN}`)).toBe(true);

    const { branch, folder } = pushedSession(remote, 731);
    const probe = pushedProbe(remote, 731);
    // The CLI's environment: the relay for both of its addresses, and a placeholder shaped like a fine-grained token.
    expect(probe.cli.COPILOT_API_URL).toMatch(/^http:\/\/(\d+\.){3}\d+:\d+$/);
    expect(probe.cli.COPILOT_API_URL).not.toMatch(/^http:\/\/127\./);
    expect(probe.cli.COPILOT_DEBUG_GITHUB_API_URL).toBe(probe.cli.COPILOT_API_URL);
    expect(probe.cli.COPILOT_GITHUB_TOKEN).toMatch(/^github_pat_samocodegateway[0-9a-f]{36}$/);
    expect(JSON.stringify(probe.cli)).not.toContain(OWN_TOKEN);
    expect(JSON.stringify(probe.env)).not.toContain(OWN_TOKEN);
    expect(probe.uid).not.toBe(0);
    expect(probe.uid).not.toBe(process.getuid!());
    expect(probe.hits).toEqual([]);
    // Straight to the Copilot API with the placeholder: the restricted network has no way there.
    expect(probe.direct).toMatch(/^error fetch failed/);
    // GitHub paths the relay does not carry: refused there, never at the stand-in.
    expect(probe.relayed).toEqual({ '/user/repos': 404, '/repos/octo/hello/contents/README.md': 404, '/user': 404 });
    expect(signIn.filter((r) => /^\/(user|repos)/.test(r.url))).toEqual([]);

    // The signal was taken; the tokens are what the relay metered, the cost none: premium requests have no dollar price.
    expect(run.outputs.status, run.stdout).toBe('blocked');
    const entry = JSON.parse(remoteFile(remote, branch, `${folder}/_signals.jsonl`).trim().split('\n')[0]!) as Json;
    expect(entry).toMatchObject({ phase: 'init', verdict: 'accepted', signal: { status: 'blocked', reason: 'stop here' } });
    expect(entry).toMatchObject({ metered: true, usage: { inputTokens: 1_600, outputTokens: 100, cacheReadTokens: 400, cacheWriteTokens: 0 } });
    expect(entry.costUsd ?? 0).toBe(0);
    expect(remoteFile(remote, branch, 'work.txt')).toContain('work done');
  }, 200_000);

  it('dist/cli.js with SAMOCODE_GATEWAY=1: the relay signs in and calls the model with the token; the CLI gets the placeholder; tokens metered, no cost', async () => {
    const OWN_TOKEN = 'github_pat_11CopilotTerminalToken_abcdefABCDEF0123456789abcdefABCDEF0123456789abcdefABCDEF01';
    const model = await standIn([probeTurn('', `printf '%s' '{"status":"blocked","reason":"stop here"}' > "$SAMOCODE_SESSION_PATH/_signal.json"`, { key: OWN_TOKEN, model: 'gpt-5-mini' }), say('Stopping.')]);
    model.models = [catalogEntry('gpt-5-mini')];
    const ghApi = await githubStandIn(model.url);
    const trap = await EgressTrap.start();
    cleanups.push(() => trap.close());
    const project = makeRealCliProject();
    cleanups.push(() => rmSync(project.dir, { recursive: true, force: true }));
    writeFileSync(join(project.dir, '.env'), `COPILOT_PATH=${BIN}\nCOPILOT_MODEL=gpt-5-mini\n`);
    const env = { ...baseEnv(project, trap), COPILOT_GITHUB_TOKEN: OWN_TOKEN, COPILOT_DEBUG_GITHUB_API_URL: ghApi.url, COPILOT_CACHE_HOME: shared.cache, SAMOCODE_GATEWAY: '1' };
    const result = await runSamocode(project, ['run', '--config', '.samocode', '--session', 'gw-own', '--provider', 'copilot', '--task', 'Say hello'], env);

    expect(result.stdout, result.stdout + result.stderr).toMatch(
      /samocode: model gateway: copilot through http:\/\/127\.0\.0\.1:\d+ to https:\/\/api\.githubcopilot\.com and http:\/\/127\.0\.0\.1:\d+ \(key from COPILOT_GITHUB_TOKEN\); Copilot's own service bills premium requests/,
    );
    expect(ghApi.requests.map((r) => r.url.split('?')[0])).toContain('/copilot_internal/user');
    expect(ghApi.requests.every((r) => r.headers.authorization?.replace(/^bearer /i, 'Bearer ') === `Bearer ${OWN_TOKEN}`)).toBe(true);
    const requests = model.modelRequests();
    expect(requests.map((r) => r.answer)).toEqual(['shell via bash', 'reply']);
    expect(model.requests.every((r) => r.headers.authorization === `Bearer ${OWN_TOKEN}`)).toBe(true);
    const folder = sessionFolder(project);
    const [entry] = history(folder);
    expect(entry).toMatchObject({ metered: true, usage: { inputTokens: 1_600, outputTokens: 100, cacheReadTokens: 400, cacheWriteTokens: 0 }, signal: { status: 'blocked', reason: 'stop here' } });
    expect(entry!.costUsd ?? 0).toBe(0);
    const probe = JSON.parse(readFileSync(join(folder, 'probe.json'), 'utf8')) as Json;
    expect(probe.cli.COPILOT_GITHUB_TOKEN).toMatch(/^github_pat_samocodegateway[0-9a-f]{36}$/);
    expect(probe.cli.COPILOT_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(probe.cli.COPILOT_DEBUG_GITHUB_API_URL).toBe(probe.cli.COPILOT_API_URL);
    expect(JSON.stringify(probe.cli)).not.toContain(OWN_TOKEN);
    expect(probe.relayed).toEqual({ '/user/repos': 404, '/repos/octo/hello/contents/README.md': 404, '/user': 404 });
    // The CLI's one look for a newer release (api.github.com, through the proxy) is all it tried beyond the relay.
    expect(trap.attempts.filter((a) => a !== 'CONNECT api.github.com:443')).toEqual([]);
  }, 150_000);
});
