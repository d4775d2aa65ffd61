// What failed in a check on the session's pull request, over REST: a workflow
// run's jobs and each failing job's log (GitHub answers the log request with a
// redirect to the text), or a check suite's runs and their output.
import type { FailingJob } from '../core/checks.js';
import type { GitHubClient } from './client.js';

const FAILED = new Set(['failure', 'timed_out', 'startup_failure']);
/** A run with more failing jobs than this gets the first ones: their logs are what a prompt has room for. */
const MAX_JOBS = 5;

export class ChecksApi {
  constructor(
    private readonly client: GitHubClient,
    readonly owner: string,
    readonly repo: string,
  ) {}

  /** The failing jobs of a workflow run's latest attempt, each with the failed steps and its log. */
  async failingJobs(runId: number): Promise<FailingJob[]> {
    const jobs = await this.client.paginate(this.client.rest.actions.listJobsForWorkflowRun, { owner: this.owner, repo: this.repo, run_id: runId, filter: 'latest', per_page: 100 });
    const failing = jobs.filter((j) => FAILED.has(j.conclusion ?? '')).slice(0, MAX_JOBS);
    return Promise.all(
      failing.map(async (job) => {
        const steps = (job.steps ?? []).filter((s) => FAILED.has(s.conclusion ?? '')).map((s) => s.name);
        const base = { name: job.name, url: job.html_url ?? '', steps };
        try {
          return { ...base, log: await this.jobLog(job.id) };
        } catch (error) {
          return { ...base, log: null, logError: (error as Error).message };
        }
      }),
    );
  }

  /** GitHub answers 302 to a short-lived address of the log; fetch follows it. */
  private async jobLog(jobId: number): Promise<string> {
    const { data } = await this.client.rest.actions.downloadJobLogsForWorkflowRun({ owner: this.owner, repo: this.repo, job_id: jobId });
    return typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer);
  }

  /** The failing check runs of a suite (another CI's app): their output stands for the log. */
  async failingCheckRuns(suiteId: number): Promise<FailingJob[]> {
    const runs = await this.client.paginate(this.client.rest.checks.listForSuite, { owner: this.owner, repo: this.repo, check_suite_id: suiteId, filter: 'latest', per_page: 100 });
    return runs
      .filter((r) => FAILED.has(r.conclusion ?? ''))
      .slice(0, MAX_JOBS)
      .map((r) => ({
        name: r.name,
        url: r.details_url ?? r.html_url ?? '',
        steps: r.output.title ? [r.output.title] : [],
        log: [r.output.summary, r.output.text].filter(Boolean).join('\n\n') || null,
        logError: 'the check run has no output',
      }));
  }
}
