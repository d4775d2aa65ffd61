// The model gateway with the real Claude Code CLI, through the built action
// (dist/index.js) as a runner starts it, against a loopback stand-in of the
// Anthropic API that takes only the real key. The agent runs as its own user
// (agent-user auto; the tests run as root) and gets the relay's address and
// a placeholder key; the relay adds the real key, meters each answer, and
// holds max-cost-usd between two requests of one iteration.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicStandIn, callTools, hang, say, type AnthropicScript } from '../helpers/anthropic-stand-in.js';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { checkout, commentEvent, labeledEvent, makeRemote, remoteFile, runBuiltAction, type Remote } from '../helpers/runner.js';
import { checkCli, CLAUDE_BIN, CONTINUE, probeCommand, pushedProbe, pushedSession, type Json, type ProbeOptions } from './support.js';

const REAL_KEY = 'sk-ant-api03-RealGatewayKey-0123456789abcdefABCDEF';
const MODEL = 'claude-sonnet-4-5-20250929';
// Per million tokens, as the table has them for claude-sonnet-4.
const PRICE = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
const USAGE = { input_tokens: 2_000, output_tokens: 100, cache_read_input_tokens: 3_000, cache_creation_input_tokens: 500 };
const COST = (2_000 * 3 + 100 * 15 + 3_000 * 0.3 + 500 * 3.75) / 1e6; // $0.010275

const github = useFakeGitHub({ Codertocat: 'admin' });
beforeAll(() => checkCli(CLAUDE_BIN, '2.1.332'));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * What the agent's probe tries beside its search for the key: the upstream
 * directly with the placeholder, and at the relay a malformed request, a
 * body that is not JSON, a huge body and a guessed key.
 */
