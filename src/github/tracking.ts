// The tracking comment: one per session, edited in place, at most once a
// run, at its end, and made by the first run with what it has to show rather
// than made and then edited. Every write counts against GitHub's rate limits,
// which many sessions share; the label shows that a run is at work, the job
// log and the commits show its iterations.
import type { SessionStatus } from '../core/overview.js';
import type { IterationRecord, Reporter } from '../core/ports.js';
import { marker, mergeRefusals, trackingComment, type Links, type TrackingDetails } from '../core/render.js';
import type { RepoApi } from './repo-api.js';

export const TRACKING_MARKER = marker('tracking');

export class TrackingComment implements Reporter {
  private pending: SessionStatus | null = null;
  private lastBody = '';
  /** The answers recorded, the blocked notice: shown with every status from here on. */
  readonly details: TrackingDetails = {};

  constructor(
    private readonly api: RepoApi,
    private readonly issue: number,
    /** Null until the session's first run shows it. */
    private commentId: number | null,
    private readonly sessionName: string,
    private readonly links: Links,
    /** The comment's body as GitHub has it: the same body is not written again. */
    shown = '',
  ) {
    this.lastBody = shown;
  }

  /** Whether the issue has the comment yet. */
  get missing(): boolean {
    return this.commentId === null;
  }

  /** Held for the end of the run. */
  iterationFinished(record: IterationRecord, status: SessionStatus): void {
    if (record.metered) this.details.lastMetered = record;
    if (record.refused?.length) this.details.refused = mergeRefusals([this.details.refused, record.refused]);
    this.pending = status;
  }

  /** Shows `status` now (or the last one held back); nothing when GitHub already shows this body. */
  async flush(status: SessionStatus | null = this.pending, note?: string): Promise<void> {
    if (!status) return;
    const body = trackingComment(this.sessionName, status, this.links, note, this.details);
    this.pending = null;
    if (body === this.lastBody) return;
    if (this.commentId === null) {
      // Another run of the session may have made it meanwhile: then it is edited, not made twice.
      const made = await this.api.findOwnComment(this.issue, TRACKING_MARKER);
      if (made === null) this.commentId = await this.api.comment(this.issue, body);
      else await this.api.editComment((this.commentId = made), body);
    } else {
      await this.api.editComment(this.commentId, body);
    }
    this.lastBody = body;
  }
}
