// The model gateway with the real Codex CLI, through the built action
// (dist/index.js), against a loopback stand-in of the OpenAI Responses API
// that takes only the real key. Codex reads no base-URL variable: the
// gateway gives it a model provider of its own with `-c`, pointing at the
// relay, with a placeholder in OPENAI_API_KEY.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIStandIn, runShell, say, type OpenAIScript } from '../helpers/openai-stand-in.js';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { remoteFile } from '../helpers/runner.js';
import { checkCli, CODEX_BIN, CONTINUE, EgressTrap, probeCommand, pushedProbe, pushedSession, runOnNewIssue, type Json } from './support.js';

const REAL_KEY = 'sk-proj-RealGatewayKey-0123456789abcdefABCDEF';
const MODEL = 'stand-in-model';
const PRICE = { input: 1.25, output: 10, cacheRead: 0.125 };
const USAGE = { input_tokens: 2_000, cached_tokens: 500, output_tokens: 100, reasoning_tokens: 0 };
const COST = (1_500 * 1.25 + 100 * 10 + 500 * 0.125) / 1e6; // $0.0029375

const github = useFakeGitHub({ Codertocat: 'admin' });
beforeAll(() => checkCli(CODEX_BIN, '0.169.0'));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('the model gateway with the real Codex CLI (dist/index.js)', () => {
  it('the key reaches only the stand-in; the agent holds a placeholder the API refuses; usage is metered; the budget stops the second request', async () => {
    let upstream = '';
    const script: OpenAIScript[] = [
      () => runShell(probeCommand(REAL_KEY, { attempts: [{ name: 'direct', url: `${upstream}/v1/responses`, headers: { authorization: 'Bearer {env.OPENAI_API_KEY}', 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, input: 'hi' }) }] }, CONTINUE)),
      say('Done.'),
    ];
    const standIn = await OpenAIStandIn.start(script, { apiKey: REAL_KEY, usage: USAGE });
    upstream = standIn.url;
    const trap = await EgressTrap.start();
    cleanups.push(() => standIn.close(), () => trap.close());
    const { run, remote } = await runOnNewIssue(github, 711, {
      timeoutMs: 120_000,
      inputs: { provider: 'codex', 'cli-path': CODEX_BIN, model: MODEL, 'model-prices': JSON.stringify({ [MODEL]: PRICE }), 'max-cost-usd': '0.002' },
      env: {
        OPENAI_API_KEY: REAL_KEY,
        OPENAI_BASE_URL: `${standIn.url}/v1`,
        // Where the agent's network is open, Codex's own calls elsewhere (plugins, analytics) meet a proxy that refuses them; in its restricted network (the default) the allow-list proxy refuses them.
        HTTPS_PROXY: trap.url,
        HTTP_PROXY: trap.url,
        NO_PROXY: '127.0.0.1,localhost',
      },
    });

    const posts = standIn.responseRequests();
    const relayed = posts.filter((r) => r.headers.authorization === `Bearer ${REAL_KEY}`);
    expect(relayed.map((r) => r.answer)).toEqual(['shell via exec_command']);
    // The agent's restricted network has no way to the stand-in but the relay: its direct call never arrived.
    const direct = posts.filter((r) => r.headers.authorization !== `Bearer ${REAL_KEY}`);
    expect(direct).toEqual([]);

    const { branch, folder } = pushedSession(remote, 711);
    const probe = pushedProbe(remote, 711);
    expect(probe.env.OPENAI_API_KEY).toMatch(/^samocode-gateway-/);
    expect(JSON.stringify(probe.env)).not.toContain(REAL_KEY);
    // What the agent writes is scrubbed of known secrets before it is committed: a scrubbed mark would hide the key.
    expect(JSON.stringify(probe)).not.toContain('***');
    expect(probe.env.OPENAI_BASE_URL).toBeUndefined();
    expect(probe.hits).toEqual([]);
    expect(probe.direct).toMatch(/^error fetch failed/);

    const entry = JSON.parse(remoteFile(remote, branch, `${folder}/_signals.jsonl`).trim().split('\n')[0]!) as Json;
    expect(entry).toMatchObject({ metered: true, usage: { inputTokens: 1_500, outputTokens: 100, cacheReadTokens: 500, cacheWriteTokens: 0 }, cacheShare: 0.25 });
    expect(entry.costUsd).toBeCloseTo(COST, 10);
    // Codex reports usage only for a turn that completed; this one was cut short, so the gateway's count is the only one.
    expect(entry.reported).toBeUndefined();
    expect(run.outputs.status).toBe('blocked');
    expect(entry.reason).toMatch(/^the budget of \$0\.002 is spent \(\$0\.0029 so far/);
    expect(github.issues.get(711)!.comments.some((c) => c.body.includes('the budget of $0.002 is spent'))).toBe(true);
  }, 180_000);
});
