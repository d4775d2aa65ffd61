import { describe, expect, it } from 'vitest';
import { decideIntent } from '../../../src/core/intent.js';
import { passesBotRule } from '../../../src/core/steering.js';
import { payload } from '../../helpers/runner.js';

const settings = { triggerLabel: 'samocode', allowedBots: ['renovate'] };

describe('what an event asks for, from real webhook payloads', () => {
  it('issues.labeled with the trigger label starts a session', () => {
    const p = payload('issues', 'labeled', (x) => (x.label.name = 'samocode'));
    expect(decideIntent('issues', p, settings)).toEqual({ kind: 'start', issue: 1, actor: 'Codertocat', actorType: 'User' });
  });

  it('another label is ignored', () => {
    expect(decideIntent('issues', payload('issues', 'labeled'), settings)).toEqual({
      kind: 'ignore',
      reason: 'label "bug" is not the trigger label "samocode"',
    });
  });

  it('other issue actions are ignored', () => {
    expect(decideIntent('issues', payload('issues', 'opened'), settings).kind).toBe('ignore');
    expect(decideIntent('issues', payload('issues', 'unlabeled', (x) => (x.label.name = 'samocode')), settings).kind).toBe('ignore');
  });

  it('a label added by a bot that is not allowed is ignored', () => {
    const p = payload('issues', 'labeled', (x) => {
      x.label.name = 'samocode';
      x.sender = { login: 'dependabot[bot]', type: 'Bot' };
    });
    expect(decideIntent('issues', p, settings)).toMatchObject({ kind: 'ignore', reason: 'bot dependabot[bot] is not in allowed-bots' });
  });

  it('a comment on an issue with a session is taken in', () => {
    const p = payload('issue_comment', 'created', (x) => {
      x.issue.labels = [{ name: 'samocode:waiting' }];
      delete x.issue.pull_request;
    });
    expect(decideIntent('issue_comment', p, settings)).toEqual({ kind: 'comments', issue: 1, actor: 'Codertocat' });
  });

  it('a comment on an issue without a session is ignored from the payload alone', () => {
    const p = payload('issue_comment', 'created', (x) => {
      x.issue.labels = [{ name: 'bug' }];
      delete x.issue.pull_request;
    });
    expect(decideIntent('issue_comment', p, settings)).toEqual({ kind: 'ignore', reason: 'issue #1 has no samocode session' });
  });

  it("the action's own comments are never input", () => {
    const p = payload('issue_comment', 'created', (x) => {
      x.issue.labels = [{ name: 'samocode' }];
      x.comment.body = '<!-- samocode:tracking -->\nstatus';
    });
    expect(decideIntent('issue_comment', p, settings)).toEqual({ kind: 'ignore', reason: "the action's own comment" });
  });

  it('a comment on a pull request is for its review (the session is found from its head later); edits and deletions are ignored', () => {
    const onPr = payload('issue_comment', 'created', (x) => (x.issue.pull_request = { url: 'x' }));
    expect(decideIntent('issue_comment', onPr, settings)).toMatchObject({ kind: 'review', pull: onPr.issue.number, source: 'comment' });
    expect(decideIntent('issue_comment', payload('issue_comment', 'edited'), settings).kind).toBe('ignore');
    expect(decideIntent('issue_comment', payload('issue_comment', 'deleted'), settings).kind).toBe('ignore');
  });

  it('a review or an inline comment on a session branch\'s pull request is for its review; other branches and other actions are ignored', () => {
    const review = payload('pull_request_review', 'submitted', (x) => (x.pull_request.head.ref = 'samocode/7-fix'));
    expect(decideIntent('pull_request_review', review, settings)).toMatchObject({ kind: 'review', pull: review.pull_request.number, branch: 'samocode/7-fix', source: 'review' });
    const inline = payload('pull_request_review_comment', 'created', (x) => (x.pull_request.head.ref = 'samocode/7-fix'));
    expect(decideIntent('pull_request_review_comment', inline, settings)).toMatchObject({ kind: 'review', source: 'review_comment' });
    expect(decideIntent('pull_request_review', payload('pull_request_review', 'submitted'), settings).kind).toBe('ignore');
    expect(decideIntent('pull_request_review', payload('pull_request_review', 'dismissed', (x) => (x.pull_request.head.ref = 'samocode/7-fix')), settings).kind).toBe('ignore');
    const own = payload('pull_request_review_comment', 'created', (x) => {
      x.pull_request.head.ref = 'samocode/7-fix';
      x.comment.body = '<!-- samocode:review-reply:1-x -->\nAddressed';
    });
    expect(decideIntent('pull_request_review_comment', own, settings).kind).toBe('ignore');
  });

  it('workflow_dispatch with an issue input resumes; without one it is ignored', () => {
    const p = payload('workflow_dispatch', undefined, (x) => (x.inputs = { issue: '7' }));
    expect(decideIntent('workflow_dispatch', p, settings)).toEqual({ kind: 'dispatch', issue: 7, actor: 'octocat' });
    expect(decideIntent('workflow_dispatch', payload('workflow_dispatch', undefined), settings).kind).toBe('ignore');
  });

  it('any other event is ignored', () => {
    expect(decideIntent('push', {}, settings)).toEqual({ kind: 'ignore', reason: 'event push is not handled' });
  });

  it('bots pass only when listed', () => {
    expect(passesBotRule('renovate[bot]', 'Bot', ['renovate'])).toBe(true);
    expect(passesBotRule('evil[bot]', 'Bot', ['renovate'])).toBe(false);
    expect(passesBotRule('alice', 'User', [])).toBe(true);
  });
});

