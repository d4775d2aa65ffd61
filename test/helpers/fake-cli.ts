// Tiny Node executables that stand in for the agent CLIs: each call records
// what it was given, then runs the test's script body.
import { chmod, mkdir, mkdtemp as makeTemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Phase } from '../../src/core/phases.js';
import type { AgentRequest, LineSink } from '../../src/core/ports.js';

const made: string[] = [];

/** A temp folder removed by `removeTempDirs`. */
export async function mkdtemp(prefix: string): Promise<string> {
  const dir = await makeTemp(prefix);
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export interface RecordedCall {
  argv: string[];
  cwd: string;
  envKeys: string[];
  env: Record<string, string>;
  /** What it read on stdin ('' when stdin was closed). */
  stdin: string;
}

export interface FakeCli {
  dir: string;
  path: string;
  calls(): Promise<RecordedCall[]>;
}

/**
 * `body` is CommonJS run after a preamble that gives it:
 * `call` (1 for the first run), `emit(obj)` (a JSON line on stdout),
 * `signal(obj)` (writes _signal.json into $SAMOCODE_SESSION_PATH),
 * `fs`, `path`, `spawn`, and `dir` (the fake's own folder).
 */
export async function writeFakeCli(name: string, body: string, options: { executable?: boolean } = {}): Promise<FakeCli> {
  const dir = await mkdtemp(join(tmpdir(), 'samocode-fake-cli-'));
  // The action runs the fake as its agent user, which writes the call log here.
  await chmod(dir, 0o777);
  const path = join(dir, name);
  const calls = join(dir, 'calls.jsonl');
  const script = `#!/usr/bin/env node
const fs = require('node:fs');
process.umask(0); // agent users of several work trees share this folder
const path = require('node:path');
const { spawn } = require('node:child_process');
const dir = ${JSON.stringify(dir)};
const callsFile = ${JSON.stringify(calls)};
const previous = fs.existsSync(callsFile) ? fs.readFileSync(callsFile, 'utf8').split('\\n').filter(Boolean).length : 0;
const call = previous + 1;
const kept = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('SAMOCODE_') || k === 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC'));
let stdin = '';
try { stdin = fs.readFileSync(0, 'utf8'); } catch {}
fs.appendFileSync(callsFile, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), envKeys: Object.keys(process.env), env: kept, stdin }) + '\\n');
const emit = (obj) => process.stdout.write((typeof obj === 'string' ? obj : JSON.stringify(obj)) + '\\n');
const signal = (obj) => fs.writeFileSync(path.join(process.env.SAMOCODE_SESSION_PATH, '_signal.json'), JSON.stringify(obj));
${body}
`;
  await writeFile(path, script);
  await chmod(path, options.executable === false ? 0o644 : 0o755);
  return {
    dir,
    path,
    async calls() {
      const text = await readFile(calls, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RecordedCall);
    },
  };
}

export class MemorySink implements LineSink {
  lines: string[] = [];
  closed = false;
  write(line: string): void {
    this.lines.push(line);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** True once the process is gone; a zombie nobody has reaped yet counts as gone. */
export async function processGone(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat === null || /^\d+ \(.*\) Z/.test(stat);
}

export const PROMPT = {
  workflow: 'WORKFLOW-TEXT: the shared rules',
  agent: 'AGENT-TEXT: what the phase does',
  context: '# Session context\n- CONTEXT-TEXT: where things stand',
};

/** A repository folder with the session folder inside it, as in GitHub mode. */
export async function makeRequest(overrides: Partial<AgentRequest> = {}): Promise<AgentRequest & { log: MemorySink }> {
  const workdir = await mkdtemp(join(tmpdir(), 'samocode-provider-repo-'));
  const sessionPath = join(workdir, '.samocode', 'sessions', '26-11-25-test');
  await mkdir(sessionPath, { recursive: true });
  return {
    phase: 'investigation' satisfies Phase,
    iteration: 2,
    totalIteration: 5,
    sessionPath,
    workdir,
    prompt: PROMPT,
    timeoutMs: 20_000,
    log: new MemorySink(),
    ...overrides,
  } as AgentRequest & { log: MemorySink };
}

/** What the runner holds: credentials for both CLIs, the GitHub token, and an unrelated secret. */
export function runnerEnv(fake: FakeCli): NodeJS.ProcessEnv {
  return {
    PATH: `${fake.dir}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? '/tmp',
    ANTHROPIC_API_KEY: 'sk-ant-test',
    OPENAI_API_KEY: 'sk-openai-test',
    CODEX_HOME: '/tmp/codex-home-test',
    GITHUB_TOKEN: 'ghs_must_not_leak',
    GH_TOKEN: 'ghs_must_not_leak_either',
    'INPUT_GITHUB-TOKEN': 'ghs_input_must_not_leak',
    DEPLOY_SECRET: 'unrelated',
  };
}

export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 3_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

/**
 * A claude stand-in that walks every phase to done (a plan in planning, the
 * summary "greeting.txt says hello" at done); `implementation` is the body
 * run in each implementation call, with `stdin` (the prompt) and `session`.
 */
export function writePhaseWalker(implementation: string): Promise<FakeCli> {
  return writeFakeCli(
    'claude',
    `const phase = process.env.SAMOCODE_PHASE;
const session = process.env.SAMOCODE_SESSION_PATH;
const next = { init: 'investigation', investigation: 'requirements', requirements: 'planning', planning: 'implementation', implementation: 'testing', testing: 'quality', quality: 'done' }[phase];
if (phase === 'planning') fs.writeFileSync(path.join(session, '12-01-00:00-plan.md'), '# Plan\\n\\nWrite greeting.txt.\\n');
if (phase === 'implementation') {
${implementation}
}
signal(phase === 'done' ? { status: 'done', phase: 'done', summary: 'greeting.txt says hello' } : { status: 'continue', phase: next });
emit({ type: 'result', subtype: 'success', is_error: false, total_cost_usd: 0.01, num_turns: 1 });`,
  );
}
