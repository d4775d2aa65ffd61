import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/core/redact.js';

describe('redacting secrets', () => {
  const token = 'ghs_abcdefghijklmnopqrstuvwxyz0123456789';
  it('removes known values and token shapes', () => {
    const redactor = new Redactor(['my-telegram-secret-value']);
    const text = [
      `token ${token}`,
      'pat github_pat_11AAAAAAA0abcdefghijklmnopqrstuvwxyz',
      'anthropic sk-ant-api03-abcdefghijklmnop',
      'openai sk-proj-abcdefghijklmnopqrstuvwxyz',
      'aws AKIAABCDEFGHIJKLMNOP',
      'slack xoxb-1234567890-abcdefghij',
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'tg my-telegram-secret-value',
    ].join('\n');
    const out = redactor.redact(text);
    expect(out).not.toMatch(/ghs_|github_pat_|sk-ant-|sk-proj|AKIA|xoxb-|eyJ|my-telegram/);
    expect(out.split('\n').every((line) => line.endsWith('***'))).toBe(true);
  });

  it('leaves ordinary text alone', () => {
    expect(new Redactor([]).redact('task-list and sk-short and ghp_short')).toBe('task-list and sk-short and ghp_short');
  });
});
