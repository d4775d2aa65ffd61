// `samocode run`, as named steps: check the CLI, take the session's lock,
// open the session, run the loop, commit the worktree, say how it ended.
import { join } from 'node:path';
import { runSession, type LoopResult } from '../core/loop.js';
import { ConsoleReporter } from '../notify/console.js';
import { TelegramNotifier } from '../notify/telegram.js';
import { ENGINES, isEngine } from '../providers/engines.js';
import { createAgent } from '../providers/index.js';
import { watchForInterruption, type Interruption } from '../providers/interruption.js';
import { loadPrompts } from '../providers/prompts.js';
import { acquireRunLock } from '../session/run-lock.js';
import { agentSourceEnv } from '../gateway/gateway.js';
import { EXIT } from './exit-codes.js';
import { startTerminalGateway, type TerminalGateway } from './gateway.js';
import { findSession, openTerminalSession, type OpenedSession } from './open-session.js';
import { readRunConfig, type RunConfig } from './run-config.js';
import { ExitError, RUN_USAGE, err, out, shellWord } from './usage.js';

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    out(RUN_USAGE);
    return EXIT.done;
  }
  const config = readRunConfig(args);
  const { settings } = config;
  const notifier = new TelegramNotifier(
    { token: settings.TELEGRAM_BOT_TOKEN, chatId: settings.TELEGRAM_CHAT_ID, apiUrl: process.env.TELEGRAM_API_URL },
    (warning) => err(`samocode: ${warning}`),
  );
  // Ctrl-C ends the agent at once; the loop stops as blocked with the reason and the worktree is committed as it stands.
  const interruption = watchForInterruption((reason) => err(`samocode: ${reason}; ending the agent, then saving the session`));
  let release = () => {};
  try {
    // The CLI is checked first, so a missing one leaves no session folder behind.
    const agent = await makeAgent(config);
    release = lockSession(config, (await findSession(config.paths, config.session, new Date())).folder);
    const session = await openTerminalSession(config.paths, {
      name: config.session,
      task: config.task,
      dive: config.dive,
      now: new Date(),
      branchPrefix: config.branchPrefix,
    });
    for (const notice of session.notices) out(`samocode: ${notice}`);
    const gateway = await startTerminalGateway(config.provider, session.store, config.maxCostUsd, process.env).catch((error: Error) => {
      err(`samocode: ${error.message}`);
      throw new ExitError(EXIT.error);
    });
    if (gateway) out(`samocode: ${gateway.line}`);
    const metered = gateway ? gateway.gateway.meter(await makeAgent(config, gateway)) : agent;
    const result = await runLoop(config, session, metered, interruption).finally(() => gateway?.gateway.stop());
    await commitWorktree(session, result);
    const { code, line } = finalLine(result, session, config);
    out(line);
    if (result.outcome.kind !== 'paused') await notifier.notify(result.outcome.kind, `${session.folder}: ${line.replace(/^samocode: /, '')}`);
    return interruption.reason() ? EXIT.interrupted : code;
  } catch (error) {
    if (!(error instanceof ExitError && error.code === EXIT.busy)) await notifier.notify('error', `${config.session}: ${(error as Error).message}`);
    throw error;
  } finally {
    release();
  }
}

/** One run per session: a second one says who holds it and ends. */
function lockSession(config: RunConfig, folder: string): () => void {
  const lock = acquireRunLock(join(config.paths.sessions, `.${folder}.lock`));
  if (lock.ok) {
    if (lock.tookOver) out(`samocode: took over the lock of run ${lock.tookOver.pid} on ${lock.tookOver.host}, which is gone`);
    return lock.release;
  }
  const who = lock.holder ? `process ${lock.holder.pid} on ${lock.holder.host}, started ${lock.holder.startedAt}` : 'another run (its lock file is unreadable)';
  err(`samocode: ${folder} is being run by ${who}; wait for it to end, or stop it (lock: ${join(config.paths.sessions, `.${folder}.lock`)})`);
  throw new ExitError(EXIT.busy);
}

