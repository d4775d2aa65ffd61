import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/core/redact.js';
import { knownSecrets } from '../../../src/core/secrets.js';

const GH = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

describe('the secrets a run knows of, from its environment', () => {
  it.each([
    ['a credential by name', { MY_SERVICE_TOKEN: 'opaque-value-1234' }, ['opaque-value-1234']],
    ['a password by name', { SMTP_PASSWORD: 'correct-horse' }, ['correct-horse']],
    ['a key by name', { STRIPE_KEY: 'rk_live_abcdef123' }, ['rk_live_abcdef123']],
    ['a GitHub token under any name', { DEPLOY: GH }, [GH]],
    ['a fine-grained token under any name', { X: 'github_pat_11AAAAAAA0abcdefghijklmnopqrstuvwxyz' }, ['github_pat_11AAAAAAA0abcdefghijklmnopqrstuvwxyz']],
    ['an Anthropic key under any name', { LLM: 'sk-ant-api03-abcdefghijklmnop' }, ['sk-ant-api03-abcdefghijklmnop']],
    ['an OpenAI key under any name', { LLM: 'sk-proj-abcdefghijklmnopqrstuvwxyz' }, ['sk-proj-abcdefghijklmnopqrstuvwxyz']],
    ['an AWS key id under any name', { AWS_ID: 'AKIAABCDEFGHIJKLMNOP' }, ['AKIAABCDEFGHIJKLMNOP']],
    ['a Slack token under any name', { CHAT: 'xoxb-1234567890-abcdefghij' }, ['xoxb-1234567890-abcdefghij']],
    [
      'a JWT under any name',
      { SESSION: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U' },
      ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ],
    ['a token inside a longer value, and the value', { AUTH_HEADER: `Bearer ${GH}` }, [`Bearer ${GH}`, GH]],
    ['the password of a URL, and the URL', { DATABASE_URL: 'postgres://u:hunter2pass@db/x' }, ['postgres://u:hunter2pass@db/x', 'hunter2pass']],
    ['a percent-encoded password, both ways', { REDIS_URL: 'redis://:p%40ss%2Fword@cache:6379' }, ['redis://:p%40ss%2Fword@cache:6379', 'p%40ss%2Fword', 'p@ss/word']],
  ])('takes %s', (_what, env, expected) => {
    expect(knownSecrets(env)).toEqual(expected);
  });

  it.each([
    ['ordinary variables', { HOME: '/home/runner', CI: 'true', GITHUB_REF_NAME: 'main', PATH: '/usr/bin:/bin' }],
    ['short values under a credential name', { NPM_TOKEN: 'x', GH_TOKEN: 'short' }],
    ['a URL without credentials', { API_URL: 'https://api.github.com/repos', PROXY: 'http://proxy:3128' }],
    ['a URL with a very short password', { DB: 'postgres://u:pw@db/x' }],
    ['empty values', { SOME_SECRET: '' }],
  ])('leaves out %s', (_what, env) => {
    expect(knownSecrets(env)).toEqual([]);
  });

  it('keeps the given values from six characters, once each', () => {
    expect(knownSecrets({ A_TOKEN: 'abcdef-1234' }, ['abcdef-1234', 'tiny', undefined, 'sixsix'])).toEqual(['abcdef-1234', 'sixsix']);
  });

  it('a redactor built from them hides a database password however it is written', () => {
    const redactor = new Redactor(knownSecrets({ DATABASE_URL: 'postgres://u:hunter2pass@db/x' }));
    expect(redactor.redact('DATABASE_URL=postgres://u:hunter2pass@db/x; pw hunter2pass')).toBe('DATABASE_URL=***; pw ***');
  });
});
