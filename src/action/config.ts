// Inputs and runner variables, read once into one typed config. Read from
// the environment as @actions/core does (INPUT_<NAME>), so that the cheap
// entry can use it before anything heavy is loaded.
import { AllowListError, parseAllowEntry } from '../core/egress.js';
import { PRICE_TABLE, withOverride, type PriceTable } from '../core/prices.js';
import { PROVIDERS, isProvider, type ProviderName } from '../providers/settings.js';
import { input, listInput } from './intent-settings.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface Inputs {
  token: string;
  /**
   * Whether github-token is the job's own GITHUB_TOKEN, whose pushes and pull
   * requests start no workflow runs: known by comparing it with the hidden
   * input workflow-token (default `${{ github.token }}`); unknown without it.
   */
  tokenKind: 'workflow' | 'other' | 'unknown';
  /** A secret like the others: masked, never the agent's. */
  workflowToken?: string;
  provider: ProviderName;
  model?: string;
  cliPath?: string;
  triggerLabel: string;
  branchPrefix: string;
  baseBranch?: string;
  sessionsDir: string;
  iterationTimeoutMin: number;
  maxRuntimeMin: number;
  maxIterations: number;
  maxCostUsd?: number;
  /** `auto` (the relay when a model key is in the job's environment), `on` (required), `off`. */
  modelGateway: 'auto' | 'on' | 'off';
  /** The gateway's price table with the model-prices input laid over it. */
  prices: PriceTable;
  autoApprove: boolean;
  allowedBots: string[];
  script?: string;
  agentEnv: string[];
  agentGithubToken?: string;
  /** `auto`, `none`, or a user name. */
  agentUser: string;
  /** The agent's network: its own namespace behind the allow-list proxy, the runner's, or loopback only. */
  agentNetwork: 'restricted' | 'open' | 'none';
  /** Names and `*.suffix` patterns (with an optional `:port`) the agent may reach beside the defaults. */
  allowedDomains: string[];
  /** Open the pull request as a draft when implementation starts (else at done). */
  draftPullRequest: boolean;
  maxReviewRounds: number;
  telegramToken?: string;
  telegramChatId?: string;
}

export interface Runner {
  repository: string;
  owner: string;
  repo: string;
  workspace: string;
  apiUrl: string;
  serverUrl: string;
  runUrl?: string;
  runId?: string;
  runAttempt?: string;
  workflowRef?: string;
  /** GITHUB_REF: the ref the event is about (a review's is `refs/pull/N/merge`), named when the checkout is refused. */
  ref?: string;
  tempDir?: string;
  telegramApiUrl?: string;
  retryBaseMs?: number;
  /**
   * SAMOCODE_API_PACING_MS: the spacing of writes, for tests and benchmarks
   * only (GitHub's one a second when unset). Rate-limit waits are never shortened.
   */
  writeSpacingMs?: number;
}

export interface ActionConfig {
  inputs: Inputs;
  runner: Runner;
}

function numberInput(env: NodeJS.ProcessEnv, name: string, fallback: number | undefined): number | undefined {
  const raw = input(env, name);
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`input ${name} must be a positive number, got "${raw}"`);
  return n;
}

function networkInput(env: NodeJS.ProcessEnv): Inputs['agentNetwork'] {
  const mode = (input(env, 'agent-network') || 'restricted').toLowerCase();
  if (mode !== 'restricted' && mode !== 'open' && mode !== 'none') throw new ConfigError(`input agent-network must be restricted, open or none, got "${mode}"`);
  return mode;
}

function allowedDomainsInput(env: NodeJS.ProcessEnv): string[] {
  const entries = listInput(env, 'allowed-domains');
  try {
    for (const entry of entries) parseAllowEntry(entry);
  } catch (error) {
    if (error instanceof AllowListError) throw new ConfigError(error.message);
    throw error;
  }
  return entries;
}

