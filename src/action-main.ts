// GitHub mode, wired: inputs and the event → the session branch → comments
// taken in → the loop → what the issue shows. Decisions live in the core;
// this file connects the adapters to it.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import * as core from '@actions/core';
import { cleanUntrusted } from './core/clean.js';
import type { GateRecord } from './core/gates.js';
import { selectComments, takeInComments, type IssueComment } from './core/intake.js';
import { MARKER_PREFIX, isBotAllowed, type Intent } from './core/intent.js';
import { runSession, type LoopResult, type Outcome } from './core/loop.js';
import { newOverview, parseStatus, readSection, resumeStatus, sessionState, writeStatus, type SessionStatus } from './core/overview.js';
import { PHASE_TABLE } from './core/phases.js';
import { openQuestions } from './core/qa.js';
import { Redactor } from './core/redact.js';
import { describeState, marker, noticeComment, planComment, pullRequestBody, questionsComment, trackingComment, type Links } from './core/render.js';
import { createClient } from './github/client.js';
import { RepoApi, type IssueInfo, type StateLabel } from './github/repo-api.js';
import { TRACKING_MARKER, TrackingComment } from './github/tracking.js';
import { IterationLog, jobSummary, Reporters } from './notify/summary.js';
import { TelegramNotifier } from './notify/telegram.js';
import { createAgent, isProvider, PROVIDERS } from './providers/index.js';
import { loadPrompts } from './providers/prompts.js';
import { AnotherRunError, BranchConflictError, SessionBranch } from './session/branch.js';
import { FsSessionStore } from './session/fs-store.js';
import { datePrefix, slugify } from './session/naming.js';

type ActiveIntent = Exclude<Intent, { kind: 'ignore' }>;

interface Inputs {
  token: string;
  provider: (typeof PROVIDERS)[number];
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
  autoApprove: boolean;
  allowedBots: string[];
  script?: string;
  agentEnv: string[];
  agentGithubToken?: string;
}

class InputError extends Error {}

function numberInput(name: string, fallback: number | undefined): number | undefined {
  const raw = core.getInput(name);
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`input ${name} must be a positive number, got "${raw}"`);
  return n;
}

function readInputs(): Inputs {
  const token = core.getInput('github-token') || process.env.GITHUB_TOKEN || '';
  if (!token) throw new InputError('input github-token is empty; the default is ${{ github.token }}');
  const provider = core.getInput('provider') || 'claude';
  if (!isProvider(provider)) throw new InputError(`input provider must be one of ${PROVIDERS.join(', ')}, got "${provider}"`);
  const list = (name: string) => core.getInput(name).split(/[\s,]+/).filter(Boolean);
  return {
    token,
    provider,
    model: core.getInput('model') || undefined,
    cliPath: core.getInput('cli-path') || undefined,
    triggerLabel: core.getInput('trigger-label') || 'samocode',
    branchPrefix: core.getInput('branch-prefix') || 'samocode/',
    baseBranch: core.getInput('base-branch') || undefined,
    sessionsDir: core.getInput('sessions-dir') || '.samocode/sessions',
    iterationTimeoutMin: numberInput('iteration-timeout', 30)!,
    maxRuntimeMin: numberInput('max-runtime-minutes', 330)!,
    maxIterations: numberInput('max-iterations', 200)!,
    maxCostUsd: numberInput('max-cost-usd', undefined),
    autoApprove: core.getInput('auto-approve').toLowerCase() === 'true',
    allowedBots: list('allowed-bots'),
    script: core.getInput('script') || undefined,
    agentEnv: list('agent-env'),
    agentGithubToken: core.getInput('agent-github-token') || undefined,
  };
}

interface Runner {
  repository: string;
  owner: string;
  repo: string;
  workspace: string;
  apiUrl: string;
  serverUrl: string;
  runUrl?: string;
  workflowRef?: string;
  ref?: string;
}

function readRunner(): Runner {
  const repository = process.env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) throw new InputError('GITHUB_REPOSITORY is not set (owner/repo)');
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const serverUrl = (process.env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const runId = process.env.GITHUB_RUN_ID;
  return {
    repository,
    owner,
    repo,
    workspace,
    apiUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
    serverUrl,
    runUrl: runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
    workflowRef: process.env.GITHUB_WORKFLOW_REF,
    ref: process.env.GITHUB_REF_NAME,
  };
}

