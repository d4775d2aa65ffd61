import { describe, expect, it } from 'vitest';
import { checksData, checksLine, logTail } from '../../../src/core/checks.js';

describe('failed checks for the agent', () => {
  it("keeps a log's tail, without times, colours and what a reader cannot see", () => {
    const log = [...Array.from({ length: 300 }, (_, i) => `2024-05-01T10:00:00.1234567Z line ${i}`), '2024-05-01T10:00:01.0000000Z \u001b[31mError\u001b[0m: <!-- hidden -->boom\u200b'].join('\n');
    const tail = logTail(log, 10);
    expect(tail.split('\n')).toHaveLength(11);
    expect(tail.startsWith('…\nline 291')).toBe(true);
    expect(tail.endsWith('Error: boom')).toBe(true);
    expect(logTail('x'.repeat(50), 10, 20)).toBe(`…\n${'x'.repeat(20)}`);
    expect(logTail('short')).toBe('short');
  });

  it('names the job, its failed steps, and says when there is no log', () => {
    const [block] = checksData({ name: 'CI', sha: 'abcdef1234' }, [{ name: 'test', url: '', steps: ['Run npm test'], log: null, logError: 'HTTP 410' }]);
    expect(block).toEqual({ title: 'Failing job "test" of CI on abcdef1', text: 'Failed steps:\n- Run npm test\n\nEnd of the log:\n(no log: HTTP 410)' });
  });

  it('shows the last check in one line', () => {
    expect(checksLine(null, 0)).toBeNull();
    expect(checksLine({ name: 'CI', sha: 'abcdef1234', passed: false, url: '', round: 2 }, 2)).toBe('Checks: CI failed on abcdef1 and started review round 2.');
    expect(checksLine({ name: 'CI', sha: 'abcdef1234', passed: true, url: '', round: null }, 2)).toBe('Checks: CI passed on abcdef1 (after review round 2).');
  });
});
