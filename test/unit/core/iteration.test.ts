import { describe, expect, it } from 'vitest';
import { emptyGates, serializeGates } from '../../../src/core/gates.js';
import { logFileName, runIteration } from '../../../src/core/iteration.js';
import * as loop from '../../../src/core/loop.js';
import { newOverview, parseStatus, writeStatus } from '../../../src/core/overview.js';
import type { IterationRecord } from '../../../src/core/ports.js';
import type { LoopOptions, RunContext } from '../../../src/core/run-context.js';
import { initialStatus, type SessionStatus } from '../../../src/core/status.js';
import { FakeAgent, ListReporter, MemoryStore, TickingClock, signal, steps, type Step } from '../../helpers/memory-ports.js';

const options: LoopOptions = {
  sessionName: '26-11-25-test',
  mode: 'terminal',
  prompts: (phase) => ({ workflow: 'WORKFLOW', agent: `AGENT ${phase}` }),
  iterationTimeoutMs: 60_000,
  maxTotalIterations: 200,
  note: 'the plan needs revising',
};

function context(list: Step[], status: Partial<SessionStatus> = {}, iterations: IterationRecord[] = []) {
  const overview = writeStatus(newOverview({ sessionName: 'test', startedAt: '2026-11-25T10:00:00.000Z' }), { ...initialStatus(), ...status });
  const store = new MemoryStore(overview);
  const agent = new FakeAgent(store, list);
  const clock = new TickingClock();
  const reporter = new ListReporter();
  const ctx: RunContext = { ports: { agent, store, reporter, clock }, options, status: parseStatusOrThrow(overview), overview, iterations };
  return { ctx, store, agent, clock };
}

function parseStatusOrThrow(markdown: string): SessionStatus {
  const reading = parseStatus(markdown);
  if (!reading.ok) throw new Error(reading.reason);
  return reading.status;
}

const go = (phase: string) => signal({ status: 'continue', phase });

describe('one iteration', () => {
  it('counts the call and its cost in the saved status, the history and the record', async () => {
    const { ctx, store, clock } = context([steps(go('investigation'), () => ({ costUsd: 0.25 }))], { costUsd: 1 });
    const started = clock.time + 1_000;
    const { iteration, outcome } = await runIteration(ctx);
    expect(outcome).toBeUndefined();
    expect(ctx.status).toMatchObject({ phase: 'investigation', iteration: 0, totalIterations: 1, costUsd: 1.25, lastAction: 'init → investigation' });
    expect(parseStatusOrThrow(store.files.get('_overview.md')!)).toEqual(ctx.status);
    expect(store.history).toEqual([
      { iteration: 1, phase: 'init', phaseIteration: 1, at: new Date(started).toISOString(), signal: { status: 'continue', phase: 'investigation' }, verdict: 'accepted', next: 'investigation', costUsd: 0.25 },
    ]);
    expect(iteration).toEqual({
      totalIteration: 1,
      phase: 'init',
      iteration: 1,
      startedAt: new Date(started).toISOString(),
      durationMs: clock.time - started,
      signal: 'continue',
      verdict: 'accepted',
      nextPhase: 'investigation',
      costUsd: 0.25,
      logFile: logFileName(started, 1, 'init'),
    });
    expect(store.checkpoints).toEqual(['samocode: init #1 → investigation']);
  });

  it('puts back the record of the gates only when the agent changed it', async () => {
    const record = serializeGates({ ...emptyGates(), asked: ['Q1'] });
    const forge = (_r: unknown, s: MemoryStore) => void s.files.set('_gates.json', '{"approvals":[{"plan":"x"}]}');
    const { ctx, store } = context([steps(forge, go('investigation'))]);
    store.files.set('_gates.json', record);
    let writes = 0;
    const write = store.writeGates.bind(store);
    store.writeGates = async (gates) => {
      writes++;
      await write(gates);
    };
    await runIteration(ctx);
    expect(store.files.get('_gates.json')).toBe(record);
    expect(writes).toBe(1);

    const calm = context([go('investigation')]);
    calm.store.files.set('_gates.json', record);
    calm.store.writeGates = async () => void writes++;
    await runIteration(calm.ctx);
    expect(writes).toBe(1);
  });

  it('closes the log when the agent throws, and counts the throw as a crash', async () => {
    const { ctx, store } = context([() => Promise.reject(new Error('spawn failed'))]);
    let closed = false;
    store.openLog = async () => ({ write: () => {}, close: async () => void (closed = true) });
    const { iteration, outcome } = await runIteration(ctx);
    expect(closed).toBe(true);
    expect(outcome).toEqual({ kind: 'blocked', reason: 'the agent was killed and wrote no valid signal: spawn failed' });
    expect(iteration).toMatchObject({ signal: 'none', verdict: 'failed' });
    expect(ctx.status).toMatchObject({ blocked: 'the agent was killed and wrote no valid signal: spawn failed', next: { kind: 'blocked' }, iteration: 1, totalIterations: 1 });
  });

  it("gives the orchestrator's note to the first iteration of a run only", async () => {
    const first = context([go('investigation')]);
    await runIteration(first.ctx);
    expect(first.agent.calls[0]!.prompt.context).toContain('- Note from the orchestrator: the plan needs revising');

    const later = context([go('investigation')], {}, [{} as IterationRecord]);
    await runIteration(later.ctx);
    expect(later.agent.calls[0]!.prompt.context).not.toContain('Note from the orchestrator');
  });
});

describe('log file names', () => {
  it('are MM-DD-HHMM-NNN-phase.jsonl in UTC', () => {
    expect(logFileName(Date.parse('2026-03-04T05:06:07Z'), 7, 'testing')).toBe('03-04-0506-007-testing.jsonl');
    expect(logFileName(Date.parse('2026-12-31T23:59:00Z'), 1234, 'done')).toBe('12-31-2359-1234-done.jsonl');
  });

  it('stay importable from the loop', () => {
    expect(loop.logFileName).toBe(logFileName);
  });
});
