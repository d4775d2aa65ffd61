// The terminal entry: `samocode run|status|approve`. It only wires the
// session adapters, a provider and the console reporter into the core loop.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runSession, SessionStateError, type LoopResult } from './core/loop.js';
import { recordApproval } from './core/gates.js';
import { parseStatus, formatNext } from './core/overview.js';
import { ConsoleReporter } from './notify/console.js';
import { createAgent, isProvider, PROVIDERS, type ProviderName } from './providers/index.js';
import { TelegramNotifier } from './notify/telegram.js';
import { install, uninstall } from './providers/claude-install.js';
import { loadPrompts, packageRoot } from './providers/prompts.js';
import { FsSessionStore } from './session/fs-store.js';
import { loadEnvSettings, loadProjectPaths, type ProjectPaths } from './session/terminal-config.js';
import { findSession, openTerminalSession, personName } from './session/terminal-session.js';

const USAGE = `usage:
  samocode run --config <project>/.samocode --session NAME [--task TEXT] [--dive TEXT]
               [--provider claude|codex|script] [--timeout SECONDS] [--script SCENARIO.json]
               [--max-iterations N] [--max-cost-usd N] [--auto-approve]
  samocode status  [--config FILE] [--session NAME]
  samocode approve [--config FILE] --session NAME
  samocode install | uninstall     (skills and phase agents for the Claude CLI, in $CLAUDE_CONFIG_DIR or ~/.claude)`;

const DEFAULT_TIMEOUT_S = 30 * 60;

class UsageError extends Error {}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function loadPaths(config: string | undefined): ProjectPaths {
  const loaded = loadProjectPaths(config ?? '.samocode');
  if (!loaded.ok) {
    for (const problem of loaded.problems) err(`samocode: ${problem}`);
    throw new ExitError(1);
  }
  return loaded.value;
}

