import { describe, expect, it } from 'vitest';
import { buildContext, stableContext, type ContextFacts } from '../../../src/core/context.js';
import type { SessionStatus } from '../../../src/core/status.js';

const status = (iteration: number, lastAction: string): SessionStatus => ({
  phase: 'implementation',
  iteration,
  totalIterations: iteration + 10,
  blocked: null,
  lastAction,
  next: { kind: 'continue' },
  lastComment: null,
  costUsd: 0,
});

const facts = (iteration: number, lastAction: string): ContextFacts => ({
  sessionName: 's',
  sessionPath: '/sessions/s',
  workdir: '/repo',
  mode: 'terminal',
  phase: 'implementation',
  iteration,
  totalIteration: iteration + 10,
  status: status(iteration - 1, lastAction),
  task: 'Do the thing.',
});

describe('stableContext', () => {
  it('is the same for two iterations of one phase, and says where the iteration facts are', () => {
    const first = buildContext(facts(2, 'implementation iteration 1'));
    const second = buildContext(facts(3, 'implementation iteration 2'));
    expect(first).toContain('- Phase: implementation (iteration 2 of at most 100; total 12)');
    expect(first).not.toBe(second);
    expect(stableContext(first)).toBe(stableContext(second));
    expect(stableContext(first)).toContain("- Phase: implementation (at most 100 iterations; the iterations done and the last action are in _overview.md's Status)");
    expect(stableContext(first)).not.toContain('Last action');
    expect(stableContext(first)).toContain('Do the thing.');
  });
});
