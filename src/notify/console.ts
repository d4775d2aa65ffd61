// Terminal progress: one line per iteration (phase, signal, time).
import type { IterationRecord, Reporter } from '../core/ports.js';

export function formatIteration(record: IterationRecord): string {
  const clock = record.startedAt.slice(11, 19);
  const seconds = (record.durationMs / 1000).toFixed(1);
  const arrow = record.waitingFor
    ? ` for ${record.waitingFor}`
    : record.verdict === 'accepted' ? ` → ${record.nextPhase}` : '';
  const cost = record.costUsd !== undefined ? ` $${record.costUsd.toFixed(4)}` : '';
  const why = record.reason ? ` (${record.reason})` : '';
  return `${clock} #${record.totalIteration} ${record.phase} ${record.iteration}: ${record.signal}${arrow} ${seconds}s${cost}${why}`;
}

export class ConsoleReporter implements Reporter {
  constructor(private readonly out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  iterationFinished(record: IterationRecord): void {
    this.out(formatIteration(record));
  }
}