function makeAgent(config: RunConfig, gateway?: TerminalGateway) {
  const { settings, provider } = config;
  // The script provider has no CLI; the claude keys stand in for it.
  const engine = ENGINES[isEngine(provider) ? provider : 'claude'];
  return createAgent({
    provider,
    scriptPath: config.script,
    cliPath: settings[engine.pathKey],
    model: config.model,
    cliSetting: engine.pathKey,
    // The person's own environment, as when they run the CLI themselves; with the gateway, without the key it holds.
    env: agentSourceEnv(gateway?.gateway, gateway?.hidden ?? [], process.env),
    envPolicy: 'inherit',
    maxTurns: config.maxTurns,
    retries: config.retries,
    retryDelayMs: config.retryDelayMs,
    ...(gateway ? { extraArgs: gateway.gateway.agentArgs(), stopRetrying: () => gateway.gateway.blockReason() } : {}),
  });
}

function runLoop(config: RunConfig, session: OpenedSession, agent: Awaited<ReturnType<typeof makeAgent>>, interruption: Interruption): Promise<LoopResult> {
  return runSession(
    { agent, store: session.store, reporter: new ConsoleReporter(out), clock: { now: Date.now } },
    {
      sessionName: session.folder,
      mode: 'terminal',
      prompts: loadPrompts(),
      iterationTimeoutMs: config.timeoutS * 1000,
      maxTotalIterations: config.maxIterations,
      maxCostUsd: config.maxCostUsd,
      autoApprove: config.autoApprove,
      task: session.task,
      dive: session.dive,
      interrupted: interruption.reason,
    },
  );
}

/** Once per run, not per iteration: the worktree is local, so nothing is lost in between. */
async function commitWorktree(session: OpenedSession, result: LoopResult): Promise<void> {
  if (result.iterations.length === 0) return;
  const first = result.iterations[0]!;
  const last = result.iterations.at(-1)!;
  await session.worktree.commit(
    `samocode: ${session.folder} iterations ${first.totalIteration}-${last.totalIteration} (${first.phase} → ${last.nextPhase}, ${result.outcome.kind})`,
  );
}

/**
 * `done: done: …` reads as a stutter: the agent's summary often starts with the word.
 * The dashes are escaped: one non-ASCII character in dist/cli.js makes V8 hold its whole source as two-byte text.
 */
function withoutLeadingDone(summary: string): string {
  return summary.replace(/^\s*done\s*[:.\-\u2013\u2014]\s*/i, '').trim() || summary;
}

function finalLine(result: LoopResult, session: OpenedSession, config: RunConfig): { code: number; line: string } {
  const { outcome } = result;
  const { path, folder } = session;
  const target = `--config ${shellWord(config.paths.configFile)} --session ${shellWord(config.session)}`;
  switch (outcome.kind) {
    case 'done':
      return { code: EXIT.done, line: `samocode: done: ${withoutLeadingDone(outcome.summary)} (session folder: ${path})` };
    case 'waiting':
      return {
        code: EXIT.waiting,
        line:
          outcome.gate === 'qa_answers'
            ? `samocode: waiting for answers (${outcome.detail}): fill in the **Answer:** lines of ${path}/_qa.md, then run \`samocode run ${target}\` again`
            : `samocode: waiting for plan approval (${outcome.detail}): read the plan in ${path}, then run \`samocode approve ${target}\` and \`samocode run ${target}\``,
      };
    case 'paused':
      return { code: EXIT.paused, line: `samocode: paused (${outcome.reason}); run \`samocode run ${target}\` to continue ${folder}` };
    case 'blocked':
      return { code: EXIT.blocked, line: `samocode: blocked: ${outcome.reason} (session folder: ${path}); run \`samocode run ${target}\` again to resume` };
  }
}
