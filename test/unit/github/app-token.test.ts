// With a GitHub App token the action writes as the app's bot
// (`<app-slug>[bot]`, type Bot): its marked comments are still its own, so a
// retried run finds them instead of posting twice, and nobody is asked who
// the token is.
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/core/redact.js';
import { createClient } from '../../../src/github/client.js';
import { RepoApi } from '../../../src/github/repo-api.js';

const API = 'https://api.github.com';
const repo = '/repos/Codertocat/Hello-World';
const TOKEN = 'ghs_apptokenfromcreategithubapptoken00000';
const api = () => new RepoApi(createClient({ token: TOKEN, baseUrl: API, retryBaseMs: 1, writeSpacingMs: 0 }), 'Codertocat', 'Hello-World', new Redactor([TOKEN]));
const comment = (id: number, login: string, type: string, body: string) => ({ id, body, user: { login, type }, created_at: 'x', updated_at: 'x' });

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe('an App token', () => {
  it("recognises the app bot's marked comment as the action's own", async () => {
    nock(API)
      .get(`${repo}/issues/5/comments`)
      .query(true)
      .reply(200, [comment(11, 'samocode-for-acme[bot]', 'Bot', '<!-- samocode:tracking -->\n### samocode session')]);
    // No POST and no GET /user: a pending or unexpected request fails the test.
    expect(await api().commentOnce(5, '<!-- samocode:tracking -->', 'new')).toBe(11);
  });

  it("still takes no person's copy of the marker for its own", async () => {
    nock(API)
      .get(`${repo}/issues/5/comments`)
      .query(true)
      .reply(200, [comment(12, 'mallory', 'User', '<!-- samocode:tracking -->\nplanted')]);
    // An installation token may not ask who it is: then nobody but a bot is the action.
    nock(API).get('/user').reply(403, { message: 'Resource not accessible by integration' });
    nock(API).post(`${repo}/issues/5/comments`).reply(201, { id: 13 });
    expect(await api().commentOnce(5, '<!-- samocode:tracking -->', 'new')).toBe(13);
  });
});
