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
import { PHASE_SKILLS, PHASE_TABLE, PHASES, type Phase } from '../src/core/phases.js';

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
  /** The skills the CLI listed in the first request. */
  skills: string[];
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
 * Bash call that writes the signal (continue in the same phase the first
 * time where the phase allows it, blocked otherwise: both workers stop
 * there); the answer to the tool result ends it.
 */
function twoIterations(sessionPath: string, phase: Phase) {
  let firsts = 0;
  return (call: MessagesCall) => {
    if (!isFirst(call.body)) return say('Done for this iteration.');
    firsts++;
    const again = firsts === 1 && PHASE_TABLE[phase].signals.includes('continue');
    const signal = again ? { status: 'continue', phase } : { status: 'blocked', phase, reason: 'the bench stops here', needs: 'human_decision' };
    return callTools({ name: 'Bash', input: { command: `printf '%s' '${JSON.stringify(signal)}' > '${sessionPath}/_signal.json'`, description: 'Write the signal' } });
  };
}

const SKILL_LIST = 'The following skills are available for use with the Skill tool:';

/** The skill names in the list the CLI adds to a request (none when it adds none). */
export function listedSkills(body: MessagesBody): string[] {
  const texts = (body.messages ?? []).flatMap((m) => (typeof m.content === 'string' ? [m.content] : (m.content as { text?: string }[]).map((c) => c.text ?? '')));
  const text = texts.find((t) => t.includes(SKILL_LIST));
  if (!text) return [];
  const lines = text.slice(text.indexOf(SKILL_LIST) + SKILL_LIST.length).replace(/^\n+/, '').split('\n');
  const list = lines.slice(0, lines.findIndex((l) => !l.startsWith('- ')) >>> 0);
  return list.map((l) => l.slice(2).split(':')[0]!).sort();
}

