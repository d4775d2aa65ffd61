import { describe, expect, it } from 'vitest';
import { errorLine, exitError, keepStart, MAX_ERROR_CHARS, oneLine } from '../../../src/providers/cli-agent.js';

describe('exitError', () => {
  it('says nothing about a clean exit and keeps the end of stderr', () => {
    expect(exitError('claude', { exitCode: 0, timedOut: false, stderrTail: 'noise' }, 1000)).toBeUndefined();
    expect(exitError('codex', { exitCode: null, timedOut: false, stderrTail: '' }, 1000)).toBe('codex was killed');
    expect(exitError('codex', { exitCode: 2, timedOut: false, stderrTail: `${'a'.repeat(1000)} the reason` }, 1000)).toMatch(/^codex exited with code 2: a+ the reason$/);
    expect(exitError('claude', { exitCode: 1, timedOut: true, stderrTail: '' }, 90_000, 'ignored')).toBe('claude timed out after 90 s');
  });
});

describe('an error as one short line', () => {
  it('folds whitespace, then cuts the end with an ellipsis', () => {
    expect(oneLine('  API Error:\n\t529  overloaded \n')).toBe('API Error: 529 overloaded');
    expect(keepStart('abcdef', 6)).toBe('abcdef');
    expect(keepStart('abcdefg', 6)).toBe('abcde…');
    const line = errorLine(`first\n${'x'.repeat(MAX_ERROR_CHARS)}`);
    expect(line).toHaveLength(MAX_ERROR_CHARS);
    expect(line).toMatch(/^first x+…$/);
  });
});
