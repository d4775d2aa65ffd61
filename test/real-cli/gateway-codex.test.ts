// The model gateway with the real Codex CLI, through the built action
// (dist/index.js), against a loopback stand-in of the OpenAI Responses API
// that takes only the real key. Codex reads no base-URL variable: the
// gateway gives it a model provider of its own with `-c`, pointing at the
// relay, with a placeholder in OPENAI_API_KEY.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIStandIn, runShell, say, type OpenAIScript } from '../helpers/openai-stand-in.js';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { checkout, labeledEvent, makeRemote, remoteFile, runBuiltAction } from '../helpers/runner.js';
import { checkCli, CODEX_BIN, EgressTrap, type Json } from './support.js';

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
    const dir = mkdtempSync(join(tmpdir(), 'samocode-gateway-'));
    chmodSync(dir, 0o755);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const script: OpenAIScript[] = [
      runShell(`node ${join(dir, 'probe.mjs')} ${Buffer.from(REAL_KEY).toString('base64')} && printf '%s' '{"status":"continue","phase":"investigation"}' > "$SAMOCODE_SESSION_PATH/_signal.json"`),
      say('Done.'),
    ];
    const standIn = await OpenAIStandIn.start(script, { apiKey: REAL_KEY, usage: USAGE });
    const trap = await EgressTrap.start();
    cleanups.push(() => standIn.close(), () => trap.close());
    writeFileSync(
      join(dir, 'probe.mjs'),
      `import fs from 'node:fs'; import { execFileSync } from 'node:child_process';
const key = Buffer.from(process.argv[2], 'base64').toString();
let grep = '';
try { grep = execFileSync('grep', ['-rlsF', key, process.env.HOME, process.env.TMPDIR, process.cwd(), '/proc/' + process.ppid + '/environ'], { encoding: 'utf8' }); } catch (e) { grep = String(e.stdout || ''); }
const direct = await fetch(${JSON.stringify(standIn.url)} + '/v1/responses', { method: 'POST', headers: { authorization: 'Bearer ' + process.env.OPENAI_API_KEY, 'content-type': 'application/json' }, body: JSON.stringify({ model: '${MODEL}', input: 'hi' }) }).then((r) => r.status, (e) => 'error ' + e.message);
fs.writeFileSync(process.env.SAMOCODE_SESSION_PATH + '/probe.json', JSON.stringify({ env: process.env, hits: grep.split('\\n').filter(Boolean), direct }));
`,
    );
    chmodSync(join(dir, 'probe.mjs'), 0o644);
    github.addIssue({ number: 711, title: 'Greet', body: 'Say hello.', labels: ['samocode'] });
    const remote = makeRemote();
    const run = await runBuiltAction({
      apiUrl: github.url,
      snapshotFrom: github,
      workspace: checkout(remote),
      event: 'issues',
      payload: labeledEvent(711),
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

    const branch = 'samocode/711-greet';
    const name = remoteFile(remote, branch, '.samocode/sessions/').split('\n').find((l) => /greet\/$/.test(l))!.replace(/\/$/, '');
    const folder = `.samocode/sessions/${name}`;
    const probe = JSON.parse(remoteFile(remote, branch, `${folder}/probe.json`)) as Json;
    expect(probe.env.OPENAI_API_KEY).toMatch(/^samocode-gateway-/);
    expect(JSON.stringify(probe.env)).not.toContain(REAL_KEY);
    // What the agent writes is scrubbed of known secrets before it is committed: a scrubbed mark would hide the key.
    expect(JSON.stringify(probe)).not.toContain('***');
    expect(probe.env.OPENAI_BASE_URL).toBeUndefined();
    expect(probe.hits).toEqual([]);
    expect(probe.direct).toMatch(/^error /);

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
