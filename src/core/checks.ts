// Failed checks on the session's pull request (issue 15): what the agent is
// given when a workflow run or a check suite fails on the head, and how the
// tracking comment shows the checks. Pure; the logs come from the adapter.
import { cleanUntrusted } from './clean.js';

/** One failing job of a workflow run, or one failing check run of a suite. */
export interface FailingJob {
  name: string;
  url: string;
  /** The steps that failed, in order (empty when GitHub did not say). */
  steps: string[];
  /** The job's log as GitHub serves it, or the check run's output; null when it could not be had. */
  log: string | null;
  /** Why there is no log, when there is none. */
  logError?: string;
}

/** The last check the orchestrator saw on the session's head, kept for the tracking comment. */
export interface CheckResult {
  name: string;
  sha: string;
  passed: boolean;
  url: string;
  /** The review round it started, for a failure that did. */
  round: number | null;
}

export const LOG_TAIL_LINES = 120;
export const LOG_TAIL_CHARS = 6_000;

// Each line of a job log starts with its time; colours are escape codes.
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/gm;
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** The end of a log, where a failure says why: without times and colours, cleaned as untrusted text. */
export function logTail(log: string, lines = LOG_TAIL_LINES, chars = LOG_TAIL_CHARS): string {
  const plain = log.replace(ANSI, '').replace(TIMESTAMP, '').replace(/\r\n?/g, '\n').trimEnd();
  let tail = plain.split('\n').slice(-lines).join('\n');
  if (tail.length > chars) tail = tail.slice(-chars);
  const cut = tail.length < plain.length;
  return `${cut ? '…\n' : ''}${cleanUntrusted(tail)}`;
}

/** The failing jobs as data blocks for the agent: names and steps, then each log's tail, each cleaned. */
export function checksData(check: { name: string; sha: string }, jobs: FailingJob[]): { title: string; text: string }[] {
  const title = cleanUntrusted(check.name).slice(0, 200);
  if (!jobs.length) return [{ title: `Failed check ${title} on ${check.sha.slice(0, 7)}`, text: 'GitHub listed no failing job; read the check on the pull request.' }];
  return jobs.map((job) => {
    const name = cleanUntrusted(job.name).slice(0, 200);
    const steps = job.steps.length ? job.steps.map((s) => `- ${cleanUntrusted(s).slice(0, 200)}`).join('\n') : '- (GitHub named no failing step)';
    const log = job.log !== null ? logTail(job.log) : `(no log: ${job.logError ?? 'GitHub gave none'})`;
    return { title: `Failing job "${name}" of ${title} on ${check.sha.slice(0, 7)}`, text: `Failed steps:\n${steps}\n\nEnd of the log:\n${log}` };
  });
}

export function checksRoundNote(round: number, check: { name: string }, jobs: number): string {
  return [
    `review round ${round}: the check ${cleanUntrusted(check.name).slice(0, 200)} failed on the pull request's head.`,
    `The failing job(s) (${jobs}), their failed steps and the end of each log are given below as data (and kept in _review.md).`,
    'Find the cause, fix it in the code (not by weakening the check), run the same check locally where you can, then go on through testing and quality as usual and signal done.',
  ].join(' ');
}

/** One line on the last check, for the tracking comment; null when none was seen. */
export function checksLine(check: CheckResult | null, rounds: number): string | null {
  if (!check) return null;
  const on = `on ${check.sha.slice(0, 7)}`;
  const name = cleanUntrusted(check.name).slice(0, 200);
  if (!check.passed) {
    return check.round !== null ? `Checks: ${name} failed ${on} and started review round ${check.round}.` : `Checks: ${name} failed ${on}.`;
  }
  return `Checks: ${name} passed ${on}${rounds ? ` (after review round ${rounds})` : ''}.`;
}
