// One suite for the Gemini CLI, the Copilot CLI and opencode, each the
// pinned devDependency, each against a loopback stand-in of its model API:
// an iteration in terminal mode (`dist/cli.js run`, the session folder
// outside the work tree) and one in GitHub mode (`dist/index.js` with runner
// variables, a bare remote, the GitHub stand-in, the agent as its own user).
// In each mode: the agent's signal is taken, the log holds the CLI's events,
// the tokens are recorded; a timeout leaves no process behind; an API error
// blocks the session with the CLI's own account of it.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { apiError, hang, ModelStandIn, runShell, say, type Dialect, type ModelCall, type ModelScript } from '../helpers/model-stand-in.js';
import { sessionFolder } from '../helpers/project.js';
import { checkout, labeledEvent, makeRemote, runBuiltAction } from '../helpers/runner.js';
import { baseEnv, checkCli, EgressTrap, history, makeRealCliProject, processesMentioning, readLogs, runSamocode, sessionContext, statusValue, waitFor, type Json } from './support.js';

export interface EngineCase {
  provider: 'gemini' | 'copilot' | 'opencode';
  bin: string;
  version: string;
  dialect: Dialect;
  /** The model as the CLI is told it (`-m`, `--model`). */
  model: string;
  /** What the CLI needs to reach the stand-in at `url`, with `scratch` a folder of the test's. */
  env(url: string, scratch: string): Record<string, string>;
  /** Set once per file before the tests (a cache the CLI fills on first run). */
  setUp?(scratch: string): Promise<Record<string, string>>;
  /** The log of a successful iteration holds the CLI's own events: its shell call and its answer. */
  expectEvents(events: Json[]): void;
  /** The tokens recorded for the two default-usage requests of an iteration. */
  usage: Json;
  /** How the CLI's report of the stand-in's 400 reads in the blocked reason. */
  errorText: string;
  /** Seconds the CLI takes to start before its first model request: the timeout test waits for that request. */
  timeoutS: number;
  /** What the CLI tries to reach beyond the stand-in, as the egress trap records it (nothing, by default). */
  egress?: string[];
  /**
   * The agent's network in GitHub mode. `restricted` where the model gateway carries the engine: the
   * relay, on the host, is then the agent's only way to the stand-in. `open` (the runner's network,
   * with the egress trap) by default.
   */
  network?: 'restricted' | 'open';
}

export const API_KEY = 'k-stand-in-0000';
const REFUSAL = 'the stand-in refuses this request';
const TOKEN = 'ghs_EngineSuiteWorkflowToken000000000000';

/** A shell turn that reports who ran it and writes the signal through the session variable. */
function signalTurn(signal: Json): ModelScript {
  return () =>
    // No command substitution: the Gemini CLI refuses a command with one.
    runShell(`id -u | sed 's/^/uid=/'; echo "phase=$SAMOCODE_PHASE"; env | sed 's/^/env: /'; printf '%s\\n' 'hello' > hello.txt; printf '%s' '${JSON.stringify(signal)}' > "$SAMOCODE_SESSION_PATH/_signal.json"`);
}

const BLOCKED = { status: 'blocked', phase: 'init', reason: 'the task is unclear', needs: 'clarification' };

