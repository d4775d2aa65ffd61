// The real Claude Code CLI (the pinned devDependency), started by the claude
// provider through `dist/cli.js run`, against a loopback stand-in of the
// Anthropic Messages API. Nothing leaves the machine: the API is the
// stand-in, and any other traffic would hit the egress trap.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicStandIn, apiError, callTools, hang, messagesText, say, type AnthropicScript, type MessagesCall } from '../helpers/anthropic-stand-in.js';
import { read, sessionFolder } from '../helpers/project.js';
import {
  baseEnv,
  checkCli,
  CLAUDE_BIN,
  EgressTrap,
  history,
  makeRealCliProject,
  processesMentioning,
  readLogs,
  runSamocode,
  statusValue,
  waitFor,
  type Json,
  type LiveProcess,
  type RealCliProject,
} from './support.js';

const API_KEY = 'sk-ant-stand-in-0000';
const asRoot = process.getuid?.() === 0;

beforeAll(() => checkCli(CLAUDE_BIN, '2.1.332'));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setUp(script: AnthropicScript[], otherwise?: AnthropicScript) {
  const standIn = await AnthropicStandIn.start(script, otherwise ? { otherwise } : {});
  const trap = await EgressTrap.start();
  cleanups.push(() => standIn.close(), () => trap.close());
  const project = makeRealCliProject();
  cleanups.push(async () => rmSync(project.dir, { recursive: true, force: true }));
  const env = {
    ...baseEnv(project, trap),
    CLAUDE_PATH: CLAUDE_BIN,
    ANTHROPIC_BASE_URL: standIn.url,
    ANTHROPIC_API_KEY: API_KEY,
    CLAUDE_CONFIG_DIR: join(project.home, '.claude'),
    // A failed request fails now; retrying is samocode's business.
    CLAUDE_CODE_MAX_RETRIES: '0',
    // Not passed to the agent (not on its allow-list); the provider sets
    // CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC, which also stops updates.
    DISABLE_AUTOUPDATER: '1',
  };
  const run = (...extra: string[]) => runSamocode(project, ['run', '--config', '.samocode', '--session', 'real-claude', '--provider', 'claude', '--task', 'Say hello', ...extra], env);
  return { standIn, trap, project, run };
}

const signal = (value: Json) => JSON.stringify(value);

