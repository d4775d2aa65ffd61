// The job summary: where the session stands, a fact a line, then a table of
// this run's iterations, or why none ran.
import type { SessionStatus } from '../core/overview.js';
import type { IterationRecord, TokenUsage } from '../core/ports.js';
import { addUsage, usageLine, usd } from '../core/spend.js';
import { describeState, mergeRefusals, refusalLines, summaryTable } from '../core/render.js';

export interface SummaryLinks {
  branch?: string;
  pullRequest?: string;
  agentUser?: string;
  /** The agent's network and filesystem view, or what of them is not enforced. */
  agentNetwork?: string;
  /** How the agent reached its model: the gateway, or why not. */
  gateway?: string;
  review?: string | null;
  /** The issue the session works on, `owner/repo#n` and its address. */
  issue?: { name: string; url: string };
  /** Why no iteration ran, when none did: a refused command, a gate still waiting. */
  idle?: string[];
  /** A blocked session: whether the run fails on it (its error then holds the reason), and the issue's comment that says what to do. */
  blocked?: { failed: boolean; notice?: string };
}

/** The reason is stated once on the job's page: in the run's error when it fails, else here. */
function stateOf(status: SessionStatus, blocked: SummaryLinks['blocked']): string {
  if (!status.blocked || !blocked) return describeState(status);
  const state = blocked.failed ? "blocked; the reason is this run's error" : describeState(status);
  return blocked.notice ? `${state}; what you can do: [samocode's comment](${blocked.notice})` : state;
}

/** `**Key:** value` as a list item, so that each fact is a line of its own. */
const fact = (key: string, value: string) => `- **${key}:** ${value}`;

export function jobSummary(sessionName: string, status: SessionStatus, records: IterationRecord[], links: SummaryLinks, sessionTokens?: number): string {
  const review = links.review ? /^([^:]+):\s*(.*)$/.exec(links.review) : null;
  return [
    `## samocode: ${sessionName}`,
    '',
    ...(links.issue ? [fact('Issue', `[${links.issue.name}](${links.issue.url})`)] : []),
    fact('State', stateOf(status, links.blocked)),
    fact('Phase', status.phase),
    fact('Iterations', `${status.totalIterations} in the whole session`),
    fact('Cost', `$${status.costUsd.toFixed(4)} for the whole session`),
    ...(sessionTokens !== undefined ? [fact('Tokens', `${sessionTokens} for the whole session`)] : []),
    ...(links.branch ? [fact('Branch', links.branch)] : []),
    ...(links.pullRequest ? [fact('Pull request', links.pullRequest)] : []),
    ...(links.agentUser ? [fact('Agent user', links.agentUser)] : []),
    ...(links.agentNetwork ? [fact('Agent network', links.agentNetwork)] : []),
    ...(links.gateway ? [fact('Model gateway', links.gateway)] : []),
    ...meteredFacts(records),
    ...(review ? [fact(review[1]!, review[2]!)] : links.review ? [`- ${links.review}`] : []),
    '',
    records.length ? summaryTable(records) : noIteration(links.idle ?? []),
    ...refusedSection(records),
    '',
  ].join('\n');
}

function refusedSection(records: IterationRecord[]): string[] {
  const lines = refusalLines(mergeRefusals(records.map((r) => r.refused)), 50);
  return lines.length ? ['', ...lines] : [];
}

/** The run's metered totals beside what the CLI said of itself. */
function meteredFacts(records: IterationRecord[]): string[] {
  const metered = records.filter((r) => r.metered);
  if (!metered.length) return [];
  let usage: TokenUsage | undefined;
  for (const r of metered) usage = addUsage(usage, r.usage);
  const cost = metered.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
  const reported = metered.filter((r) => r.reported?.costUsd !== undefined);
  const own = reported.length ? `; the CLI's own report, for comparison: ${usd(reported.reduce((sum, r) => sum + r.reported!.costUsd!, 0))}` : '';
  return [fact('Metered this run', `${usd(cost)} (the cost of record)${usage ? `, ${usageLine(usage)}` : ''}${own}`)];
}

function noIteration(why: string[]): string {
  if (!why.length) return '_No iteration ran in this run._';
  return ['No iteration ran in this run:', '', ...why.map((w) => `- ${w}`)].join('\n');
}

/** A run that ended before the loop (a refused start, nothing to do, another run's session): why, in the summary. */
export function stopSummary(reason: string, issue?: { name: string; url: string }): string {
  return ['## samocode', '', ...(issue ? [fact('Issue', `[${issue.name}](${issue.url})`)] : []), fact('No iteration ran', reason), ''].join('\n');
}
