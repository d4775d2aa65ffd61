// What every step of a run shares: the config, the API, the redactor, the
// log. Made once at the start of runAction.
import { randomUUID } from 'node:crypto';
import * as core from '@actions/core';
import { Redactor } from '../core/redact.js';
import { knownSecrets } from '../core/secrets.js';
import { ChecksApi } from '../github/checks.js';
import { createClient } from '../github/client.js';
import { PullRequestApi } from '../github/pull-requests.js';
import { RepoApi } from '../github/repo-api.js';
import { TelegramNotifier } from '../notify/telegram.js';
import { watchForInterruption, type Interruption } from '../providers/interruption.js';
import { rateLimitWaitUntil, type ActionConfig } from './config.js';

export interface Log {
  /** A line as it is (redacted), for the iteration lines. */
  print(line: string): void;
  info(line: string): void;
  notice(line: string): void;
  warning(line: string): void;
}

export interface Toolkit {
  config: ActionConfig;
  api: RepoApi;
  pulls: PullRequestApi;
  checks: ChecksApi;
  redactor: Redactor;
  notifier: TelegramNotifier;
  log: Log;
  /** Epoch ms when the run began: comments made later wait for the next run. */
  startedAt: number;
  /** Unique per run and attempt, and per process for runs outside GitHub (act, tests). */
  runId: string;
  /** A signal to the action ends the agent at once; the loop then stops and the run checkpoints. */
  interruption: Interruption;
  /** Until when a write refused for a rate limit waits (epoch ms); moved to the budget's very end for the last step. */
  rateLimitBudget: { until: number };
}

export function makeToolkit(config: ActionConfig, startedAt: number, env: NodeJS.ProcessEnv = process.env): Toolkit {
  const { inputs, runner } = config;
  const secrets = knownSecrets(env, [inputs.token, inputs.workflowToken, inputs.telegramToken, inputs.agentGithubToken]);
  for (const secret of secrets) core.setSecret(secret);
  const redactor = new Redactor(secrets);
  const log: Log = {
    print: (line) => core.info(redactor.redact(line)),
    info: (line) => core.info(redactor.redact(`samocode: ${line}`)),
    notice: (line) => core.notice(redactor.redact(`samocode: ${line}`)),
    warning: (line) => core.warning(redactor.redact(`samocode: ${line}`)),
  };
  const rateLimitBudget = { until: rateLimitWaitUntil(inputs, startedAt) };
  const client = createClient({
    token: inputs.token,
    baseUrl: runner.apiUrl,
    retryBaseMs: runner.retryBaseMs,
    writeSpacingMs: runner.writeSpacingMs,
    waitUntil: () => rateLimitBudget.until,
    warn: (m) => core.warning(redactor.redact(m)),
  });
  return {
    config,
    api: new RepoApi(client, runner.owner, runner.repo, redactor, runner.retryBaseMs),
    pulls: new PullRequestApi(client, runner.owner, runner.repo, redactor),
    checks: new ChecksApi(client, runner.owner, runner.repo),
    redactor,
    notifier: new TelegramNotifier({ token: inputs.telegramToken, chatId: inputs.telegramChatId, apiUrl: runner.telegramApiUrl }, (w) => log.warning(w)),
    log,
    startedAt,
    interruption: watchForInterruption((reason) => log.warning(`${reason}; ending the agent, then saving the session`)),
    rateLimitBudget,
    runId: `${runner.runId ?? 'local'}.${runner.runAttempt ?? '1'}.${randomUUID().slice(0, 8)}`,
  };
}