/** What the session-context block says; the claude provider's leaves the iteration numbers to _overview.md, so its bytes stay the same all phase. */
function claudeContext(text: string): { sessionPath: string; workdir: string; phase: string } {
  const pick = (re: RegExp) => {
    const match = re.exec(text);
    if (!match) throw new Error(`no ${re} in the prompt`);
    return match[1]!;
  };
  return { sessionPath: pick(/^- Session folder: (.+)$/m), workdir: pick(/^- Working directory: (.+)$/m), phase: pick(/^- Phase: (\w+) \(at most \d+ iterations/m) };
}

/** The command line Claude Code was started with for this project, read from /proc while it waits for an answer. */
function claudeArgv(project: RealCliProject): string[] | undefined {
  return processesMentioning(project.dir).find((p: LiveProcess) => p.argv.includes('--output-format'))?.argv;
}

describe('claude: the real CLI against a loopback Anthropic stand-in', () => {
  it('runs init → investigation → requirements with its own tools, logging its stream and adding up its cost', async () => {
    let argvSeen: string[] | undefined;
    const script: AnthropicScript[] = [
      // init: a code file in the working directory with Write, the signal with Bash.
      (call: MessagesCall) => {
        argvSeen = claudeArgv(project);
        const { sessionPath, workdir } = claudeContext(call.text);
        return callTools(
          { name: 'Write', input: { file_path: join(workdir, 'hello.js'), content: "console.log('hello from claude');\n" } },
          { name: 'Bash', input: { command: `id -u; printf '%s' '${signal({ status: 'continue', phase: 'investigation' })}' > "$SAMOCODE_SESSION_PATH/_signal.json"; echo "wrote ${sessionPath}/_signal.json"`, description: 'Write the signal' } },
        );
      },
      say('Initialised: hello.js written.'),
      // investigation: a report and the signal with Write, in the session folder outside the working directory.
      (call) => {
        const { sessionPath } = claudeContext(call.text);
        return callTools(
          { name: 'Write', input: { file_path: join(sessionPath, '11-25-12:00-dive-hello.md'), content: '# Dive\n\nhello.js prints a greeting.\n' } },
          { name: 'Write', input: { file_path: join(sessionPath, '_signal.json'), content: signal({ status: 'continue', phase: 'requirements' }) } },
        );
      },
      say('Dive written.'),
      // requirements: a question, then wait for its answer.
      (call) => {
        const { sessionPath } = claudeContext(call.text);
        return callTools(
          { name: 'Write', input: { file_path: join(sessionPath, '_qa.md'), content: '# Questions\n\n### Q1: Which greeting?\nA) hello\nB) hi\n**Suggestion:** A - it is already there\n**Answer:** _waiting_\n' } },
          { name: 'Write', input: { file_path: join(sessionPath, '_signal.json'), content: signal({ status: 'waiting', phase: 'requirements', for: 'qa_answers' }) } },
        );
      },
      say('Questions are in _qa.md.'),
    ];
    const { standIn, trap, project, run } = await setUp(script);
    writeFileSync(join(project.dir, '.env'), 'CLAUDE_MODEL=sonnet\n');

    const result = await run();

    expect(result.stderr).toBe('');
    expect(result.code).toBe(3); // waiting for a person
    expect(result.lines.at(-1)).toMatch(/^samocode: waiting for answers \(questions are in _qa\.md\)/);
    const iterations = result.lines.filter((l) => / #\d+ /.test(l));
    expect(iterations).toHaveLength(3);
    expect(iterations[0]).toMatch(/ #1 init 1: continue → investigation [\d.]+s \$\d+\.\d{4}$/);
    expect(iterations[2]).toMatch(/ #3 requirements 1: waiting for qa_answers /);

    // What the CLI asked of the API: six streamed requests, our key, our prompts, its tools.
    const requests = standIn.messageRequests();
    expect(standIn.requests.map((r) => `${r.method} ${r.url}`)).toEqual(Array(6).fill('POST /v1/messages?beta=true'));
    expect(requests.every((r) => r.headers['x-api-key'] === API_KEY && r.body.stream === true)).toBe(true);
    expect(requests[0]!.body.model).toMatch(/sonnet/);
    const firstText = messagesText(requests[0]!.body);
    expect(firstText).toContain('# samocode workflow');
    expect(firstText).toContain('# Init\n\nThe orchestrator has already created the session folder');
    expect(requests.map((r) => claudeContext(messagesText(r.body)).phase)).toEqual([
      'init', 'init', 'investigation', 'investigation', 'requirements', 'requirements',
    ]);
    // Init rewrites the notebook whole and gets no Edit; the later phases do, and only the sections of the workflow they use.
    expect(requests[0]!.body.tools!.map((t) => t.name)).toEqual(expect.arrayContaining(['Bash', 'Write', 'Read']));
    expect(requests[0]!.body.tools!.map((t) => t.name)).not.toContain('Edit');
    expect(requests[2]!.body.tools!.map((t) => t.name)).toEqual(expect.arrayContaining(['Bash', 'Write', 'Read', 'Edit']));
    expect(firstText).not.toContain('## Gates');
    expect(messagesText(requests[4]!.body)).toContain('## Gates');

    // The tools ran, and their results went back to the model without an error.
    const toolResults = (r: (typeof requests)[number]) => ((r.body.messages!.at(-1)!.content as Json[]) ?? []).filter((b) => b.type === 'tool_result');
    for (const i of [1, 3, 5]) {
      expect(toolResults(requests[i]!)).toHaveLength(2);
      expect(toolResults(requests[i]!).every((b) => b.is_error !== true)).toBe(true);
    }
    const folder = sessionFolder(project);
    const workdir = join(project.worktrees, folder.split('/').at(-1)!);
    expect(readFileSync(join(workdir, 'hello.js'), 'utf8')).toBe("console.log('hello from claude');\n");
    expect(read(folder, '11-25-12:00-dive-hello.md')).toContain('# Dive');
    expect(read(folder, '_qa.md')).toContain('### Q1: Which greeting?');
    expect(history(folder).map((h) => [h.phase, h.verdict, h.signal.status])).toEqual([
      ['init', 'accepted', 'continue'],
      ['investigation', 'accepted', 'continue'],
      ['requirements', 'accepted', 'waiting'],
    ]);

    // Root: no bypass flag (Claude refuses it as root), yet its tools ran unattended, as this user.
    expect(argvSeen).toBeDefined();
    expect(argvSeen).not.toContain('--dangerously-skip-permissions');
    expect(argvSeen!.join(' ')).toContain('--permission-mode acceptEdits');
    const bashResult = toolResults(requests[1]!).find((b) => b.tool_use_id === 'toolu_standin_1_2')!;
    const bash = (typeof bashResult.content === 'string' ? bashResult.content : (bashResult.content as Json[]).map((c) => c.text).join('')).split('\n');
    expect(bash).toEqual([String(process.getuid!()), `wrote ${folder}/_signal.json`]);
    if (asRoot) expect(bash[0]).toBe('0');

    // The logs hold Claude's stream-json, line for line: init first, result last.
    const logs = readLogs(folder);
    expect(logs.map((l) => l.file)).toEqual([
      expect.stringMatching(/-001-init\.jsonl$/),
      expect.stringMatching(/-002-investigation\.jsonl$/),
      expect.stringMatching(/-003-requirements\.jsonl$/),
    ]);
    const results: Json[] = [];
    for (const { lines } of logs) {
      const events = lines as Json[];
      expect(events.every((e) => typeof e === 'object')).toBe(true);
      expect(events[0]).toMatchObject({ type: 'system', subtype: 'init', apiKeySource: 'ANTHROPIC_API_KEY', claude_code_version: '2.1.332' });
      expect(events[0]!.permissionMode).toBe('acceptEdits');
      expect(events.map((e) => e.type)).toEqual(['system', 'assistant', 'assistant', 'user', 'user', 'assistant', 'result']);
      const last = events.at(-1)!;
      expect(last).toMatchObject({ type: 'result', subtype: 'success', is_error: false, terminal_reason: 'completed' });
      results.push(last);
    }
    // Two requests of the stand-in's usage per iteration, and the cost Claude put on them.
    for (const r of results) expect(r.usage).toMatchObject({ input_tokens: 2_000, output_tokens: 100 });
    const cost = results.reduce((sum, r) => sum + (r.total_cost_usd as number), 0);
    expect(cost).toBeGreaterThan(0);
    expect(statusValue(folder, 'Cost USD')).toBe(cost.toFixed(4));
    expect(statusValue(folder, 'Total Iterations')).toBe('3');

    expect(trap.attempts).toEqual([]);
    expect(processesMentioning(project.dir)).toEqual([]);
  });

  it('blocks with the timeout reason when the API never answers, and leaves no claude process behind', async () => {
    const { standIn, trap, project, run } = await setUp([hang()]);

    const result = await run('--timeout', '5');

    expect(result.code).toBe(4); // blocked
    expect(result.lines.at(-1)).toMatch(/^samocode: blocked: the agent timed out after 5 s \(session folder: /);
    expect(result.ms).toBeLessThan(15_000);
    const folder = sessionFolder(project);
    expect(statusValue(folder, 'Blocked')).toBe('the agent timed out after 5 s');
    expect(history(folder)).toMatchObject([{ phase: 'init', verdict: 'failed', reason: 'the agent timed out after 5 s', signal: null }]);
    expect(standIn.messageRequests().map((r) => r.answer)).toEqual(['hang']);
    const [log] = readLogs(folder);
    expect(log!.lines[0]).toMatchObject({ type: 'system', subtype: 'init' });

    expect(processesMentioning(project.dir)).toEqual([]);
    // The CLI hung up when it was killed.
    expect(await waitFor(() => standIn.openConnections === 0)).toBe(true);
    expect(trap.attempts).toEqual([]);
  });

  it('blocks with the API error Claude reports, and does not retry a request the API refused', async () => {
    const { standIn, trap, project, run } = await setUp([], apiError(400, 'invalid_request_error', 'the stand-in refuses this request'));

    const result = await run();

    expect(result.code).toBe(4); // blocked
    const reason = 'the agent exited with code 1 and wrote no valid signal: API Error: 400 the stand-in refuses this request';
    expect(result.lines.at(-1)).toBe(`samocode: blocked: ${reason} (session folder: ${sessionFolder(project)}); run \`samocode run --config ${project.config} --session real-claude\` again to resume`);
    const folder = sessionFolder(project);
    expect(statusValue(folder, 'Blocked')).toBe(reason);
    expect(history(folder)).toMatchObject([{ phase: 'init', verdict: 'failed', reason }]);
    // Claude itself tries a 400 again with fewer beta features; samocode does not start it again.
    expect(standIn.messageRequests().length).toBeGreaterThanOrEqual(1);
    expect(standIn.messageRequests().every((r) => r.answer === 'error 400')).toBe(true);
    const [log, ...more] = readLogs(folder);
    expect(more).toEqual([]);
    expect((log!.lines as Json[]).filter((e) => e.type === 'system' && e.subtype === 'init')).toHaveLength(1);
    expect(log!.lines.at(-1)).toMatchObject({ type: 'result', is_error: true, terminal_reason: 'api_error', api_error_status: 400 });
    expect(existsSync(join(folder, '_signal.json'))).toBe(false);
    expect(trap.attempts).toEqual([]);
    expect(processesMentioning(project.dir)).toEqual([]);
  });
});
