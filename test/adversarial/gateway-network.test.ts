// The model gateway inside the agent's network, through the built action: a
// fake claude, run as the agent user (agent-user auto; the tests run as root)
// in its restricted network, calls its model through the relay (answered and
// metered), then tries the model another way: a CONNECT to the model's host
// through the allow-list proxy (refused: the relay holds the key, so the
// model's hosts are not on the list) and straight to the upstream (a loopback
// stand-in the relay on the host reaches, the agent's namespace cannot).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AnthropicStandIn, say } from '../helpers/anthropic-stand-in.js';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { writeFakeCli } from '../helpers/fake-cli.js';
import { checkout, labeledEvent, makeRemote, remoteBranches, remoteFile, runBuiltAction } from '../helpers/runner.js';

const REAL_KEY = 'sk-ant-api03-GatewayNetworkKey-0123456789';
const github = useFakeGitHub({ Codertocat: 'admin' });

const PROBE = String.raw`
const net = require('node:net');
const http = require('node:http');
const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
const limit = (p, ms = 4000) => Promise.race([p, new Promise((r) => setTimeout(() => r('timeout'), ms))]);
const post = (url) => limit(new Promise((done) => {
  const u = new URL(url);
  const req = http.request({ host: u.hostname, port: u.port, method: 'POST', path: '/v1/messages', headers: { 'content-type': 'application/json', 'x-api-key': process.env.ANTHROPIC_API_KEY, 'anthropic-version': '2023-06-01' } }, (res) => { res.resume(); res.on('end', () => done(res.statusCode)); });
  req.on('error', (e) => done('error:' + e.code));
  req.end(JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }));
}));
const connectVia = (target) => limit(new Promise((resolve) => {
  if (!process.env.HTTPS_PROXY) return resolve('no proxy');
  const p = new URL(process.env.HTTPS_PROXY);
  const s = net.connect({ host: p.hostname, port: Number(p.port) });
  let got = '';
  s.on('connect', () => s.write('CONNECT ' + target + ' HTTP/1.1\r\nHost: ' + target + '\r\n\r\n'));
  s.on('data', (d) => { got += d; if (got.includes('\r\n\r\n')) { s.destroy(); resolve('status:' + got.split(' ')[1]); } });
  s.on('error', (e) => resolve('error:' + e.code));
}));
(async () => {
  const out = {
    base: process.env.ANTHROPIC_BASE_URL,
    relay: await post(process.env.ANTHROPIC_BASE_URL),
    connect: await connectVia('api.anthropic.com:443'),
    upstream: await post(cfg.upstream),
  };
  fs.writeFileSync(path.join(dir, 'result.json'), JSON.stringify(out));
  fs.writeFileSync(path.join(process.env.SAMOCODE_SESSION_PATH, '_overview.md'), '# Probe\n');
  signal({ status: 'blocked', reason: 'probed the model' });
  emit({ type: 'result', subtype: 'success', is_error: false, total_cost_usd: 0.5, num_turns: 1, usage: { input_tokens: 1, output_tokens: 1 } });
})();
`;

async function probe(issue: number, network: string) {
  const standIn = await AnthropicStandIn.start([say('one'), say('two')], { apiKey: REAL_KEY });
  try {
    github.addIssue({ number: issue, title: `Gateway network ${issue}`, body: 'Use the model.', labels: ['samocode'] });
    const cli = await writeFakeCli('claude', PROBE);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${cli.dir}/config.json`, JSON.stringify({ upstream: standIn.url }), { mode: 0o644 });
    const remote = makeRemote();
    const run = await runBuiltAction({
      apiUrl: github.url,
      snapshotFrom: github,
      workspace: checkout(remote),
      event: 'issues',
      payload: labeledEvent(issue),
      inputs: { provider: 'claude', 'cli-path': cli.path, 'agent-user': 'auto', 'agent-network': network },
      env: { ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: standIn.url },
    });
    const result = JSON.parse(readFileSync(`${cli.dir}/result.json`, 'utf8')) as Record<string, unknown>;
    return { run, result, remote, requests: standIn.requests.filter((r) => r.url.startsWith('/v1/messages')) };
  } finally {
    await standIn.close();
  }
}

function firstEntry(remote: ReturnType<typeof makeRemote>, issue: number) {
  const branch = remoteBranches(remote).find((b) => b.startsWith(`samocode/${issue}-`))!;
  const name = remoteFile(remote, branch, '.samocode/sessions/').split('\n').find((l) => /^[^ ]+\/$/.test(l))!.replace(/\/$/, '');
  return JSON.parse(remoteFile(remote, branch, `.samocode/sessions/${name}/_signals.jsonl`).trim().split('\n')[0]!) as Record<string, unknown>;
}

describe('the model gateway in the agent network (dist/index.js)', () => {
  it('restricted: the agent reaches its model only through the relay, which meters the call; the model host through the proxy and the upstream itself are refused', async () => {
    const { run, result, remote, requests } = await probe(831, 'restricted');
    // The relay is on the host side of the agent's link, and its one call went through with the real key.
    expect(String(result.base)).toMatch(/^http:\/\/(\d+\.){3}\d+:\d+$/);
    expect(String(result.base)).not.toMatch(/^http:\/\/127\./);
    expect(result.relay).toBe(200);
    expect(requests.map((r) => r.headers['x-api-key'])).toEqual([REAL_KEY]);
    // The other ways to the model: refused by the proxy's list, and no route to the loopback upstream.
    expect(result.connect).toBe('status:403');
    expect(String(result.upstream)).toMatch(/^error:/);
    // Metered: the cost of record is the relay's (the stand-in's default usage at sonnet prices), not the $0.50 the agent claimed.
    expect(run.outputs['cost-usd']).toBe(((1_000 * 3 + 50 * 15) / 1e6).toFixed(4));
    const entry = firstEntry(remote, 831);
    expect(entry).toMatchObject({ metered: true, costUsd: (1_000 * 3 + 50 * 15) / 1e6 });
    expect(entry.refused).toEqual(expect.arrayContaining([expect.objectContaining({ host: 'api.anthropic.com', port: 443 })]));
    expect(run.summary).toMatch(/\*\*Agent network:\*\* restricted: .*the model only through the gateway's relay at (\d+\.){3}\d+:\d+/);
    expect(run.summary).toContain('`api.anthropic.com:443`');
    expect(run.summary).toContain('**Metered this run:**');
  }, 120_000);

  it('none: the relay is out of the agent’s reach, and the run says so', async () => {
    const { run, result, requests } = await probe(832, 'none');
    expect(String(result.relay)).toMatch(/^error:/);
    expect(requests).toEqual([]);
    expect(run.summary).toContain('the model too is out of reach: the relay is on the host');
    expect(run.stdout).toContain("agent-network: none: the agent cannot reach the model gateway's relay");
  }, 120_000);
});
