// Step: the model gateway (DESIGN §6a). Where the provider's key is in the
// job's environment, a relay of this run holds it and the agent gets a
// placeholder; where it is not (a CLI login on a self-hosted runner), or the
// provider cannot go through the relay yet, the run says so plainly.
import type { IssueInfo } from '../github/repo-api.js';
import { engineGateway } from '../gateway/engines.js';
import { agentSourceEnv as gatewayAgentSource, ModelGateway } from '../gateway/gateway.js';
import { codexEnvKeys } from '../providers/codex-env-key.js';
import type { GitHubSession } from './open-session.js';
import { failOnIssue } from './post-notice.js';
import type { Toolkit } from './toolkit.js';

export interface GatewaySetup {
  gateway?: ModelGateway;
  /** One line on how the agent reaches its model, for the log and the job summary. */
  line: string;
  /** Variables of the job's environment the agent must not get: the credentials the relay holds. */
  hidden: string[];
}

export async function startGateway(kit: Toolkit, issue: IssueInfo, session: GitHubSession, seam: RelayPlace = {}): Promise<GatewaySetup> {
  const { inputs } = kit.config;
  const engine = engineGateway(inputs.provider);
  if (inputs.provider === 'script') return { line: '', hidden: [] }; // calls no model
  if (!engine) return { line: `not available for the ${inputs.provider} provider yet: the agent holds its own key, and its cost is its own report`, hidden: [] };
  const selfReported = 'the agent holds its own credential, and its cost is its own report';
  if (inputs.modelGateway === 'off') return { line: `off (input model-gateway): ${selfReported}`, hidden: [] };
  const auth = engine.credential(process.env);
  if (auth === null || 'unsupported' in auth) {
    const why = auth === null ? `no ${engine.engine} key in the job's environment (${engine.secretVariables.filter((v) => !/BASE_URL|HEADERS|ORG|PROJECT/.test(v)).join(', ')})` : auth.unsupported;
    if (inputs.modelGateway === 'on') return failOnIssue(kit, issue.number, `the model gateway cannot run (input model-gateway: on): ${why}`);
    kit.log.warning(`model gateway: not used: ${why}; ${selfReported}`);
    return { line: `not used: ${why}; ${selfReported}`, hidden: [] };
  }
  let gateway: ModelGateway;
  try {
    gateway = await ModelGateway.start({
      engine,
      auth,
      env: process.env,
      prices: inputs.prices,
      ...(inputs.maxCostUsd !== undefined ? { maxCostUsd: inputs.maxCostUsd } : {}),
      spentUsd: session.status.costUsd,
      ...seam,
    });
  } catch (error) {
    return failOnIssue(kit, issue.number, `the model gateway cannot start: ${(error as Error).message}`);
  }
  const hidden = [...engine.secretVariables, ...(engine.secretVariablesIn?.(process.env) ?? []), ...(engine.engine === 'codex' ? codexEnvKeys(process.env) : [])];
  const github = engine.github?.(process.env);
  const costNote = engine.costNote?.(process.env);
  const to = github ? `${gateway.upstream} (or the Copilot API its sign-in names) and ${github.upstream} for ${github.paths.join(', ')} only` : gateway.upstream;
  const line = `${engine.engine} through the relay at ${gateway.baseUrl} to ${to}, with the key from ${auth.from}; ${costNote ?? `prices of ${inputs.prices.date}`}`;
  kit.log.info(`model gateway: ${line}`);
  if (costNote && inputs.maxCostUsd !== undefined) kit.log.warning(`model gateway: max-cost-usd ${inputs.maxCostUsd} is not enforced: ${costNote}`);
  return { gateway, line, hidden };
}

/** Where the relay listens, and the address the agent is given for it. */
export interface RelayPlace {
  listenHost?: string;
  agentHost?: string;
}

/** Starts the gateway where the agent can reach it (or says why there is none); prepareAgent calls it once the agent's network exists. */
export type GatewayStarter = (place: RelayPlace) => Promise<GatewaySetup>;

/** Whether the relay will hold the provider's key (decided before the agent's network is made: its allow-list depends on it). */
export function gatewayHoldsKey(kit: Toolkit): boolean {
  const { inputs } = kit.config;
  const engine = engineGateway(inputs.provider);
  if (inputs.provider === 'script' || !engine || inputs.modelGateway === 'off') return false;
  const auth = engine.credential(process.env);
  return auth !== null && !('unsupported' in auth);
}

/** The job's environment as the agent's is chosen from: the relay's credentials out, its address and placeholder in. */
export function agentSourceEnv(setup: GatewaySetup, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return gatewayAgentSource(setup.gateway, setup.hidden, env);
}
