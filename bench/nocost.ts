// An earlier goal, no agent no cost: a chat line on an issue whose session
// waits for plan approval, through dist/index.js against the API stand-in and
// a local bare remote. It starts no agent; what it writes to GitHub, the
// commits it pushes and the labels it changes are counted.
import type { SessionStatus } from '../src/core/overview.js';
import { marker, trackingComment } from '../src/core/render.js';
import { FakeGitHub, type RecordedRequest } from '../test/helpers/fake-github.js';
import { addSessionBranch, checkoutWorkspace, endpoint, makeRemote, REPOSITORY, runBuiltAction } from './github.js';
import { git, round, tempDir, writeAgent, type Ctx, type Results } from './lib.js';
import { resumeStatus } from './terminal.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const isLabelChange = (r: RecordedRequest) => r.method !== 'GET' && (/\/labels(\/|$)/.test(r.path) || (r.method === 'PATCH' && Boolean((r.body as { labels?: unknown } | undefined)?.labels)));

export async function noCostSection(ctx: Ctx, res: Results): Promise<void> {
  const fake = new FakeGitHub(REPOSITORY);
  await fake.start();
  try {
    const issue = 61;
    const title = 'Bench waiting';
    const status: SessionStatus = { ...resumeStatus(12, 'planning'), next: { kind: 'waiting', gate: 'plan_approval' } as SessionStatus['next'], lastAction: 'planning iteration 3' };
    const remote = makeRemote(ctx);
    const info = addSessionBranch(ctx, remote, issue, title, status);
    fake.addIssue({ number: issue, title, body: `${title}: the bench's issue.`, labels: ['samocode', 'samocode:waiting'] });
    const links = { branch: `https://github.com/${REPOSITORY}/tree/${info.branch}` };
    const tracking = trackingComment(info.folder, status, links);
    if (!tracking.includes(marker('tracking'))) throw new Error('the tracking comment lost its marker');
    fake.addComment(issue, 'github-actions[bot]', tracking, new Date(Date.now() - 3_600_000).toISOString(), 'Bot');
    const chat = 'Thanks, I will read the plan tonight.';
    const comment = fake.addComment(issue, 'Codertocat', chat);
    const payload = JSON.parse(readFileSync(join(ctx.root, 'test', 'fixtures', 'events', 'issue-comment-approve.json'), 'utf8')) as Record<string, any>;
    payload.issue = { ...payload.issue, number: issue, title, labels: [{ name: 'samocode' }, { name: 'samocode:waiting' }] };
    payload.comment = { ...payload.comment, id: comment.id, body: chat };
    const workspace = checkoutWorkspace(ctx, remote);
    const agent = writeAgent(tempDir(ctx, 'nocost-agent'), { implIterations: 1, edit: true });
    const run = await runBuiltAction(ctx, { fake, workspace, event: 'issue_comment', payload, agentPath: agent.path });
    const writes = run.requests.filter((r) => r.method !== 'GET');
    const labels = writes.filter(isLabelChange);
    const commits = Number(git(remote.bare, 'rev-list', '--count', `${info.sha}..refs/heads/${info.branch}`).trim());
    const branches = git(remote.bare, 'for-each-ref', '--format=%(refname:short)', 'refs/heads').trim().split('\n').filter((b) => b !== 'main' && b !== info.branch);
    ctx.log(`  a chat line on a waiting issue: exit ${run.code}, ${agent.calls()} agent calls, ${round(run.ms, 0)} ms (API pacing off); ${run.requests.length} requests, ${writes.length} writes: ${writes.map((w) => endpoint(w)).join(', ') || 'none'}`);
    ctx.log(`  ${labels.length} label changes, ${commits} commits pushed to the session branch${branches.length ? `, other branches: ${branches.join(', ')}` : ''}; it said: ${run.stdout.trim().split('\n').slice(-2).join(' / ').slice(0, 300)}`);
    const holds = agent.calls() === 0 ? writes.length <= 1 && labels.length === 0 && commits === 0 : null;
    res.figures.push(
      { id: 'nocost.writes', figure: 'no agent: API writes for a chat line on a waiting issue', value: writes.length, unit: '', goal: '<= 1', holds: writes.length <= 1 },
      { id: 'nocost.labels', figure: 'no agent: label changes', value: labels.length, unit: '', goal: '0', holds: labels.length === 0 },
      { id: 'nocost.commits', figure: 'no agent: commits pushed', value: commits, unit: '', goal: '0', holds: commits === 0 },
    );
    res.goals.push({
      goal: 'earlier: no agent, no cost',
      figure: `${writes.length} writes, ${labels.length} label changes, ${commits} commits`,
      against: '<= 1 write, 0 label changes, 0 commits',
      holds,
      ...(agent.calls() ? { note: `the run started the agent ${agent.calls()} times: the setup is wrong` } : {}),
    });
    res.details.noCost = { writes: writes.map((w) => `${endpoint(w)}${isLabelChange(w) ? ` ${JSON.stringify(w.body)}` : ''}`), commits, agentCalls: agent.calls(), ms: round(run.ms) };
  } finally {
    await fake.stop();
  }
}
