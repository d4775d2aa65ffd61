// What the orchestrator and its relay process say to each other.
import type { MeteredCall, RelayConfig } from './relay.js';

export type ToRelay = { type: 'start'; config: RelayConfig } | { type: 'sync'; id: number } | { type: 'stop' };

export type ToParent =
  | { type: 'listening'; port: number }
  | { type: 'failed'; reason: string }
  | { type: 'metered'; call: MeteredCall }
  | { type: 'refused'; reason: string }
  | { type: 'synced'; id: number };
