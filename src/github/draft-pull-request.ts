// The pull request opens as a draft once implementation starts, so that people
// watch the commits land (input draft-pull-request). A reporter: it looks
// after each iteration's checkpoint, when the branch holds the work.
import type { SessionStatus } from '../core/overview.js';
import type { IterationRecord, Reporter } from '../core/ports.js';

const BUILDING = new Set(['implementation', 'testing', 'quality', 'done']);

export class DraftPullRequest implements Reporter {
  private opened = false;

  constructor(
    /** Opens the draft (or finds the pull request already there). */
    private readonly open: () => Promise<void>,
    private readonly warn: (message: string) => void,
  ) {}

  async iterationFinished(_record: IterationRecord, status: SessionStatus): Promise<void> {
    if (this.opened || !BUILDING.has(status.phase) || status.blocked) return;
    this.opened = true;
    await this.open().catch((error: unknown) => this.warn(`could not open the draft pull request: ${(error as Error).message}`));
  }
}
