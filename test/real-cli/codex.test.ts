// The real Codex CLI (the pinned devDependency), started by the codex
// provider through `dist/cli.js run`, against a loopback stand-in of the
// OpenAI Responses API. Codex ignores OPENAI_BASE_URL; it reaches the
// stand-in the way a user points it at any endpoint: a model provider in
// $CODEX_HOME/config.toml (CODEX_HOME is on the agent's allow-list).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiError, codexConfig, hang, OpenAIStandIn, responsesText, runShell, say, type OpenAIScript, type ResponsesCall } from '../helpers/openai-stand-in.js';
import { read, sessionFolder } from '../helpers/project.js';
import {
  baseEnv,
  checkCli,
  CODEX_BIN,
  EgressTrap,
  history,
  makeRealCliProject,
  processesMentioning,
  readLogs,
  runSamocode,
  sessionContext,
  statusValue,
  waitFor,
  type Json,
} from './support.js';

const API_KEY = 'sk-stand-in-0000';
const asRoot = process.getuid?.() === 0;

beforeAll(() => checkCli(CODEX_BIN, '0.169.0'));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setUp(script: OpenAIScript[], otherwise?: OpenAIScript) {
  const standIn = await OpenAIStandIn.start(script, otherwise ? { otherwise } : {});
  const trap = await EgressTrap.start();
  cleanups.push(() => standIn.close(), () => trap.close());
  const project = makeRealCliProject();
  cleanups.push(async () => rmSync(project.dir, { recursive: true, force: true }));
  const codexHome = join(project.home, '.codex');
  mkdirSync(codexHome);
  writeFileSync(join(codexHome, 'config.toml'), codexConfig(standIn.url));
  const env = {
    ...baseEnv(project, trap),
    CODEX_PATH: CODEX_BIN,
    CODEX_HOME: codexHome,
    OPENAI_API_KEY: API_KEY,
  };
  const run = (...extra: string[]) => runSamocode(project, ['run', '--config', '.samocode', '--session', 'real-codex', '--provider', 'codex', '--task', 'Say hello', ...extra], env);
  return { standIn, trap, project, run };
}

/** The text of the shell call's output in the request that follows it. */
function shellOutput(body: Json): string {
  const output = (body.input as Json[]).filter((i) => i.type === 'function_call_output' || i.type === 'custom_tool_call_output').at(-1);
  expect(output, 'the request after a shell call carries its output').toBeDefined();
  // A function call's output is a string; code mode's is a list of texts (the command's result as JSON in the last).
  return typeof output!.output === 'string' ? output!.output : (output!.output as Json[]).map((o) => o.text).join('\n');
}

