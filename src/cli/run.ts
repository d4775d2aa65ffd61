// `samocode run`, as named steps: check the CLI, open the session, run the
// loop, commit the worktree, say how it ended.
import { runSession, type LoopResult } from '../core/loop.js';
import { ConsoleReporter } from '../notify/console.js';
import { TelegramNotifier } from '../notify/telegram.js';
import { createAgent } from '../providers/index.js';
import { watchForInterruption, type Interruption } from '../providers/interruption.js';
import { loadPrompts } from '../providers/prompts.js';
import { openTerminalSession, type OpenedSession } from './open-session.js';
import { readRunConfig, type RunConfig } from './run-config.js';
import { err, out } from './usage.js';

export async function run(args: string[]): Promise<number> {
  const config = readRunConfig(args);
  const { settings } = config;
  const notifier = new TelegramNotifier(
    { token: settings.TELEGRAM_BOT_TOKEN, chatId: settings.TELEGRAM_CHAT_ID, apiUrl: process.env.TELEGRAM_API_URL },
    (warning) => err(`samocode: ${warning}`),
  );
  // Ctrl-C ends the agent at once; the loop stops and the worktree is committed as it stands.
  const interruption = watchForInterruption((reason) => err(`samocode: ${reason}; ending the agent, then saving the session`));
  try {
    // The CLI is checked first, so a missing one leaves no session folder behind.
    const agent = await makeAgent(config);
    const session = await openTerminalSession(config.paths, { name: config.session, task: config.task, dive: config.dive, now: new Date() });
    for (const notice of session.notices) out(`samocode: ${notice}`);
    const result = await runLoop(config, session, agent, interruption);
    await commitWorktree(session, result);
    const { code, line } = finalLine(result, session, config.session);
    out(line);
    if (result.outcome.kind !== 'paused') await notifier.notify(result.outcome.kind, `${session.folder}: ${line.replace(/^samocode: /, '')}`);
    return code;
  } catch (error) {
    await notifier.notify('error', `${config.session}: ${(error as Error).message}`);
    throw error;
  }
}

function makeAgent(config: RunConfig) {
  const { settings, provider } = config;
  const codex = provider === 'codex';
  return createAgent({
    provider,
    scriptPath: config.script,
    cliPath: codex ? settings.CODEX_PATH : settings.CLAUDE_PATH,
    model: codex ? settings.CODEX_MODEL : settings.CLAUDE_MODEL,
    cliSetting: codex ? 'CODEX_PATH' : 'CLAUDE_PATH',
    env: process.env,
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

function finalLine(result: LoopResult, session: OpenedSession, name: string): { code: number; line: string } {
  const { outcome } = result;
  const { path, folder } = session;
  switch (outcome.kind) {
    case 'done':
      return { code: 0, line: `samocode: done: ${outcome.summary} (session folder: ${path})` };
    case 'waiting':
      return {
        code: 0,
        line:
          outcome.gate === 'qa_answers'
            ? `samocode: waiting for answers (${outcome.detail}): fill in the **Answer:** lines of ${path}/_qa.md, then run again`
            : `samocode: waiting for plan approval (${outcome.detail}): read the plan in ${path}, then run \`samocode approve --session ${name}\` and run again`,
      };
    case 'paused':
      return { code: 0, line: `samocode: paused (${outcome.reason}); run again to continue ${folder}` };
    case 'blocked':
      return { code: 1, line: `samocode: blocked: ${outcome.reason} (session folder: ${path}); run again to resume` };
  }
}