class ExitError extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got "${value}"`);
  return n;
}

async function run(args: string[]): Promise<number> {
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
  const timeoutS =
    positiveNumber(values.timeout, '--timeout') ??
    positiveNumber(provider === 'codex' ? settings.CODEX_TIMEOUT : provider === 'claude' ? settings.CLAUDE_TIMEOUT : undefined, 'the timeout setting') ??
    DEFAULT_TIMEOUT_S;
  const maxIterations = positiveNumber(values['max-iterations'], '--max-iterations') ?? 200;
  const maxCostUsd = positiveNumber(values['max-cost-usd'], '--max-cost-usd');

  const notifier = new TelegramNotifier(
    { token: settings.TELEGRAM_BOT_TOKEN, chatId: settings.TELEGRAM_CHAT_ID, apiUrl: process.env.TELEGRAM_API_URL },
    (warning) => err(`samocode: ${warning}`),
  );
  try {
    return await runTerminalSession(values, paths, settings, provider, timeoutS, maxIterations, maxCostUsd, notifier);
  } catch (error) {
    await notifier.notify('error', `${values.session}: ${(error as Error).message}`);
    throw error;
  }
}

async function runTerminalSession(
  values: { session?: string; task?: string; dive?: string; script?: string; 'auto-approve'?: boolean },
  paths: ProjectPaths,
  settings: ReturnType<typeof loadEnvSettings>,
  provider: ProviderName,
  timeoutS: number,
  maxIterations: number,
  maxCostUsd: number | undefined,
  notifier: TelegramNotifier,
): Promise<number> {
  // The CLI is checked first, so a missing one leaves no session folder behind.
  const agent = await createAgent({
    provider,
    scriptPath: values.script ?? settings.SAMOCODE_SCRIPT,
    cliPath: provider === 'codex' ? settings.CODEX_PATH : settings.CLAUDE_PATH,
    model: provider === 'codex' ? settings.CODEX_MODEL : settings.CLAUDE_MODEL,
    cliSetting: provider === 'codex' ? 'CODEX_PATH' : 'CLAUDE_PATH',
    env: process.env,
  });

  const session = await openTerminalSession(paths, {
    name: values.session!,
    task: values.task,
    dive: values.dive,
    now: new Date(),
  });
  for (const notice of session.notices) out(`samocode: ${notice}`);

  const result = await runSession(
    { agent, store: session.store, reporter: new ConsoleReporter(out), clock: { now: Date.now } },
    {
      sessionName: session.folder,
      mode: 'terminal',
      prompts: loadPrompts(),
      iterationTimeoutMs: timeoutS * 1000,
      maxTotalIterations: maxIterations,
      maxCostUsd,
      autoApprove: values['auto-approve'] ?? false,
      task: session.task,
      dive: session.dive,
    },
  );
  if (result.iterations.length > 0) {
    const first = result.iterations[0]!;
    const last = result.iterations.at(-1)!;
    await session.worktree.commit(
      `samocode: ${session.folder} iterations ${first.totalIteration}-${last.totalIteration} (${first.phase} → ${last.nextPhase}, ${result.outcome.kind})`,
    );
  }
  const { code, line } = finalLine(result, session.folder, session.path, values.session!);
  out(line);
  if (result.outcome.kind !== 'paused') await notifier.notify(result.outcome.kind, `${session.folder}: ${line.replace(/^samocode: /, '')}`);
  return code;
}

function finalLine(result: LoopResult, folder: string, path: string, name: string): { code: number; line: string } {
  const { outcome } = result;
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

async function status(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, session: { type: 'string' } } });
  const paths = loadPaths(values.config);
  const { readdir } = await import('node:fs/promises');
  const folders = values.session
    ? [(await findSession(paths, values.session, new Date())).folder]
    : (await readdir(paths.sessions, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (folders.length === 0) out('samocode: no sessions yet');
  let code = 0;
  for (const folder of folders) {
    const store = new FsSessionStore({ sessionPath: resolve(paths.sessions, folder), workdir: paths.mainRepo });
    const reading = parseStatus(await store.readOverview());
    if (!reading.ok) {
      out(`${folder}: ${reading.reason}`);
      code = 1;
      continue;
    }
    const s = reading.status;
    const state = s.blocked ? `blocked: ${s.blocked}` : formatNext(s.next);
    out(
      `${folder}: phase ${s.phase}, iteration ${s.iteration} (total ${s.totalIterations}), ${state}; last action: ${s.lastAction}; cost $${s.costUsd.toFixed(4)}`,
    );
  }
  return code;
}

async function approve(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, session: { type: 'string' } } });
  if (!values.session) throw new UsageError('approve needs --session NAME');
  const paths = loadPaths(values.config);
  const found = await findSession(paths, values.session, new Date());
  if (found.isNew) {
    err(`samocode: no session "${values.session}" in ${paths.sessions}`);
    return 1;
  }
  const store = new FsSessionStore({ sessionPath: found.path, workdir: paths.mainRepo });
  const plan = await store.planFingerprint();
  if (!plan) {
    err(`samocode: ${found.folder} has no plan file (*plan*.md) to approve yet`);
    return 1;
  }
  const gates = await store.readGates();
  await store.writeGates(
    recordApproval(gates, { plan: plan.file, blob: plan.blob, by: personName(), at: new Date().toISOString(), source: 'samocode approve' }),
  );
  out(`samocode: approved ${plan.file} (blob ${plan.blob.slice(0, 12)}) for ${found.folder}; run samocode run again to continue`);
  return 0;
}

async function installCommand(command: 'install' | 'uninstall'): Promise<number> {
  const report = command === 'install' ? await install(packageRoot()) : await uninstall();
  const verb = command === 'install' ? 'installed' : 'removed';
  out(`samocode: ${verb} ${report.written.length} file(s) in ${report.target}`);
  for (const path of report.skipped) {
    out(`samocode: left ${path} alone (${command === 'install' ? 'it is not ours' : 'changed since it was installed'})`);
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await run(rest);
      case 'status':
        return await status(rest);
      case 'approve':
        return await approve(rest);
      case 'install':
      case 'uninstall':
        return await installCommand(command);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        out(USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof ExitError) return error.code;
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`samocode: ${(error as Error).message}\n${USAGE}`);
      return 1;
    }
    const known = error instanceof SessionStateError || ['SessionSetupError', 'ScenarioError', 'MissingCliError'].includes((error as Error).name);
    err(`samocode: error: ${(error as Error).message}`);
    if (!known && process.env.SAMOCODE_DEBUG) err((error as Error).stack ?? '');
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
