import { describe, expect, it } from 'vitest';
import { PHASES, PHASE_TABLE, canMove, gateOnMove, phaseAfterGate, type Phase } from '../../../src/core/phases.js';

// DESIGN §5, row by row.
const table: [Phase, Phase[], string[], number, string?][] = [
  ['init', ['investigation'], ['continue', 'blocked'], 5],
  ['investigation', ['requirements'], ['continue', 'blocked'], 20],
  ['requirements', ['planning'], ['continue', 'waiting', 'blocked'], 10, 'qa_answers'],
  ['planning', ['implementation'], ['continue', 'waiting', 'blocked'], 10, 'plan_approval'],
  ['implementation', ['testing', 'quality'], ['continue', 'waiting', 'blocked'], 100],
  ['testing', ['quality', 'done'], ['continue', 'blocked'], 20],
  ['quality', ['testing', 'done'], ['continue', 'blocked'], 10],
  ['done', [], ['done', 'blocked'], 3],
];

describe('phase table', () => {
  it('lists the phases in order', () => {
    expect(PHASES).toEqual(table.map((row) => row[0]));
  });

  it.each(table)('%s may go to %j with signals %j, at most %i iterations, gate %s', (phase, next, signals, max, gate) => {
    const rule = PHASE_TABLE[phase];
    expect(rule.next).toEqual(next);
    expect(rule.signals).toEqual(signals);
    expect(rule.maxIterations).toBe(max);
    expect(rule.exitGate).toBe(gate);
  });

  it.each(PHASES.flatMap((from) => PHASES.map((to) => [from, to] as const)))('move %s → %s follows the table', (from, to) => {
    expect(canMove(from, to)).toBe(from === to || PHASE_TABLE[from].next.includes(to));
  });

  it('guards only the gated hand-overs', () => {
    expect(gateOnMove('requirements', 'planning')).toBe('qa_answers');
    expect(gateOnMove('planning', 'implementation')).toBe('plan_approval');
    expect(gateOnMove('requirements', 'requirements')).toBeUndefined();
    expect(gateOnMove('implementation', 'testing')).toBeUndefined();
  });

  it('an approved plan moves the session to implementation; answers keep it where it waited', () => {
    expect(phaseAfterGate('plan_approval', 'planning')).toBe('implementation');
    expect(phaseAfterGate('qa_answers', 'requirements')).toBe('requirements');
    expect(phaseAfterGate('qa_answers', 'implementation')).toBe('implementation');
  });
});
