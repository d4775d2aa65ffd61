// Terminal mode's opt-in to the model gateway (SAMOCODE_GATEWAY=1, off by
// default): the same relay as in GitHub mode, so that a local run is metered
// and max-cost-usd holds mid-iteration. The person's own environment is
// otherwise the agent's, as always in terminal mode.
import { parseStatus } from '../core/overview.js';
import { PRICE_TABLE, withOverride } from '../core/prices.js';
import type { SessionStore } from '../core/ports.js';
import { engineGateway } from '../gateway/engines.js';
import { ModelGateway } from '../gateway/gateway.js';
import { codexEnvKeys } from '../providers/codex-env-key.js';

export interface TerminalGateway {
  gateway: ModelGateway;
  hidden: string[];
  line: string;
}

const truthy = (value: string | undefined) => value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';

/** Null when not asked for or for the script provider; an error saying what is missing when asked for and impossible. */
export async function startTerminalGateway(provider: string, store: SessionStore, maxCostUsd: number | undefined, env: NodeJS.ProcessEnv): Promise<TerminalGateway | null> {
  if (!truthy(env.SAMOCODE_GATEWAY) || provider === 'script') return null;
  const engine = engineGateway(provider);
  if (!engine) throw new Error(`SAMOCODE_GATEWAY: the ${provider} provider cannot go through the model gateway yet`);
  const auth = engine.credential(env);
  if (auth === null) throw new Error(`SAMOCODE_GATEWAY: no ${provider} key in the environment for the gateway to hold (${engine.secretVariables.join(', ')})`);
  if ('unsupported' in auth) throw new Error(`SAMOCODE_GATEWAY: ${auth.unsupported}`);
  let prices;
  try {
    prices = withOverride(PRICE_TABLE, env.SAMOCODE_MODEL_PRICES);
  } catch (error) {
    throw new Error(`SAMOCODE_MODEL_PRICES: ${(error as Error).message}`);
  }
  const status = parseStatus(await store.readOverview());
  const gateway = await ModelGateway.start({ engine, auth, env, prices, ...(maxCostUsd !== undefined ? { maxCostUsd } : {}), spentUsd: status.ok ? status.status.costUsd : 0 });
  const hidden = [...engine.secretVariables, ...(engine.secretVariablesIn?.(env) ?? []), ...(provider === 'codex' ? codexEnvKeys(env) : [])];
  const costNote = engine.costNote?.(env);
  const github = engine.github?.(env);
  const to = github ? `${gateway.upstream} and ${github.upstream}` : gateway.upstream;
  return { gateway, hidden, line: `model gateway: ${provider} through ${gateway.baseUrl} to ${to} (key from ${auth.from})${costNote ? `; ${costNote}` : ''}` };
}
