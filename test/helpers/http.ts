// What the loopback stand-ins share: listening on loopback, reading a request body.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Listens on 127.0.0.1 at a free port; resolves with the base URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The request body, parsed as JSON when it is JSON, else the text (undefined when empty). */
export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * A stand-in's server on loopback that keeps its open connections: a test sees
 * a hung request's, and `close` ends them all. A subclass answers in `handle`.
 */
export abstract class LoopbackStandIn {
  url = '';
  protected server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  /** Connections still open: a hung request's stays open until the client goes away. */
  get openConnections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  protected async listen(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    this.server = server;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      // A CLI killed mid-request resets its connection: expected, not the stand-in's failure.
      socket.on('error', () => socket.destroy());
    });
    this.prepare(server);
    this.url = await listenOnLoopback(server);
  }

  /** More listeners on the server before it listens (e.g. `upgrade`). */
  protected prepare(_server: Server): void {}

  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}
