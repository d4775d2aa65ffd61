// The agent's only way out (DESIGN §6a "Network"): an HTTP proxy run by the
// orchestrator on the host side of the agent's network namespace. It takes
// CONNECT (TLS, any client) and absolute-form requests (plain HTTP), decides
// on the name before resolving it, resolves the name itself, refuses names
// that lead to loopback, private, link-local, metadata or this host's own
// addresses, and connects to the address it checked (never resolving again).
// Every refusal is counted by host and port.
import { promises as dns } from 'node:dns';
import http from 'node:http';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import { allowHint, blockedAddress, decideName, type EgressPolicy, type Refusal } from '../core/egress.js';

export interface EgressRefusal {
  host: string;
  port: number;
  refusal: Refusal;
  detail: string;
  /** The input line that would allow it, or what would instead. */
  allow: string;
  count: number;
}

export type Resolve = (name: string) => Promise<string[]>;

/**
 * How the proxy resolves names: the system's resolver, or, when
 * SAMOCODE_PROXY_DNS names a server (`ip` or `ip:port`), that server alone.
 * The variable is the orchestrator's, never the agent's: the tests point it at
 * their own DNS server, and a self-hosted runner may point it at an internal one.
 */
export function proxyResolver(env: NodeJS.ProcessEnv = process.env): Resolve {
  const server = env.SAMOCODE_PROXY_DNS?.trim();
  if (!server) {
    return async (name) => (await dns.lookup(name, { all: true, verbatim: true })).map((a) => a.address);
  }
  const resolver = new dns.Resolver({ timeout: 3_000, tries: 2 });
  resolver.setServers([server]);
  return async (name) => {
    const [v4, v6] = await Promise.all([resolver.resolve4(name).catch(() => []), resolver.resolve6(name).catch(() => [])]);
    if (!v4.length && !v6.length) throw new Error(`${name} did not resolve`);
    return [...v4, ...v6];
  };
}

/** Every address of this host, asked afresh (interfaces come and go while a run lasts). */
function ownAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));
}

export interface EgressProxyOptions {
  policy: EgressPolicy;
  /** The host-side address of the agent's namespace. */
  host: string;
  resolve?: Resolve;
  log: (line: string) => void;
}

const CONNECT_TIMEOUT_MS = 15_000;
/** Distinct hosts counted one by one; past this, the rest share one line (an agent may try endless names). */
const MAX_COUNTED = 200;

