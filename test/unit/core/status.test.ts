import { describe, expect, it } from 'vitest';
import { blockedStatus, initialStatus, resumeStatus, sessionState } from '../../../src/core/status.js';
import * as overview from '../../../src/core/overview.js';

describe('moving the status', () => {
  it('resuming a session blocked at its phase limit gives the phase a fresh count', () => {
    const blocked = { ...initialStatus(), phase: 'init' as const, iteration: 5, blocked: 'over the limit', next: { kind: 'blocked' as const } };
    expect(resumeStatus(blocked, 5, '@alice')).toMatchObject({ blocked: null, iteration: 0, next: { kind: 'continue' }, lastAction: 'resumed by @alice' });
    expect(resumeStatus({ ...blocked, iteration: 2 }, 5, '@alice').iteration).toBe(2);
  });

  it('blocking keeps everything else and says why, in the last action too unless told otherwise', () => {
    const running = { ...initialStatus(), phase: 'planning' as const, iteration: 2, totalIterations: 7, costUsd: 1.25 };
    expect(blockedStatus(running, 'no plan')).toEqual({ ...running, blocked: 'no plan', next: { kind: 'blocked' }, lastAction: 'blocked: no plan' });
    expect(blockedStatus(running, 'stopped by @bob', 'stopped by @bob')).toMatchObject({ blocked: 'stopped by @bob', lastAction: 'stopped by @bob' });
    expect(sessionState(blockedStatus(running, 'x'))).toBe('blocked');
  });

  it('stays importable from overview.ts', () => {
    expect(overview.resumeStatus).toBe(resumeStatus);
    expect(overview.blockedStatus).toBe(blockedStatus);
  });
});
