import { describe, expect, it } from 'vitest';
import { MAX_SIGNAL_BYTES, validateSignal } from '../../../src/core/signal.js';
import type { Phase } from '../../../src/core/phases.js';

const at = (phase: Phase, iterationsInPhase = 1) => ({ phase, iterationsInPhase });
const json = (value: unknown) => JSON.stringify(value);

describe('valid signals', () => {
  it.each([
    ['continue in place', at('implementation'), { status: 'continue', phase: 'implementation' }],
    ['continue to the next phase', at('init'), { status: 'continue', phase: 'investigation' }],
    ['implementation to quality', at('implementation'), { status: 'continue', phase: 'quality' }],
    ['quality back to testing', at('quality'), { status: 'continue', phase: 'testing' }],
    ['testing to done', at('testing'), { status: 'continue', phase: 'done' }],
    ['waiting for answers', at('requirements'), { status: 'waiting', phase: 'requirements', for: 'qa_answers' }],
    ['waiting for approval', at('planning'), { status: 'waiting', phase: 'planning', for: 'plan_approval' }],
    ['blocked with a reason', at('testing'), { status: 'blocked', phase: 'testing', reason: 'tests fail', needs: 'error_resolution' }],
    ['blocked without a phase', at('init'), { status: 'blocked', reason: 'no repository' }],
    ['done from done', at('done'), { status: 'done', phase: 'done', summary: 'all good' }],
    ['extra keys are ignored', at('init'), { status: 'continue', phase: 'investigation', note: 'hi' }],
  ] as const)('%s', (_name, ctx, signal) => {
    const verdict = validateSignal(json(signal), ctx);
    expect(verdict).toMatchObject({ ok: true, signal: { status: signal.status } });
  });
});

describe('every invalid signal is rejected with a reason', () => {
  const rejected = (raw: string | null, ctx = at('requirements'), bytes?: number) => {
    const verdict = validateSignal(raw, ctx, bytes);
    expect(verdict.ok).toBe(false);
    return (verdict as { reason: string }).reason;
  };

  it('missing', () => expect(rejected(null)).toBe('no _signal.json was written'));
  it('empty', () => expect(rejected('')).toBe('_signal.json is empty'));
  it('only white space', () => expect(rejected('  \n\t')).toBe('_signal.json is empty'));
  it('over 64 KiB', () => {
    const big = json({ status: 'blocked', reason: 'x'.repeat(MAX_SIGNAL_BYTES) });
    expect(rejected(big)).toMatch(/over the 65536-byte limit/);
  });
  it('over 64 KiB when only a prefix was read', () => {
    expect(rejected('{"status":', at('init'), 10 * 1024 * 1024)).toBe('_signal.json is 10485760 bytes, over the 65536-byte limit');
  });
  it('bad JSON', () => expect(rejected('{"status": "continue",')).toMatch(/^_signal.json is not valid JSON/));
  it('not an object', () => expect(rejected('["continue"]')).toBe('_signal.json must hold a JSON object'));
  it('a bare string', () => expect(rejected('"continue"')).toBe('_signal.json must hold a JSON object'));
  it('no status', () => expect(rejected(json({ phase: 'planning' }))).toBe('_signal.json has no "status"'));
  it('status of the wrong type', () => expect(rejected(json({ status: 1 }))).toMatch(/unknown status 1/));
  it('unknown status', () => expect(rejected(json({ status: 'finished' }))).toMatch(/unknown status "finished"/));
  it('continue without a phase', () => expect(rejected(json({ status: 'continue' }))).toMatch(/"phase" is required/));
  it('phase of the wrong type', () => expect(rejected(json({ status: 'continue', phase: 3 }))).toMatch(/"phase" must be a string/));
  it('unknown phase', () => expect(rejected(json({ status: 'continue', phase: 'deploy' }))).toMatch(/unknown phase "deploy"/));
  it('waiting without for', () =>
    expect(rejected(json({ status: 'waiting', phase: 'requirements' }))).toMatch(/"for" is required/));
  it('waiting for an unknown gate', () =>
    expect(rejected(json({ status: 'waiting', phase: 'requirements', for: 'coffee' }))).toMatch(/unknown gate "coffee"/));
  it('blocked without a reason', () => expect(rejected(json({ status: 'blocked' }))).toMatch(/"reason" is required/));
  it('blocked with an empty reason', () =>
    expect(rejected(json({ status: 'blocked', reason: '  ' }))).toMatch(/"reason" must not be empty/));
  it('reason of the wrong type', () =>
    expect(rejected(json({ status: 'blocked', reason: { why: 1 } }))).toMatch(/"reason" must be a string/));
  it('done without a summary', () => expect(rejected(json({ status: 'done', phase: 'done' }), at('done'))).toMatch(/"summary" is required/));
  it('done naming another phase', () =>
    expect(rejected(json({ status: 'done', phase: 'testing', summary: 's' }), at('done'))).toMatch(/"phase" must be "done"/));
  it('a signal the phase does not allow: done from implementation', () =>
    expect(rejected(json({ status: 'done', phase: 'done', summary: 's' }), at('implementation'))).toBe(
      '"done" is not allowed in phase implementation (allowed: continue, waiting, blocked)',
    ));
  it('a signal the phase does not allow: waiting in testing', () =>
    expect(rejected(json({ status: 'waiting', phase: 'testing', for: 'qa_answers' }), at('testing'))).toMatch(
      /"waiting" is not allowed in phase testing/,
    ));
  it('a wait that names another phase (it would pass the gate unapproved)', () =>
    expect(rejected(json({ status: 'waiting', phase: 'implementation', for: 'plan_approval' }), at('planning'))).toBe(
      'a waiting signal must name the current phase planning, not implementation',
    ));
  it('a gate the phase does not wait for', () =>
    expect(rejected(json({ status: 'waiting', phase: 'requirements', for: 'plan_approval' }))).toMatch(
      /phase requirements may not wait for plan_approval/,
    ));
  it('a forbidden transition: skipping ahead', () =>
    expect(rejected(json({ status: 'continue', phase: 'implementation' }))).toBe(
      'requirements may not move to implementation (allowed: requirements, planning)',
    ));
  it('a forbidden transition: going back', () =>
    expect(rejected(json({ status: 'continue', phase: 'investigation' }))).toMatch(/requirements may not move to investigation/));
  it('over the phase limit', () =>
    expect(rejected(json({ status: 'continue', phase: 'init' }), at('init', 5))).toBe('phase init is over its limit of 5 iterations'));
  it('under the limit staying is fine, moving on at the limit is fine', () => {
    expect(validateSignal(json({ status: 'continue', phase: 'init' }), at('init', 4)).ok).toBe(true);
    expect(validateSignal(json({ status: 'continue', phase: 'investigation' }), at('init', 5)).ok).toBe(true);
  });
});