function summarize(standIn: AnthropicStandIn, proc: ProcResult, label: string, needed = 2): TokenRun {
  const bodies = standIn.messageRequests().map((r) => r.body);
  if (process.env.BENCH_DUMP) writeFileSync(`${process.env.BENCH_DUMP}-${label}.json`, JSON.stringify(bodies));
  const firstBodies = bodies.filter(isFirst);
  if (firstBodies.length < needed) throw new Error(`${label}: expected ${needed} iteration(s), the stand-in saw ${bodies.length} requests (${firstBodies.length} first ones): ${proc.stdout.slice(-1500)}${proc.stderr.slice(-1500)}`);
  const [a, b] = [cacheOrder(firstBodies[0]!), cacheOrder(firstBodies[1] ?? firstBodies[0]!)];
  const prefixBytes = commonPrefix(a, b);
  return { firsts: firstBodies.map(shape), prefixBytes, cacheBytes: Buffer.byteLength(b), prefixShare: prefixBytes / Buffer.byteLength(b), requests: bodies.length, skills: listedSkills(firstBodies[0]!), proc };
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

/** Ours: `dist/cli.js run` resuming in `phase`, the real CLI as the claude provider, the skills installed by `samocode install`. */
export async function oursTokens(ctx: Ctx, bin: string, phase: Phase): Promise<TokenRun> {
  const p = makeTerminalProject(ctx, { git: true, phase });
  const standIn = await AnthropicStandIn.start([], { otherwise: twoIterations(p.sessionPath, phase) });
  try {
    const home = tempDir(ctx, 'tok-home');
    // The skills where the README's set-up puts them: `samocode install` into the CLI's config folder.
    const installed = await runProc(process.execPath, [join(ctx.root, 'dist', 'cli.js'), 'install'], { cwd: p.dir, env: claudeEnv(ctx, home, 'http://127.0.0.1:9') });
    if (installed.code !== 0) throw new Error(`samocode install failed: ${installed.stderr}`);
    const runOnce = () =>
      runProc(process.execPath, [join(ctx.root, 'dist', 'cli.js'), 'run', '--config', p.config, '--session', SESSION_NAME, '--max-iterations', '2'], {
        cwd: p.dir,
        env: { ...claudeEnv(ctx, home, standIn.url), SAMOCODE_PROVIDER: 'claude', CLAUDE_PATH: bin },
        timeoutMs: 180_000,
      });
    let proc = await runOnce();
    // A phase that may not continue in itself (done) stops blocked after one iteration: the second is the next run's.
    if (standIn.messageRequests().filter((r) => isFirst(r.body)).length < 2) proc = await runOnce();
    return summarize(standIn, proc, `ours-${phase}`);
  } finally {
    await standIn.close();
  }
}

/** The original: its main.py, its agents, skills and commands installed in the CLI's config folder, the same task and phase. */
export async function originalTokens(ctx: Ctx, bin: string, phase: Phase): Promise<TokenRun | string> {
  const found = findOriginal(ctx);
  if (!found.original) return found.reason;
  const o = found.original;
  const project = originalProject(ctx, SESSION_NAME, originalOverview(phase, 1, 'Benchmark the loop.'));
  const standIn = await AnthropicStandIn.start([], { otherwise: twoIterations(project.sessionPath, phase) });
  try {
    const home = tempDir(ctx, 'tok-orig-home');
    installOriginal(o, join(home, '.claude'));
    const proc = await runProc(o.python, [join(o.dir, 'main.py'), '--config', project.config, '--session', SESSION_NAME], {
      cwd: project.dir,
      // It runs with --dangerously-skip-permissions, which the CLI takes as root only in a sandbox.
      env: { ...claudeEnv(ctx, home, standIn.url), CLAUDE_PATH: bin, ...(process.getuid?.() === 0 ? { IS_SANDBOX: '1' } : {}) },
      timeoutMs: 180_000,
    });
    // Only its first request is compared: one iteration is enough.
    return summarize(standIn, proc, `original-${phase}`, 1);
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

/** Goal 1: in every phase, the first request of an iteration at most the original's bytes; >= 95% of it a byte-identical prefix between two iterations; only the phase's skills listed. */
export async function tokensSection(ctx: Ctx, res: Results): Promise<void> {
  const bin = claudeBin(ctx);
  if (!bin) {
    res.goals.push({ goal: '1. tokens', figure: 'n/a', against: 'the Claude Code CLI is not installed (npm ci)', holds: null });
    return;
  }
  ctx.log('  both sides with their skills installed their own way: ours by `samocode install`, the original as its install.sh does (its agents, skills and commands in the config folder)');
  const rows: { phase: Phase; ours: TokenRun; orig: TokenRun | string; ratio: number | null; skillsOk: boolean }[] = [];
  // BENCH_PHASES=init,done measures only those phases (while working on one); the goal needs them all.
  const phases = process.env.BENCH_PHASES ? PHASES.filter((p) => process.env.BENCH_PHASES!.split(',').includes(p)) : PHASES;
  for (const phase of phases) {
    const ours = await oursTokens(ctx, bin, phase);
    const orig = await originalTokens(ctx, bin, phase);
    const ratio = typeof orig === 'string' ? null : ours.firsts[0]!.bytes / orig.firsts[0]!.bytes;
    const wanted = [...PHASE_SKILLS[phase]].sort();
    const skillsOk = ours.skills.join(',') === wanted.join(',');
    rows.push({ phase, ours, orig, ratio, skillsOk });
    ctx.log(`  ${phase}: ours ${shapeLine(ours.firsts[0]!)}`);
    ctx.log(`    prefix shared by iterations 1 and 2: ${kb(ours.prefixBytes)} of ${kb(ours.cacheBytes)} (${pct(ours.prefixShare)}); skills listed: ${ours.skills.join(', ') || 'none'}${skillsOk ? '' : ` (the phase uses ${wanted.join(', ')})`}`);
    if (typeof orig === 'string') ctx.log(`    the original: unavailable: ${orig}`);
    else ctx.log(`    the original ${shapeLine(orig.firsts[0]!)}; skills listed: ${orig.skills.join(', ') || 'none'}: ${Math.round(ratio! * 100) / 100}x`);
  }
  const codex = await codexRequestBytes(ctx).catch((e: Error) => `crashed: ${e.message.split('\n')[0]}`);
  if (typeof codex === 'string') ctx.log(`  codex: unavailable: ${codex}`);
  else ctx.log(`  codex, first request of an implementation iteration: ${kb(codex.bytes)} (instructions ${kb(codex.instructionsBytes)}, input ${kb(codex.inputBytes)}, tools ${kb(codex.toolsBytes)} in ${codex.tools})`);

  const ratios = rows.map((r) => r.ratio).filter((r): r is number => r !== null);
  const worst = ratios.length === rows.length ? rows.reduce((a, b) => ((b.ratio ?? 0) > (a.ratio ?? 0) ? b : a)) : null;
  const minPrefix = rows.reduce((a, b) => (b.ours.prefixShare < a.ours.prefixShare ? b : a));
  const skillsHold = rows.every((r) => r.skillsOk);
  const impl = rows.find((r) => r.phase === 'implementation') ?? rows[0]!;
  for (const r of rows) {
    res.figures.push(
      { id: `tokens.${r.phase}.first`, figure: `tokens: ${r.phase}, first request, ours`, value: r.ours.firsts[0]!.bytes, unit: 'bytes', holds: null },
      { id: `tokens.${r.phase}.ratio`, figure: `tokens: ${r.phase}, ours / the original`, value: r.ratio, unit: 'x', goal: '<= 1.0x', holds: r.ratio === null ? null : r.ratio <= 1 },
      { id: `tokens.${r.phase}.prefix`, figure: `tokens: ${r.phase}, identical prefix of two iterations`, value: r.ours.prefixShare * 100, unit: '%', goal: '>= 95%', holds: r.ours.prefixShare >= 0.95 },
    );
  }
  res.figures.push(
    { id: 'tokens.skills', figure: "tokens: skills listed are the phase's own, every phase", value: skillsHold ? 'yes' : rows.filter((r) => !r.skillsOk).map((r) => r.phase).join(', '), goal: 'yes', holds: skillsHold },
    { id: 'tokens.codex', figure: 'tokens: codex, first request (no peer)', value: typeof codex === 'string' ? null : codex.bytes, unit: 'bytes', holds: null, ...(typeof codex === 'string' ? { note: codex } : {}) },
  );
  const r2 = (x: number) => Math.round(x * 100) / 100;
  res.goals.push({
    goal: '1. tokens',
    figure: worst
      ? `worst phase ${worst.phase} ${kb(worst.ours.firsts[0]!.bytes)} = ${r2(worst.ratio!)}x (${impl.phase} ${kb(impl.ours.firsts[0]!.bytes)} = ${r2(impl.ratio!)}x); lowest prefix ${pct(minPrefix.ours.prefixShare)} (${minPrefix.phase}); skills: ${skillsHold ? "each phase's own" : 'NOT the phase\'s own'}`
      : `the original unavailable; lowest prefix ${pct(minPrefix.ours.prefixShare)}`,
    against: typeof impl.orig === 'string' ? `the original: unavailable (${impl.orig})` : 'the original, skills installed both sides (<= 1.0x in every phase); prefix >= 95%; only the phase\'s skills',
    holds: worst && phases.length === PHASES.length ? worst.ratio! <= 1 && minPrefix.ours.prefixShare >= 0.95 && skillsHold : null,
  });
  res.details.tokens = {
    claudeCode: CLAUDE_VERSION,
    setUp: 'ours: samocode install into the CLI config folder; the original: its agents, skills and commands copied into the config folder (what its install.sh links)',
    phases: Object.fromEntries(
      rows.map((r) => [
        r.phase,
        {
          ours: { first: r.ours.firsts[0], prefixBytes: r.ours.prefixBytes, prefixShare: r.ours.prefixShare, skills: r.ours.skills },
          original: typeof r.orig === 'string' ? { unavailable: r.orig } : { first: r.orig.firsts[0], skills: r.orig.skills },
          ratio: r.ratio,
        },
      ]),
    ),
    codex,
  };
}
