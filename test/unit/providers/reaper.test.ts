// Nothing an agent call started outlives it: a grandchild that leaves the
// group and the session (`setsid` + `nohup`) and would write a file later is
// dead once the call returns, whether the call exits, times out or is reaped
// from a signal handler; with and without an agent user.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareAgentUser, type AgentIdentity } from '../../../src/providers/agent-user.js';
import { runProcess } from '../../../src/providers/process.js';
import { findCallProcesses, liveCalls, newMarker, reapAll, startTicksOf } from '../../../src/providers/reaper.js';

const asRoot = process.platform === 'linux' && process.getuid?.() === 0;
const log = { write: () => {}, close: async () => {} };
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const LATE_MS = 1_500;

/** An agent whose grandchild (forked twice, so not its descendant any more) escapes group and session, then writes `escaped` after LATE_MS; `started` shows it is running. */
function escapingAgent(dir: string, name: string, after: string, cleanEnv = false): string {
  const file = join(dir, name);
  const env = cleanEnv ? 'env -i PATH="$PATH" ' : '';
  writeFileSync(
    file,
    `#!/bin/sh
( setsid nohup ${env}sh -c 'touch "$0/started"; sleep ${LATE_MS / 1000}; echo escaped > "$0/escaped"' "$OUT" >/dev/null 2>&1 & )
while [ ! -e "$OUT/started" ]; do sleep 0.05; done
echo spawned
${after}
`,
  );
  chmodSync(file, 0o755);
  return file;
}

function outDir(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  chmodSync(dir, 0o777);
  return dir;
}

const cases: { name: string; isolated: boolean }[] = [
  { name: 'without an agent user', isolated: false },
  { name: 'with an agent user', isolated: true },
];

describe('the call marker', () => {
  it('is new for every call and names this process', () => {
    const markers = Array.from({ length: 1000 }, newMarker);
    expect(new Set(markers).size).toBe(1000);
    for (const marker of markers) expect(marker).toMatch(new RegExp(`^${process.pid}-[0-9a-z]+-\\d+$`));
  });
});

