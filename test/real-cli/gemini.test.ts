// The real Gemini CLI (the pinned devDependency) through the gemini provider,
// against a loopback stand-in of the Gemini API: GOOGLE_GEMINI_BASE_URL and
// GEMINI_API_KEY. In GitHub mode the model gateway holds the key and gives
// the CLI its relay's address and a placeholder instead.
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from '../helpers/project.js';
import { API_KEY, engineSuite } from './engine-suite.js';

engineSuite({
  provider: 'gemini',
  bin: join(ROOT, 'node_modules', '.bin', 'gemini'),
  version: '0.61.0',
  dialect: 'gemini',
  model: 'gemini-2.5-flash',
  env: (url) => ({ GEMINI_API_KEY: API_KEY, GOOGLE_GEMINI_BASE_URL: url }),
  expectEvents(events) {
    expect(events[0]).toMatchObject({ type: 'init', model: 'gemini-2.5-flash' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'tool_use', tool_name: 'run_shell_command' }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'tool_result', status: 'success' }));
    expect(events.at(-1)).toMatchObject({ type: 'result', status: 'success', stats: { input_tokens: 2_000, cached: 400, output_tokens: 100 } });
  },
  // Two requests of 1,000 prompt tokens (200 cached) and 50 out: the cached part apart.
  usage: { inputTokens: 1_600, outputTokens: 100, cacheReadTokens: 400 },
  errorText: 'the stand-in refuses this request',
  // Under a load of 15 on 2 cores, as the agent user, its first model request came more than 9 s after start.
  timeoutS: 20,
  agentNetwork: 'restricted',
});
