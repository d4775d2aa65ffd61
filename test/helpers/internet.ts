// A stand-in for the internet, made for one test: a network namespace of its
// own behind a veth pair to the host, with documentation addresses (IPv4
// 203.0.113.0/24 or 198.51.100.0/24, IPv6 2001:db8::/32), a listener on
// ports 80, 443 and 8443 that records every connection and what it was sent,
// and a DNS server that records every query and answers from the test's table.
// Names (namespace, links) carry the test process's pid: other test runs
// share this machine.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Connection {
  port: number;
  from: string;
  data: string;
}

export interface Internet {
  name: string;
  v4: string;
  v6: string;
  /** `ip:53`, for SAMOCODE_PROXY_DNS. */
  dns: string;
  connections(): Connection[];
  /** Every name asked for, in order. */
  queries(): string[];
  stop(): void;
}

const SERVER = String.raw`
const net = require('node:net');
const dgram = require('node:dgram');
const fs = require('node:fs');
const [log, qlog, table] = process.argv.slice(2);
const answers = JSON.parse(fs.readFileSync(table, 'utf8'));
for (const port of [80, 443, 8443]) {
  net.createServer((socket) => {
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      fs.appendFileSync(log, JSON.stringify({ port, from: socket.remoteAddress, data: data.slice(0, 4000) }) + '\n');
      if (/^[A-Z]+ \S+ HTTP\/1\.[01]\r\n/.test(data) && data.includes('\r\n\r\n')) socket.end('HTTP/1.1 200 OK\r\ncontent-length: 11\r\nconnection: close\r\n\r\ninternet-ok');
      else socket.write('internet-ok\n');
    });
    socket.on('error', () => {});
  }).listen({ host: '::', port, ipv6Only: false });
}
function name(msg, at) {
  const labels = [];
  while (msg[at]) { labels.push(msg.slice(at + 1, at + 1 + msg[at]).toString('latin1')); at += msg[at] + 1; }
  return [labels.join('.'), at + 1];
}
function answer(msg) {
  const [qname, end] = name(msg, 12);
  const type = msg.readUInt16BE(end);
  fs.appendFileSync(qlog, qname + '\n');
  const want = type === 28 ? 'v6' : 'v4';
  const entry = answers[qname.toLowerCase()];
  const address = entry && entry[want];
  const header = Buffer.from(msg.slice(0, 12));
  header.writeUInt16BE(0x8180 | (entry ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(address ? 1 : 0, 6);
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(0, 10);
  const question = msg.slice(12, end + 4);
  if (!address) return Buffer.concat([header, question]);
  const rdata = type === 28 ? Buffer.from(require('node:net').isIPv6(address) ? expand6(address) : []) : Buffer.from(address.split('.').map(Number));
  const rr = Buffer.alloc(12);
  rr.writeUInt16BE(0xc00c, 0); rr.writeUInt16BE(type, 2); rr.writeUInt16BE(1, 4); rr.writeUInt32BE(5, 6); rr.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([header, question, rr, rdata]);
}
function expand6(address) {
  const [head, tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => { const n = parseInt(g, 16); return [n >> 8, n & 255]; });
}
const udp = dgram.createSocket({ type: 'udp6', ipv6Only: false });
udp.on('message', (msg, rinfo) => { try { udp.send(answer(msg), rinfo.port, rinfo.address); } catch {} });
udp.bind(53, '::');
net.createServer((socket) => {
  socket.once('data', (chunk) => { try { const reply = answer(chunk.slice(2)); const len = Buffer.alloc(2); len.writeUInt16BE(reply.length); socket.end(Buffer.concat([len, reply])); } catch { socket.destroy(); } });
  socket.on('error', () => {});
}).listen({ host: '::', port: 53, ipv6Only: false });
setTimeout(() => fs.writeFileSync(log + '.ready', ''), 200);
`;

const sh = (command: string, args: string[]) => execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
let made = 0;

/** The first free /30 of the documentation ranges (another test may hold one). */
function freeBlock(): { host: string; inside: string; index: number } {
  const taken = sh('ip', ['-4', '-o', 'addr', 'show']);
  for (let i = 0; i < 128; i++) {
    const index = (process.pid + made * 7 + i) % 128;
    const net = index < 64 ? '203.0.113' : '198.51.100';
    const base = (index % 64) * 4;
    const host = `${net}.${base + 1}`;
    if (!taken.includes(` ${host}/`)) return { host, inside: `${net}.${base + 2}`, index };
  }
  throw new Error('no free test block');
}

type Answers = Record<string, { v4?: string; v6?: string }>;

/** `answers`: name → addresses the DNS server gives (an absent name gets NXDOMAIN), from the internet's own addresses. */
export async function startInternet(answers: (self: { v4: string; v6: string }) => Answers): Promise<Internet> {
  made += 1;
  const id = `${process.pid % 100000}${made}`;
  const name = `sctest-net-${id}`;
  const hostIf = `sti${id}h`.slice(0, 15);
  const insideIf = `sti${id}i`.slice(0, 15);
  const block = freeBlock();
  const v6net = `2001:db8:${(block.index + 1).toString(16)}:${(process.pid % 65536).toString(16)}`;
  const dir = mkdtempSync(join(tmpdir(), 'samocode-internet-'));
  chmodSync(dir, 0o700);
  const log = join(dir, 'connections.jsonl');
  const qlog = join(dir, 'queries.log');
  const table = join(dir, 'answers.json');
  writeFileSync(log, '');
  writeFileSync(qlog, '');
  writeFileSync(table, JSON.stringify(answers({ v4: block.inside, v6: `${v6net}::2` })));
  writeFileSync(join(dir, 'server.cjs'), SERVER);
  sh('ip', ['netns', 'add', name]);
  let server: ChildProcess | undefined;
  const stop = () => {
    server?.kill('SIGKILL');
    try {
      sh('ip', ['netns', 'delete', name]);
    } catch {}
    try {
      sh('ip', ['link', 'delete', hostIf]);
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    sh('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', insideIf, 'netns', name]);
    sh('ip', ['addr', 'add', `${block.host}/30`, 'dev', hostIf]);
    sh('ip', ['-6', 'addr', 'add', `${v6net}::1/64`, 'dev', hostIf, 'nodad']);
    sh('ip', ['link', 'set', hostIf, 'up']);
    const inside = (...args: string[]) => sh('ip', ['-n', name, ...args]);
    inside('link', 'set', 'lo', 'up');
    inside('addr', 'add', `${block.inside}/30`, 'dev', insideIf);
    inside('-6', 'addr', 'add', `${v6net}::2/64`, 'dev', insideIf, 'nodad');
    inside('link', 'set', insideIf, 'up');
    inside('route', 'add', 'default', 'via', block.host);
    server = spawn('ip', ['netns', 'exec', name, process.execPath, join(dir, 'server.cjs'), log, qlog, table], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!existsSync(`${log}.ready`)) {
      if (Date.now() > deadline) throw new Error('the test internet did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (error) {
    stop();
    throw error;
  }
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  return {
    name,
    v4: block.inside,
    v6: `${v6net}::2`,
    dns: `${block.inside}:53`,
    connections: () => read(log).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Connection),
    queries: () => read(qlog).split('\n').filter(Boolean),
    stop,
  };
}