describe.skipIf(process.platform !== 'linux')('process lifetime', () => {
  const root = mkdtempSync(join(tmpdir(), 'samocode-reaper-'));
  const workspace = join(root, 'work');
  const bin = join(root, 'bin');
  let identity: AgentIdentity | undefined;

  beforeAll(async () => {
    chmodSync(root, 0o755);
    mkdirSync(workspace);
    mkdirSync(bin);
    execFileSync('git', ['init', '-q'], { cwd: workspace });
    if (!asRoot) return;
    const prepared = await prepareAgentUser('auto', { workspace, tempRoot: join(root, 'temp'), log: () => {}, autoName: 'samocode-t-reaper' });
    expect(prepared).toMatchObject({ isolated: true });
    identity = prepared as AgentIdentity;
  });

  const run0 = (executable: string, out: string) => runProcess({ executable, args: [], cwd: workspace, env: { PATH: process.env.PATH!, OUT: out }, timeoutMs: 20_000, log });

  for (const { name, isolated } of cases) {
    describe.skipIf(isolated && !asRoot)(name, () => {
      const run = (executable: string, out: string, timeoutMs = 20_000) =>
        runProcess({ executable, args: [], cwd: workspace, env: { PATH: process.env.PATH!, OUT: out }, timeoutMs, killGraceMs: 200, log, identity: isolated ? identity : undefined });

      it('a grandchild in its own session is dead when the call exits', async () => {
        const out = outDir(root, `exit-${isolated}`);
        const outcome = await run(escapingAgent(bin, `exit-${isolated}`, 'exit 0'), out);
        expect(outcome).toMatchObject({ exitCode: 0, timedOut: false });
        expect(existsSync(join(out, 'started'))).toBe(true);
        await sleep(LATE_MS + 700);
        expect(existsSync(join(out, 'escaped'))).toBe(false);
        expect(liveCalls()).toEqual([]);
      });

      it('a timeout kills the CLI and everything it started', async () => {
        const out = outDir(root, `timeout-${isolated}`);
        const began = Date.now();
        const outcome = await run(escapingAgent(bin, `timeout-${isolated}`, "trap '' TERM; sleep 30"), out, 1_000);
        expect(outcome.timedOut).toBe(true);
        expect(Date.now() - began).toBeLessThan(LATE_MS + 1_000);
        await sleep(LATE_MS + 700);
        expect(existsSync(join(out, 'escaped'))).toBe(false);
      });

      it('reapAll, as a signal handler calls it, ends a live call', async () => {
        const out = outDir(root, `signal-${isolated}`);
        const running = run(escapingAgent(bin, `signal-${isolated}`, 'sleep 30'), out);
        while (!existsSync(join(out, 'started'))) await sleep(20);
        expect(liveCalls()).toHaveLength(1);
        const report = reapAll();
        expect(report.left).toEqual([]);
        expect(report.killed).toBeGreaterThanOrEqual(2);
        const outcome = await running;
        expect(outcome.exitCode).toBeNull();
        await sleep(LATE_MS + 700);
        expect(existsSync(join(out, 'escaped'))).toBe(false);
      });
    });
  }

  it('the call records when its CLI was made, and the escaped grandchild (younger, with the marker) is found with that bound', async () => {
    const out = outDir(root, 'young');
    const running = run0(escapingAgent(bin, 'young', 'sleep 30'), out);
    while (!existsSync(join(out, 'started'))) await sleep(20);
    const [call] = liveCalls();
    expect(call!.startTicks).toBeGreaterThanOrEqual(startTicksOf(process.pid)!);
    const found = findCallProcesses(call!);
    // The CLI, its sleep, and the grandchild that left group and session: only its marker finds the last.
    expect(found.length).toBeGreaterThanOrEqual(3);
    expect(findCallProcesses({ ...call!, marker: 'none' }).length).toBeLessThan(found.length);
    // A bound after every process of the call: the marker is not looked for, the group and session still are.
    expect(findCallProcesses({ ...call!, startTicks: Number.MAX_SAFE_INTEGER }).length).toBeLessThan(found.length);
    reapAll();
    await running;
  });

  it("reads a process's group, session and start from /proc/<pid>/stat however its name is spelt", async () => {
    // A command name with spaces and parentheses, as a CLI may give itself: the fields start after the last ')'.
    const dir = mkdtempSync(join(tmpdir(), `samocode-reaper-name-${process.pid}-`));
    const odd = join(dir, 'a) b (c');
    execFileSync('cp', [execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim(), odd]);
    const { spawn } = await import('node:child_process');
    const child = spawn(odd, ['30'], { detached: true, stdio: 'ignore' });
    try {
      const stat = execFileSync('cat', [`/proc/${child.pid}/stat`], { encoding: 'utf8' });
      expect(stat).toContain('(a) b (c)');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      expect(startTicksOf(child.pid!)).toBe(Number(fields[19]));
      // Spawned detached: its own group and session, found by either.
      expect(findCallProcesses({ pid: child.pid!, marker: 'none', startTicks: Number.MAX_SAFE_INTEGER })).toEqual([child.pid]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it.skipIf(!asRoot)('with an agent user, a process with a cleaned environment that left the session is found by its uid', async () => {
    const out = outDir(root, 'clean-env');
    const running = runProcess({
      executable: escapingAgent(bin, 'clean-env', 'sleep 30', true),
      args: [],
      cwd: workspace,
      env: { PATH: process.env.PATH!, OUT: out },
      timeoutMs: 20_000,
      log,
      identity,
    });
    while (!existsSync(join(out, 'started'))) await sleep(20);
    const [call] = liveCalls();
    // Found while the call lives: the grandchild has neither the group, the session nor the marker.
    expect(findCallProcesses({ pid: call!.pid, marker: call!.marker }).length).toBeLessThan(findCallProcesses(call!).length);
    reapAll();
    await running;
    await sleep(LATE_MS + 700);
    expect(existsSync(join(out, 'escaped'))).toBe(false);
  });
});
