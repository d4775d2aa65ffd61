// `samocode init [--provider NAME] [--upgrade] [--force]`: in a repository's
// checkout, writes the vendored action and this package's own workflow, then
// says what to add on GitHub with the exact `gh` commands. Run again it
// changes nothing; `--upgrade` replaces the action only; a workflow or an
// action that differs from this version's is never overwritten without the
// flag that says so, and nothing is written when something is refused.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { secretsOf } from '../core/provider-secrets.js';
import { readWorkflow } from '../core/workflow-file.js';
import { ACTION_DIR, RECORD_PATH, WORKFLOW_PATH, formatRecord, parseRecord, type VendoredRecord } from '../core/vendored.js';
import { Git, ambientEnv } from '../git/command.js';
import { PROVIDERS, isProvider } from '../providers/settings.js';
import { packageRoot } from '../providers/prompts.js';
import { EXIT } from './exit-codes.js';
import { SetupError } from './setup-error.js';
import { version } from './version.js';
import { UsageError, err, out, shellWord } from './usage.js';
import { actionInRepository, digestOf, sameFiles, sha256, shippedAction } from './vendor.js';

export const INIT_USAGE = `usage: samocode init [--provider NAME] [--upgrade] [--force]

  In a repository's checkout: writes the action to ${ACTION_DIR} and the
  workflow to ${WORKFLOW_PATH}, then prints what to add on GitHub.

options:
  --provider NAME   ${PROVIDERS.join(', ')} (default claude): the secrets and variable to add
  --upgrade         replace the vendored action with this version's; the workflow is left alone
  --force           also replace a workflow (or action) that differs from this version's
  -h, --help        this text

exit codes: 0 the files are in place, 1 refused (nothing written), 2 usage`;

interface InitOptions {
  provider: string;
  upgrade: boolean;
  force: boolean;
}

