// The tracking comment: one per session, edited in place, coalesced so a
// fast session does not spend an API write per iteration.
import type { SessionStatus } from '../core/overview.js';
import type { IterationRecord, Reporter } from '../core/ports.js';
import { marker, mergeRefusals, trackingComment, type Links, type TrackingDetails } from '../core/render.js';
import type { RepoApi } from './repo-api.js';

export const TRACKING_MARKER = marker('tracking');

export class TrackingComment implements Reporter {
  private lastEdit = 0;
  private lastPhase: string | null = null;
  private pending: SessionStatus | null = null;
  private lastBody = '';
  /** The answers recorded, the blocked notice: shown with every status from here on. */
  readonly details: TrackingDetails = {};

  constructor(
    private readonly api: RepoApi,
    private readonly issue: number,
    private readonly commentId: number,
    private readonly sessionName: string,
    private readonly links: Links,
    /** The comment's body as GitHub has it: the same body is not written again. */
    shown = '',
    private readonly now: () => number = Date.now,
    private readonly minIntervalMs = 5_000,
  ) {
    this.lastBody = shown;
  }

  async iterationFinished(record: IterationRecord, status: SessionStatus): Promise<void> {
    if (record.metered) this.details.lastMetered = record;
    this.pending = status;
    if (record.refused?.length) this.details.refused = mergeRefusals([this.details.refused, record.refused]);
    const phaseChanged = status.phase !== this.lastPhase;
    if (phaseChanged || this.now() - this.lastEdit >= this.minIntervalMs) await this.flush();
  }

  /** Shows `status` now (or the last one held back). */
  async flush(status: SessionStatus | null = this.pending, note?: string): Promise<void> {
    if (!status) return;
    const body = trackingComment(this.sessionName, status, this.links, note, this.details);
    this.pending = null;
    this.lastPhase = status.phase;
    if (body === this.lastBody) return;
    this.lastBody = body;
    this.lastEdit = this.now();
    await this.api.editComment(this.commentId, body);
  }
}
