// The relay's own process (dist/relay.js), started by the orchestrator with
// an IPC channel: its configuration (the credential among it) comes over the
// channel, never through the environment or the command line; what it
// meters goes back the same way. When the orchestrator goes, so does it.
import { RelayServer, type RelayConfig } from './relay.js';
import type { ToParent, ToRelay } from './messages.js';

const send = (message: ToParent) => process.send?.(message);

process.once('message', (message: ToRelay) => {
  if (message.type !== 'start') return;
  void start(message.config);
});
// The orchestrator is gone: nothing may use the credential any longer.
process.on('disconnect', () => process.exit(0));

async function start(config: RelayConfig): Promise<void> {
  const relay = new RelayServer(config, {
    metered: (call) => send({ type: 'metered', call }),
    refused: (reason) => send({ type: 'refused', reason }),
  });
  try {
    const address = await relay.listen();
    send({ type: 'listening', port: address.port });
  } catch (error) {
    send({ type: 'failed', reason: (error as Error).message });
    process.exit(1);
  }
  process.on('message', (message: ToRelay) => {
    // Calls still streaming (a CLI just killed) are counted before the answer.
    if (message.type === 'sync') void relay.settled(2_000).then(() => send({ type: 'synced', id: message.id }));
    if (message.type === 'stop') void relay.close().then(() => process.exit(0));
  });
}