/** A host as the agent sent it, safe to show: printable ASCII without markup, cut short. */
function shown(host: string): string {
  return host.replace(/[^\x21-\x7e]/g, '?').replace(/[`<>|@\\*_[\]()!#]/g, '?').slice(0, 100) || '?';
}

export class EgressProxy {
  private readonly server: http.Server;
  private readonly resolve: Resolve;
  /** Refusals by `host:port`, since the proxy started. */
  private readonly refused = new Map<string, EgressRefusal>();
  private readonly taken = new Map<string, number>();
  private readonly sockets = new Set<Duplex>();
  port = 0;

  constructor(private readonly options: EgressProxyOptions) {
    this.resolve = options.resolve ?? proxyResolver();
    this.server = http.createServer((req, res) => void this.forward(req, res));
    this.server.on('connect', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void this.tunnel(req, socket, head));
    this.server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server.on('clientError', (_error, socket) => socket.destroy());
  }

  async start(): Promise<number> {
    await new Promise<void>((done, fail) => {
      this.server.once('error', fail);
      this.server.listen({ host: this.options.host, port: 0 }, () => done());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Every refusal so far. */
  refusals(): EgressRefusal[] {
    return [...this.refused.values()].map((r) => ({ ...r }));
  }

  /** The refusals since the last call (one agent call's), counted by host and port. */
  takeRefusals(): EgressRefusal[] {
    const fresh: EgressRefusal[] = [];
    for (const [key, refusal] of this.refused) {
      const before = this.taken.get(key) ?? 0;
      if (refusal.count > before) fresh.push({ ...refusal, count: refusal.count - before });
      this.taken.set(key, refusal.count);
    }
    return fresh;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  private refuse(rawHost: string, port: number, refusal: Refusal, detail: string): string {
    const host = shown(rawHost);
    let key = `${host}:${port}`;
    if (!this.refused.has(key) && this.refused.size >= MAX_COUNTED) key = '(other names):0';
    const known = this.refused.get(key);
    if (known) known.count += 1;
    else if (key.startsWith('(other')) this.refused.set(key, { host: '(other names)', port: 0, refusal, detail: 'more names than are counted one by one', allow: 'see the job log', count: 1 });
    else this.refused.set(key, { host, port, refusal, detail, allow: allowHint(host, port, refusal), count: 1 });
    const line = `refused ${key}: ${detail}`;
    this.options.log(`agent network: ${line}`);
    return line;
  }

  /** The checked addresses of an allowed name, or the reason it is refused (already counted). */
  private async admit(rawHost: string, port: number): Promise<{ addresses: string[] } | { refused: string }> {
    const host = rawHost.toLowerCase().slice(0, 255);
    const decision = decideName(this.options.policy, host, port);
    if (!decision.allowed) return { refused: this.refuse(host, port, decision.refusal, decision.detail) };
    let addresses: string[];
    try {
      addresses = await this.resolve(host.replace(/\.$/, ''));
    } catch (error) {
      return { refused: this.refuse(host, port, 'unresolved', `did not resolve: ${(error as Error).message}`) };
    }
    const own = ownAddresses();
    // One bad address refuses the name: a resolver that mixes a public address with an internal one is not trusted.
    for (const address of addresses) {
      const why = blockedAddress(address, own);
      if (why) return { refused: this.refuse(host, port, 'address', `resolves to ${why}`) };
    }
    if (!addresses.length) return { refused: this.refuse(host, port, 'unresolved', 'resolved to no address') };
    return { addresses };
  }

  /** Tries the checked addresses in turn. */
  private connect(addresses: string[], port: number): Promise<net.Socket> {
    return new Promise((done, fail) => {
      const attempt = (i: number, lastError?: Error) => {
        if (i >= addresses.length) return fail(lastError ?? new Error('no address'));
        const socket = net.connect({ host: addresses[i]!, port, timeout: CONNECT_TIMEOUT_MS });
        const onError = (error: Error) => {
          socket.destroy();
          attempt(i + 1, error);
        };
        socket.once('error', onError);
        socket.once('timeout', () => onError(new Error('connect timed out')));
        socket.once('connect', () => {
          socket.off('error', onError);
          socket.setTimeout(0);
          done(socket);
        });
      };
      attempt(0);
    });
  }

  private async tunnel(req: http.IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    client.on('error', () => client.destroy());
    this.sockets.add(client);
    client.once('close', () => this.sockets.delete(client));
    const target = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(req.url ?? '');
    if (!target) {
      this.refuse(String(req.url).slice(0, 100), 0, 'malformed', 'CONNECT without host:port');
      return void client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    }
    const port = Number(target[2]);
    const admitted = await this.admit(target[1]!, port);
    if ('refused' in admitted) return void client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nsamocode: ${admitted.refused}\n`);
    let upstream: net.Socket;
    try {
      upstream = await this.connect(admitted.addresses, port);
    } catch (error) {
      return void client.end(`HTTP/1.1 502 Bad Gateway\r\n\r\nsamocode: ${(error as Error).message}\n`);
    }
    // The agent may have given up while the name was resolved and the connection made.
    if (client.destroyed) return void upstream.destroy();
    this.sockets.add(upstream);
    upstream.once('close', () => this.sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) upstream.write(head);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  }

  private async forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('samocode: this is a proxy; send absolute-form requests or CONNECT\n');
      return;
    }
    if (url.protocol !== 'http:') {
      this.refuse(url.hostname, Number(url.port) || 0, 'malformed', `scheme ${url.protocol} in an absolute-form request`);
      res.writeHead(400, { 'content-type': 'text/plain' }).end('samocode: only http:// in absolute form; use CONNECT for https\n');
      return;
    }
    const port = Number(url.port) || 80;
    const admitted = await this.admit(url.hostname, port);
    if ('refused' in admitted) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`samocode: ${admitted.refused}\n`);
      return;
    }
    const headers = { ...req.headers };
    for (const name of Object.keys(headers)) if (name.startsWith('proxy-')) delete headers[name];
    headers.host = url.host;
    let upstreamSocket: net.Socket;
    try {
      upstreamSocket = await this.connect(admitted.addresses, port);
    } catch (error) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`samocode: ${(error as Error).message}\n`);
      return;
    }
    const upstream = http.request({ createConnection: () => upstreamSocket, method: req.method, path: `${url.pathname}${url.search}`, headers, setHost: false });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`samocode: ${error.message}\n`);
    });
    req.pipe(upstream);
  }
}
