// Terminal mode opts in to the model gateway with SAMOCODE_GATEWAY=1: the
// real Claude Code CLI through dist/cli.js gets the relay and a placeholder,
// the stand-in gets the person's key, every answer is metered, and an
// upstream error (529) reaches the CLI as the API gave it.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicStandIn, apiError, callTools, say, type AnthropicScript } from '../helpers/anthropic-stand-in.js';
import { sessionFolder } from '../helpers/project.js';
import { baseEnv, checkCli, CLAUDE_BIN, EgressTrap, history, makeRealCliProject, readLogs, runSamocode, type Json } from './support.js';

const REAL_KEY = 'sk-ant-api03-TerminalGatewayKey-0123456789abcdef';
const USAGE = { input_tokens: 1_000, output_tokens: 40, cache_read_input_tokens: 4_000, cache_creation_input_tokens: 0 };

beforeAll(() => checkCli(CLAUDE_BIN, '2.1.332'));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setUp(script: AnthropicScript[], gateway: string) {
  const standIn = await AnthropicStandIn.start(script, { apiKey: REAL_KEY, usage: USAGE });
  const trap = await EgressTrap.start();
  cleanups.push(() => standIn.close(), () => trap.close());
  const project = makeRealCliProject();
  cleanups.push(() => rmSync(project.dir, { recursive: true, force: true }));
  writeFileSync(join(project.dir, '.env'), 'CLAUDE_MODEL=claude-haiku-4-5\nSAMOCODE_MAX_RETRIES=2\nSAMOCODE_RETRY_DELAY=0\n');
  const env = {
    ...baseEnv(project, trap),
    CLAUDE_PATH: CLAUDE_BIN,
    ANTHROPIC_BASE_URL: standIn.url,
    ANTHROPIC_API_KEY: REAL_KEY,
    CLAUDE_CONFIG_DIR: join(project.home, '.claude'),
    CLAUDE_CODE_MAX_RETRIES: '0',
    DISABLE_AUTOUPDATER: '1',
    SAMOCODE_GATEWAY: gateway,
  };
  const run = () => runSamocode(project, ['run', '--config', '.samocode', '--session', 'gw', '--provider', 'claude', '--task', 'Say hello'], env);
  return { standIn, trap, project, run };
}

describe('terminal mode with SAMOCODE_GATEWAY=1', () => {
  it('relays with the real key, gives the CLI a placeholder, meters each answer, and passes an upstream 529 through as it came', async () => {
    const script: AnthropicScript[] = [
      apiError(529, 'overloaded_error', 'Overloaded'),
      callTools({ name: 'Bash', input: { command: `printf '%s|%s' "$ANTHROPIC_API_KEY" "$ANTHROPIC_BASE_URL" > seen.txt; printf '%s' '{"status":"blocked","reason":"stop here"}' > "$SAMOCODE_SESSION_PATH/_signal.json"`, description: 'look' } }),
      say('Stopping.'),
    ];
    const { standIn, project, run } = await setUp(script, '1');
    const result = await run();

    expect(result.stdout).toMatch(/samocode: model gateway: claude through http:\/\/127\.0\.0\.1:\d+ to http:\/\/127\.0\.0\.1:\d+ \(key from ANTHROPIC_API_KEY\)/);
    const messages = standIn.messageRequests();
    expect(messages.map((r) => r.answer)).toEqual(['error 529', 'reply', 'reply']);
    expect(messages.every((r) => r.headers['x-api-key'] === REAL_KEY)).toBe(true);
    // The CLI saw the 529 as the API gave it (its own error text), and samocode's retry went on through the relay.
    const folder = sessionFolder(project);
    const logs = readLogs(folder).flatMap((l) => l.lines as Json[]);
    expect(logs.some((e) => e.type === 'result' && e.is_error === true && String(e.result).includes('529'))).toBe(true);
    const [entry] = history(folder);
    // The two answers that carried usage, metered; the 529 carried none.
    expect(entry).toMatchObject({ metered: true, usage: { inputTokens: 2_000, outputTokens: 80, cacheReadTokens: 8_000, cacheWriteTokens: 0 }, cacheShare: 0.8 });
    // claude-haiku-4-5 at $1 in, $5 out, $0.10 cache read per million tokens.
    expect(entry!.costUsd).toBeCloseTo((2_000 * 1 + 80 * 5 + 8_000 * 0.1) / 1e6, 10);
    const workdir = join(project.worktrees, folder.split('/').at(-1)!);
    const [key, base] = (await import('node:fs')).readFileSync(join(workdir, 'seen.txt'), 'utf8').split('|');
    expect(key).toMatch(/^samocode-gateway-[0-9a-f]{36}$/);
    expect(base).not.toBe(standIn.url);
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  }, 120_000);

  it('is off by default: the CLI talks to the API itself with the key', async () => {
    const script: AnthropicScript[] = [
      callTools({ name: 'Bash', input: { command: `printf '%s' '{"status":"blocked","reason":"stop here"}' > "$SAMOCODE_SESSION_PATH/_signal.json"`, description: 'stop' } }),
      say('Stopping.'),
    ];
    const { standIn, run } = await setUp(script, '');
    const result = await run();
    expect(result.stdout).not.toContain('model gateway');
    expect(standIn.messageRequests().map((r) => r.answer)).toEqual(['reply', 'reply']);
  }, 120_000);
});
