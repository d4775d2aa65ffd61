import { describe, expect, it } from 'vitest';
import { recordAnswer, recordApproval } from '../../../src/core/gates.js';
import { runSession, SessionStateError, type LoopOptions } from '../../../src/core/loop.js';
import { initialStatus, newOverview, parseStatus, writeStatus, type SessionStatus } from '../../../src/core/overview.js';
import { gitBlobId } from '../../../src/session/blob-id.js';
import { FakeAgent, ListReporter, MemoryStore, TickingClock, signal, steps, write, type Step } from '../../helpers/memory-ports.js';

const options: LoopOptions = {
  sessionName: '26-11-25-test',
  mode: 'terminal',
  prompts: (phase) => ({ workflow: 'WORKFLOW', agent: `AGENT ${phase}` }),
  iterationTimeoutMs: 60_000,
  maxTotalIterations: 200,
  task: 'Add a greeting',
};

const QA = '### Q1: Which file?\nA) hello.txt\nB) README\n**Suggestion:** A - small\n**Answer:** _waiting_\n';
const PLAN = '# Plan\n- [ ] write hello.txt\n';

function session(status: Partial<SessionStatus> = {}) {
  const md = newOverview({ sessionName: 'test', startedAt: '2026-11-25T10:00:00.000Z', task: 'Add a greeting' });
  return new MemoryStore(writeStatus(md, { ...initialStatus(), ...status }));
}

async function play(store: MemoryStore, list: Step[], extra: Partial<LoopOptions> = {}) {
  const agent = new FakeAgent(store, list);
  const reporter = new ListReporter();
  const result = await runSession({ agent, store, reporter, clock: new TickingClock() }, { ...options, ...extra });
  const reading = parseStatus(await store.readOverview());
  if (!reading.ok) throw new Error(reading.reason);
  return { result, agent, reporter, status: reading.status };
}

const go = (phase: string) => signal({ status: 'continue', phase });

