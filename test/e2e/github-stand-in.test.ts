// The GitHub stand-in answers as GitHub's published REST description says:
// a body GitHub would refuse gets 422, every answer matches the documented
// schema for its status, and a fault can come after the write was done.
import { spawnSync } from 'node:child_process';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeGitHub, useFakeGitHub } from '../helpers/fake-github.js';
import { checkout, commentEvent, labeledEvent, makeRemote, runBuiltAction } from '../helpers/runner.js';

const github = useFakeGitHub({ Codertocat: 'admin' });
const repo = '/repos/Codertocat/Hello-World';

async function call(stand: FakeGitHub, method: string, path: string, body?: unknown) {
  const res = await fetch(`${stand.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, data: text ? JSON.parse(text) : undefined };
}

describe('the GitHub stand-in', () => {
  it('refuses with 422 what GitHub refuses, and writes nothing', async () => {
    github.addIssue({ number: 900, title: 'Stand-in' });
    for (const body of [{}, { body: 7 }, { body: 'x'.repeat(65537) }]) {
      const reply = await call(github, 'POST', `${repo}/issues/900/comments`, body);
      expect(reply.status).toBe(422);
      expect(reply.data.message).toMatch(/^Invalid request/);
    }
    expect((await call(github, 'POST', `${repo}/issues/900/labels`, { labels: [] })).status).toBe(422);
    expect((await call(github, 'POST', `${repo}/pulls`, { title: 'x' })).status).toBe(422);
    expect(github.issues.get(900)!.comments).toEqual([]);
    expect(github.schemaMismatches).toEqual([]);
  });

  it('answers as documented: a comment has its node_id, user, html_url and dates', async () => {
    const reply = await call(github, 'POST', `${repo}/issues/900/comments`, { body: 'hello' });
    expect(reply.status).toBe(201);
    expect(reply.data).toMatchObject({ body: 'hello', user: { login: 'github-actions[bot]', type: 'Bot' }, html_url: expect.stringContaining('/issues/900#issuecomment-') });
    expect(reply.data.node_id).toEqual(expect.any(String));
    expect(reply.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    github.close(900);
    expect((await call(github, 'GET', `${repo}/issues/900`)).data).toMatchObject({ state: 'closed', closed_at: expect.any(String) });
    expect(github.schemaMismatches).toEqual([]);
  });

  it('a fault with `after` does the write, then answers with the fault', async () => {
    github.faults.push({ method: 'POST', path: /\/issues\/900\/comments$/, status: 502, times: 1, after: true });
    const reply = await call(github, 'POST', `${repo}/issues/900/comments`, { body: 'made anyway' });
    expect(reply.status).toBe(502);
    expect(github.issues.get(900)!.comments.map((c) => c.body)).toContain('made anyway');
  });

  it('records an answer that strays from the description', async () => {
    const stray = new FakeGitHub();
    await stray.start();
    stray.addIssue({ number: 1 });
    // A stand-in bug: an issue without its title.
    (stray as unknown as { issueJson: (i: unknown) => unknown }).issueJson = () => ({ number: 1 });
    await call(stray, 'GET', `${repo}/issues/1`);
    await stray.stop();
    expect(stray.schemaMismatches.join('\n')).toMatch(/issues\/get 200: .*must have required property/);
  });

  it('a whole session, start to pull request, stays within the description', async () => {
    github.addIssue({ number: 901, title: 'Whole flow', labels: ['samocode'] });
    const remote = makeRemote();
    const run = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(901), inputs: { 'auto-approve': 'true' } });
    expect(run.code, run.stdout).toBe(0);
    let last = run;
    for (let i = 0; i < 4 && last.outputs.status !== 'done'; i++) {
      github.addComment(901, 'Codertocat', '/approve');
      last = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issue_comment', payload: commentEvent(901, '/approve'), inputs: { 'auto-approve': 'true' } });
    }
    expect(last.outputs.status).toBe('done');
    expect(last.outputs['pull-request']).toMatch(/\/pull\/\d+$/);
    const served = new Set(github.requests.map((r) => `${r.method} ${r.path.replace(/\d+/g, 'N')}`));
    expect(served.size).toBeGreaterThan(6);
    expect(github.schemaMismatches).toEqual([]);
  });
});

describe('the git remote stand-in', () => {
  const git = (cwd: string, ...args: string[]) =>
    spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' });

  function pushWith(remote: ReturnType<typeof makeRemote>, change: (ws: string) => void) {
    const ws = checkout(remote);
    change(ws);
    git(ws, 'add', '-A');
    git(ws, 'commit', '-q', '-m', 'change');
    return git(ws, 'push', '-q', 'origin', 'HEAD:refs/heads/topic');
  }

  it('refuses a workflow change as GitHub refuses a token without the workflows permission', () => {
    const workflow = (ws: string) => {
      mkdirSync(join(ws, '.github', 'workflows'), { recursive: true });
      writeFileSync(join(ws, '.github', 'workflows', 'ci.yml'), 'on: push\n');
    };
    const refused = pushWith(makeRemote(), workflow);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission');
    expect(pushWith(makeRemote(undefined, { workflows: true }), workflow).status).toBe(0);
    expect(pushWith(makeRemote(), (ws) => writeFileSync(join(ws, 'ok.txt'), 'fine\n')).status).toBe(0);
  });

  it('refuses a file over 100 MB with GitHub\'s words', () => {
    const refused = pushWith(makeRemote(), (ws) => (writeFileSync(join(ws, 'big.bin'), ''), truncateSync(join(ws, 'big.bin'), 150 * 1024 * 1024)));
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("File big.bin is 150.00 MB; this exceeds GitHub's file size limit of 100.00 MB");
  });
});