const stateLabel = (status: SessionStatus): StateLabel => `samocode:${sessionState(status)}`;

const shortHash = (text: string) => createHash('sha1').update(text).digest('hex').slice(0, 12);

export async function runAction(intent: ActiveIntent, payload: Record<string, unknown>, startedAt: number): Promise<void> {
  let inputs: Inputs;
  let runner: Runner;
  try {
    inputs = readInputs();
    runner = readRunner();
  } catch (error) {
    core.setFailed(`samocode: ${(error as Error).message}`);
    return;
  }
  const telegramToken = core.getInput('telegram-bot-token') || process.env.TELEGRAM_BOT_TOKEN;
  const secrets = knownSecrets([inputs.token, telegramToken, inputs.agentGithubToken], process.env);
  for (const secret of secrets) core.setSecret(secret);
  const redactor = new Redactor(secrets);
  const notifier = new TelegramNotifier(
    { token: telegramToken, chatId: core.getInput('telegram-chat-id') || process.env.TELEGRAM_CHAT_ID, apiUrl: process.env.TELEGRAM_API_URL },
    (warning) => core.warning(redactor.redact(`samocode: ${warning}`)),
  );
  const api = new RepoApi(
    createClient({
      token: inputs.token,
      baseUrl: runner.apiUrl,
      retryBaseMs: Number(process.env.SAMOCODE_RETRY_BASE_MS) || undefined,
      pacing: apiPacing(runner.apiUrl, process.env.SAMOCODE_API_PACING),
      warn: (m) => core.warning(redactor.redact(m)),
    }),
    runner.owner,
    runner.repo,
    redactor,
  );

  const issue = await api.issue(intent.issue);
  if (issue.isPullRequest) {
    core.info(`samocode: #${issue.number} is a pull request; nothing to do`);
    return;
  }

  // A listed bot is let in by allowed-bots; anyone else, bot or person, needs write access.
  const listedBot = intent.kind === 'start' && isBot(intent.actor, intent.actorType) && isBotAllowed(intent.actor, intent.actorType, inputs.allowedBots);
  if (intent.kind === 'start' && !listedBot && !(await api.canSteer(intent.actor))) {
    await api.commentOnce(
      issue.number,
      marker('refused-start', `${intent.actor}`),
      noticeComment('refused-start', intent.actor, `@${intent.actor} only people with write access to this repository can start samocode; nothing was started.`),
    );
    core.notice(`samocode: ${intent.actor} may not start a session`);
    return;
  }

  const branchPrefix = `${inputs.branchPrefix}${issue.number}-`;
  const gitOptions = { workspace: runner.workspace, token: inputs.token, serverUrl: runner.serverUrl, secrets };
  const probe = new SessionBranch(`${branchPrefix}probe`, gitOptions);
  const removed = await probe.removePersistedCredentials();
  if (removed.length) core.info(`samocode: removed persisted credentials from .git/config (${removed.join(', ')})`);
  const existing = await probe.findRemote(branchPrefix);
  if (!existing && intent.kind !== 'start') {
    core.info(`samocode: #${issue.number} has no session branch (${branchPrefix}…); nothing to do`);
    return;
  }
  const branchName = existing ?? `${branchPrefix}${slugify(issue.title)}`;
  const branch = new SessionBranch(branchName, gitOptions);
  const baseBranch = inputs.baseBranch ?? (await api.defaultBranch());
  // What actions/checkout left is the base: the agent's configuration is taken from there.
  branch.protectFromBase(await branch.head(), PROTECTED_PATHS, (restored) =>
    core.warning(`samocode: the agent changed ${restored.join(', ')}; put back as on the base branch (agent configuration and workflows are not taken from the session)`),
  );
  if (existing) await branch.checkoutRemote();
  else await branch.create();

  const sessionsRoot = join(runner.workspace, inputs.sessionsDir);
  const found = await findSessionFolder(sessionsRoot, issue.number);
  if (existing && !found) {
    // The branch says a session exists; starting another from scratch would replay every old comment.
    const text = `the session folder for #${issue.number} is missing from ${inputs.sessionsDir}/ on ${existing}; restore it there, or delete the branch to start over`;
    await failOnIssue(api, issue, text);
    core.setFailed(`samocode: ${text}`);
    return;
  }
  const folder = found ?? `${datePrefix(new Date(startedAt))}-${issue.number}-${slugify(issue.title)}`;
  const sessionPath = join(sessionsRoot, folder);
  const links: Links = {
    run: runner.runUrl,
    branch: `${runner.serverUrl}/${runner.repository}/tree/${branchName}`,
    sessionFolder: `${runner.serverUrl}/${runner.repository}/tree/${branchName}/${relative(runner.workspace, sessionPath)}`,
    file: (name) => `${runner.serverUrl}/${runner.repository}/blob/${branchName}/${relative(runner.workspace, join(sessionPath, name))}`,
  };
  const store = new FsSessionStore({
    sessionPath,
    workdir: runner.workspace,
    redact: (text) => redactor.redact(text),
    checkpoint: (message) => branch.checkpoint(message),
  });
  // The label event's own snapshot of the issue: an edit made after the label was added is not the task.
  const snapshot = intent.kind === 'start' ? (payload.issue as { title?: string; body?: string | null } | undefined) : undefined;
  const issueText = cleanUntrusted(`${snapshot?.title ?? issue.title}\n\n${snapshot?.body ?? issue.body}`);

  let overview = await store.readOverview();
  const created = overview === null;
  if (overview === null) {
    overview = newOverview({
      sessionName: folder,
      startedAt: new Date(startedAt).toISOString(),
      task: issueText,
      workingDir: '.',
      source: issue.url,
    });
    await store.writeOverview(overview);
    core.info(`samocode: new session ${folder} on ${branchName}`);
  }
  const reading = parseStatus(overview);
  if (!reading.ok) {
    await failOnIssue(api, issue, `the session's _overview.md is unusable (${reading.reason}); fix it on ${branchName} and comment /resume`);
    core.setFailed(redactor.redact(`samocode: ${reading.reason}`));
    return;
  }
  let status = reading.status;

  // The tracking comment: found by its marker, or made once.
  const comments = await api.comments(issue.number);
  const runStart = new Date(startedAt).toISOString();
  if (created) {
    // A new session: what was said before it started is not an answer to anything it will ask.
    const before = comments.filter((c) => c.createdAt < runStart).map((c) => c.id);
    if (before.length) status = { ...status, lastComment: String(Math.max(...before)) };
  }
  const trackingId = await api.commentOnce(issue.number, TRACKING_MARKER, trackingComment(folder, status, links), comments);
  const tracking = new TrackingComment(api, issue.number, trackingId, folder, links);
  let labels = issue.labels;

  // Comments since `Last Comment`, in order, each once; who may steer is known first, so that only
  // their comments can hold the intake back.
  let gates = await store.readGates();
  const after = status.lastComment === null ? -1 : Number(status.lastComment);
  const permitted = new Map<string, boolean>();
  for (const c of comments) {
    if (c.id <= after || permitted.has(c.author) || c.body.includes(MARKER_PREFIX)) continue;
    permitted.set(c.author, isBot(c.author, c.authorType) ? isBotAllowed(c.author, c.authorType, inputs.allowedBots) : await api.canSteer(c.author));
  }
  const mayGovern = (login: string) => permitted.get(login) ?? false;
  const selection = selectComments(comments, status.lastComment, gates, runStart, mayGovern);
  const bots = new Set(selection.take.filter((c) => isBot(c.author, c.authorType) && !mayGovern(c.author)).map((c) => c.id));
  const intake = takeInComments(
    { status, gates, qa: await store.readQa(), postedPlan: gates.posted, gateCommentId: await gateCommentId(api, comments, status, gates.posted) },
    selection.take,
    selection.lastId,
    mayGovern,
    new Date().toISOString(),
  );
  status = intake.status;
  // Adding the trigger label again resumes a blocked session.
  if (intent.kind === 'start' && status.blocked) {
    status = resumeStatus(status, PHASE_TABLE[status.phase].maxIterations, `@${intent.actor} (label added again)`);
  }
  gates = intake.gates;
  if (intake.qa !== null) await store.writeQa(intake.qa);
  if (intake.feedback.length) {
    const feedbackFile = join(sessionPath, '_feedback.md');
    const previous = existsSync(feedbackFile) ? await readFile(feedbackFile, 'utf8') : '# Feedback on the plan\n';
    const added = intake.feedback.map((f) => `\n## From @${f.by} (comment ${f.commentId})\n${f.text}\n`).join('');
    await writeFile(feedbackFile, `${previous.trimEnd()}\n${added}`);
  }
  await store.writeGates(gates);
  overview = writeStatus((await store.readOverview()) ?? overview, status);
  await store.writeOverview(overview);
  try {
    await branch.claim(runId(), intake.changed ? `took in comments up to ${status.lastComment}` : `${intent.kind} for #${issue.number}`);
  } catch (error) {
    if (error instanceof AnotherRunError) {
      core.notice(`samocode: ${error.message}; this run stops and leaves the session to it`);
      core.setOutput('status', 'skipped');
      return;
    }
    if (!(error instanceof BranchConflictError)) throw error;
    await failOnIssue(api, issue, `${error.message}; comment /resume once the branch is sorted out`);
    core.setFailed(redactor.redact(`samocode: ${error.message}`));
    return;
  }
  for (const reply of intake.replies) {
    if (bots.has(reply.to)) continue;
    await api.commentOnce(issue.number, marker('reply', reply.to), noticeComment('reply', reply.to, reply.text), comments);
  }
  if (intake.postStatus) {
    await api.comment(issue.number, noticeComment('status', Date.now(), trackingComment(folder, status, links).replace(TRACKING_MARKER, '')));
  }

  // The loop.
  const log = new IterationLog((line) => core.info(redactor.redact(line)));
  let result: LoopResult;
  let outcome: Outcome;
  try {
    if (!status.blocked && status.next.kind !== 'done') labels = await api.setStateLabel(issue.number, 'samocode:running', labels);
    const agent = await createAgent({
      provider: inputs.provider,
      scriptPath: inputs.script ? join(runner.workspace, inputs.script) : undefined,
      cliPath: inputs.cliPath,
      model: inputs.model,
      cliSetting: 'the cli-path input',
      env: process.env,
      extraEnv: inputs.agentEnv,
      agentGithubToken: inputs.agentGithubToken,
    });
    result = await runSession(
      { agent, store, reporter: new Reporters([log, tracking]), clock: { now: Date.now } },
      {
        sessionName: folder,
        mode: 'github',
        prompts: loadPrompts(),
        iterationTimeoutMs: inputs.iterationTimeoutMin * 60_000,
        deadline: startedAt + inputs.maxRuntimeMin * 60_000,
        maxTotalIterations: inputs.maxIterations,
        maxCostUsd: inputs.maxCostUsd,
        autoApprove: inputs.autoApprove,
        task: readSection(overview, 'Task') ?? issueText,
        data: intake.feedback.map((f) => ({ title: `Feedback on the plan from @${f.by}`, text: f.text })),
        note: intake.feedback.length ? 'a person asked for changes to the plan (see _feedback.md): revise the plan, then wait for approval again' : undefined,
      },
    );
    outcome = result.outcome;
    status = result.status;
  } catch (error) {
    if (error instanceof AnotherRunError) {
      core.notice(`samocode: ${error.message}; this run stops and leaves the session to it`);
      core.setOutput('status', 'skipped');
      return;
    }
    const reason =
      error instanceof BranchConflictError
        ? `${error.message}`
        : `${(error as Error).name === 'MissingCliError' ? '' : 'error: '}${(error as Error).message}`;
    const saved = parseStatus(await store.readOverview());
    if (saved.ok) status = saved.status;
    status = { ...status, blocked: redactor.redact(reason), next: { kind: 'blocked' }, lastAction: `blocked: ${redactor.redact(reason)}` };
    await store.writeOverview(writeStatus((await store.readOverview()) ?? overview, status));
    if (!(error instanceof BranchConflictError)) await branch.checkpoint(`samocode: blocked (${reason.slice(0, 80)})`).catch(() => {});
    outcome = { kind: 'blocked', reason: status.blocked! };
    result = { outcome, status, iterations: log.records };
  }

  // What the issue shows.
  let pullRequest: string | undefined;
  let note: string | undefined;
  switch (outcome.kind) {
    case 'waiting':
      if (outcome.gate === 'qa_answers') {
        const open = openQuestions(await store.readQa());
        // One comment per wait: the same questions asked again are posted again.
        const round = shortHash(`${(await store.readGates()).pending?.since ?? status.totalIterations}:${open.map((q) => q.id).join(',')}`);
        await api.commentOnce(issue.number, marker('questions', round), questionsComment(open, round));
        note = 'Answer the questions in a comment.';
      } else {
        const plan = await store.planFingerprint();
        if (plan) {
          const text = await readFile(join(sessionPath, plan.file), 'utf8');
          await api.commentOnce(issue.number, marker('plan', plan.blob), planComment(plan.file, text, plan.blob, links));
          if (gates.posted?.blob !== plan.blob) {
            const latest: GateRecord = { ...(await store.readGates()), posted: { file: plan.file, blob: plan.blob } };
            await store.writeGates(latest);
            await branch.checkpoint(`samocode: plan ${plan.file} posted for approval`);
          }
        }
        note = 'Reply `/approve` to approve the plan, or comment what should change.';
      }
      break;
    case 'blocked':
      await api.commentOnce(
        issue.number,
        marker('blocked', `${status.totalIterations}-${shortHash(outcome.reason)}`),
        noticeComment('blocked', `${status.totalIterations}-${shortHash(outcome.reason)}`, `samocode is blocked: ${outcome.reason}\n\nFix what it needs, then comment \`/resume\`.`),
      );
      break;
    case 'done': {
      const summary = outcome.summary;
      const plan = await store.planFingerprint();
      try {
        const pr = await api.ensurePullRequest(
          branchName,
          baseBranch,
          `samocode: ${issue.title}`,
          pullRequestBody(issue.number, summary, { plan: plan ? links.file?.(plan.file) : undefined, sessionFolder: links.sessionFolder }),
        );
        pullRequest = pr.url;
        await api.commentOnce(issue.number, marker('done', pr.number), noticeComment('done', pr.number, `samocode is done: ${summary}\n\nPull request: ${pr.url}`));
      } catch (error) {
        note = `The session is done but the pull request could not be opened (${(error as Error).message}); comment \`/resume\` to try again.`;
        core.warning(redactor.redact(`samocode: ${note}`));
        await api.commentOnce(issue.number, marker('pr-failed', status.totalIterations), noticeComment('pr-failed', status.totalIterations, note)).catch(() => {});
      }
      break;
    }
    case 'paused': {
      const workflow = runner.workflowRef?.split('@')[0]?.split('/').slice(2).join('/') ?? '';
      const workflowFile = workflow.split('/').at(-1) ?? '';
      try {
        if (!workflowFile) throw new Error('GITHUB_WORKFLOW_REF is not set');
        await api.dispatch(workflowFile, runner.workflowRef?.split('@')[1]?.replace(/^refs\/heads\//, '') ?? baseBranch, issue.number);
        note = 'This run reached its time budget; the session continues in a new run.';
        await api.commentOnce(issue.number, marker('pause', status.totalIterations), noticeComment('pause', status.totalIterations, `samocode: ${note}`));
      } catch (error) {
        note = `This run reached its time budget and could not start the next one (${(error as Error).message}); comment \`/resume\` to continue.`;
        core.warning(redactor.redact(`samocode: ${note}`));
      }
      break;
    }
  }
  labels = await api.setStateLabel(issue.number, stateLabel(status), labels);
  await tracking.flush(status, note).catch((error: unknown) => core.warning(redactor.redact(`samocode: could not update the tracking comment: ${(error as Error).message}`)));
  if (outcome.kind !== 'paused') {
    const text = outcome.kind === 'done' ? outcome.summary : outcome.kind === 'blocked' ? outcome.reason : `waiting for ${outcome.gate}`;
    await notifier.notify(outcome.kind, redactor.redact(`${runner.repository}#${issue.number} (${folder}): ${text} ${issue.url}`));
  }

  core.setOutput('session', folder);
  core.setOutput('branch', branchName);
  core.setOutput('phase', status.phase);
  core.setOutput('status', outcome.kind);
  core.setOutput('iterations', String(status.totalIterations));
  core.setOutput('cost-usd', status.costUsd.toFixed(4));
  core.setOutput('pull-request', pullRequest ?? '');
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(redactor.redact(jobSummary(folder, status, result.iterations, { branch: links.branch, pullRequest }, await store.sessionTokens()))).write();
  }
  core.info(redactor.redact(`samocode: ${describeState(status)} (${folder} on ${branchName})`));
  // A person's /stop is not a failure; anything else that blocks the session is.
  if (outcome.kind === 'blocked' && !outcome.reason.startsWith('stopped by @')) core.setFailed(redactor.redact(`samocode: blocked: ${outcome.reason}`));
}

/**
 * Files that configure or instruct the agent CLI, which a session may not change for its later calls,
 * and workflows, which the workflow token cannot push (the push would fail and take the iteration with it).
 */
const PROTECTED_PATHS = ['.claude', '.mcp.json', 'CLAUDE.md', 'CLAUDE.local.md', '.codex', 'AGENTS.md', '.github/workflows'];

const isBot = (login: string, type: string | undefined) => type === 'Bot' || login.endsWith('[bot]');

/**
 * GitHub asks integrations to space out writes; a stand-in of the API on this
 * machine (tests, act with a local API) does not, unless asked to.
 */
function apiPacing(apiUrl: string, setting: string | undefined): boolean {
  if (setting === 'on' || setting === 'off') return setting === 'on';
  const host = new URL(apiUrl).hostname;
  return !(host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host));
}

