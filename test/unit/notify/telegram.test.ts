import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramNotifier } from '../../../src/notify/telegram.js';

const received: { path: string; body: Record<string, unknown> }[] = [];
let status = 200;
const server = createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    received.push({ path: req.url ?? '', body: JSON.parse(raw) });
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('telegram notifications', () => {
  it('sends the event to the chat', async () => {
    const notifier = new TelegramNotifier({ token: '123:abc', chatId: '42', apiUrl: url });
    expect(await notifier.notify('waiting', 'answer the questions in _qa.md')).toBe(true);
    expect(received.at(-1)).toEqual({
      path: '/bot123:abc/sendMessage',
      body: { chat_id: '42', text: '⏸ samocode waiting: answer the questions in _qa.md', disable_web_page_preview: true },
    });
  });

  it('is off without a token and chat id', async () => {
    const before = received.length;
    expect(await new TelegramNotifier({ token: '123:abc' }).notify('done', 'x')).toBe(false);
    expect(received.length).toBe(before);
  });

  it('never throws: an HTTP error or a dead network is a warning', async () => {
    const warnings: string[] = [];
    status = 500;
    expect(await new TelegramNotifier({ token: 't', chatId: 'c', apiUrl: url }, (w) => warnings.push(w)).notify('blocked', 'x')).toBe(false);
    status = 200;
    expect(await new TelegramNotifier({ token: 't', chatId: 'c', apiUrl: 'http://127.0.0.1:9' }, (w) => warnings.push(w)).notify('error', 'x')).toBe(false);
    expect(warnings[0]).toBe('telegram notification failed: HTTP 500');
    expect(warnings[1]).toMatch(/^telegram notification failed: /);
  });
});
