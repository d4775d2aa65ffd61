// The failing jobs and check runs, read through the API stand-in that
// answers as GitHub's REST description says: the log by its redirect, a
// check suite's output for another CI, and the shape check that can fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../src/github/client.js';
import { ChecksApi } from '../../../src/github/checks.js';
import { FakeChecks, schemaErrors } from '../../helpers/fake-checks.js';
import { FakeGitHub } from '../../helpers/fake-github.js';

const github = new FakeGitHub();
const checks = new FakeChecks(github);
beforeAll(() => github.start());
afterAll(() => github.stop());
const api = () => new ChecksApi(createClient({ token: 'ghs_x', baseUrl: github.url, retryBaseMs: 1, writeSpacingMs: 0 }), github.owner, github.repo);

describe('ChecksApi', () => {
  it("gives each failing job's failed steps and its log, following GitHub's redirect", async () => {
    checks.addJob(1, { name: 'build', conclusion: 'success', steps: [{ name: 'Build', conclusion: 'success' }], log: 'ok' });
    checks.addJob(1, { name: 'test', conclusion: 'failure', steps: [{ name: 'Checkout', conclusion: 'success' }, { name: 'Test', conclusion: 'failure' }], log: 'line\nboom' });
    const jobs = await api().failingJobs(1);
    expect(jobs).toEqual([{ name: 'test', url: expect.stringContaining('/actions/runs/1/job/'), steps: ['Test'], log: 'line\nboom' }]);
    expect(checks.logRequests.at(-1)?.followed).toBe(true);
    expect(checks.shapeErrors).toEqual([]);
  });

  it('says why when a log cannot be had', async () => {
    const job = checks.addJob(2, { name: 'e2e', conclusion: 'timed_out', steps: [], log: '' });
    github.faults.push({ method: 'GET', path: new RegExp(`/actions/jobs/${job.id}/logs$`), status: 410, message: 'Gone', times: 1 });
    const [failing] = await api().failingJobs(2);
    expect(failing).toMatchObject({ name: 'e2e', log: null, logError: expect.stringContaining('Gone') });
  });

  it("reads another CI's failing check runs from their output", async () => {
    checks.addCheckRun(7, { name: 'ci/circleci: test', conclusion: 'failure', output: { title: '1 test failed', summary: 'greeting', text: 'expected hello, world' } });
    checks.addCheckRun(7, { name: 'ci/circleci: lint', conclusion: 'success', output: { title: 'ok', summary: '' } });
    expect(await api().failingCheckRuns(7)).toEqual([{ name: 'ci/circleci: test', url: expect.stringContaining('ci.example.com'), steps: ['1 test failed'], log: 'greeting\n\nexpected hello, world', logError: 'the check run has no output' }]);
    expect(checks.shapeErrors).toEqual([]);
  });

  it("the stand-in's shape check fails on what GitHub would not send", () => {
    const job = checks.jobJson(checks.jobs[0]!) as Record<string, unknown>;
    const schema = { type: 'object', required: ['total_count', 'jobs'], properties: { total_count: { type: 'integer' }, jobs: { type: 'array', items: { type: 'object', required: ['id', 'name'], properties: { conclusion: { type: 'string', nullable: true, enum: ['success', 'failure'] } } } } } };
    expect(schemaErrors({ total_count: 1, jobs: [job] }, schema)).toEqual([]);
    const { name: _name, ...nameless } = job;
    expect(schemaErrors({ total_count: '1', jobs: [{ ...nameless, conclusion: 'exploded' }] }, schema)).toEqual(['$.total_count is string, not integer', '$.jobs[0].name is missing', '$.jobs[0].conclusion is exploded, not one of success|failure']);
  });
});
