// One report to several reporters, in order: both the start of an iteration
// and its end.
import type { SessionStatus } from '../core/overview.js';
import type { IterationRecord, Reporter } from '../core/ports.js';

export class FanOutReporter implements Reporter {
  constructor(private readonly all: Reporter[]) {}

  async iterationStarted(info: Parameters<NonNullable<Reporter['iterationStarted']>>[0]): Promise<void> {
    for (const reporter of this.all) await reporter.iterationStarted?.(info);
  }

  async iterationFinished(record: IterationRecord, status: SessionStatus): Promise<void> {
    for (const reporter of this.all) await reporter.iterationFinished(record, status);
  }
}