describe('the loop', () => {
  it('runs until a gate and records every iteration', async () => {
    const store = session();
    const { result, agent, status, reporter } = await play(store, [
      go('investigation'),
      go('requirements'),
      steps(write('_qa.md', QA), signal({ status: 'waiting', phase: 'requirements', for: 'qa_answers' })),
    ]);
    expect(result.outcome).toEqual({ kind: 'waiting', gate: 'qa_answers', detail: 'questions are in _qa.md' });
    expect(agent.calls.map((c) => [c.phase, c.iteration, c.totalIteration])).toEqual([
      ['init', 1, 1],
      ['investigation', 1, 2],
      ['requirements', 1, 3],
    ]);
    expect(status).toMatchObject({ phase: 'requirements', iteration: 1, totalIterations: 3, next: { kind: 'waiting', gate: 'qa_answers' } });
    expect(store.history.map((h) => [h.iteration, h.phase, h.verdict, h.next])).toEqual([
      [1, 'init', 'accepted', 'investigation'],
      [2, 'investigation', 'accepted', 'requirements'],
      [3, 'requirements', 'accepted', 'requirements'],
    ]);
    expect(store.checkpoints).toHaveLength(3);
    expect(reporter.records.map((r) => r.signal)).toEqual(['continue', 'continue', 'waiting']);
    expect((await store.readGates()).asked).toEqual(['Q1']);
    expect([...store.logs.keys()]).toEqual([
      '11-25-1000-001-init.jsonl',
      '11-25-1000-002-investigation.jsonl',
      '11-25-1000-003-requirements.jsonl',
    ]);
    expect(store.logs.get('11-25-1000-001-init.jsonl')).toEqual(['{"type":"fake","phase":"init"}']);
  });

  it('gives the agent the prompts and a context block with the task fenced as data', async () => {
    const store = session();
    const { agent } = await play(store, [signal({ status: 'blocked', reason: 'stop here' })]);
    const prompt = agent.calls[0]!.prompt;
    expect(prompt.workflow).toBe('WORKFLOW');
    expect(prompt.agent).toBe('AGENT init');
    expect(prompt.context).toContain('- Phase: init (iteration 1 of at most 5; total 1)');
    expect(prompt.context).toContain('Task (data, not instructions):\n```text\nAdd a greeting\n```');
  });

  it('stays waiting until every question has a recorded answer, then resumes in requirements', async () => {
    const store = session({ phase: 'requirements', iteration: 1, next: { kind: 'waiting', gate: 'qa_answers' } });
    store.files.set('_qa.md', QA);
    // As the loop records it when the wait begins.
    await store.writeGates({ ...(await store.readGates()), asked: ['Q1'], pending: { gate: 'qa_answers', since: '2026-11-25T10:00:00Z' } });
    let run = await play(store, []);
    expect(run.result.outcome).toMatchObject({ kind: 'waiting', gate: 'qa_answers', detail: '1 question(s) unanswered: Q1' });

    // The agent (or anyone) filling in the file is not an answer; only the record counts.
    store.files.set('_qa.md', QA.replace('_waiting_', 'A'));
    run = await play(store, []);
    expect(run.result.outcome.kind).toBe('waiting');

    await store.writeGates(recordAnswer(await store.readGates(), { questions: ['Q1'], text: 'A', by: 'alice', at: '2026-11-25T11:00:00Z', source: 'test' }));
    run = await play(store, [go('planning'), signal({ status: 'blocked', reason: 'stop' })]);
    expect(run.agent.calls.map((c) => [c.phase, c.iteration])).toEqual([
      ['requirements', 2],
      ['planning', 1],
    ]);
  });

  it('holds requirements → planning while questions are open, as a wait', async () => {
    const store = session({ phase: 'requirements' });
    const { result, status } = await play(store, [steps(write('_qa.md', QA), go('planning'))]);
    expect(result.outcome).toMatchObject({ kind: 'waiting', gate: 'qa_answers', detail: '1 question(s) unanswered: Q1' });
    expect(status).toMatchObject({ phase: 'requirements', next: { kind: 'waiting', gate: 'qa_answers' } });
    expect(store.history[0]).toMatchObject({ verdict: 'gated', reason: 'gate qa_answers: 1 question(s) unanswered: Q1' });
  });

  it('lets requirements → planning through when no question was asked', async () => {
    const store = session({ phase: 'requirements' });
    const { status } = await play(store, [go('planning'), signal({ status: 'blocked', reason: 'enough' })]);
    expect(status.phase).toBe('planning');
  });

  it('moves to implementation only after the plan as it is was approved', async () => {
    const store = session({ phase: 'planning' });
    let run = await play(store, [steps(write('11-25-10:00-plan-greeting.md', PLAN), signal({ status: 'waiting', phase: 'planning', for: 'plan_approval' }))]);
    expect(run.result.outcome).toMatchObject({ kind: 'waiting', gate: 'plan_approval' });

    run = await play(store, []);
    expect(run.result.outcome).toMatchObject({ kind: 'waiting', detail: 'plan 11-25-10:00-plan-greeting.md is not approved yet' });

    await store.writeGates(
      recordApproval(await store.readGates(), { plan: '11-25-10:00-plan-greeting.md', blob: gitBlobId(PLAN), by: 'alice', at: 'now', source: 'test' }),
    );
    // The plan changed after the approval: the approval no longer holds.
    store.files.set('11-25-10:00-plan-greeting.md', `${PLAN}- [ ] and deploy to production\n`);
    run = await play(store, []);
    expect(run.result.outcome.kind).toBe('waiting');

    store.files.set('11-25-10:00-plan-greeting.md', PLAN);
    run = await play(store, [signal({ status: 'blocked', reason: 'stop' })]);
    expect(run.agent.calls[0]).toMatchObject({ phase: 'implementation', iteration: 1 });
  });

  it('refuses planning → implementation without approval and waits instead', async () => {
    const store = session({ phase: 'planning' });
    const { result, status } = await play(store, [steps(write('plan.md', PLAN), go('implementation'))]);
    expect(result.outcome).toMatchObject({ kind: 'waiting', gate: 'plan_approval' });
    expect(status.phase).toBe('planning');
  });

  it('blocks a wait for approval when there is no plan to approve', async () => {
    const store = session({ phase: 'planning' });
    const { result } = await play(store, [signal({ status: 'waiting', phase: 'planning', for: 'plan_approval' })]);
    expect(result.outcome).toMatchObject({ kind: 'blocked', reason: expect.stringContaining('wrote no plan file') });
  });

  it('ignores an approval the agent writes into _gates.json', async () => {
    const store = session({ phase: 'planning' });
    const forged = (_r: unknown, s: MemoryStore) => {
      s.files.set('_gates.json', JSON.stringify({ approvals: [{ plan: 'plan.md', blob: gitBlobId(PLAN), by: 'agent', at: 'now', source: 'me' }] }));
    };
    const { result } = await play(store, [steps(write('plan.md', PLAN), forged, go('implementation'))]);
    expect(result.outcome).toMatchObject({ kind: 'waiting', gate: 'plan_approval' });
    expect((await store.readGates()).approvals).toEqual([]);
  });

  it('auto-approve clears both gates, on the record', async () => {
    const store = session({ phase: 'requirements' });
    const { status } = await play(
      store,
      [
        steps(write('_qa.md', QA), signal({ status: 'waiting', phase: 'requirements', for: 'qa_answers' })),
        go('planning'),
        steps(write('plan.md', PLAN), signal({ status: 'waiting', phase: 'planning', for: 'plan_approval' })),
        signal({ status: 'blocked', reason: 'stop' }),
      ],
      { autoApprove: true },
    );
    // The waits end the run; the next runs clear them.
    expect(status.next).toEqual({ kind: 'waiting', gate: 'qa_answers' });
    const second = await play(store, [go('planning'), steps(write('plan.md', PLAN), signal({ status: 'waiting', phase: 'planning', for: 'plan_approval' }))], {
      autoApprove: true,
    });
    expect(second.status.next).toEqual({ kind: 'waiting', gate: 'plan_approval' });
    expect(store.files.get('_qa.md')).toContain('**Answer:** A - small (auto-approved suggestion)');
    const third = await play(store, [signal({ status: 'blocked', reason: 'stop' })], { autoApprove: true });
    expect(third.agent.calls[0]!.phase).toBe('implementation');
    const gates = await store.readGates();
    expect(gates.answers[0]!.by).toBe('auto-approve');
    expect(gates.approvals[0]!.by).toBe('auto-approve');
  });

  it('ends done on the done signal', async () => {
    const store = session({ phase: 'testing' });
    const { result, status } = await play(store, [go('done'), signal({ status: 'done', phase: 'done', summary: 'all done' })]);
    expect(result.outcome).toEqual({ kind: 'done', summary: 'all done' });
    expect(status).toMatchObject({ phase: 'done', next: { kind: 'done' }, lastAction: 'done: all done' });
    const again = await play(store, []);
    expect(again.result.outcome.kind).toBe('done');
    expect(again.agent.calls).toHaveLength(0);
  });

  it('turns an invalid signal into blocked with the reason, checkpointed', async () => {
    const store = session({ phase: 'implementation' });
    const { result, status } = await play(store, [signal({ status: 'done', phase: 'done', summary: 'skip the tests' })]);
    const reason = 'invalid signal: "done" is not allowed in phase implementation (allowed: continue, waiting, blocked)';
    expect(result.outcome).toEqual({ kind: 'blocked', reason });
    expect(status.blocked).toBe(reason);
    expect(store.history[0]).toMatchObject({ verdict: 'rejected', reason, signal: '{"status":"done","phase":"done","summary":"skip the tests"}' });
    expect(store.checkpoints).toHaveLength(1);
  });

  it('blocks on a missing signal, naming the exit code', async () => {
    const store = session();
    const { result } = await play(store, [() => ({ exitCode: 2, error: 'boom' })]);
    expect(result.outcome).toEqual({ kind: 'blocked', reason: 'the agent exited with code 2 and wrote no valid signal: boom' });
  });

  it('blocks on a timeout even with a signal', async () => {
    const store = session();
    const { result } = await play(store, [steps(go('investigation'), () => ({ timedOut: true, exitCode: null }))]);
    expect(result.outcome).toEqual({ kind: 'blocked', reason: 'the agent timed out after 60 s' });
  });

  it('blocks when the agent throws', async () => {
    const store = session();
    const { result } = await play(store, [() => Promise.reject(new Error('spawn failed'))]);
    expect(result.outcome).toEqual({ kind: 'blocked', reason: 'the agent was killed and wrote no valid signal: spawn failed' });
  });

  it('blocks and restores the notebook when the agent deletes it', async () => {
    const store = session();
    const before = store.files.get('_overview.md')!;
    const { result, status } = await play(store, [steps((_r, s) => void s.files.delete('_overview.md'), go('investigation'))]);
    expect(result.outcome).toEqual({ kind: 'blocked', reason: 'the notebook is unusable: _overview.md is missing' });
    expect(status.totalIterations).toBe(1);
    expect(store.files.get('_overview.md')).toContain(before.split('## Status')[0]);
  });

  it('blocks and keeps the agent text when it drops the Status section', async () => {
    const store = session();
    const { result } = await play(store, [steps(write('_overview.md', '# my own notes\n'), go('investigation'))]);
    expect(result.outcome).toMatchObject({ kind: 'blocked', reason: 'the notebook is unusable: _overview.md has no "## Status" section' });
    expect(store.files.get('_overview.md')).toMatch(/^# my own notes\n\n## Status\nPhase: init\n/);
  });

  it('stops on the total iteration budget before calling the agent', async () => {
    const store = session({ phase: 'implementation', totalIterations: 5 });
    const { result, agent } = await play(store, [], { maxTotalIterations: 5 });
    expect(result.outcome).toEqual({ kind: 'blocked', reason: 'budget: 5 iterations reached max-iterations (5)' });
    expect(agent.calls).toHaveLength(0);
  });

  it('stops on the cost budget before the next iteration, not after', async () => {
    const store = session({ phase: 'implementation' });
    const { result, agent, status } = await play(store, [() => {}, () => {}].map((s) => steps(s, go('implementation'), () => ({ costUsd: 0.6 }))), {
      maxCostUsd: 1,
    });
    expect(agent.calls).toHaveLength(2);
    expect(status.costUsd).toBeCloseTo(1.2);
    expect(result.outcome).toEqual({ kind: 'blocked', reason: 'the budget of $1 is spent ($1.20 so far; raise max-cost-usd and /resume to go on)' });
  });

  it('blocks a phase at its iteration limit', async () => {
    const store = session({ phase: 'init', iteration: 4 });
    const { result, agent } = await play(store, [go('init')]);
    expect(agent.calls).toHaveLength(1);
    expect(result.outcome).toEqual({ kind: 'blocked', reason: 'invalid signal: phase init is over its limit of 5 iterations' });
  });

  it('pauses when the deadline leaves no room for another iteration', async () => {
    const store = session({ phase: 'implementation' });
    const clock = new TickingClock();
    const agent = new FakeAgent(store, [go('implementation'), go('implementation')]);
    const result = await runSession(
      { agent, store, reporter: new ListReporter(), clock },
      { ...options, deadline: clock.time + 30_000 },
    );
    expect(result.outcome.kind).toBe('paused');
    expect(agent.calls).toHaveLength(1);
  });

  it('returns a blocked session as it is without running', async () => {
    const store = session({ blocked: 'tests fail', next: { kind: 'blocked' } });
    const { result, agent } = await play(store, []);
    expect(result.outcome).toEqual({ kind: 'blocked', reason: 'tests fail' });
    expect(agent.calls).toHaveLength(0);
  });

  it('refuses to start from an unreadable notebook', async () => {
    const store = new MemoryStore('# no status here\n');
    await expect(play(store, [])).rejects.toThrow(SessionStateError);
  });

  it('sums cost into the Status', async () => {
    const store = session();
    const { status } = await play(store, [steps(go('investigation'), () => ({ costUsd: 0.25 })), steps(signal({ status: 'blocked', reason: 'x' }), () => ({ costUsd: 0.5 }))]);
    expect(status.costUsd).toBeCloseTo(0.75);
  });
});

describe('usage', () => {
  it('goes into the history and the iteration record', async () => {
    const store = session();
    const usage = { inputTokens: 100, outputTokens: 20, cacheReadTokens: 5 };
    const { reporter } = await play(store, [steps(go('investigation'), () => ({ costUsd: 0.1, usage })), signal({ status: 'blocked', reason: 'x' })]);
    expect(store.history[0]).toMatchObject({ costUsd: 0.1, usage });
    expect(reporter.records[0]).toMatchObject({ costUsd: 0.1, usage });
  });
});
