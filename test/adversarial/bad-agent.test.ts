// Bad signals, broken notebooks and faulty agents in GitHub mode: each ends
// the session as blocked with a clear reason, the checkpoint is pushed, the
// issue says why, and no stack trace is printed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/fake-github.js';
import { checkout, makeRemote, payload, remoteFile, runBuiltAction, labeledEvent } from '../helpers/runner.js';
import { processGone, writeFakeCli } from '../helpers/fake-cli.js';

let github: FakeGitHub;
let nextIssue = 60;
beforeAll(async () => {
  github = new FakeGitHub();
  await github.start();
  github.permissions.set('Codertocat', 'admin');
});
afterAll(async () => github.stop());

const result = `emit({ type: 'result', subtype: 'success', is_error: false, total_cost_usd: 0, num_turns: 1 });`;

/** Runs one labeled session whose agent (standing in for claude) runs `body` in init. */
async function session(body: string, inputs: Record<string, string> = {}) {
  const issue = nextIssue++;
  github.addIssue({ number: issue, title: `Bad agent ${issue}`, labels: ['samocode'] });
  const cli = await writeFakeCli('claude', `const session = process.env.SAMOCODE_SESSION_PATH;\n${body}`);
  const remote = makeRemote();
  const run = await runBuiltAction({
    apiUrl: github.url,
    snapshotFrom: github,
    workspace: checkout(remote),
    event: 'issues',
    payload: labeledEvent(issue),
    inputs: { provider: 'claude', 'cli-path': cli.path, ...inputs },
  });
  const branch = `samocode/${issue}-bad-agent-${issue}`;
  const overview = () => remoteFile(remote, branch, `.samocode/sessions/${run.outputs.session}/_overview.md`);
  return { run, overview, cli, issue };
}

function expectBlocked(outcome: Awaited<ReturnType<typeof session>>, reason: string | RegExp) {
  const { run, overview, issue } = outcome;
  expect(run.code, run.stdout).toBe(1);
  expect(run.outputs.status).toBe('blocked');
  const error = run.stdout.split('\n').find((l) => l.startsWith('::error::'))!;
  const actual = error.replace('::error::samocode: blocked: ', '');
  expect(actual).toMatch(reason);
  expect(run.stdout + run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  // The checkpoint holding the reason reached the branch.
  expect(overview()).toContain(`\nBlocked: ${actual.slice(0, 60)}`);
  const blocked = github.issues.get(issue)!.comments.filter((c) => c.body.includes('<!-- samocode:blocked'));
  expect(blocked).toHaveLength(1);
  expect(github.issues.get(issue)!.labels).toContain('samocode:blocked');
}

describe('bad signals', () => {
  it.each([
    ['malformed', `fs.writeFileSync(path.join(session, '_signal.json'), '{"status": "continue",');`, /^invalid signal: _signal.json is not valid JSON/],
    ['empty', `fs.writeFileSync(path.join(session, '_signal.json'), '');`, 'invalid signal: _signal.json is empty'],
    ['10 MB', `fs.writeFileSync(path.join(session, '_signal.json'), JSON.stringify({ status: 'blocked', reason: 'x'.repeat(10 * 1024 * 1024) }));`, /^invalid signal: _signal.json is 104857\d\d bytes, over the 65536-byte limit/],
    ['wrong types', `signal({ status: 'continue', phase: 42 });`, 'invalid signal: invalid continue signal: "phase" must be a string'],
    ['unknown phase', `signal({ status: 'continue', phase: 'deploy' });`, 'invalid signal: invalid continue signal: "phase" unknown phase "deploy"'],
    ['a forbidden transition', `signal({ status: 'continue', phase: 'implementation' });`, 'invalid signal: init may not move to implementation (allowed: init, investigation)'],
    ['done before the done phase', `signal({ status: 'done', phase: 'done', summary: 'all done, honest' });`, 'invalid signal: "done" is not allowed in phase init (allowed: continue, blocked)'],
  ])('%s', async (_name, body, reason) => {
    expectBlocked(await session(`${body}\n${result}`), reason);
  });
});

describe('a broken notebook', () => {
  it.each([
    ['deleted', `fs.rmSync(path.join(session, '_overview.md'));`, 'the notebook is unusable: _overview.md is missing'],
    ['emptied', `fs.writeFileSync(path.join(session, '_overview.md'), '');`, 'the notebook is unusable: _overview.md is empty'],
    ['rewritten without its Status', `fs.writeFileSync(path.join(session, '_overview.md'), '# My notes\\n\\nNothing else.\\n');`, 'the notebook is unusable: _overview.md has no "## Status" section'],
    ['the whole session folder deleted', `fs.rmSync(session, { recursive: true, force: true }); fs.mkdirSync(session); `, 'the notebook is unusable: _overview.md is missing'],
  ])('%s', async (_name, body, reason) => {
    const outcome = await session(`${body}\nsignal({ status: 'continue', phase: 'investigation' });\n${result}`);
    expectBlocked(outcome, reason);
    // The orchestrator's Status is back in the notebook, so /resume can go on.
    expect(outcome.overview()).toMatch(/^Phase: init$/m);
  });
});

describe('agent faults', () => {
  it('a missing CLI names the input to set', async () => {
    const { run } = await session('', { 'cli-path': '/opt/nowhere/claude' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::samocode: blocked: agent CLI not found or not executable: /opt/nowhere/claude; install it or set the cli-path input');
  });

  it('a non-zero exit without a signal', async () => {
    expectBlocked(await session(`process.stderr.write('something broke\\n'); process.exit(3);`), /^the agent exited with code 3 and wrote no valid signal: claude exited with code 3: something broke/);
  });

  it('a hang past iteration-timeout: the whole process tree is killed', async () => {
    const outcome = await session(
      `const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
fs.writeFileSync(path.join(dir, 'grandchild.pid'), String(child.pid));
setTimeout(() => {}, 600000);`,
      { 'iteration-timeout': '0.05' },
    );
    expectBlocked(outcome, 'the agent timed out after 3 s');
    const pid = Number(readFileSync(join(outcome.cli.dir, 'grandchild.pid'), 'utf8'));
    expect(await processGone(pid)).toBe(true);
  });
});
