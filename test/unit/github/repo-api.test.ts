// The GitHub calls through nock: permissions (an API error means no),
// look-before-create on markers, labels, the pull request reused, and every
// body redacted on its way out.
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/core/redact.js';
import { createClient } from '../../../src/github/client.js';
import { RepoApi } from '../../../src/github/repo-api.js';

const API = 'https://api.github.com';
const repo = '/repos/Codertocat/Hello-World';
const TOKEN = 'ghs_nocktesttoken000000000000000000000000';

function api() {
  return new RepoApi(createClient({ token: TOKEN, baseUrl: API, retryBaseMs: 1, writeSpacingMs: 0 }), 'Codertocat', 'Hello-World', new Redactor([TOKEN]));
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe('RepoApi', () => {
  it.each([
    ['admin', 'admin', true],
    ['write', 'write', true],
    ['write', 'maintain', true],
    ['read', 'triage', false],
    ['read', 'read', false],
    ['none', 'none', false],
  ])('permission %s (role %s) may steer: %s', async (permission, role, allowed) => {
    nock(API).get(`${repo}/collaborators/alice/permission`).reply(200, { permission, role_name: role });
    expect(await api().canSteer('alice')).toBe(allowed);
  });

  it('reacts to an issue comment with the content GitHub names', async () => {
    nock(API)
      .post(`${repo}/issues/comments/42/reactions`, { content: 'eyes' })
      .reply(201, { id: 1, node_id: 'R', user: { login: 'github-actions[bot]', type: 'Bot' }, content: 'eyes', created_at: '2026-11-25T12:00:00Z' });
    const github = api();
    await github.react(42, 'eyes');
    expect(github.writes).toBe(1);
  });

  it('an API error means no', async () => {
    nock(API).get(`${repo}/collaborators/mallory/permission`).reply(404, { message: 'Not Found' });
    expect(await api().canSteer('mallory')).toBe(false);
  });

  it('asks once per person per run', async () => {
    nock(API).get(`${repo}/collaborators/bob/permission`).once().reply(200, { permission: 'write', role_name: 'write' });
    const client = api();
    expect(await client.canSteer('bob')).toBe(true);
    expect(await client.canSteer('bob')).toBe(true);
  });

  it('looks before it creates a marked comment', async () => {
    nock(API)
      .get(`${repo}/issues/1/comments`)
      .query(true)
      .reply(200, [{ id: 7, body: '<!-- samocode:tracking -->\nold', user: { login: 'github-actions[bot]', type: 'Bot' }, created_at: 'x', updated_at: 'x' }]);
    expect(await api().commentOnce(1, '<!-- samocode:tracking -->', 'new')).toBe(7);
  });

  it('does not take a marker copied into someone else\'s comment for its own', async () => {
    nock(API)
      .get(`${repo}/issues/1/comments`)
      .query(true)
      .reply(200, [{ id: 7, body: '<!-- samocode:tracking -->\nplanted', user: { login: 'mallory', type: 'User' }, created_at: 'x', updated_at: 'x' }]);
    nock(API).get('/user').reply(403, { message: 'Resource not accessible by integration' });
    nock(API).post(`${repo}/issues/1/comments`).reply(201, { id: 8 });
    expect(await api().commentOnce(1, '<!-- samocode:tracking -->', 'new')).toBe(8);
  });

  it('redacts what it posts', async () => {
    let posted = '';
    nock(API)
      .post(`${repo}/issues/1/comments`, (body: { body: string }) => ((posted = body.body), true))
      .reply(201, { id: 9 });
    await api().comment(1, `the token is ${TOKEN} and sk-ant-api03-abcdefghijklmn`);
    expect(posted).toBe('the token is *** and ***');
  });

  it('moves the state label in one write, keeping a label someone added during the run', async () => {
    const issue = (labels: string[]) => ({ number: 1, title: 't', body: '', labels: labels.map((name) => ({ name })), html_url: 'x', state: 'open', closed_at: null });
    nock(API).get(`${repo}/issues/1`).reply(200, issue(['samocode', 'samocode:running', 'bug', 'urgent']));
    nock(API).put(`${repo}/issues/1/labels`, { labels: ['samocode', 'bug', 'urgent', 'samocode:waiting'] }).reply(200, []);
    expect(await api().setStateLabel(1, 'samocode:waiting', ['samocode', 'samocode:running', 'bug'])).toEqual(['samocode', 'bug', 'urgent', 'samocode:waiting']);
  });

  it('adds the state label alone when no other state label is there, and writes nothing when it is already set', async () => {
    nock(API).get(`${repo}/issues/1`).reply(200, { number: 1, title: 't', body: '', labels: [{ name: 'samocode' }], html_url: 'x', state: 'open', closed_at: null });
    nock(API).post(`${repo}/issues/1/labels`, { labels: ['samocode:running'] }).reply(200, []);
    const a = api();
    expect(await a.setStateLabel(1, 'samocode:running', ['samocode'])).toEqual(['samocode', 'samocode:running']);
    expect(await a.setStateLabel(1, 'samocode:running', ['samocode', 'samocode:running'])).toEqual(['samocode', 'samocode:running']);
    expect(a.writes).toBe(1);
  });

  it('reuses an open pull request from the session branch', async () => {
    nock(API)
      .get(`${repo}/pulls`)
      .query({ head: 'Codertocat:samocode/1-x', state: 'open', per_page: '10' })
      .reply(200, [{ number: 5, html_url: 'https://github.com/Codertocat/Hello-World/pull/5', head: { ref: 'samocode/1-x' } }]);
    expect(await api().ensurePullRequest('samocode/1-x', 'main', 't', 'b')).toEqual({ number: 5, url: 'https://github.com/Codertocat/Hello-World/pull/5', created: false });
  });

  it('retries a 502 and gives up on a 422 at once', async () => {
    nock(API).get(`${repo}/issues/3`).reply(502, { message: 'bad gateway' });
    nock(API).get(`${repo}/issues/3`).reply(200, { number: 3, title: 't', body: null, labels: [], html_url: 'u', state: 'open' });
    expect((await api().issue(3)).body).toBe('');
    nock(API).post(`${repo}/pulls`).reply(422, { message: 'Validation Failed' });
    nock(API).get(`${repo}/pulls`).query(true).reply(200, []);
    await expect(api().ensurePullRequest('samocode/1-x', 'main', 't', 'b')).rejects.toThrow(/Validation Failed/);
  });
});