export function engineSuite(engine: EngineCase): void {
  const expectNoEgress = (trap: EgressTrap) => expect(trap.attempts.filter((a) => !(engine.egress ?? []).includes(a))).toEqual([]);
  const scratchRoot = { dir: '', env: {} as Record<string, string> };
  const github = useFakeGitHub({ Codertocat: 'admin' });
  beforeAll(async () => {
    await checkCli(engine.bin, engine.version);
    const project = makeRealCliProject();
    scratchRoot.dir = project.dir;
    scratchRoot.env = (await engine.setUp?.(project.dir)) ?? {};
  }, 120_000);

  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function standIn(script: ModelScript[], otherwise?: ModelScript) {
    const model = await ModelStandIn.start(engine.dialect, script, otherwise);
    const trap = await EgressTrap.start();
    cleanups.push(() => model.close(), () => trap.close());
    return { model, trap };
  }

  async function terminal(script: ModelScript[], otherwise?: ModelScript, timeoutS?: number) {
    const { model, trap } = await standIn(script, otherwise);
    const project = makeRealCliProject();
    cleanups.push(async () => rmSync(project.dir, { recursive: true, force: true }));
    const upper = engine.provider.toUpperCase();
    // The engine's own .env keys: its path, its model, and its timeout when the test sets one.
    writeFileSync(join(project.dir, '.env'), `${upper}_PATH=${engine.bin}\n${upper}_MODEL=${engine.model}\n${timeoutS ? `${upper}_TIMEOUT=${timeoutS}\n` : ''}`);
    const env = { ...baseEnv(project, trap), ...scratchRoot.env, ...engine.env(model.url, project.tmp) };
    const run = (...extra: string[]) =>
      runSamocode(project, ['run', '--config', '.samocode', '--session', `real-${engine.provider}`, '--provider', engine.provider, '--task', 'Say hello', ...extra], env);
    return { model, trap, project, run };
  }

  async function githubMode(issue: number, script: ModelScript[], otherwise?: ModelScript, timeoutMin?: string) {
    const { model, trap } = await standIn(script, otherwise);
    github.addIssue({ number: issue, title: `Say hello with ${engine.provider}`, body: 'Write hello.txt.', labels: ['samocode'] });
    const remote = makeRemote();
    const workspace = checkout(remote);
    const scratch = join(workspace, '..', `scratch-${issue}`);
    mkdirSync(scratch);
    const run = await runBuiltAction({
      apiUrl: github.url,
      snapshotFrom: github,
      workspace,
      event: 'issues',
      payload: labeledEvent(issue),
      token: TOKEN,
      inputs: {
        provider: engine.provider,
        model: engine.model,
        'cli-path': engine.bin,
        'agent-user': 'auto',
        // The stand-in is on this host's loopback, which the agent's restricted namespace cannot reach but through the relay.
        'agent-network': engine.network ?? 'open',
        ...(timeoutMin ? { 'iteration-timeout': timeoutMin } : {}),
      },
      env: {
        GITHUB_TOKEN: TOKEN,
        GH_TOKEN: TOKEN,
        HTTPS_PROXY: trap.url,
        HTTP_PROXY: trap.url,
        https_proxy: trap.url,
        http_proxy: trap.url,
        NO_PROXY: '127.0.0.1,localhost',
        no_proxy: '127.0.0.1,localhost',
        ...scratchRoot.env,
        ...engine.env(model.url, scratch),
      },
      timeoutMs: 150_000,
    });
    const sessions = join(workspace, '.samocode', 'sessions');
    const folder = join(sessions, readdirSync(sessions).find((n) => !n.startsWith('.'))!);
    return { model, trap, run, workspace, folder };
  }

  /** What the shell reported, from the request that carried its output back. */
  function shellOutput(model: ModelStandIn): string {
    const after = model.modelRequests()[1]?.call as ModelCall | undefined;
    expect(after, 'a request followed the shell call').toBeDefined();
    return after!.text;
  }

  function expectLog(folder: string): Json[] {
    const logs = readLogs(folder);
    expect(logs.map((l) => l.file)).toEqual([expect.stringMatching(/-001-init\.jsonl$/)]);
    const events = logs[0]!.lines.filter((l): l is Json => typeof l === 'object' && l !== null);
    expect(events.length).toBeGreaterThan(0);
    return events;
  }

  describe(`${engine.provider}: the real CLI against a loopback stand-in of its model API`, { timeout: 180_000 }, () => {
    describe('terminal mode', () => {
      it('runs one iteration: runs its shell in the work tree, the signal is taken, its events are logged, its tokens recorded', async () => {
        const { model, trap, project, run } = await terminal([signalTurn(BLOCKED), say('Blocked: the task is unclear.')]);

        const result = await run();

        expect(result.code, result.stdout + result.stderr).toBe(4); // blocked, by the agent's own signal
        expect(result.lines.at(-1)).toMatch(/^samocode: blocked: the task is unclear \(needs clarification\) \(session folder: /);
        const requests = model.modelRequests();
        expect(requests.map((r) => r.answer)).toEqual([expect.stringMatching(/^shell via /), 'reply']);
        // The model named in .env, asked for in the URL (Gemini) or the body.
        const modelId = engine.model.split('/').at(-1)!;
        expect(requests.every((r) => r.url.includes(`/models/${modelId}:`) || r.body?.model === modelId)).toBe(true);
        // The phase's instructions and the session context reached the model.
        expect(requests[0]!.call!.text).toContain('# samocode workflow');
        expect(sessionContext(requests[0]!.call!.text).phase).toBe('init');
        expect(shellOutput(model)).toContain('phase=init');
        const folder = sessionFolder(project);
        const workdir = join(project.worktrees, folder.split('/').at(-1)!);
        expect(sessionContext(requests[0]!.call!.text).workdir).toBe(workdir);
        expect(history(folder)).toMatchObject([{ phase: 'init', verdict: 'accepted', signal: { status: 'blocked' }, usage: engine.usage }]);
        engine.expectEvents(expectLog(folder));
        expectNoEgress(trap);
        expect(processesMentioning(project.dir)).toEqual([]);
      });

      it('blocks with the timeout when the API never answers, and leaves no process behind', async () => {
        const { model, trap, project, run } = await terminal([hang()], undefined, engine.timeoutS);

        const result = await run();

        expect(result.code, result.stdout + result.stderr).toBe(4);
        const reason = `the agent timed out after ${engine.timeoutS} s`;
        expect(result.lines.at(-1)).toContain(`samocode: blocked: ${reason} (session folder: `);
        const folder = sessionFolder(project);
        expect(history(folder)).toMatchObject([{ phase: 'init', verdict: 'failed', reason, signal: null }]);
        expect(model.modelRequests().map((r) => r.answer)).toEqual(['hang']);
        expect(processesMentioning(project.dir)).toEqual([]);
        expect(await waitFor(() => model.openConnections === 0)).toBe(true);
        expectNoEgress(trap);
      });

      it('blocks with the API error in the CLI’s own words', async () => {
        const { model, trap, project, run } = await terminal([], apiError(400, REFUSAL));

        const result = await run();

        expect(result.code, result.stdout + result.stderr).toBe(4);
        const folder = sessionFolder(project);
        const reason = statusValue(folder, 'Blocked');
        expect(reason).toMatch(/^the agent exited with code \d+ and wrote no valid signal: /);
        expect(reason).toContain(engine.errorText);
        expect(result.lines.at(-1)).toContain(`samocode: blocked: ${reason}`);
        expect(model.modelRequests().every((r) => r.answer === 'error 400')).toBe(true);
        expect(readLogs(folder)).toHaveLength(1);
        expectNoEgress(trap);
        expect(processesMentioning(project.dir)).toEqual([]);
      });
    });

    describe('GitHub mode (dist/index.js, the agent as its own user)', () => {
      it('runs one iteration as another user: the signal is taken, its events are logged, its tokens recorded, the workflow token not in its reach', async () => {
        const { model, trap, run, folder } = await githubMode(301, [signalTurn(BLOCKED), say('Blocked: the task is unclear.')]);

        expect(run.outputs.status, run.stdout + run.stderr).toBe('blocked');
        expect(run.stdout).toContain('agent user: samocode-');
        const uid = /uid=(\d+)/.exec(shellOutput(model))?.[1];
        expect(uid).toBeDefined();
        expect(Number(uid)).not.toBe(0);
        expect(Number(uid)).not.toBe(process.getuid!());
        // The agent's whole environment went back to the model in the shell's output: no GitHub token in it.
        expect(shellOutput(model)).toContain('env: SAMOCODE_PHASE=init');
        expect(shellOutput(model)).not.toMatch(/env: (GITHUB_TOKEN|GH_TOKEN)=/);
        for (const request of model.requests) {
          expect(JSON.stringify(request.headers)).not.toContain(TOKEN);
          expect(JSON.stringify(request.body ?? '')).not.toContain(TOKEN);
        }
        expect(history(folder)).toMatchObject([{ phase: 'init', verdict: 'accepted', signal: { status: 'blocked' }, usage: engine.usage }]);
        engine.expectEvents(expectLog(folder));
        expectNoEgress(trap);
        expect(processesMentioning(folder)).toEqual([]);
      });

      it('blocks with the timeout when the API never answers, and leaves no process of the agent user behind', async () => {
        // iteration-timeout is in minutes.
        const { model, trap, run, folder, workspace } = await githubMode(302, [hang()], undefined, String(engine.timeoutS / 60));

        expect(run.outputs.status, run.stdout + run.stderr).toBe('blocked');
        expect(history(folder)).toMatchObject([{ phase: 'init', verdict: 'failed', reason: `the agent timed out after ${engine.timeoutS} s`, signal: null }]);
        expect(model.modelRequests().map((r) => r.answer)).toEqual(['hang']);
        expect(processesMentioning(workspace)).toEqual([]);
        expect(await waitFor(() => model.openConnections === 0)).toBe(true);
        expectNoEgress(trap);
      });

      it('blocks with the API error in the CLI’s own words', async () => {
        const { model, trap, run, folder, workspace } = await githubMode(303, [], apiError(400, REFUSAL));

        expect(run.outputs.status, run.stdout + run.stderr).toBe('blocked');
        const reason = statusValue(folder, 'Blocked');
        expect(reason).toMatch(/^the agent exited with code \d+ and wrote no valid signal: /);
        expect(reason).toContain(engine.errorText);
        expect(model.modelRequests().every((r) => r.answer === 'error 400')).toBe(true);
        expectNoEgress(trap);
        expect(processesMentioning(workspace)).toEqual([]);
      });
    });
  });
}
