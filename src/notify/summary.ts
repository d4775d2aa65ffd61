// The job summary: a table of this run's iterations and where the session stands.
import type { SessionStatus } from '../core/overview.js';
import type { IterationRecord, Reporter } from '../core/ports.js';
import { describeState, summaryTable } from '../core/render.js';

export class IterationLog implements Reporter {
  readonly records: IterationRecord[] = [];
  constructor(private readonly print: (line: string) => void) {}

  iterationFinished(record: IterationRecord, _status: SessionStatus): void {
    this.records.push(record);
    const why = record.reason ? ` (${record.reason})` : '';
    this.print(`#${record.totalIteration} ${record.phase} ${record.iteration}: ${record.waitingFor ? `waiting for ${record.waitingFor}` : record.signal} → ${record.nextPhase} in ${(record.durationMs / 1000).toFixed(1)} s${why}`);
  }
}

export function jobSummary(
  sessionName: string,
  status: SessionStatus,
  records: IterationRecord[],
  links: { branch?: string; pullRequest?: string },
  sessionTokens?: number,
): string {
  const tokens = sessionTokens !== undefined ? ` · **Tokens:** ${sessionTokens}` : '';
  return [
    `## samocode: ${sessionName}`,
    '',
    `**State:** ${describeState(status)} · **Phase:** ${status.phase} · **Iterations:** ${status.totalIterations} · **Cost:** $${status.costUsd.toFixed(4)}${tokens} (the whole session)`,
    ...(links.branch ? [`**Branch:** ${links.branch}`] : []),
    ...(links.pullRequest ? [`**Pull request:** ${links.pullRequest}`] : []),
    '',
    records.length ? summaryTable(records) : '_No iteration ran in this run._',
    '',
  ].join('\n');
}

/** Fans one report out to several reporters. */
export class Reporters implements Reporter {
  constructor(private readonly all: Reporter[]) {}
  async iterationFinished(record: IterationRecord, status: SessionStatus): Promise<void> {
    for (const reporter of this.all) await reporter.iterationFinished(record, status);
  }
}
