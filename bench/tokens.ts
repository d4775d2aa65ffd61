// What goes to the model: the real Claude Code CLI (the pinned dev
// dependency) against the loopback Messages stand-in, two implementation
// iterations, for ours (`dist/cli.js run`) and for the original worker (its
// own main.py, its agents installed as its install.sh does). The first
// request of an iteration is the figure; the byte-identical prefix between
// the first requests of the two iterations, in the order the prompt cache
// reads them (tools, system, messages), is the other.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnthropicStandIn, callTools, say, type MessagesBody, type MessagesCall } from '../test/helpers/anthropic-stand-in.js';
import { codexConfig, OpenAIStandIn, say as codexSay } from '../test/helpers/openai-stand-in.js';
import { findOriginal, installOriginal, originalOverview, originalProject } from './original.js';
import { baseEnv, runProc, tempDir, type Ctx, type ProcResult, type Results } from './lib.js';
import { makeTerminalProject, SESSION_NAME } from './terminal.js';

const API_KEY = 'sk-ant-stand-in-0000';
export const CLAUDE_VERSION = '2.1.332';

export interface RequestShape {
  bytes: number;
  toolsBytes: number;
  tools: string[];
  systemBytes: number;
  messagesBytes: number;
}

export interface TokenRun {
  /** First request of each iteration. */
  firsts: RequestShape[];
  /** Byte-identical prefix of the second iteration's first request with the first's, in cache order. */
  prefixBytes: number;
  /** The second first request in cache order (tools, system, messages), what the share is of. */
  cacheBytes: number;
  prefixShare: number;
  requests: number;
  proc: ProcResult;
}

const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v ?? null));

export function shape(body: MessagesBody): RequestShape {
  return {
    bytes: size(body),
    toolsBytes: size(body.tools),
    tools: (body.tools ?? []).map((t) => t.name),
    systemBytes: size(body.system),
    messagesBytes: size(body.messages),
  };
}

/** The request as the prompt cache reads it: tools, then system, then messages. */
function cacheOrder(body: MessagesBody): string {
  return `${JSON.stringify(body.tools ?? [])}${JSON.stringify(body.system ?? null)}${JSON.stringify(body.messages ?? [])}`;
}

export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return Buffer.byteLength(a.slice(0, i));
}

/** An iteration's first request: no answer of the model in it yet. */
export const isFirst = (body: MessagesBody) => !(body.messages ?? []).some((m) => m.role === 'assistant');

/**
 * The stand-in's script: an iteration's first request (one message) gets a
 * Bash call that writes the signal (continue the first time, blocked the
 * second: both workers stop there); the answer to the tool result ends it.
 */
function twoIterations(sessionPath: string, phase: string) {
  let firsts = 0;
  return (call: MessagesCall) => {
    if (!isFirst(call.body)) return say('Done for this iteration.');
    firsts++;
    const signal = firsts === 1 ? { status: 'continue', phase } : { status: 'blocked', phase, reason: 'the bench stops here', needs: 'human_decision' };
    return callTools({ name: 'Bash', input: { command: `printf '%s' '${JSON.stringify(signal)}' > '${sessionPath}/_signal.json'`, description: 'Write the signal' } });
  };
}

function summarize(standIn: AnthropicStandIn, proc: ProcResult, label: string): TokenRun {
  const bodies = standIn.messageRequests().map((r) => r.body);
  if (process.env.BENCH_DUMP) writeFileSync(`${process.env.BENCH_DUMP}-${label}.json`, JSON.stringify(bodies));
  const firstBodies = bodies.filter(isFirst);
  if (firstBodies.length < 2) throw new Error(`expected two iterations, the stand-in saw ${bodies.length} requests (${firstBodies.length} first ones): ${proc.stdout.slice(-1500)}${proc.stderr.slice(-1500)}`);
  const [a, b] = [cacheOrder(firstBodies[0]!), cacheOrder(firstBodies[1]!)];
  const prefixBytes = commonPrefix(a, b);
  return { firsts: firstBodies.map(shape), prefixBytes, cacheBytes: Buffer.byteLength(b), prefixShare: prefixBytes / Buffer.byteLength(b), requests: bodies.length, proc };
}

function claudeEnv(ctx: Ctx, home: string, url: string): Record<string, string> {
  return baseEnv(ctx, {
    HOME: home,
    LANG: 'C.UTF-8',
    ANTHROPIC_BASE_URL: url,
    ANTHROPIC_API_KEY: API_KEY,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    CLAUDE_CODE_MAX_RETRIES: '0',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // Nothing else may leave the machine.
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
  });
}

