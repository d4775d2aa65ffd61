// This run's iterations: each printed as a log line as it ends, and kept for the job summary.
import type { SessionStatus } from '../core/overview.js';
import type { IterationRecord, Reporter } from '../core/ports.js';

export class IterationRecords implements Reporter {
  readonly records: IterationRecord[] = [];
  constructor(private readonly print: (line: string) => void) {}

  iterationFinished(record: IterationRecord, _status: SessionStatus): void {
    this.records.push(record);
    const why = record.reason ? ` (${record.reason})` : '';
    this.print(`#${record.totalIteration} ${record.phase} ${record.iteration}: ${record.waitingFor ? `waiting for ${record.waitingFor}` : record.signal} → ${record.nextPhase} in ${(record.durationMs / 1000).toFixed(1)} s${why}`);
  }
}
