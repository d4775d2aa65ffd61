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

describe('the redactor and credentials inside URLs', () => {
  const redactor = new Redactor([]);
  it.each([
    ['a database URL', 'postgres://app:hunter2pass@db.internal:5432/x', 'postgres://app:***@db.internal:5432/x'],
    ['an https remote with a token', 'https://x-access-token:opaque123456@github.com/o/r.git', 'https://x-access-token:***@github.com/o/r.git'],
    ['an empty user', 'redis://:s3cr3tpass@cache:6379', 'redis://:***@cache:6379'],
    ['a URL inside a sentence', 'clone from https://bob:pa55word!@example.com/repo now', 'clone from https://bob:***@example.com/repo now'],
    ['two URLs on a line', 'a://u:one111@h b://v:two222@k', 'a://u:***@h b://v:***@k'],
    ['an upper-case scheme', 'HTTPS://u:pass1234@h/', 'HTTPS://u:***@h/'],
  ])('hides the password of %s', (_what, input, expected) => {
    expect(redactor.redact(input)).toBe(expected);
  });

  it.each([
    ['a URL with a port and no credentials', 'http://localhost:8080/path'],
    ['a user without a password', 'ssh://git@github.com/o/r.git'],
    ['an email address', 'mail bob:x@example.com'],
    ['a scp-like remote', 'git@github.com:o/r.git'],
    ['a URL whose path holds an @', 'https://example.com/@user/page'],
  ])('leaves %s alone', (_what, input) => {
    expect(redactor.redact(input)).toBe(input);
  });
});
