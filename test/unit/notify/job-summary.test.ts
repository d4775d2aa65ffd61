import { describe, expect, it } from 'vitest';
import { initialStatus } from '../../../src/core/overview.js';
import { jobSummary, stopSummary } from '../../../src/notify/job-summary.js';

const issue = { name: 'o/r#3', url: 'https://github.com/o/r/issues/3' };

describe('the job summary', () => {
  it('puts each fact on its own line and links the issue', () => {
    const text = jobSummary('s', { ...initialStatus(), totalIterations: 4, costUsd: 0.25 }, [], { issue, branch: 'https://b', pullRequest: 'https://pr', review: 'Review rounds on #5: 1 of at most 3; review round 1 answered.' }, 99);
    const facts = text.split('\n').filter((l) => l.startsWith('- **'));
    expect(facts).toEqual([
      '- **Issue:** [o/r#3](https://github.com/o/r/issues/3)',
      '- **State:** running',
      '- **Phase:** init',
      '- **Iterations:** 4 in the whole session',
      '- **Cost:** $0.2500 for the whole session',
      '- **Tokens:** 99 for the whole session',
      '- **Branch:** https://b',
      '- **Pull request:** https://pr',
      '- **Review rounds on #5:** 1 of at most 3; review round 1 answered.',
    ]);
  });

  it('a blocked session: the reason is the failed run\'s error, or stated here after a /stop', () => {
    const blocked = { ...initialStatus(), blocked: 'the CLI is missing', next: { kind: 'blocked' as const } };
    const failed = jobSummary('s', blocked, [], { blocked: { failed: true, notice: 'https://i#c-1' } });
    expect(failed).toContain("- **State:** blocked; the reason is this run's error; what you can do: [samocode's comment](https://i#c-1)\n");
    expect(failed).not.toContain('the CLI is missing');
    const stopped = { ...blocked, blocked: 'stopped by @a' };
    expect(jobSummary('s', stopped, [], { blocked: { failed: false } })).toContain('- **State:** blocked: stopped by @a\n');
  });

  it('says why no iteration ran', () => {
    expect(jobSummary('s', initialStatus(), [], { idle: ['refused a command: @r may not', 'the session is done'] })).toContain('No iteration ran in this run:\n\n- refused a command: @r may not\n- the session is done\n');
    expect(jobSummary('s', initialStatus(), [], {})).toContain('_No iteration ran in this run._');
    expect(stopSummary('@r may not start a session', issue)).toContain('- **Issue:** [o/r#3](https://github.com/o/r/issues/3)\n- **No iteration ran:** @r may not start a session');
  });
});
