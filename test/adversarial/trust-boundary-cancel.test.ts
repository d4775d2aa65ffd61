// Trust boundary, "outlive a cancelled run": the agent starts a grandchild in
// a session of its own and sleeps; the runner cancels the job (SIGINT, then
// SIGTERM on GitHub; Ctrl-C or a hang-up elsewhere). The action ends within a
// few seconds, nothing of the agent is left running, what was done is
// checkpointed on the branch, and the issue says what happened instead of
// staying `samocode:running`. The runner's RUNNER_TRACKING_ID reached the
// agent, so a self-hosted runner's own clean-up can find its processes too.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { processGone, writeFakeCli } from '../helpers/fake-cli.js';
import { checkout, labeledEvent, makeRemote, remoteFile, runBuiltAction } from '../helpers/runner.js';

const github = useFakeGitHub({ Codertocat: 'admin' });

const SLEEPER = `
const { execFileSync } = require('node:child_process');
fs.writeFileSync(path.join(dir, 'agent.json'), JSON.stringify({ uid: process.getuid(), tracking: process.env.RUNNER_TRACKING_ID ?? null }));
fs.writeFileSync('half-done.txt', 'work done before the cancel\\n');
const pidFile = path.join(dir, 'grandchild.pid');
execFileSync('/bin/sh', ['-c', 'setsid sh -c ' + JSON.stringify('echo $$ > ' + pidFile + '; exec sleep 300') + ' >/dev/null 2>&1 &']);
while (!fs.existsSync(pidFile) || !fs.readFileSync(pidFile, 'utf8').trim()) execFileSync('sleep', ['0.02']);
fs.writeFileSync(path.join(dir, 'sleeping'), '');
execFileSync('sleep', ['300']);
`;

/** Live (not zombie) processes owned by `uid`. */
function processesOf(uid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) === uid && !/^State:\s+Z/m.test(status);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('trust boundary: a cancelled run leaves nothing behind', () => {
  it.each([
    [131, 'SIGTERM', 'auto'],
    [132, 'SIGINT', 'auto'],
    [133, 'SIGHUP', 'auto'],
    [134, 'SIGTERM', 'none'],
  ] as const)('#%i: %s while the agent sleeps (agent-user %s)', async (issue, signal, agentUser) => {
    github.addIssue({ number: issue, title: `Cancel ${signal}`, labels: ['samocode'] });
    const cli = await writeFakeCli('claude', SLEEPER);
    const remote = makeRemote();
    const run = await runBuiltAction({
      apiUrl: github.url,
      snapshotFrom: github,
      workspace: checkout(remote),
      event: 'issues',
      payload: labeledEvent(issue),
      inputs: { provider: 'claude', 'cli-path': cli.path, 'agent-user': agentUser, ...(agentUser === 'none' ? { 'agent-network': 'open' } : {}) },
      env: { RUNNER_TRACKING_ID: `github_tracking_${issue}` },
      signalWhen: { when: () => existsSync(join(cli.dir, 'sleeping')), signal },
      timeoutMs: 30_000,
    });
    expect(run.signalledAt, 'the agent never got to sleep').toBeDefined();
    expect(run.endedAt - run.signalledAt!).toBeLessThan(5_000);

    const agent = JSON.parse(readFileSync(join(cli.dir, 'agent.json'), 'utf8')) as { uid: number; tracking: string | null };
    expect(agent.tracking).toBe(`github_tracking_${issue}`);
    const grandchild = Number(readFileSync(join(cli.dir, 'grandchild.pid'), 'utf8'));
    expect(await processGone(grandchild)).toBe(true);
    if (agentUser === 'auto') {
      expect(agent.uid).not.toBe(0);
      expect(agent.uid).not.toBe(process.getuid!());
      expect(processesOf(agent.uid)).toEqual([]);
    }

    // What was done is on the branch, and the session says why it stopped.
    expect(run.outputs.status).toBe('blocked');
    const branch = run.outputs.branch!;
    expect(remoteFile(remote, branch, 'half-done.txt')).toBe('work done before the cancel\n');
    const overview = remoteFile(remote, branch, `.samocode/sessions/${run.outputs.session}/_overview.md`);
    expect(overview).toContain(`interrupted by ${signal}`);
    const labels = github.issues.get(issue)!.labels;
    expect(labels).not.toContain('samocode:running');
    expect(labels).toContain('samocode:blocked');
    // The reason is on the issue once, in the blocked notice; the tracking comment links to it.
    const comments = github.issues.get(issue)!.comments;
    const tracking = comments.find((c) => c.body.includes('samocode:tracking'));
    const notice = comments.find((c) => c.body.includes('<!-- samocode:blocked'));
    expect(notice?.body).toContain(`interrupted by ${signal}`);
    expect(tracking?.body).toContain(`[samocode's comment](https://github.com/Codertocat/Hello-World/issues/${issue}#issuecomment-${notice!.id})`);
  });
});