describe('codex: the real CLI against a loopback OpenAI Responses stand-in', () => {
  it('runs init → investigation → requirements with its shell tool, logging its events and their usage', async () => {
    const script: OpenAIScript[] = [
      // init: a code file in the working directory and the signal, through the session variables.
      runShell(
        `echo "uid=$(id -u)"; printf '%s\\n' "console.log('hello from codex');" > hello.js && printf '%s' '{"status":"continue","phase":"investigation"}' > "$SAMOCODE_SESSION_PATH/_signal.json" && echo "phase=$SAMOCODE_PHASE"`,
      ),
      say('Initialised: hello.js written.'),
      // investigation: the signal with the heredoc the workflow prompt recommends, by the path in the context.
      (call: ResponsesCall) => {
        const { sessionPath } = sessionContext(call.text);
        return runShell(`cat > '${sessionPath}/_signal.json' <<'EOF'\n{"status":"continue","phase":"requirements"}\nEOF`);
      },
      say('Nothing more to look at.'),
      // requirements: a question, then wait for its answer.
      (call) => {
        const { sessionPath } = sessionContext(call.text);
        return runShell(
          `cat > '${sessionPath}/_qa.md' <<'EOF'\n# Questions\n\n### Q1: Which greeting?\nA) hello\nB) hi\n**Suggestion:** A - it is already there\n**Answer:** _waiting_\nEOF\n` +
            `printf '%s' '{"status":"waiting","phase":"requirements","for":"qa_answers"}' > '${sessionPath}/_signal.json'`,
        );
      },
      say('Questions are in _qa.md.'),
    ];
    const { standIn, trap, project, run } = await setUp(script);
    writeFileSync(join(project.dir, '.env'), 'CODEX_MODEL=stand-in-model\n');

    const result = await run();

    expect(result.stderr).toBe('');
    expect(result.code).toBe(3); // waiting for a person
    expect(result.lines.at(-1)).toMatch(/^samocode: waiting for answers \(questions are in _qa\.md\)/);
    const iterations = result.lines.filter((l) => / #\d+ /.test(l));
    expect(iterations).toHaveLength(3);
    // Codex reports tokens, not dollars: no cost on the line.
    expect(iterations[0]).toMatch(/ #1 init 1: continue → investigation [\d.]+s$/);
    expect(iterations[2]).toMatch(/ #3 requirements 1: waiting for qa_answers [\d.]+s$/);

    // What the CLI asked of the API: six streamed requests to the configured provider, nothing else.
    const requests = standIn.responseRequests();
    expect(standIn.requests.map((r) => `${r.method} ${r.url}`)).toEqual(Array(6).fill('POST /v1/responses'));
    expect(requests.every((r) => r.headers.authorization === `Bearer ${API_KEY}` && r.body.stream === true)).toBe(true);
    expect(requests.every((r) => r.body.model === 'stand-in-model')).toBe(true);
    expect(requests.map((r) => r.answer)).toEqual(['shell via exec_command', 'reply', 'shell via exec_command', 'reply', 'shell via exec_command', 'reply']);
    const firstText = responsesText(requests[0]!.body);
    expect(firstText).toContain('# samocode workflow');
    expect(firstText).toContain('# Your instructions for the init phase');
    expect(requests.map((r) => sessionContext(responsesText(r.body)).phase)).toEqual([
      'init', 'init', 'investigation', 'investigation', 'requirements', 'requirements',
    ]);

    // The shell ran in the working directory, as this user (root here and in CI), with the session variables.
    const init = shellOutput(requests[1]!.body);
    expect(init).toContain(`uid=${process.getuid!()}\n`);
    if (asRoot) expect(init).toContain('uid=0\n');
    expect(init).toContain('phase=init\n');
    expect(init).toMatch(/exited with code 0/);
    const folder = sessionFolder(project);
    const workdir = join(project.worktrees, folder.split('/').at(-1)!);
    expect(readFileSync(join(workdir, 'hello.js'), 'utf8')).toBe("console.log('hello from codex');\n");
    expect(read(folder, '_qa.md')).toContain('### Q1: Which greeting?');
    expect(history(folder).map((h) => [h.phase, h.verdict, h.signal.status])).toEqual([
      ['init', 'accepted', 'continue'],
      ['investigation', 'accepted', 'continue'],
      ['requirements', 'accepted', 'waiting'],
    ]);

    // The logs hold Codex's JSONL events, line for line, with the usage of both requests of each iteration.
    const logs = readLogs(folder);
    expect(logs.map((l) => l.file)).toEqual([
      expect.stringMatching(/-001-init\.jsonl$/),
      expect.stringMatching(/-002-investigation\.jsonl$/),
      expect.stringMatching(/-003-requirements\.jsonl$/),
    ]);
    for (const { lines } of logs) {
      const events = lines as Json[];
      expect(events.every((e) => typeof e === 'object')).toBe(true);
      expect(events[0]).toMatchObject({ type: 'thread.started' });
      const commands = events.filter((e) => e.type === 'item.completed' && e.item.type === 'command_execution');
      expect(commands).toHaveLength(1);
      expect(commands[0]!.item).toMatchObject({ exit_code: 0, status: 'completed' });
      expect(events.filter((e) => e.type === 'item.completed' && e.item.type === 'agent_message')).toHaveLength(1);
      expect(events.at(-1)).toEqual({
        type: 'turn.completed',
        usage: { input_tokens: 2_000, cached_input_tokens: 400, cache_write_input_tokens: 0, output_tokens: 100, reasoning_output_tokens: 0 },
      });
      expect(events.some((e) => e.type === 'turn.failed')).toBe(false);
    }
    expect(statusValue(folder, 'Cost USD')).toBe('0.0000');
    expect(statusValue(folder, 'Total Iterations')).toBe('3');

    expect(trap.attempts).toEqual([]);
    expect(processesMentioning(project.dir)).toEqual([]);
  });

  it('runs its shell in code mode with its default model, and stops when the agent blocks', async () => {
    // With no model set Codex 0.169 picks one it knows, and sends the shell as code mode's JavaScript `exec` tool.
    const { standIn, trap, project, run } = await setUp([
      (call) =>
        runShell(`echo "uid=$(id -u)"; printf '%s' '{"status":"blocked","phase":"init","reason":"the task is unclear","needs":"clarification"}' > '${sessionContext(call.text).sessionPath}/_signal.json'`),
      say('Blocked: the task is unclear.'),
    ]);

    const result = await run();

    expect(result.code).toBe(4); // blocked
    expect(result.lines.at(-1)).toMatch(/^samocode: blocked: the task is unclear \(needs clarification\) \(session folder: /);
    const requests = standIn.responseRequests();
    expect(requests.map((r) => r.answer)).toEqual(['shell via code-mode exec', 'reply']);
    expect(requests[0]!.body.tools ?? []).toEqual([]);
    expect(shellOutput(requests[1]!.body)).toContain(`uid=${process.getuid!()}\\n`);
    const folder = sessionFolder(project);
    expect(history(folder)).toMatchObject([{ phase: 'init', verdict: 'accepted', signal: { status: 'blocked' } }]);
    const [log] = readLogs(folder);
    expect((log!.lines as Json[]).filter((e) => e.type === 'item.completed' && e.item.type === 'command_execution').map((e) => e.item.exit_code)).toEqual([0]);
    expect(trap.attempts).toEqual([]);
    expect(processesMentioning(project.dir)).toEqual([]);
  });

  it('blocks with the timeout reason when the API never answers, and leaves no codex process behind', async () => {
    const { standIn, trap, project, run } = await setUp([hang()]);

    const result = await run('--timeout', '5');

    expect(result.code).toBe(4); // blocked
    expect(result.lines.at(-1)).toMatch(/^samocode: blocked: the agent timed out after 5 s \(session folder: /);
    expect(result.ms).toBeLessThan(15_000);
    const folder = sessionFolder(project);
    expect(statusValue(folder, 'Blocked')).toBe('the agent timed out after 5 s');
    expect(history(folder)).toMatchObject([{ phase: 'init', verdict: 'failed', reason: 'the agent timed out after 5 s', signal: null }]);
    expect(standIn.responseRequests().map((r) => r.answer)).toEqual(['hang']);
    const [log] = readLogs(folder);
    expect(log!.lines).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'thread.started' }), { type: 'turn.started' }]));

    expect(processesMentioning(project.dir)).toEqual([]);
    // The CLI hung up when it was killed.
    expect(await waitFor(() => standIn.openConnections === 0)).toBe(true);
    expect(trap.attempts).toEqual([]);
  });

  it('blocks with the API error Codex reports, once', async () => {
    const { standIn, trap, project, run } = await setUp([], apiError(400, 'the stand-in refuses this request'));

    const result = await run();

    expect(result.code).toBe(4); // blocked
    const reason = 'the agent exited with code 1 and wrote no valid signal: the stand-in refuses this request';
    expect(result.lines.at(-1)).toBe(`samocode: blocked: ${reason} (session folder: ${sessionFolder(project)}); run \`samocode run --config ${project.config} --session real-codex\` again to resume`);
    const folder = sessionFolder(project);
    expect(statusValue(folder, 'Blocked')).toBe(reason);
    expect(history(folder)).toMatchObject([{ phase: 'init', verdict: 'failed', reason }]);
    expect(standIn.responseRequests().map((r) => r.answer)).toEqual(['error 400']);
    const [log, ...more] = readLogs(folder);
    expect(more).toEqual([]);
    expect(log!.lines.at(-1)).toMatchObject({ type: 'turn.failed', error: { message: expect.stringContaining('the stand-in refuses this request') } });
    expect(existsSync(join(folder, '_signal.json'))).toBe(false);
    expect(trap.attempts).toEqual([]);
    expect(processesMentioning(project.dir)).toEqual([]);
  });
});
