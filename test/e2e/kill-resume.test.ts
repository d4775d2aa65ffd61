// A run killed mid-iteration loses at most that iteration: a new run,
// woken by /resume, continues from the branch and finishes.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { checkout, makeRemote, payload, remoteFile, runBuiltAction, labeledEvent, dispatchEvent } from '../helpers/runner.js';

const scenario = {
  name: 'slow implementation',
  phases: {
    init: [{ signal: { status: 'continue', phase: 'investigation' } }],
    investigation: [{ signal: { status: 'continue', phase: 'requirements' } }],
    requirements: [{ signal: { status: 'continue', phase: 'planning' } }],
    planning: [{ files: { 'plan.md': '# Plan\n- [ ] three steps\n' }, signal: { status: 'waiting', phase: 'planning', for: 'plan_approval' } }],
    implementation: [
      { repoFiles: { 'step1.txt': 'one\n' }, signal: { status: 'continue', phase: 'implementation' } },
      { delayMs: 3000, repoFiles: { 'step2.txt': 'two\n' }, signal: { status: 'continue', phase: 'implementation' } },
      { repoFiles: { 'step3.txt': 'three\n' }, signal: { status: 'continue', phase: 'testing' } },
    ],
    testing: [{ signal: { status: 'continue', phase: 'done' } }],
    done: [{ signal: { status: 'done', phase: 'done', summary: 'three steps done' } }],
  },
};

const github = useFakeGitHub();

describe('a run killed mid-iteration', () => {
  it('is resumed by /resume from the branch, with no iteration lost or counted twice', async () => {
    github.addIssue({ number: 5, title: 'Three steps', body: 'Do three steps.', labels: ['samocode'] });
    github.permissions.set('Codertocat', 'write');
    const remote = makeRemote({ 'README.md': '# x\n', 'scenario.json': JSON.stringify(scenario) });
    const inputs = { script: 'scenario.json', 'auto-approve': 'true' };
    const start = labeledEvent(5);

    const branchLog = () => {
      try {
        return execFileSync('git', ['log', '--format=%s', 'refs/heads/samocode/5-three-steps'], { cwd: remote.bare, encoding: 'utf8' });
      } catch {
        return '';
      }
    };
    // The first run stops at the plan (auto-approve clears it on the next run).
    const first = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: start, inputs });
    expect(first.outputs).toMatchObject({ status: 'waiting', phase: 'planning' });

    const dispatch = dispatchEvent(5);
    const killed = await runBuiltAction({
      apiUrl: github.url,
      snapshotFrom: github,
      workspace: checkout(remote),
      event: 'workflow_dispatch',
      payload: dispatch,
      inputs,
      killWhen: () => branchLog().includes('samocode: implementation #1'),
    });
    expect(killed.code).toBeNull();
    expect(branchLog()).not.toContain('implementation #2');

    github.addComment(5, 'Codertocat', '/resume');
    const comment = payload('issue_comment', 'created', (p) => {
      p.issue.number = 5;
      p.issue.labels = [{ name: 'samocode' }, { name: 'samocode:running' }];
      delete p.issue.pull_request;
      p.comment.body = '/resume';
    });
    const resumed = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issue_comment', payload: comment, inputs });
    expect(resumed.code, resumed.stdout).toBe(0);
    expect(resumed.outputs.status).toBe('done');

    const session = `.samocode/sessions/${resumed.outputs.session}`;
    const history = remoteFile(remote, 'samocode/5-three-steps', `${session}/_signals.jsonl`).trim().split('\n').map((l) => JSON.parse(l));
    const numbers = history.map((h) => h.iteration);
    expect(numbers).toEqual([...numbers.keys()].map((i) => i + 1));
    expect(history.filter((h) => h.phase === 'implementation').map((h) => h.phaseIteration)).toEqual([1, 2, 3]);
    for (const file of ['step1.txt', 'step2.txt', 'step3.txt']) expect(remoteFile(remote, 'samocode/5-three-steps', file)).toBeTruthy();
    expect(github.pulls.filter((p) => p.head === 'samocode/5-three-steps')).toHaveLength(1);
  });
});