/** The work tree's top folder; a clear refusal outside one. */
async function repositoryRoot(cwd: string): Promise<string> {
  try {
    return (await new Git(cwd, ambientEnv()).raw(['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new SetupError(`${cwd} is not in a git repository's work tree; run samocode init in your repository's checkout`);
  }
}

type WorkflowState = 'absent' | 'same' | 'earlier copy' | 'changed' | 'not ours';

/** What is in the checkout now, and what this version would write. */
interface InitState {
  root: string;
  action: Map<string, Buffer>;
  workflow: Buffer;
  record: VendoredRecord | null;
  actionState: 'absent' | 'same' | 'different';
  workflowState: WorkflowState;
}

interface InitPlan {
  refusals: string[];
  writeAction: boolean;
  writeWorkflow: boolean;
}

export async function init(args: string[]): Promise<number> {
  const options = parseInitArgs(args);
  if (options === 'help') {
    out(INIT_USAGE);
    return EXIT.done;
  }
  const state = await readState(await repositoryRoot(process.cwd()));
  const plan = decide(state, options);
  if (plan.refusals.length) {
    for (const line of plan.refusals) err(`samocode init: refused: ${line}`);
    err('samocode init: nothing was written');
    return EXIT.error;
  }
  if (plan.writeAction) await writeAction(state);
  if (plan.writeWorkflow) await writeWorkflow(state);
  const recordChanged = await writeRecord(state, plan);
  report(state, plan, recordChanged);
  printNextSteps(options.provider, (await readFile(join(state.root, WORKFLOW_PATH)).catch(() => state.workflow)).toString('utf8'));
  return EXIT.done;
}

function parseInitArgs(args: string[]): InitOptions | 'help' {
  const { values } = parseArgs({
    args,
    options: { provider: { type: 'string' }, upgrade: { type: 'boolean' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return 'help';
  const provider = values.provider ?? 'claude';
  if (!isProvider(provider)) throw new UsageError(`unknown provider "${provider}" (${PROVIDERS.join(', ')})`);
  return { provider, upgrade: values.upgrade ?? false, force: values.force ?? false };
}

async function readState(root: string): Promise<InitState> {
  const source = packageRoot();
  const action = await shippedAction(source);
  const workflow = await readFile(join(source, WORKFLOW_PATH));
  const recordFile = join(root, RECORD_PATH);
  const record = existsSync(recordFile) ? parseRecord(await readFile(recordFile, 'utf8')) : null;
  const present = await actionInRepository(join(root, ACTION_DIR));
  const actionState = present === null ? 'absent' : sameFiles(present, action) ? 'same' : 'different';
  return { root, action, workflow, record, actionState, workflowState: await workflowState(join(root, WORKFLOW_PATH), workflow, record) };
}

async function workflowState(path: string, shipped: Buffer, record: VendoredRecord | null): Promise<WorkflowState> {
  if (!existsSync(path)) return 'absent';
  const current = await readFile(path);
  if (current.equals(shipped)) return 'same';
  if (!record?.workflow) return 'not ours';
  return record.workflow === sha256(current) ? 'earlier copy' : 'changed';
}

/** Everything is decided before anything is written: a refusal leaves the checkout as it was. */
function decide(state: InitState, options: InitOptions): InitPlan {
  const refusals: string[] = [];
  const flow = state.workflowState;
  if (state.actionState === 'different' && !options.upgrade && !options.force) {
    const was = state.record ? `samocode ${state.record.version}'s copy` : 'not a copy samocode init made';
    refusals.push(`${ACTION_DIR} differs from this version's (${was}); samocode init --upgrade replaces it`);
  }
  if (flow !== 'absent' && flow !== 'same' && !options.upgrade && !options.force) {
    refusals.push(`${WORKFLOW_PATH} ${describeWorkflow(flow)}; samocode init --force replaces it`);
  }
  // --upgrade touches the action only; --force may replace the workflow too.
  const writeWorkflow = flow === 'absent' ? !options.upgrade || options.force : flow !== 'same' && options.force;
  return { refusals, writeAction: state.actionState !== 'same', writeWorkflow };
}

/** The folder is the action's alone: an upgrade leaves no file of the old version behind. */
async function writeAction(state: InitState): Promise<void> {
  const dir = join(state.root, ACTION_DIR);
  await rm(dir, { recursive: true, force: true });
  for (const [path, bytes] of state.action) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), bytes);
  }
}

async function writeWorkflow(state: InitState): Promise<void> {
  const file = join(state.root, WORKFLOW_PATH);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, state.workflow);
}

/** The version vendored, and the workflow as init last wrote it (kept when a person's is left alone). Whether it changed. */
async function writeRecord(state: InitState, plan: InitPlan): Promise<boolean> {
  const ours = plan.writeWorkflow || state.workflowState === 'same';
  const text = formatRecord({ version: version(), digest: digestOf(state.action), workflow: ours ? sha256(state.workflow) : (state.record?.workflow ?? null) });
  const file = join(state.root, RECORD_PATH);
  if (existsSync(file) && (await readFile(file, 'utf8')) === text) return false;
  await writeFile(file, text);
  return true;
}

function report(state: InitState, plan: InitPlan, recordChanged: boolean): void {
  const flow = state.workflowState;
  out(`samocode init: ${plan.writeAction ? (state.actionState === 'absent' ? 'wrote' : 'replaced') : 'unchanged'} ${ACTION_DIR} (samocode ${version()}, ${state.action.size} files)`);
  if (plan.writeWorkflow) out(`samocode init: ${flow === 'absent' ? 'wrote' : 'replaced'} ${WORKFLOW_PATH}`);
  else if (flow === 'same') out(`samocode init: unchanged ${WORKFLOW_PATH}`);
  else if (flow === 'absent') out(`samocode init: no ${WORKFLOW_PATH}; samocode init writes it`);
  else out(`samocode init: left ${WORKFLOW_PATH} alone: it ${describeWorkflow(flow)}; samocode init --upgrade --force replaces it`);
  if (!plan.writeAction && !plan.writeWorkflow && !recordChanged) out('samocode init: nothing to change');
}

function describeWorkflow(state: WorkflowState): string {
  if (state === 'earlier copy') return "is an earlier version's copy, unchanged since init wrote it";
  if (state === 'changed') return "differs from this version's and was changed since samocode init wrote it";
  return "differs from this version's and is not one samocode init wrote";
}

/** What to add on GitHub, as commands to paste (gh takes the repository from the checkout). */
function printNextSteps(provider: string, workflowText: string): void {
  const passed = readWorkflow(workflowText).secrets;
  const secrets = secretsOf(provider);
  const usable = secrets.anyOf.filter((name) => passed.has(name));
  const lines = [
    '',
    'Next: commit these files to the default branch, then add on GitHub (gh takes the repository from this checkout):',
    '',
    `  git add ${ACTION_DIR} ${WORKFLOW_PATH}`,
    "  git commit -m 'Set up samocode'",
    '  git push',
  ];
  if (usable.length) {
    const others = usable.slice(1).map((name) => `gh secret set ${name}`);
    lines.push(`  gh secret set ${usable[0]}${others.length ? `        # or: ${others.join(', or ')}` : ''}`);
  }
  lines.push(
    `  gh variable set SAMOCODE_PROVIDER --body ${shellWord(provider)}`,
    `  gh label create samocode --color 5319e7 --description 'Start a samocode session' --force`,
    '  gh api --method PUT repos/{owner}/{repo}/actions/permissions/workflow -F can_approve_pull_request_reviews=true',
    '',
  );
  const unpassed = secrets.anyOf.filter((name) => !passed.has(name));
  if (secrets.note) lines.push(`Secrets: ${secrets.note}.`);
  if (unpassed.length && usable.length) lines.push(`(${unpassed.join(', ')} would do too, once the workflow passes it to the action's env.)`);
  if (!secrets.anyOf.length && !secrets.note) lines.push(`The ${provider} provider needs no secret.`);
  if (!usable.length && secrets.anyOf.length) lines.push(`The workflow passes none of ${secrets.anyOf.join(', ')} to the action: add one to the action step's env, then gh secret set it.`);
  lines.push(
    'The last command lets the job token open the pull request; with a GitHub App token (the README\'s "Tokens") it is not needed, and your CI runs on the pull request.',
    'Then `samocode doctor` checks all of it through the API (GH_TOKEN=$(gh auth token) samocode doctor).',
  );
  for (const line of lines) out(line);
}
