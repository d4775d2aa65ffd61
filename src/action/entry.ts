// The GitHub entry. Most events that wake the workflow are ignored; that is
// decided from the payload alone, before anything heavy is loaded.
import { readFileSync } from 'node:fs';
import { decideIntent } from '../core/intent.js';
import { intentSettings } from './intent-settings.js';

function readPayload(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`cannot read the event payload at GITHUB_EVENT_PATH: ${(error as Error).message}`);
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const eventName = process.env.GITHUB_EVENT_NAME ?? '';
  const payload = readPayload(process.env.GITHUB_EVENT_PATH);
  const intent = decideIntent(eventName, payload, intentSettings());
  if (intent.kind === 'ignore') {
    process.stdout.write(`samocode: nothing to do: ${intent.reason}\n`);
    return;
  }
  const { runAction } = await import('./run-action.js');
  await runAction(intent, payload, startedAt);
}

main().catch((error: unknown) => {
  process.stdout.write(`::error::samocode: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
