// The relay: an HTTP server of the orchestrator between the agent's CLI and
// the model's API. It takes only requests that carry this run's placeholder
// key, puts the real credential in their place, forwards them to the
// upstream and streams the answer back as it comes, reading a copy of it
// for the usage. Once the session's spend reaches max-cost-usd it refuses
// the next model call. A bad request gets a 4xx; nothing ends the server.
import { timingSafeEqual } from 'node:crypto';
import { request as httpRequest, createServer, type IncomingMessage, type Server, type ServerResponse, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import { budgetSpent } from '../core/budget.js';
import type { TokenUsage } from '../core/ports.js';
import { costOf, priceOf, type PriceTable } from '../core/prices.js';
import type { ErrorStyle, GitHubRoute, UpstreamAuth } from './engines.js';
import { protocolOf, relayable, requestedModel, UsageMeter, type Protocol } from './meter.js';
import { SseReader } from './sse.js';

/** Bigger than any request a CLI sends (a long conversation with images is a few MB); a bigger one is refused, not read. */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
/** A whole (not streamed) answer is kept up to this size to read its usage. */
const MAX_METERED_BODY = 16 * 1024 * 1024;

export interface RelayConfig {
  upstream: string;
  auth: UpstreamAuth;
  /** This run's placeholder key: a request without it is not the agent's and is refused. */
  placeholder: string;
  /** What the CLI puts before the API's paths (`/v1` for Codex's base URL). */
  agentPrefix: string;
  errorStyle: ErrorStyle;
  prices: PriceTable;
  maxCostUsd?: number;
  /** The session's spend before this run, from its own record. */
  spentUsd: number;
  host: string;
  port: number;
  maxRequestBytes?: number;
  /** A GitHub API the relay also stands for (Copilot's sign-in). */
  github?: GitHubRoute;
  /** The calls have no dollar price: tokens are metered, no cost, and no budget is held. */
  unpriced?: boolean;
}

/** One model call as the relay saw it. */
export interface MeteredCall {
  path: string;
  status: number;
  model?: string;
  usage?: TokenUsage;
  /** Undefined when the model has no price in the table. */
  costUsd?: number;
}

export interface RelayEvents {
  metered(call: MeteredCall): void;
  refused(reason: string): void;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
/** Never forwarded from the agent: where it says to go, and what it says it is. */
const FROM_AGENT = new Set(['host', 'content-length', 'authorization', 'x-api-key', 'x-goog-api-key', 'accept-encoding', 'forwarded', 'x-forwarded-for', 'x-forwarded-host']);

export class RelayServer {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private spent: number;
  private inFlight = 0;
  private idle: (() => void)[] = [];
  private upstream: URL;

  constructor(
    private readonly config: RelayConfig,
    private readonly events: RelayEvents,
  ) {
    this.spent = config.spentUsd;
    this.upstream = new URL(config.upstream);
  }

  get spentUsd(): number {
    return this.spent;
  }

  async listen(): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      this.inFlight++;
      let counted = true;
      const done = () => {
        if (!counted) return;
        counted = false;
        this.inFlight--;
        if (this.inFlight === 0) for (const wake of this.idle.splice(0)) wake();
      };
      res.once('close', done);
      this.handle(req, res).catch((error: Error) => {
        if (!res.headersSent) this.fail(res, 500, 'api_error', `samocode model gateway: ${error.message}`);
        else res.destroy();
      });
    });
    // A request that is not HTTP, or whose headers are too big: 400 (431), and the server goes on.
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      if (!socket.writable) return socket.destroy();
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.headersTimeout = 30_000;
    server.requestTimeout = 0; // a model call may stream for many minutes
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.port, this.config.host, () => resolve());
    });
    return server.address() as AddressInfo;
  }

  /** Resolves once no call is in flight, or after `maxMs`. */
  settled(maxMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://relay');
    // The body is read first, whatever the answer: a client still sending could not read an answer given earlier.
    const body = await this.readBody(req);
    if (body === 'aborted') return;
    const github = this.config.github;
    // Nothing is forwarded, so no key is asked for: the CLI sends its telemetry without one.
    if (github?.dropPrefix && (url.pathname === github.dropPrefix || url.pathname.startsWith(`${github.dropPrefix}/`))) {
      res.writeHead(204);
      return void res.end();
    }
    if (!this.fromAgent(req, url)) return this.fail(res, 401, 'authentication_error', 'samocode model gateway: this request does not carry the key the gateway gave the agent');
    const bare = url.pathname.replace(/\/+$/, '');
    if (github?.paths.includes(bare)) {
      if (method !== 'GET') return this.fail(res, 405, 'invalid_request_error', `samocode model gateway: only GET ${bare} is relayed to the GitHub API`);
      return this.forwardToGitHub(req, res, github, bare + url.search);
    }
    const path = this.apiPath(url.pathname);
    if (path === null || !relayable(method, path)) {
      return this.fail(res, 404, 'not_found_error', `samocode model gateway: ${method} ${url.pathname} is not a model call the gateway relays`);
    }
    if (body === 'too big') {
      return this.fail(res, 413, 'request_too_large', `samocode model gateway: the request is over ${Math.round((this.config.maxRequestBytes ?? MAX_REQUEST_BYTES) / 1048576)} MB`);
    }
    const protocol = method === 'POST' ? protocolOf(path) : null;
    let parsed: unknown;
    if (method === 'POST') {
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return this.fail(res, 400, 'invalid_request_error', 'samocode model gateway: the request body is not JSON');
      }
    }
    const model = protocol ? requestedModel(path, parsed) : undefined;
    if (protocol) {
      const refusal = this.budgetRefusal(model);
      if (refusal) {
        this.events.refused(refusal);
        return this.fail(res, 403, 'permission_error', `samocode model gateway: ${refusal}`);
      }
    }
    url.searchParams.delete('key');
    this.forward(req, res, method, path + (url.search === '?' ? '' : url.search), body, protocol, model);
  }

  /** The placeholder in any of the places a CLI puts its key. */
  private fromAgent(req: IncomingMessage, url: URL): boolean {
    const given = [
      req.headers['x-api-key'],
      req.headers['x-goog-api-key'],
      /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1],
      url.searchParams.get('key') ?? undefined,
    ];
    const expected = Buffer.from(this.config.placeholder);
    return given.some((value) => {
      if (typeof value !== 'string') return false;
      const got = Buffer.from(value.trim());
      return got.length === expected.length && timingSafeEqual(got, expected);
    });
  }

  /** The path after the CLI's prefix; null when the prefix is missing. */
  private apiPath(pathname: string): string | null {
    const prefix = this.config.agentPrefix;
    if (!prefix) return pathname;
    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) return pathname.slice(prefix.length) || '/';
    return null;
  }

  private budgetRefusal(model: string | undefined): string | null {
    const max = this.config.maxCostUsd;
    if (max === undefined || this.config.unpriced) return null;
    if (this.spent >= max) return budgetSpent(max, this.spent);
    if (!model || !priceOf(this.config.prices, model)) {
      return `the model ${model ? `"${model}"` : 'of this request'} has no price in the gateway's table, so max-cost-usd cannot be held; add it with the model-prices input`;
    }
    return null;
  }

  /**
   * The body, up to the limit; past it the rest is read and dropped, so that
   * the answer (413) reaches a client that is still sending. A body past
   * eight times the limit is not worth waiting for: the connection is cut.
   */
  private readBody(req: IncomingMessage): Promise<Buffer | 'too big' | 'aborted'> {
    const max = this.config.maxRequestBytes ?? MAX_REQUEST_BYTES;
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= max) chunks.push(chunk);
        else if (size > 8 * max) {
          req.socket.destroy();
          resolve('aborted');
        } else chunks.length = 0;
      });
      req.once('end', () => resolve(size > max ? 'too big' : Buffer.concat(chunks)));
      req.once('error', () => resolve('aborted'));
      req.once('close', () => resolve('aborted'));
    });
  }

  private forward(req: IncomingMessage, res: ServerResponse, method: string, path: string, body: Buffer, protocol: Protocol | null, model: string | undefined): void {
    const base = this.upstream.pathname.replace(/\/+$/, '');
    const target = new URL(`${base}${path}`, this.upstream);
    const headers = this.upstreamHeaders(req.headers, body.length);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const meter = protocol ? new UsageMeter(protocol, model) : null;
    let finished = false;
    const finish = (status: number) => {
      if (finished || !meter) return;
      finished = true;
      this.record(path, status, meter);
    };
    const upstream = send(target, { method, headers }, (answer) => {
      const status = answer.statusCode ?? 502;
      res.writeHead(status, answer.statusMessage ?? '', passedHeaders(answer.headers));
      const copy = meter ? meterCopy(answer.headers, meter) : null;
      answer.on('data', (chunk: Buffer) => {
        copy?.push(chunk);
        if (!res.write(chunk)) {
          answer.pause();
          res.once('drain', () => answer.resume());
        }
      });
      answer.on('end', () => {
        copy?.end();
        res.end();
        finish(status);
      });
      answer.on('error', () => {
        copy?.end();
        res.destroy();
        finish(status);
      });
      // The CLI went away mid-answer (killed, timed out): stop the upstream call, count what came.
      res.on('close', () => {
        if (res.writableFinished) return;
        answer.destroy();
        copy?.end();
        finish(status);
      });
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (!res.headersSent) this.fail(res, 502, 'api_error', `samocode model gateway: the upstream ${target.host} cannot be reached: ${error.code ?? error.message}`);
      else res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end(body);
  }

  /**
   * One of the GitHub API's allow-listed paths, with the credential. The
   * sign-in answer names the model API: the relay goes there from then on,
   * and the agent reads the relay's own address in its place.
   */
  private forwardToGitHub(req: IncomingMessage, res: ServerResponse, github: GitHubRoute, path: string): void {
    const api = new URL(github.upstream);
    const target = new URL(`${api.pathname.replace(/\/+$/, '')}${path}`, api);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const discovery = github.discoveryPath !== undefined && path.split('?')[0] === github.discoveryPath;
    const upstream = send(target, { method: 'GET', headers: this.upstreamHeaders(req.headers, 0) }, (answer) => {
      const status = answer.statusCode ?? 502;
      if (!discovery || status !== 200) {
        res.writeHead(status, answer.statusMessage ?? '', passedHeaders(answer.headers));
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('error', () => res.destroy());
      answer.on('end', () => {
        const text = this.discovered(Buffer.concat(chunks).toString('utf8'), `http://${req.headers.host ?? `${this.config.host}:${this.config.port}`}`);
        const headers = passedHeaders(answer.headers);
        delete headers['content-length'];
        delete headers['content-encoding'];
        res.writeHead(status, answer.statusMessage ?? '', { ...headers, 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (!res.headersSent) this.fail(res, 502, 'api_error', `samocode model gateway: the GitHub API ${target.host} cannot be reached: ${error.code ?? error.message}`);
      else res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end();
  }

  /** The sign-in answer with the relay in place of its endpoints; the model API it names becomes the upstream. */
  private discovered(text: string, relay: string): string {
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return text;
    }
    const endpoints = answer.endpoints;
    if (!endpoints || typeof endpoints !== 'object' || Array.isArray(endpoints)) return text;
    const named = (endpoints as Record<string, unknown>).api;
    if (typeof named === 'string') {
      try {
        const api = new URL(named);
        if (api.protocol === 'https:' || api.protocol === 'http:') this.upstream = api;
      } catch {
        // not a URL: the upstream stays the default
      }
    }
    const rewritten: Record<string, unknown> = { ...(endpoints as Record<string, unknown>), api: relay };
    if ('telemetry' in rewritten) rewritten.telemetry = relay;
    return JSON.stringify({ ...answer, endpoints: rewritten });
  }

  private upstreamHeaders(incoming: IncomingHttpHeaders, length: number): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(incoming)) {
      if (value === undefined || HOP_BY_HOP.has(name) || FROM_AGENT.has(name)) continue;
      headers[name] = value;
    }
    for (const [name, value] of Object.entries(this.config.auth.append ?? {})) {
      const had = headers[name];
      headers[name] = had ? `${String(had)},${value}` : value;
    }
    Object.assign(headers, this.config.auth.headers);
    // The answer is read as it passes: uncompressed, so the meter needs no second decoder in the common case.
    headers['accept-encoding'] = 'identity';
    headers['content-length'] = String(length);
    return headers;
  }

  private record(path: string, status: number, meter: UsageMeter): void {
    const { model, usage } = meter.result();
    const price = model ? priceOf(this.config.prices, model) : undefined;
    const costUsd = usage && price && !this.config.unpriced ? costOf(price, usage) : undefined;
    if (costUsd !== undefined) this.spent += costUsd;
    this.events.metered({ path, status, ...(model ? { model } : {}), ...(usage ? { usage } : {}), ...(costUsd !== undefined ? { costUsd } : {}) });
  }

  private fail(res: ServerResponse, status: number, type: string, message: string): void {
    const body = errorBody(this.config.errorStyle, status, type, message);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }
}

/** The error as the engine's own API words it, so the CLI shows the message. */
export function errorBody(style: ErrorStyle, status: number, type: string, message: string): string {
  switch (style) {
    case 'anthropic':
      return JSON.stringify({ type: 'error', error: { type, message } });
    case 'openai':
      return JSON.stringify({ error: { message, type, code: type, param: null } });
    case 'gemini':
      return JSON.stringify({ error: { code: status, message, status: type.toUpperCase() } });
  }
}

function passedHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

interface Copy {
  push(chunk: Buffer): void;
  end(): void;
}

/** A reader of the answer's copy: SSE event by event, or the whole JSON body; decompressed when the upstream compressed it anyway. */
function meterCopy(headers: IncomingHttpHeaders, meter: UsageMeter): Copy {
  const parse = (text: string) => {
    if (text === '[DONE]') return;
    try {
      meter.read(JSON.parse(text));
    } catch {
      // not JSON: nothing to meter in it
    }
  };
  let sink: Copy;
  if (String(headers['content-type'] ?? '').includes('text/event-stream')) {
    const sse = new SseReader(parse);
    sink = { push: (c) => sse.push(c), end: () => sse.end() };
  } else {
    const chunks: Buffer[] = [];
    let size = 0;
    sink = {
      push: (c) => {
        size += c.length;
        if (size <= MAX_METERED_BODY) chunks.push(c);
      },
      end: () => {
        if (size <= MAX_METERED_BODY) parse(Buffer.concat(chunks).toString('utf8'));
      },
    };
  }
  const decoder = decoderFor(String(headers['content-encoding'] ?? ''));
  if (!decoder) {
    let ended = false;
    return { push: (c) => !ended && sink.push(c), end: () => !ended && ((ended = true), sink.end()) };
  }
  let ended = false;
  decoder.on('data', (c: Buffer) => sink.push(c));
  decoder.on('end', () => sink.end());
  decoder.on('error', () => sink.end());
  return { push: (c) => !ended && decoder.write(c), end: () => !ended && ((ended = true), decoder.end()) };
}

function decoderFor(encoding: string): Transform | null {
  if (encoding === 'gzip') return createGunzip();
  if (encoding === 'deflate') return createInflate();
  if (encoding === 'br') return createBrotliDecompress();
  return null;
}
