// `samocode run`'s flags and the project's `.env`, read once into one config.
import { parseArgs } from 'node:util';
import { PROVIDERS, isProvider, type ProviderName } from '../providers/settings.js';
import { loadEnvSettings, type ProjectPaths } from '../session/terminal-config.js';
import { loadPaths } from './project.js';
import { UsageError } from './usage.js';

const DEFAULT_TIMEOUT_S = 30 * 60;

export interface RunConfig {
  paths: ProjectPaths;
  settings: ReturnType<typeof loadEnvSettings>;
  session: string;
  task?: string;
  dive?: string;
  script?: string;
  provider: ProviderName;
  timeoutS: number;
  maxIterations: number;
  maxCostUsd?: number;
  autoApprove: boolean;
}

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got "${value}"`);
  return n;
}

export function readRunConfig(args: string[]): RunConfig {
  const { values } = parseArgs({
    args,
    options: {
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
    },
  });
  if (!values.config) throw new UsageError('run needs --config <project>/.samocode');
  if (!values.session) throw new UsageError('run needs --session NAME');
  const paths = loadPaths(values.config);
  const settings = loadEnvSettings(paths.configFile, process.env);
  const provider = values.provider ?? settings.SAMOCODE_PROVIDER ?? 'claude';
  if (!isProvider(provider)) throw new UsageError(`unknown provider "${provider}" (${PROVIDERS.join(', ')})`);
  const cliTimeout = provider === 'codex' ? settings.CODEX_TIMEOUT : provider === 'claude' ? settings.CLAUDE_TIMEOUT : undefined;
  return {
    paths,
    settings,
    session: values.session,
    task: values.task,
    dive: values.dive,
    script: values.script ?? settings.SAMOCODE_SCRIPT,
    provider,
    timeoutS: positiveNumber(values.timeout, '--timeout') ?? positiveNumber(cliTimeout, 'the timeout setting') ?? DEFAULT_TIMEOUT_S,
    maxIterations: positiveNumber(values['max-iterations'], '--max-iterations') ?? 200,
    maxCostUsd: positiveNumber(values['max-cost-usd'], '--max-cost-usd'),
    autoApprove: values['auto-approve'] ?? false,
  };
}