function readInputs(env: NodeJS.ProcessEnv): Inputs {
  const token = input(env, 'github-token') || env.GITHUB_TOKEN || '';
  if (!token) throw new ConfigError('input github-token is empty; the default is ${{ github.token }}');
  const provider = input(env, 'provider') || 'claude';
  if (!isProvider(provider)) throw new ConfigError(`input provider must be one of ${PROVIDERS.join(', ')}, got "${provider}"`);
  const optional = (name: string) => input(env, name) || undefined;
  const workflowToken = input(env, 'workflow-token');
  const agentGithubToken = optional('agent-github-token');
  // Copilot signs in with any GitHub token it finds: it takes one of its own (COPILOT_GITHUB_TOKEN), never the job's.
  if (provider === 'copilot' && agentGithubToken && (agentGithubToken === token || agentGithubToken === workflowToken)) {
    throw new ConfigError('provider copilot takes a token of its own (the COPILOT_GITHUB_TOKEN secret) or its bring-your-own-key settings; agent-github-token must not be the workflow\'s token');
  }
  return {
    token,
    tokenKind: !workflowToken ? 'unknown' : workflowToken === token ? 'workflow' : 'other',
    workflowToken: workflowToken || undefined,
    provider,
    model: optional('model'),
    cliPath: optional('cli-path'),
    triggerLabel: input(env, 'trigger-label') || 'samocode',
    branchPrefix: input(env, 'branch-prefix') || 'samocode/',
    baseBranch: optional('base-branch'),
    sessionsDir: input(env, 'sessions-dir') || '.samocode/sessions',
    iterationTimeoutMin: numberInput(env, 'iteration-timeout', 30)!,
    maxRuntimeMin: numberInput(env, 'max-runtime-minutes', 330)!,
    maxIterations: numberInput(env, 'max-iterations', 200)!,
    maxCostUsd: numberInput(env, 'max-cost-usd', undefined),
    modelGateway: gatewayInput(input(env, 'model-gateway') || 'auto'),
    prices: pricesInput(input(env, 'model-prices')),
    autoApprove: input(env, 'auto-approve').toLowerCase() === 'true',
    allowedBots: listInput(env, 'allowed-bots'),
    script: optional('script'),
    agentEnv: listInput(env, 'agent-env'),
    agentGithubToken,
    agentUser: input(env, 'agent-user') || 'auto',
    agentNetwork: networkInput(env),
    allowedDomains: allowedDomainsInput(env),
    draftPullRequest: input(env, 'draft-pull-request').toLowerCase() !== 'false',
    maxReviewRounds: numberInput(env, 'max-review-rounds', 5)!,
    telegramToken: optional('telegram-bot-token') ?? env.TELEGRAM_BOT_TOKEN,
    telegramChatId: optional('telegram-chat-id') ?? env.TELEGRAM_CHAT_ID,
  };
}

function gatewayInput(value: string): Inputs['modelGateway'] {
  if (value === 'auto' || value === 'on' || value === 'off') return value;
  throw new ConfigError(`input model-gateway must be auto, on or off, got "${value}"`);
}

function pricesInput(json: string): PriceTable {
  try {
    return withOverride(PRICE_TABLE, json);
  } catch (error) {
    throw new ConfigError(`input ${(error as Error).message}`);
  }
}

function readRunner(env: NodeJS.ProcessEnv): Runner {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) throw new ConfigError('GITHUB_REPOSITORY is not set (owner/repo)');
  const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const runId = env.GITHUB_RUN_ID;
  return {
    repository,
    owner,
    repo,
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    serverUrl,
    runUrl: runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    workflowRef: env.GITHUB_WORKFLOW_REF,
    ref: env.GITHUB_REF,
    tempDir: env.RUNNER_TEMP,
    telegramApiUrl: env.TELEGRAM_API_URL,
    retryBaseMs: Number(env.SAMOCODE_RETRY_BASE_MS) || undefined,
    writeSpacingMs: spacingOf(env.SAMOCODE_API_PACING_MS),
  };
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ActionConfig {
  return { inputs: readInputs(env), runner: readRunner(env) };
}

function spacingOf(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 0) throw new ConfigError(`SAMOCODE_API_PACING_MS must be a number of milliseconds, got "${raw}"`);
  return ms;
}

/**
 * Until when a write refused for a rate limit keeps waiting: the job's time
 * budget, less what saving the session and starting the next run take
 * (`end`: the budget itself, for that last step).
 */
export function rateLimitWaitUntil(inputs: Inputs, startedAt: number, end = false): number {
  const budget = inputs.maxRuntimeMin * 60_000;
  return startedAt + budget - (end ? 0 : Math.min(60_000, budget / 10));
}

/** `owner/repo/.github/workflows/x.yml@refs/heads/main` → the file and the branch to dispatch on. */
export function workflowOf(runner: Runner): { file: string; ref?: string } {
  const [path, ref] = (runner.workflowRef ?? '').split('@');
  const file = path?.split('/').slice(2).join('/').split('/').at(-1) ?? '';
  return { file, ref: ref?.replace(/^refs\/heads\//, '') };
}