export function claudeBin(ctx: Ctx): string | null {
  const bin = join(ctx.root, 'node_modules', '.bin', 'claude');
  return existsSync(bin) ? bin : null;
}

/** Ours: `dist/cli.js run` resuming in implementation, the real CLI as the claude provider. */
export async function oursTokens(ctx: Ctx, bin: string): Promise<TokenRun> {
  const p = makeTerminalProject(ctx, { git: true });
  const standIn = await AnthropicStandIn.start([], { otherwise: twoIterations(p.sessionPath, 'implementation') });
  try {
    const home = tempDir(ctx, 'tok-home');
    const proc = await runProc(process.execPath, [join(ctx.root, 'dist', 'cli.js'), 'run', '--config', p.config, '--session', SESSION_NAME, '--max-iterations', '2'], {
      cwd: p.dir,
      env: { ...claudeEnv(ctx, home, standIn.url), SAMOCODE_PROVIDER: 'claude', CLAUDE_PATH: bin },
      timeoutMs: 180_000,
    });
    return summarize(standIn, proc, 'ours');
  } finally {
    await standIn.close();
  }
}

/** The original: its main.py, its agents installed in the CLI's config folder, the same task and phase. */
export async function originalTokens(ctx: Ctx, bin: string): Promise<TokenRun | string> {
  const found = findOriginal(ctx);
  if (!found.original) return found.reason;
  const o = found.original;
  const project = originalProject(ctx, SESSION_NAME, originalOverview('implementation', 1, 'Benchmark the loop.'));
  const standIn = await AnthropicStandIn.start([], { otherwise: twoIterations(project.sessionPath, 'implementation') });
  try {
    const home = tempDir(ctx, 'tok-orig-home');
    installOriginal(o, join(home, '.claude'));
    const proc = await runProc(o.python, [join(o.dir, 'main.py'), '--config', project.config, '--session', SESSION_NAME], {
      cwd: project.dir,
      // It runs with --dangerously-skip-permissions, which the CLI takes as root only in a sandbox.
      env: { ...claudeEnv(ctx, home, standIn.url), CLAUDE_PATH: bin, ...(process.getuid?.() === 0 ? { IS_SANDBOX: '1' } : {}) },
      timeoutMs: 180_000,
    });
    return summarize(standIn, proc, 'original');
  } finally {
    await standIn.close();
  }
}

/** Codex: the size of its first request through `dist/cli.js run` against the Responses stand-in (no peer). */
export async function codexRequestBytes(ctx: Ctx): Promise<{ bytes: number; instructionsBytes: number; inputBytes: number; toolsBytes: number; tools: number } | string> {
  const bin = join(ctx.root, 'node_modules', '.bin', 'codex');
  if (!existsSync(bin)) return 'the codex CLI is not installed (npm ci)';
  const p = makeTerminalProject(ctx, { git: true });
  const standIn = await OpenAIStandIn.start([], { otherwise: codexSay('Done for this iteration.') });
  try {
    const home = tempDir(ctx, 'codex-home');
    mkdirSync(join(home, '.codex'));
    writeFileSync(join(home, '.codex', 'config.toml'), codexConfig(standIn.url));
    await runProc(process.execPath, [join(ctx.root, 'dist', 'cli.js'), 'run', '--config', p.config, '--session', SESSION_NAME, '--max-iterations', '1'], {
      cwd: p.dir,
      env: baseEnv(ctx, {
        HOME: home,
        CODEX_HOME: join(home, '.codex'),
        OPENAI_API_KEY: 'sk-stand-in-0000',
        SAMOCODE_PROVIDER: 'codex',
        CODEX_PATH: bin,
        HTTPS_PROXY: 'http://127.0.0.1:9',
        NO_PROXY: '127.0.0.1,localhost',
      }),
      timeoutMs: 120_000,
    });
    const first = standIn.responseRequests()[0];
    if (process.env.BENCH_DUMP) writeFileSync(`${process.env.BENCH_DUMP}-codex.json`, JSON.stringify(standIn.responseRequests().map((r) => r.body)));
    if (!first) return 'codex sent no request to the stand-in';
    const body = first.body as { instructions?: unknown; input?: unknown; tools?: unknown[] };
    return { bytes: size(body), instructionsBytes: body.instructions ? size(body.instructions) : 0, inputBytes: size(body.input), toolsBytes: body.tools ? size(body.tools) : 0, tools: body.tools?.length ?? 0 };
  } finally {
    await standIn.close();
  }
}