function probeOptions(upstream: string): ProbeOptions {
  const headers = { 'x-api-key': '{env.ANTHROPIC_API_KEY}', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
  const relay = '{env.ANTHROPIC_BASE_URL}/v1/messages';
  return {
    work: true,
    attempts: [
      { name: 'direct', url: `${upstream}/v1/messages`, headers, body: JSON.stringify({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }) },
      { name: 'garbage', url: '{env.ANTHROPIC_BASE_URL}', raw: '\x00\x01 NOT HTTP\r\n\r\n' },
      { name: 'notJson', url: relay, headers, body: '{"model": ' },
      { name: 'huge', url: relay, headers, body: { bytes: 40 * 1024 * 1024 } },
      { name: 'noKey', url: relay, headers: { ...headers, 'x-api-key': 'sk-ant-guess' }, body: '{}' },
    ],
  };
}

async function setUp(issue: number, script: AnthropicScript[]) {
  const standIn = await AnthropicStandIn.start(script, { apiKey: REAL_KEY, usage: USAGE });
  cleanups.push(() => standIn.close());
  github.addIssue({ number: issue, title: 'Greet', body: 'Say hello.', labels: ['samocode'] });
  const remote = makeRemote();
  const workspace = checkout(remote);
  let runs = 0;
  const run = (event: 'issues' | 'issue_comment', payload: Record<string, unknown>, inputs: Record<string, string>) =>
    runBuiltAction({
      apiUrl: github.url,
      snapshotFrom: github,
      // Each run on a fresh checkout, as on a runner.
      workspace: runs++ === 0 ? workspace : checkout(remote),
      event,
      payload,
      timeoutMs: 120_000,
      inputs: { provider: 'claude', 'cli-path': CLAUDE_BIN, model: MODEL, 'model-prices': JSON.stringify({ [MODEL]: PRICE }), ...inputs },
      env: { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standIn.url, CLAUDE_CODE_MAX_RETRIES: '0', DISABLE_AUTOUPDATER: '1' },
    });
  return { standIn, remote, workspace, run };
}

function signals(remote: Remote, branch: string, folder: string): Json[] {
  return remoteFile(remote, branch, `${folder}/_signals.jsonl`).trim().split('\n').map((l) => JSON.parse(l) as Json);
}

describe('the model gateway with the real Claude Code CLI (dist/index.js)', () => {
  it('the key reaches only the stand-in; the agent holds a placeholder the API refuses; the relay survives bad requests; usage is metered; the budget stops the second request', async () => {
    let upstream = '';
    const script: AnthropicScript[] = [
      () => callTools({ name: 'Bash', input: { command: probeCommand(REAL_KEY, probeOptions(upstream), CONTINUE), description: 'probe' } }),
      // The first run's second request never reaches the stand-in: the resumed run's first does.
      () => callTools({ name: 'Bash', input: { command: 'echo resumed > resumed.txt', description: 'resume' } }),
      say('Done.'),
    ];
    const { standIn, remote, run } = await setUp(701, script);
    upstream = standIn.url;

    const first = await run('issues', labeledEvent(701), { 'max-cost-usd': '0.01' });

    // The stand-in saw the real key on the one request the relay let through, and the placeholder on the agent's own call.
    const messages = standIn.requests.filter((r) => r.url.startsWith('/v1/messages'));
    const relayed = messages.filter((r) => r.headers['x-api-key'] === REAL_KEY);
    expect(relayed.map((r) => r.answer)).toEqual(['reply']);
    // The agent's restricted network has no way to the stand-in but the relay: its direct call never arrived.
    const direct = messages.filter((r) => r.headers['x-api-key'] !== REAL_KEY);
    expect(direct).toEqual([]);

    // What the agent could see: the relay's address and the placeholder, never the key.
    const { branch, folder } = pushedSession(remote, 701);
    const probe = pushedProbe(remote, 701);
    // The relay listens on the host side of the agent's link, not on loopback.
    expect(probe.env.ANTHROPIC_BASE_URL).toMatch(/^http:\/\/(\d+\.){3}\d+:\d+$/);
    expect(probe.env.ANTHROPIC_BASE_URL).not.toMatch(/^http:\/\/127\./);
    expect(probe.env.ANTHROPIC_API_KEY).toMatch(/^samocode-gateway-[0-9a-f]{36}$/);
    expect(JSON.stringify(probe.env)).not.toContain(REAL_KEY);
    // What the agent writes is scrubbed of known secrets before it is committed: a scrubbed mark would hide the key.
    expect(JSON.stringify(probe)).not.toContain('***');
    expect(probe.hits).toEqual([]);
    expect(probe.direct).toMatch(/^error fetch failed/);
    // Bad requests at the relay: 4xx each, and it lived on (the budget refusal below came from it).
    expect(probe.garbage).toMatch(/^HTTP\/1\.1 400/);
    expect(probe.notJson).toBe(400);
    expect(probe.huge).toBe(413);
    expect(probe.noKey).toBe(401);

    // The usage recorded is the stand-in's, and its cost from the table; the CLI's own report kept beside it.
    const [entry] = signals(remote, branch, folder);
    expect(entry).toMatchObject({
      metered: true,
      usage: { inputTokens: 2_000, outputTokens: 100, cacheReadTokens: 3_000, cacheWriteTokens: 500 },
      cacheShare: Number((3_000 / 5_500).toFixed(4)),
    });
    expect(entry!.costUsd).toBeCloseTo(COST, 10);
    expect(entry!.reported).toBeDefined();

    // The budget ran out after the first request: the second never reached the stand-in, and the session blocked saying why.
    expect(first.outputs.status).toBe('blocked');
    expect(entry!.verdict).toBe('failed');
    expect(entry!.reason).toMatch(/^the budget of \$0\.01 is spent \(\$0\.0103 so far/);
    expect(first.summary).toContain('Model gateway');
    expect(first.summary).toMatch(/Metered this run:\*\* \$0\.0103 \(the cost of record\), 5500 in \(55% from the prompt cache\), 100 out/);
    const tracking = github.issues.get(701)!.comments.find((c) => c.body.includes('<!-- samocode:tracking'))!;
    expect(tracking.body).toContain("**Iteration 1:** $0.0103 metered by the model gateway · 5500 in (55% from the prompt cache), 100 out · the CLI's own report: $");
    const said = github.issues.get(701)!.comments.filter((c) => c.body.includes('the budget of $0.01 is spent'));
    expect(said).toHaveLength(1);
    expect(remoteFile(remote, branch, 'work.txt')).toContain('work done');

    // Raised, and resumed: the relay starts from the session's recorded spend, so a budget of $0.015 lets one more request through, not two.
    standIn.requests.length = 0;
    github.addComment(701, 'Codertocat', '/resume');
    const second = await run('issue_comment', commentEvent(701, '/resume', 'Codertocat', ['samocode', 'samocode:blocked']), { 'max-cost-usd': '0.015' });
    expect(standIn.requests.filter((r) => r.url.startsWith('/v1/messages')).map((r) => r.answer)).toEqual(['reply']);
    expect(second.outputs.status).toBe('blocked');
    const last = signals(remote, branch, folder).at(-1)!;
    expect(last.reason).toMatch(/^the budget of \$0\.015 is spent \(\$0\.0206 so far/);
    // Two metered iterations; the record keeps four places.
    expect(Number(second.outputs['cost-usd'])).toBeCloseTo(2 * COST, 3);
    expect(remoteFile(remote, branch, 'resumed.txt')).toBe('resumed\n');
  }, 240_000);

  it('the relay killed in the middle of a call: the iteration blocks saying so, and the work so far is pushed', async () => {
    let workspace = '';
    const script: AnthropicScript[] = [
      () => callTools({ name: 'Bash', input: { command: `echo 'first step' > step.txt`, description: 'work' } }),
      hang(),
    ];
    const set = await setUp(702, script);
    workspace = set.workspace;
    const killed: number[] = [];
    const poll = setInterval(() => {
      if (killed.length || set.standIn.requests.filter((r) => r.answer === 'hang').length === 0) return;
      const relay = relayOf(workspace);
      if (relay) {
        process.kill(relay, 'SIGKILL');
        killed.push(relay);
      }
    }, 100);
    cleanups.push(() => clearInterval(poll));
    const run = await set.run('issues', labeledEvent(702), {});
    expect(killed).toHaveLength(1);
    expect(run.outputs.status).toBe('blocked');
    const { branch, folder } = pushedSession(set.remote, 702);
    const [entry] = signals(set.remote, branch, folder);
    expect(entry!.reason).toMatch(/the model gateway's relay stopped \(killed by SIGKILL\), so the agent could reach no model/);
    expect(remoteFile(set.remote, branch, 'step.txt')).toBe('first step\n');
    // The first answer was metered before the relay died.
    expect(entry!.usage).toMatchObject({ inputTokens: 2_000, outputTokens: 100 });
    expect(github.issues.get(702)!.comments.some((c) => c.body.includes("relay stopped (killed by SIGKILL)"))).toBe(true);
  }, 120_000);
});

/** The relay process forked by the action that works in `workspace`. */
function relayOf(workspace: string): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (!argv.some((a) => a.endsWith('dist/relay.js'))) continue;
      const ppid = /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))![1];
      if (readlinkSync(`/proc/${ppid}/cwd`) === workspace) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}
