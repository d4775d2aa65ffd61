// Many sessions at once under GitHub's secondary rate limit: N sessions
// labelled, answered and approved all at once, against the same N sessions
// run one at a time, in one run, both against a stand-in that refuses writes
// over GitHub's 80 a minute (4 in any 3 s) with an honest retry-after. The
// client's throttling is on; only the spacing of writes is shortened (20 ms)
// so that the limit, not the spacing, is what is measured. Figures: wall time
// at once against one at a time, writes a session for each kind of run, and
// the requests GitHub refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeGitHub } from '../test/helpers/fake-github.js';
import { SecondaryRateLimit } from '../test/helpers/fake-rate-limit.js';
import { checkoutWorkspace, makeRemote, REPOSITORY, runBuiltAction, type ActionRun, type Remote } from './github.js';
import { round, type Ctx, type Results } from './lib.js';

const SESSIONS = Number(process.env.BENCH_SCALE_SESSIONS) || 6;
const LIMIT = { writes: 4, windowMs: 3_000 };
const KINDS = ['label', 'answers', 'approve'] as const;
type Kind = (typeof KINDS)[number];

interface Mode {
  wallMs: number;
  /** Writes GitHub accepted, a session, by kind of run. */
  writes: Record<Kind, number>;
  refused: number;
  done: number;
  blocked: number;
}

function event(ctx: Ctx, kind: Kind, issue: number): { name: string; payload: Record<string, any> } {
  const file = kind === 'label' ? 'issues-labeled.json' : kind === 'answers' ? 'issue-comment-answers.json' : 'issue-comment-approve.json';
  const payload = JSON.parse(readFileSync(join(ctx.root, 'test', 'fixtures', 'events', file), 'utf8')) as Record<string, any>;
  payload.issue = { ...payload.issue, number: issue, title: `Bench scale ${issue}`, body: 'Please add a greeting file.' };
  return { name: kind === 'label' ? 'issues' : 'issue_comment', payload };
}

async function runOne(ctx: Ctx, fake: FakeGitHub, remote: Remote, kind: Kind, issue: number): Promise<ActionRun> {
  const text = kind === 'answers' ? 'Q1: A\nQ2: A' : kind === 'approve' ? '/approve' : null;
  const { name, payload } = event(ctx, kind, issue);
  if (text) payload.comment = { ...payload.comment, id: fake.addComment(issue, 'Codertocat', text).id, body: text };
  return runBuiltAction(ctx, {
    fake,
    workspace: checkoutWorkspace(ctx, remote),
    event: name,
    payload,
    agentPath: '',
    inputs: { provider: 'script' },
    env: { SAMOCODE_API_PACING_MS: '20' },
    timeoutMs: 900_000,
  });
}

async function measure(ctx: Ctx, atOnce: boolean, firstIssue: number): Promise<Mode> {
  const fake = new FakeGitHub(REPOSITORY);
  await fake.start();
  const limit = new SecondaryRateLimit(LIMIT.writes, LIMIT.windowMs);
  fake.rateLimit = limit;
  fake.permissions.set('Codertocat', 'admin');
  try {
    const remote = makeRemote(ctx);
    const issues = Array.from({ length: SESSIONS }, (_, i) => firstIssue + i);
    for (const issue of issues) fake.addIssue({ number: issue, title: `Bench scale ${issue}`, body: 'Please add a greeting file.', labels: ['samocode'] });
    const writes = { label: 0, answers: 0, approve: 0 };
    const runs: ActionRun[] = [];
    const started = Date.now();
    const kindRun = async (kind: Kind, issue: number) => {
      const run = await runOne(ctx, fake, remote, kind, issue);
      runs.push(run);
      return run;
    };
    if (atOnce) {
      for (const kind of KINDS) {
        const before = limit.passed;
        await Promise.all(issues.map((issue) => kindRun(kind, issue)));
        writes[kind] = (limit.passed - before) / SESSIONS;
      }
    } else {
      for (const issue of issues) {
        for (const kind of KINDS) {
          const before = limit.passed;
          await kindRun(kind, issue);
          writes[kind] += (limit.passed - before) / SESSIONS;
        }
      }
    }
    const wallMs = Date.now() - started;
    const failed = runs.filter((r) => r.code !== 0);
    if (failed.length) ctx.log(`  ${failed.length} runs failed; the first said: ${(failed[0]!.stdout + failed[0]!.stderr).slice(-600)}`);
    const done = issues.filter((i) => fake.issues.get(i)!.labels.includes('samocode:done')).length;
    const blocked = issues.filter((i) => fake.issues.get(i)!.comments.some((c) => c.body.startsWith('<!-- samocode:blocked'))).length;
    return { wallMs, writes, refused: limit.refused, done, blocked };
  } finally {
    await fake.stop();
  }
}

export async function scaleSection(ctx: Ctx, res: Results): Promise<void> {
  const alone = await measure(ctx, false, 301);
  const together = await measure(ctx, true, 401);
  const line = (label: string, m: Mode) =>
    `  ${label}: ${round(m.wallMs / 1000, 1)} s, writes a session: label ${round(m.writes.label, 1)}, answers ${round(m.writes.answers, 1)}, approve ${round(m.writes.approve, 1)}; refused ${m.refused}; done ${m.done} of ${SESSIONS}, blocked ${m.blocked}`;
  ctx.log(`  ${SESSIONS} sessions, label → questions → answers → plan → /approve → done, under ${LIMIT.writes} writes in any ${LIMIT.windowMs / 1000} s:`);
  ctx.log(line('one at a time', alone));
  ctx.log(line('all at once', together));
  const ratio = together.wallMs / alone.wallMs;
  const perSession = (m: Mode) => m.writes.label + m.writes.answers + m.writes.approve;
  res.figures.push(
    { id: 'scale.wall', figure: `${SESSIONS} sessions at once: wall time against one at a time, same limit`, value: ratio, unit: 'x', goal: '<= 1.0, all done, none blocked', holds: ratio <= 1 && together.done === SESSIONS && together.blocked === 0 },
    { id: 'scale.writes', figure: 'writes a session, whole flow (label, answers, approve)', value: perSession(together), unit: '', goal: `one at a time: ${round(perSession(alone), 1)}`, holds: perSession(together) <= perSession(alone) },
    { id: 'scale.refused', figure: `requests refused for the rate limit (at once / one at a time)`, value: `${together.refused} / ${alone.refused}`, holds: null },
  );
  res.details.scale = { sessions: SESSIONS, limit: LIMIT, oneAtATime: alone, atOnce: together, ratio: round(ratio, 3) };
  res.goals.push({
    goal: 'earlier: many sessions at once',
    figure: `${SESSIONS} at once ${round(together.wallMs / 1000, 1)} s = ${round(ratio)}x; ${together.done} done, ${together.blocked} blocked; ${round(perSession(together), 1)} writes a session`,
    against: `the same sessions one at a time under the same limit, ${round(alone.wallMs / 1000, 1)} s (<= 1.0x, all done, none blocked); ${round(perSession(alone), 1)} writes a session`,
    holds: ratio <= 1 && together.done === SESSIONS && together.blocked === 0 && perSession(together) <= perSession(alone),
  });
}
