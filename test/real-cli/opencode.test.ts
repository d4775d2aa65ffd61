// The real opencode (the pinned devDependency) through the opencode provider,
// with an OpenAI-compatible provider in OPENCODE_CONFIG_CONTENT whose base URL
// is a loopback stand-in of Chat Completions and whose key is read from
// OPENCODE_API_KEY.
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from '../helpers/project.js';
import { API_KEY, engineSuite } from './engine-suite.js';

export function opencodeConfig(url: string): string {
  return JSON.stringify({
    provider: {
      standin: {
        npm: '@ai-sdk/openai-compatible',
        name: 'loopback stand-in',
        options: { baseURL: `${url}/v1`, apiKey: '{env:OPENCODE_API_KEY}' },
        models: { 'stand-in-model': { name: 'stand-in model' } },
      },
    },
  });
}

engineSuite({
  provider: 'opencode',
  bin: join(ROOT, 'node_modules', '.bin', 'opencode'),
  version: '1.18.33',
  dialect: 'chat',
  model: 'standin/stand-in-model',
  env: (url) => ({ OPENCODE_CONFIG_CONTENT: opencodeConfig(url), OPENCODE_API_KEY: API_KEY }),
  expectEvents(events) {
    expect(events).toContainEqual(expect.objectContaining({ type: 'tool_use', part: expect.objectContaining({ tool: 'bash', state: expect.objectContaining({ status: 'completed' }) }) }));
    expect(events.filter((e) => e.type === 'step_finish')).toHaveLength(2);
  },
  // opencode's `input` is already the part not read from the cache.
  usage: { inputTokens: 1_600, outputTokens: 100, cacheReadTokens: 400, cacheWriteTokens: 0 },
  errorText: 'the stand-in refuses this request',
  // Here it took up to 25 s (as the agent user, on a fresh HOME) before its first model request.
  timeoutS: 45,
  // At start it installs its plugin package into its config folder, in the background, from the npm registry;
  // refused, it goes on without it.
  egress: ['CONNECT registry.npmjs.org:443'],
  // The model gateway holds the key OPENCODE_CONFIG_CONTENT reads and relays to the stand-in.
  agentNetwork: 'restricted',
});