const kb = (n: number) => `${Math.round(n / 102.4) / 10} KB`;
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

function shapeLine(s: RequestShape): string {
  return `${kb(s.bytes)} (tools ${kb(s.toolsBytes)} in ${s.tools.length}: ${s.tools.join(', ')}; system ${kb(s.systemBytes)}; messages ${kb(s.messagesBytes)})`;
}

/** Goal 1: the first request of an iteration at most the original's bytes; ≥ 95% of it a byte-identical prefix between two iterations. */
export async function tokensSection(ctx: Ctx, res: Results): Promise<void> {
  const bin = claudeBin(ctx);
  if (!bin) {
    res.goals.push({ goal: '1. tokens', figure: 'n/a', against: 'the Claude Code CLI is not installed (npm ci)', holds: null });
    return;
  }
  const ours = await oursTokens(ctx, bin);
  ctx.log(`  ours, first request of an iteration: ${shapeLine(ours.firsts[0]!)}`);
  ctx.log(`  ours, prefix shared by the first requests of iterations 1 and 2: ${kb(ours.prefixBytes)} of ${kb(ours.cacheBytes)} (tools, system, messages) (${pct(ours.prefixShare)})`);
  const orig = await originalTokens(ctx, bin);
  if (typeof orig === 'string') ctx.log(`  the original: unavailable: ${orig}`);
  else {
    ctx.log(`  the original, first request of an iteration: ${shapeLine(orig.firsts[0]!)}`);
    ctx.log(`  the original, prefix shared by iterations 1 and 2: ${kb(orig.prefixBytes)} of ${kb(orig.cacheBytes)} (${pct(orig.prefixShare)})`);
  }
  const codex = await codexRequestBytes(ctx).catch((e: Error) => `crashed: ${e.message.split('\n')[0]}`);
  if (typeof codex === 'string') ctx.log(`  codex: unavailable: ${codex}`);
  else ctx.log(`  codex, first request of an iteration: ${kb(codex.bytes)} (instructions ${kb(codex.instructionsBytes)}, input ${kb(codex.inputBytes)}, tools ${kb(codex.toolsBytes)} in ${codex.tools})`);

  const first = ours.firsts[0]!.bytes;
  const ratio = typeof orig === 'string' ? null : first / orig.firsts[0]!.bytes;
  res.figures.push(
    { id: 'tokens.first', figure: 'tokens: first request of an iteration, ours', value: first, unit: 'bytes', holds: null },
    { id: 'tokens.first.original', figure: 'tokens: first request of an iteration, the original', value: typeof orig === 'string' ? null : orig.firsts[0]!.bytes, unit: 'bytes', holds: null },
    { id: 'tokens.ratio', figure: 'tokens: ours / the original', value: ratio, unit: 'x', goal: '<= 1.0x', holds: ratio === null ? null : ratio <= 1 },
    { id: 'tokens.prefix', figure: 'tokens: identical prefix between two iterations (share)', value: ours.prefixShare * 100, unit: '%', goal: '>= 95%', holds: ours.prefixShare >= 0.95 },
    { id: 'tokens.codex', figure: 'tokens: codex, first request (no peer)', value: typeof codex === 'string' ? null : codex.bytes, unit: 'bytes', holds: null, ...(typeof codex === 'string' ? { note: codex } : {}) },
  );
  res.goals.push({
    goal: '1. tokens',
    figure: `first request ${kb(first)}${ratio === null ? '' : ` = ${Math.round(ratio * 100) / 100}x`}; prefix ${pct(ours.prefixShare)}`,
    against: typeof orig === 'string' ? `the original: unavailable (${orig})` : `the original ${kb(orig.firsts[0]!.bytes)} (<= 1.0x); prefix >= 95%`,
    holds: ratio === null ? null : ratio <= 1 && ours.prefixShare >= 0.95,
  });
  res.details.tokens = {
    claudeCode: CLAUDE_VERSION,
    ours: { firsts: ours.firsts, prefixBytes: ours.prefixBytes, prefixShare: ours.prefixShare, requests: ours.requests },
    original: typeof orig === 'string' ? { unavailable: orig } : { firsts: orig.firsts, prefixBytes: orig.prefixBytes, prefixShare: orig.prefixShare, requests: orig.requests },
    codex,
  };
}
