// runAction's steps in-process, with the API stand-in and a real bare remote:
// the same path dist/index.js takes, reachable from a test without spawning.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readConfig } from '../../../src/action/config.js';
import { loadIssue } from '../../../src/action/load-issue.js';
import { runAction } from '../../../src/action/run-action.js';
import { StopRun } from '../../../src/action/stop.js';
import { makeToolkit } from '../../../src/action/toolkit.js';
import { useFakeGitHub } from '../../helpers/fake-github.js';
import { checkout, labeledEvent, makeRemote, remoteBranches } from '../../helpers/runner.js';

const github = useFakeGitHub({ Codertocat: 'admin', reader: 'read' });

function runnerEnv(workspace: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'samocode-inproc-'));
  const output = join(dir, 'output');
  writeFileSync(output, '');
  return {
    GITHUB_REPOSITORY: 'Codertocat/Hello-World',
    GITHUB_WORKSPACE: workspace,
    GITHUB_API_URL: github.url,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: '',
    RUNNER_TEMP: dir,
    INPUT_PROVIDER: 'script',
    'INPUT_GITHUB-TOKEN': 'ghs_inprocesstoken000000000000000000000',
  };
}

function stub(env: Record<string, string>): void {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
}

afterEach(() => {
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

describe('runAction in-process', () => {
  it('a pull request is not an issue: the load step stops the run', async () => {
    github.addIssue({ number: 40, title: 'A pull request', pull_request: { url: 'x' } });
    stub(runnerEnv(checkout(makeRemote())));
    const kit = makeToolkit(readConfig(), Date.now());
    const stop = await loadIssue(kit, { kind: 'start', issue: 40, actor: 'Codertocat', actorType: 'User' }).catch((e: unknown) => e);
    expect(stop).toBeInstanceOf(StopRun);
    expect((stop as StopRun).kind).toBe('nothing');
  });

  it('runs the whole label step list up to the questions, and a reader cannot start', async () => {
    github.addIssue({ number: 41, title: 'Add a greeting', body: 'Please.', labels: ['samocode'] });
    const remote = makeRemote();
    const env = runnerEnv(checkout(remote));
    stub(env);
    const event = labeledEvent(41);
    await runAction({ kind: 'start', issue: 41, actor: 'Codertocat', actorType: 'User' }, event, Date.now());
    expect(remoteBranches(remote)).toContain('samocode/41-add-a-greeting');
    const bodies = github.issues.get(41)!.comments.map((c) => c.body);
    expect(bodies.some((b) => b.startsWith('<!-- samocode:questions:'))).toBe(true);
    expect(readFileSync(env.GITHUB_OUTPUT!, 'utf8')).toMatch(/status<<\S+\nwaiting\n/);

    github.addIssue({ number: 42, title: 'Not yours', labels: ['samocode'] });
    const other = makeRemote();
    stub(runnerEnv(checkout(other)));
    await runAction({ kind: 'start', issue: 42, actor: 'reader', actorType: 'User' }, labeledEvent(42, 'reader'), Date.now());
    expect(remoteBranches(other)).toEqual(['main']);
    expect(github.issues.get(42)!.comments.map((c) => c.body).join('\n')).toContain('only people with write access');
  });
});
