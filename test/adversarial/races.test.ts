// Races: comments arriving while a run is busy, the same event twice, two
// runs for one issue at once.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { checkout, makeRemote, payload, remoteFile, runBuiltAction, type Remote, labeledEvent, commentEvent } from '../helpers/runner.js';

const github = useFakeGitHub({ Codertocat: 'admin', alice: 'write', bob: 'write' });


function withScenario(scenario: unknown): Remote {
  return makeRemote({ 'README.md': '# x\n', 'scenario.json': JSON.stringify(scenario) });
}

const questions = {
  phases: {
    init: [{ signal: { status: 'continue', phase: 'investigation' } }],
    investigation: [{ signal: { status: 'continue', phase: 'requirements' } }],
    requirements: [
      {
        files: { '_qa.md': '### Q1: One?\nA) a\nB) b\n**Answer:** _waiting_\n\n### Q2: Two?\nA) a\nB) b\n**Answer:** _waiting_\n\n### Q3: Three?\nA) a\nB) b\n**Answer:** _waiting_\n' },
        signal: { status: 'waiting', phase: 'requirements', for: 'qa_answers' },
      },
      { signal: { status: 'blocked', reason: 'answers read' } },
    ],
  },
};

describe('races', () => {
  it('three comments that arrived while a run was busy are all taken in, in order, once', async () => {
    github.addIssue({ number: 41, title: 'Three answers', labels: ['samocode'] });
    const remote = withScenario(questions);
    const inputs = { script: 'scenario.json' };
    await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(41), inputs });
    github.addComment(41, 'alice', 'Q1: A');
    github.addComment(41, 'bob', 'Q2: B');
    github.addComment(41, 'Codertocat', 'Q3: A\nQ1: B');
    // Only the last comment's event reaches a run (GitHub keeps one pending run per group).
    const run = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issue_comment', payload: commentEvent(41, 'Q3: A', 'Codertocat'), inputs });
    expect(run.outputs.status).toBe('blocked');
    const session = `.samocode/sessions/${run.outputs.session}`;
    const gates = JSON.parse(remoteFile(remote, 'samocode/41-three-answers', `${session}/_gates.json`));
    expect(gates.answers.map((a: { by: string; questions: string[] }) => `${a.by}:${a.questions}`)).toEqual([
      'alice:Q1',
      'bob:Q2',
      'Codertocat:Q3',
      'Codertocat:Q1',
    ]);
    expect(remoteFile(remote, 'samocode/41-three-answers', `${session}/_qa.md`)).toContain('**Answer:** B) b (@Codertocat)');
  });

  it('the same event delivered twice is processed once', async () => {
    github.addIssue({ number: 42, title: 'Twice', labels: ['samocode'] });
    const remote = withScenario(questions);
    const inputs = { script: 'scenario.json' };
    await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(42), inputs });
    github.addComment(42, 'reader-x', '/approve');
    const event = commentEvent(42, '/approve', 'reader-x');
    const first = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issue_comment', payload: event, inputs });
    const second = await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issue_comment', payload: event, inputs });
    expect([first.outputs.status, second.outputs.status]).toEqual(['waiting', 'waiting']);
    const replies = github.issues.get(42)!.comments.filter((c) => c.body.includes('<!-- samocode:reply:'));
    expect(replies).toHaveLength(1);
    // The label event again is not a second session either.
    await runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(42), inputs });
    expect(github.issues.get(42)!.comments.filter((c) => c.body.includes('<!-- samocode:tracking'))).toHaveLength(1);
    expect(github.issues.get(42)!.comments.filter((c) => c.body.includes('<!-- samocode:questions'))).toHaveLength(1);
  });

  it('two runs for one issue at once: one proceeds, the other exits cleanly', async () => {
    github.addIssue({ number: 43, title: 'Two at once', labels: ['samocode'] });
    const remote = withScenario({
      phases: {
        init: [{ delayMs: 1500, signal: { status: 'continue', phase: 'investigation' } }],
        investigation: [{ signal: { status: 'blocked', reason: 'one run got here' } }],
      },
    });
    const inputs = { script: 'scenario.json' };
    const [a, b] = await Promise.all([
      runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(43), inputs }),
      runBuiltAction({ apiUrl: github.url, snapshotFrom: github, workspace: checkout(remote), event: 'issues', payload: labeledEvent(43), inputs }),
    ]);
    const statuses = [a.outputs.status, b.outputs.status].sort();
    expect(statuses).toEqual(['blocked', 'skipped']);
    const skipped = a.outputs.status === 'skipped' ? a : b;
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toMatch(/::notice::samocode: run \S+ is working on this session/);
    const session = `.samocode/sessions/${(a.outputs.session ?? b.outputs.session)!}`;
    const history = remoteFile(remote, 'samocode/43-two-at-once', `${session}/_signals.jsonl`).trim().split('\n');
    expect(history.map((l) => JSON.parse(l).iteration)).toEqual([1, 2]);
  });
});

