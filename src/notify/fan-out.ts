// One report to several reporters, in order.
import type { SessionStatus } from '../core/overview.js';
import type { IterationRecord, Reporter } from '../core/ports.js';

/** Fans one report out to several reporters. */
export class FanOutReporter implements Reporter {
  constructor(private readonly all: Reporter[]) {}
  async iterationFinished(record: IterationRecord, status: SessionStatus): Promise<void> {
    for (const reporter of this.all) await reporter.iterationFinished(record, status);
  }
}
