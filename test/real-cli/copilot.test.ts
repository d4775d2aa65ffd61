// The real GitHub Copilot CLI (the pinned devDependency) through the copilot
// provider, on its bring-your-own-key settings against a loopback stand-in of
// OpenAI Chat Completions. It unpacks itself (about 235 MB) on first run into
// COPILOT_CACHE_HOME: done once for the file, in a folder the agent user can read.
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { ROOT } from '../helpers/project.js';
import { API_KEY, engineSuite } from './engine-suite.js';

const BIN = join(ROOT, 'node_modules', '.bin', 'copilot');

engineSuite({
  provider: 'copilot',
  bin: BIN,
  version: '1.0.102',
  dialect: 'chat',
  model: 'stand-in-model',
  async setUp(scratch) {
    chmodSync(scratch, 0o711);
    const cache = join(scratch, 'copilot-cache');
    mkdirSync(cache, { mode: 0o755 });
    const unpacked = await execa(BIN, ['--version'], { env: { PATH: process.env.PATH!, HOME: scratch, COPILOT_CACHE_HOME: cache }, extendEnv: false, reject: false, timeout: 120_000 });
    if (unpacked.exitCode !== 0) throw new Error(`copilot --version: ${unpacked.stderr}`);
    return { COPILOT_CACHE_HOME: cache };
  },
  env: (url) => ({ COPILOT_PROVIDER_BASE_URL: `${url}/v1`, COPILOT_PROVIDER_API_KEY: API_KEY, COPILOT_OFFLINE: 'true' }),
  expectEvents(events) {
    expect(events).toContainEqual(expect.objectContaining({ type: 'tool.execution_complete', data: expect.objectContaining({ success: true }) }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'assistant.message', data: expect.objectContaining({ content: 'Blocked: the task is unclear.' }) }));
    expect(events.at(-1)).toMatchObject({ type: 'result', exitCode: 0 });
  },
  usage: { inputTokens: 1_600, outputTokens: 100, cacheReadTokens: 400, cacheWriteTokens: 0 },
  errorText: 'the stand-in refuses this request',
  // Under a load of 15 on 2 cores, as the agent user, its first model request came more than 9 s after start.
  timeoutS: 20,
  // The model gateway carries its bring-your-own-key calls: the relay holds COPILOT_PROVIDER_API_KEY.
  agentNetwork: 'restricted',
});
