// `samocode run`'s flags and the `.env` settings, read once into one config.
import { parseArgs } from 'node:util';
import { ENGINES, isEngine } from '../providers/engines.js';
import { PROVIDERS, isProvider, type ProviderName } from '../providers/settings.js';
import { packageRoot } from '../providers/prompts.js';
import { expandHome, loadEnvSettings, type EnvSettings, type ProjectPaths } from '../session/terminal-config.js';
import { loadPaths } from './project.js';
import { UsageError } from './usage.js';

const DEFAULT_TIMEOUT_S = 30 * 60;
/** The original worker's model; `CLAUDE_MODEL` changes it. */
export const DEFAULT_CLAUDE_MODEL = 'opus';

export const RUN_OPTIONS = {
  config: { type: 'string' },
  session: { type: 'string' },
  task: { type: 'string' },
  dive: { type: 'string' },
  provider: { type: 'string' },
  timeout: { type: 'string' },
  script: { type: 'string' },
  'max-iterations': { type: 'string' },
  'max-cost-usd': { type: 'string' },
  'auto-approve': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface RunConfig {
  paths: ProjectPaths;
  settings: EnvSettings['values'];
  session: string;
  task?: string;
  dive?: string;
  script?: string;
  provider: ProviderName;
  model?: string;
  timeoutS: number;
  maxIterations: number;
  maxCostUsd?: number;
  autoApprove: boolean;
  maxTurns?: number;
  retries?: number;
  retryDelayMs?: number;
  branchPrefix?: string;
}

function positiveNumber(value: string | undefined, from: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${from} must be a positive number, got "${value}"`);
  return n;
}

function wholeNumber(value: string | undefined, from: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${from} must be a whole number, got "${value}"`);
  return n;
}

/** `NAME` (from FILE), or `NAME` alone when it came from the environment. */
function settingName(key: keyof EnvSettings['values'], env: EnvSettings): string {
  const from = env.origin[key];
  return from && from !== 'the environment' ? `${key} (in ${from})` : key;
}

function pickProvider(flag: string | undefined, env: EnvSettings): ProviderName {
  const provider = flag ?? env.values.SAMOCODE_PROVIDER ?? 'claude';
  if (isProvider(provider)) return provider;
  const from = flag !== undefined ? '--provider' : settingName('SAMOCODE_PROVIDER', env);
  throw new UsageError(`unknown provider "${provider}" from ${from} (${PROVIDERS.join(', ')})`);
}

export function readRunConfig(args: string[]): RunConfig {
  const { values } = parseArgs({ args, options: RUN_OPTIONS });
  if (!values.config) throw new UsageError('run needs --config <project>/.samocode');
  if (!values.session) throw new UsageError('run needs --session NAME');
  const paths = loadPaths(values.config);
  const env = loadEnvSettings(paths.configFile, process.env, packageRoot());
  const settings = env.values;
  const provider = pickProvider(values.provider, env);
  const engine = isEngine(provider) ? ENGINES[provider] : undefined;
  const cliTimeout = engine?.timeoutKey;
  const retries = wholeNumber(settings.SAMOCODE_MAX_RETRIES, settingName('SAMOCODE_MAX_RETRIES', env));
  const delayS = wholeNumber(settings.SAMOCODE_RETRY_DELAY, settingName('SAMOCODE_RETRY_DELAY', env));
  return {
    paths,
    settings,
    session: values.session,
    task: values.task,
    dive: values.dive,
    script: values.script !== undefined ? expandHome(values.script) : settings.SAMOCODE_SCRIPT,
    provider,
    model: provider === 'claude' ? (settings.CLAUDE_MODEL ?? DEFAULT_CLAUDE_MODEL) : engine ? settings[engine.modelKey] : undefined,
    timeoutS:
      positiveNumber(values.timeout, '--timeout') ??
      (cliTimeout ? positiveNumber(settings[cliTimeout], settingName(cliTimeout, env)) : undefined) ??
      DEFAULT_TIMEOUT_S,
    maxIterations: positiveNumber(values['max-iterations'], '--max-iterations') ?? 200,
    maxCostUsd: positiveNumber(values['max-cost-usd'], '--max-cost-usd'),
    autoApprove: values['auto-approve'] ?? false,
    maxTurns: positiveNumber(settings.CLAUDE_MAX_TURNS, settingName('CLAUDE_MAX_TURNS', env)),
    // The original counts attempts in all; the provider counts the tries after the first.
    retries: retries === undefined ? undefined : Math.max(0, retries - 1),
    retryDelayMs: delayS === undefined ? undefined : delayS * 1000,
    branchPrefix: settings.GIT_BRANCH_PREFIX?.replace(/\/+$/, ''),
  };
}