/** Unique per run and attempt, and per process for runs outside GitHub (act, tests). */
function runId(): string {
  return `${process.env.GITHUB_RUN_ID ?? 'local'}.${process.env.GITHUB_RUN_ATTEMPT ?? '1'}.${randomUUID().slice(0, 8)}`;
}

/** The values nothing samocode writes may hold: its inputs' tokens and every credential-looking variable. */
function knownSecrets(values: (string | undefined)[], env: NodeJS.ProcessEnv): string[] {
  const fromEnv = Object.entries(env)
    .filter(([name, value]) => value && value.length >= 8 && /(TOKEN|SECRET|PASSWORD|API_KEY|_KEY$|CREDENTIALS)/i.test(name))
    .map(([, value]) => value!);
  return [...new Set([...values, ...fromEnv].filter((v): v is string => typeof v === 'string' && v.length >= 6))];
}

/** The action's own comment that opened the gate the session waits at: the plan as posted, or the newest questions. */
async function gateCommentId(
  api: RepoApi,
  comments: { id: number; body: string; author: string; authorType: string }[],
  status: SessionStatus,
  posted: { blob: string } | null,
): Promise<number | null> {
  if (status.next.kind !== 'waiting') return null;
  const prefix = status.next.gate === 'plan_approval' ? marker('plan', posted?.blob ?? '-') : `${MARKER_PREFIX}questions:`;
  let found: number | null = null;
  for (const c of comments) if (c.body.includes(prefix) && (await api.isOwn(c as IssueComment))) found = Math.max(found ?? 0, c.id);
  return found;
}

async function findSessionFolder(root: string, issue: number): Promise<string | null> {
  const names = await readdir(root).catch(() => [] as string[]);
  const mine = names.filter((n) => new RegExp(`^\\d{2}-\\d{2}-\\d{2}-${issue}-`).test(n)).sort();
  return mine.at(-1) ?? null;
}

async function failOnIssue(api: RepoApi, issue: IssueInfo, text: string): Promise<void> {
  await api.commentOnce(issue.number, marker('error', shortHash(text)), noticeComment('error', shortHash(text), `samocode: ${text}`)).catch(() => {});
}
