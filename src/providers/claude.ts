import type { Agent } from '../core/ports.js';
import type { ProviderSettings } from './index.js';
export class ClaudeAgent {
  static async create(_settings: ProviderSettings): Promise<Agent> {
    throw new Error('pending');
  }
}
