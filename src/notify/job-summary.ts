// The job summary: a table of this run's iterations and where the session stands.
import type { SessionStatus } from '../core/overview.js';
import type { IterationRecord } from '../core/ports.js';
import { describeState, summaryTable } from '../core/render.js';

export function jobSummary(
  sessionName: string,
  status: SessionStatus,
  records: IterationRecord[],
  links: { branch?: string; pullRequest?: string; agentUser?: string; review?: string | null },
  sessionTokens?: number,
): string {
  const tokens = sessionTokens !== undefined ? ` · **Tokens:** ${sessionTokens}` : '';
  return [
    `## samocode: ${sessionName}`,
    '',
    `**State:** ${describeState(status)} · **Phase:** ${status.phase} · **Iterations:** ${status.totalIterations} · **Cost:** $${status.costUsd.toFixed(4)}${tokens} (the whole session)`,
    ...(links.branch ? [`**Branch:** ${links.branch}`] : []),
    ...(links.pullRequest ? [`**Pull request:** ${links.pullRequest}`] : []),
    ...(links.agentUser ? [`**Agent user:** ${links.agentUser}`] : []),
    ...(links.review ? [`**${links.review.replace(/:/, ':**')}`] : []),
    '',
    records.length ? summaryTable(records) : '_No iteration ran in this run._',
    '',
  ].join('\n');
}