describe('a person pushing to the session branch mid-run', () => {
  function personPushes(remote: Remote, branch: string, file: string, content: string) {
    const dir = mkdtempSync(join(tmpdir(), 'samocode-person-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=person', '-c', 'user.email=p@example.com', ...args], { cwd: dir, stdio: 'ignore' });
    git('clone', '-q', '--branch', branch, remote.url, '.');
    writeFileSync(join(dir, file), content);
    git('add', '-A');
    git('commit', '-q', '-m', `person: ${file}`);
    git('push', '-q', 'origin', branch);
  }
  const branchExists = (remote: Remote, branch: string) => {
    try {
      execFileSync('git', ['rev-parse', '--verify', `refs/heads/${branch}`], { cwd: remote.bare, stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };

  it.each([
    ['a separate file: rebased, nothing lost', 'theirs.txt', 'blocked', 'one run got here'],
    ['the same file: blocked, this run saved to a backup branch', 'shared.txt', 'blocked', "this run's work is on samocode/"],
  ])('%s', async (_name, file, status, reason) => {
    const issue = file === 'theirs.txt' ? 44 : 45;
    const title = `Push ${issue}`;
    github.addIssue({ number: issue, title, labels: ['samocode'] });
    const branch = `samocode/${issue}-push-${issue}`;
    const remote = withScenario({
      phases: {
        init: [{ delayMs: 1500, repoFiles: { 'shared.txt': 'from the agent\n' }, signal: { status: 'continue', phase: 'investigation' } }],
        investigation: [{ signal: { status: 'blocked', reason: 'one run got here' } }],
      },
    });
    let pushed = false;
    const run = await runBuiltAction({
      apiUrl: github.url,
      snapshotFrom: github,
      workspace: checkout(remote),
      event: 'issues',
      payload: labeledEvent(issue),
      inputs: { script: 'scenario.json' },
      killWhen: () => {
        if (!pushed && branchExists(remote, branch)) {
          pushed = true;
          personPushes(remote, branch, file, 'from the person\n');
        }
        return false;
      },
    });
    expect(pushed).toBe(true);
    expect(run.outputs.status).toBe(status);
    expect(run.stdout).toContain(reason);
    expect(remoteFile(remote, branch, file)).toBe('from the person\n');
    if (file === 'theirs.txt') {
      expect(remoteFile(remote, branch, 'shared.txt')).toBe('from the agent\n');
    } else {
      const backup = /this run's work is on (\S+)/.exec(run.stdout)![1]!;
      expect(remoteFile(remote, backup, 'shared.txt')).toBe('from the agent\n');
      const comment = github.issues.get(issue)!.comments.find((c) => c.body.includes('<!-- samocode:blocked'))!;
      expect(comment.body).toContain(backup);
    }
  });
});
