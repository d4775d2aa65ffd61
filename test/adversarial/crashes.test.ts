// kill -9 of the action at seeded random points across a session of 100
// iterations: after each kill a new run resumes from the branch and goes on;
// in the end no committed iteration is lost and none is counted twice.
import { describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { checkout, makeRemote, payload, remoteBranches, remoteFile, runBuiltAction, labeledEvent, dispatchEvent } from '../helpers/runner.js';

const IMPLEMENTATION_STEPS = 95;
const SEED = 20261125;

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const scenario = {
  name: 'a hundred iterations',
  phases: {
    init: [{ signal: { status: 'continue', phase: 'investigation' } }],
    investigation: [{ signal: { status: 'continue', phase: 'requirements' } }],
    requirements: [{ signal: { status: 'continue', phase: 'planning' } }],
    planning: [{ files: { 'plan.md': '# Plan\n' }, signal: { status: 'continue', phase: 'implementation' } }],
    implementation: Array.from({ length: IMPLEMENTATION_STEPS }, (_, i) => ({
      repoFiles: { [`steps/${String(i + 1).padStart(3, '0')}.txt`]: `step ${i + 1}\n` },
      signal: { status: 'continue', phase: i + 1 === IMPLEMENTATION_STEPS ? 'testing' : 'implementation' },
    })),
    testing: [{ signal: { status: 'continue', phase: 'done' } }],
    done: [{ signal: { status: 'done', phase: 'done', summary: 'a hundred iterations survived' } }],
  },
};

const github = useFakeGitHub({ Codertocat: 'admin' });

describe('crashes', () => {
  it(`survives kill -9 at seeded random points (seed ${SEED})`, async () => {
    github.addIssue({ number: 81, title: 'Hundred', labels: ['samocode'] });
    const remote = makeRemote({ 'README.md': '# x\n', 'scenario.json': JSON.stringify(scenario) });
    const inputs = { script: 'scenario.json', 'auto-approve': 'true' };
    const next = random(SEED);
    const start = labeledEvent(81);
    const dispatch = dispatchEvent(81);

    let kills = 0;
    let status = '';
    let session = '';
    for (let run = 0; run < 40 && status !== 'done'; run++) {
      const killAt = kills < 8 ? Date.now() + 300 + Math.floor(next() * 1500) : Infinity;
      // A run killed before it made the session's branch is started again, as a person would label the issue again.
      const started = remoteBranches(remote).some((b) => b.startsWith('samocode/81-'));
      const result = await runBuiltAction({
        apiUrl: github.url,
        workspace: checkout(remote),
        event: started ? 'workflow_dispatch' : 'issues',
        payload: started ? dispatch : start,
        inputs,
        killWhen: () => Date.now() >= killAt,
      });
      if (result.code === null) {
        kills++;
        continue;
      }
      expect(result.code, result.stdout).toBe(0);
      status = result.outputs.status!;
      session = result.outputs.session!;
    }
    expect(kills).toBeGreaterThanOrEqual(5);
    expect(status).toBe('done');

    const branch = 'samocode/81-hundred';
    const history = remoteFile(remote, branch, `.samocode/sessions/${session}/_signals.jsonl`)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { iteration: number; phase: string; phaseIteration: number });
    expect(history.map((h) => h.iteration)).toEqual(history.map((_, i) => i + 1));
    expect(history.filter((h) => h.phase === 'implementation').map((h) => h.phaseIteration)).toEqual(
      Array.from({ length: IMPLEMENTATION_STEPS }, (_, i) => i + 1),
    );
    expect(history).toHaveLength(IMPLEMENTATION_STEPS + 6);
    expect(remoteFile(remote, branch, `.samocode/sessions/${session}/_overview.md`)).toMatch(new RegExp(`^Total Iterations: ${IMPLEMENTATION_STEPS + 6}$`, 'm'));
    for (const n of [1, 50, IMPLEMENTATION_STEPS]) expect(remoteFile(remote, branch, `steps/${String(n).padStart(3, '0')}.txt`)).toBe(`step ${n}\n`);
  }, 240_000);
});
