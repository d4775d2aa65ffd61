// Terminal mode tells Telegram when a session waits, blocks or is done,
// against a loopback stand-in; a dead Telegram is only a warning.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/fake-github.js';
import { CLI, makeProject } from '../helpers/project.js';

let stand: FakeGitHub;
beforeAll(async () => {
  stand = new FakeGitHub();
  await stand.start();
});
afterAll(async () => stand.stop());

const run = (dir: string, env: Record<string, string>) =>
  execa(process.execPath, [CLI, 'run', '--config', '.samocode', '--session', 'tg', '--provider', 'script'], {
    cwd: dir,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env },
    extendEnv: false,
    reject: false,
  });

describe('terminal notifications', () => {
  it('sends waiting to the chat named in .env', async () => {
    const project = makeProject();
    writeFileSync(join(project.dir, '.env'), 'TELEGRAM_BOT_TOKEN=999:secret\nTELEGRAM_CHAT_ID=7\n');
    const result = await run(project.dir, { TELEGRAM_API_URL: stand.url });
    expect(result.exitCode).toBe(3); // waiting for a person
    expect(stand.telegram).toHaveLength(1);
    expect(stand.telegram[0]).toMatchObject({ token: '999:secret', chatId: '7' });
    expect(stand.telegram[0]!.text).toMatch(/^⏸ samocode waiting: \d{2}-\d{2}-\d{2}-tg: waiting for answers/);
  });

  it('keeps going when Telegram cannot be reached', async () => {
    const project = makeProject();
    writeFileSync(join(project.dir, '.env'), 'TELEGRAM_BOT_TOKEN=999:secret\nTELEGRAM_CHAT_ID=7\n');
    const result = await run(project.dir, { TELEGRAM_API_URL: 'http://127.0.0.1:9' });
    expect(result.exitCode).toBe(3); // waiting for a person
    expect(result.stderr).toMatch(/^samocode: telegram notification failed: /m);
    expect(String(result.stdout).trim().split('\n').at(-1)).toMatch(/^samocode: waiting for answers/);
  });
});