describe('finished checks, from real workflow_run and check_suite payloads', () => {
  const own = { ...settings, ownWorkflow: { name: 'samocode', path: '.github/workflows/samocode.yml' } };
  const run = (adjust: (r: Record<string, any>) => void = () => {}) =>
    payload('workflow_run', 'completed', (p) => {
      Object.assign(p.workflow_run, { id: 77, name: 'CI', path: '.github/workflows/ci.yml', head_branch: 'samocode/62-say-hello', head_sha: 'a'.repeat(40), conclusion: 'failure' });
      p.workflow_run.head_repository.full_name = p.repository.full_name;
      adjust(p.workflow_run);
    });

  it('a failure or a success on a session branch is a checks intent', () => {
    expect(decideIntent('workflow_run', run(), own)).toMatchObject({ kind: 'checks', source: 'workflow_run', id: 77, name: 'CI', branch: 'samocode/62-say-hello', sha: 'a'.repeat(40), passed: false });
    expect(decideIntent('workflow_run', run((r) => (r.conclusion = 'timed_out')), own)).toMatchObject({ kind: 'checks', passed: false });
    expect(decideIntent('workflow_run', run((r) => (r.conclusion = 'success')), own)).toMatchObject({ kind: 'checks', passed: true });
  });

  it('another branch, a fork, samocode itself, or another conclusion is ignored', () => {
    expect(decideIntent('workflow_run', run((r) => (r.head_branch = 'main')), own).kind).toBe('ignore');
    expect(decideIntent('workflow_run', run((r) => (r.head_repository.full_name = 'fork/repo')), own).kind).toBe('ignore');
    expect(decideIntent('workflow_run', run((r) => (r.name = 'samocode')), own).kind).toBe('ignore');
    expect(decideIntent('workflow_run', run((r) => Object.assign(r, { name: 'Renamed', path: '.github/workflows/samocode.yml' })), own).kind).toBe('ignore');
    expect(decideIntent('workflow_run', run((r) => (r.conclusion = 'cancelled')), own).kind).toBe('ignore');
    expect(decideIntent('workflow_run', payload('workflow_run', 'requested'), own).kind).toBe('ignore');
  });

  it("another CI's check suite counts; GitHub Actions' own does not", () => {
    const suite = (slug: string) => payload('check_suite', 'completed', (p) => Object.assign(p.check_suite, { head_branch: 'samocode/62-say-hello', conclusion: 'failure', app: { ...p.check_suite.app, slug, name: 'CircleCI' } }));
    expect(decideIntent('check_suite', suite('circleci'), own)).toMatchObject({ kind: 'checks', source: 'check_suite', name: 'CircleCI', passed: false });
    expect(decideIntent('check_suite', suite('github-actions'), own).kind).toBe('ignore');
  });
});
