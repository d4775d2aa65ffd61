// The session folder on disk, behind the SessionStore port. The agent writes
// in this folder too: nothing here is read or written through a link it planted,
// only regular files are read, each up to a cap (§6a).
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { emptyGates, findPlanFile, parseGates, serializeGates, type GateRecord, type PlanFingerprint } from '../core/gates.js';
import type { HistoryEntry, LineSink, SessionStore, SignalFile } from '../core/ports.js';
import { gitBlobId } from './blob-id.js';
import { appendRegular, checkRealDir, ensureRealDir, openAppend, readRegular, writeRegular } from './safe-files.js';

export const SESSION_FILES = {
  overview: '_overview.md',
  qa: '_qa.md',
  signal: '_signal.json',
  history: '_signals.jsonl',
  gates: '_gates.json',
  feedback: '_feedback.md',
  review: '_review.md',
  reviewReport: '_review.json',
  logs: '_logs',
} as const;

/** The caps on what is read: far above any real session's files, far below what could hurt. */
export const READ_CAPS = {
  file: 1024 * 1024,
  feedback: 4 * 1024 * 1024,
  history: 32 * 1024 * 1024,
} as const;

export interface Refusal {
  /** Relative to the work tree where it lies inside it. */
  file: string;
  why: string;
}

export interface FeedbackEntry {
  by: string;
  commentId: number | string;
  text: string;
}

export interface PlanText extends PlanFingerprint {
  text: string;
}

export interface FsSessionStoreOptions {
  sessionPath: string;
  workdir: string;
  checkpoint?: (message: string) => Promise<void>;
  /** Applied to every log line and history entry before it is written. */
  redact?: (text: string) => string;
  /**
   * A folder above the session folder that the orchestrator trusts (the work tree):
   * every folder below it down to the session folder must be a real folder, not a link.
   * Without it only the session folder itself is checked.
   */
  guardFrom?: string;
  /** Told once of each link or other non-regular file found where a session file belongs, or of a file over its cap. */
  onRefused?: (file: string, why: string) => void;
  /** Holds `paths` (relative to the work tree) as last committed, `own` excepted; see SessionStore.holdRecords. */
  holdCommitted?: (paths: string[], own: string[]) => Promise<{ putBack(): Promise<string[]> }>;
}

/** What the orchestrator writes in the session folder and the agent must not rewrite: its records of earlier iterations. */
export const RECORDS = [SESSION_FILES.logs, SESSION_FILES.history, SESSION_FILES.review, SESSION_FILES.feedback];

export class FsSessionStore implements SessionStore {
  readonly sessionPath: string;
  readonly workdir: string;
  /** Every refusal this store met, once each. */
  readonly refused: Refusal[] = [];
  private readonly onCheckpoint?: (message: string) => Promise<void>;
  private readonly redact: (text: string) => string;
  private readonly guardFrom: string;
  private readonly onRefused?: (file: string, why: string) => void;
  private readonly holdCommitted?: FsSessionStoreOptions['holdCommitted'];

  constructor(options: FsSessionStoreOptions) {
    this.sessionPath = options.sessionPath;
    this.workdir = options.workdir;
    this.onCheckpoint = options.checkpoint;
    this.redact = options.redact ?? ((text) => text);
    this.guardFrom = options.guardFrom ?? dirname(options.sessionPath);
    this.onRefused = options.onRefused;
    this.holdCommitted = options.holdCommitted;
  }

  private path(name: string): string {
    return join(this.sessionPath, name);
  }

  private readonly refuse = (path: string, why: string): void => {
    const rel = relative(this.workdir, path);
    const file = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
    if (this.refused.some((r) => r.file === file && r.why === why)) return;
    this.refused.push({ file, why });
    this.onRefused?.(file, why);
  };

  /** The agent may have deleted the folder or put a link in its place; writes make it a real folder again. */
  private async realFolder(sub?: string): Promise<void> {
    await ensureRealDir(this.sessionPath, this.refuse, this.guardFrom);
    if (sub) await ensureRealDir(this.path(sub), this.refuse, this.sessionPath);
  }

  private async readBytes(name: string, cap: number): Promise<Buffer | null> {
    const folder = await checkRealDir(this.sessionPath, this.guardFrom);
    if (folder) {
      this.refuse(folder.folder, `${folder.why}; the session's files there are not read`);
      return null;
    }
    const result = await readRegular(this.path(name), cap);
    if (result.kind === 'refused') this.refuse(this.path(name), `${result.why}; not read`);
    return result.kind === 'read' ? result.bytes : null;
  }

  private async read(name: string, cap: number = READ_CAPS.file): Promise<string | null> {
    return (await this.readBytes(name, cap))?.toString('utf8') ?? null;
  }

  private async write(name: string, content: string): Promise<void> {
    await this.realFolder();
    await writeRegular(this.path(name), content, this.refuse);
  }

  readOverview(): Promise<string | null> {
    return this.read(SESSION_FILES.overview);
  }

  /** `_review.json`: what the agent says it did with each review thread. */
  readReviewReport(): Promise<string | null> {
    return this.read(SESSION_FILES.reviewReport);
  }

  /** A new round starts with an empty report, so that the last round's is not read as this one's. */
  resetReviewReport(): Promise<void> {
    return this.write(SESSION_FILES.reviewReport, '{ "threads": [] }\n');
  }

  /** `_review.md`: each round's threads and comments, kept for later rounds to read. */
  async appendReviewRound(markdown: string): Promise<void> {
    const previous = (await this.read(SESSION_FILES.review, READ_CAPS.feedback)) ?? '# Review rounds\n';
    await this.write(SESSION_FILES.review, `${previous.trimEnd()}\n\n${markdown.trim()}\n`);
  }

  writeOverview(markdown: string): Promise<void> {
    return this.write(SESSION_FILES.overview, markdown);
  }

  readQa(): Promise<string | null> {
    return this.read(SESSION_FILES.qa);
  }

  writeQa(markdown: string): Promise<void> {
    return this.write(SESSION_FILES.qa, markdown);
  }

  async readGates(): Promise<GateRecord> {
    return parseGates(await this.read(SESSION_FILES.gates));
  }

  async writeGates(gates: GateRecord): Promise<void> {
    const empty = JSON.stringify(gates) === JSON.stringify(emptyGates());
    if (empty && (await this.read(SESSION_FILES.gates)) === null) return;
    await this.write(SESSION_FILES.gates, serializeGates(gates));
  }

  /** People's requests for changes to the plan, added to `_feedback.md` for the agent to read. */
  async appendFeedback(entries: FeedbackEntry[]): Promise<void> {
    if (!entries.length) return;
    const previous = (await this.read(SESSION_FILES.feedback, READ_CAPS.feedback)) ?? '# Feedback on the plan\n';
    const added = entries.map((f) => `\n## From @${f.by} (comment ${f.commentId})\n${f.text}\n`).join('');
    await this.write(SESSION_FILES.feedback, `${previous.trimEnd()}\n${added}`);
  }

  /** The newest plan, its text and its blob id from the same bytes; null if there is none, or it is a link or too big. */
  async readPlan(): Promise<PlanText | null> {
    if (await checkRealDir(this.sessionPath, this.guardFrom)) return null;
    let names: string[];
    try {
      names = await readdir(this.sessionPath);
    } catch {
      return null;
    }
    const file = findPlanFile(names);
    if (!file) return null;
    const bytes = await this.readBytes(file, READ_CAPS.file);
    return bytes ? { file, blob: gitBlobId(bytes), text: bytes.toString('utf8') } : null;
  }

  async planFingerprint(): Promise<PlanFingerprint | null> {
    const plan = await this.readPlan();
    return plan ? { file: plan.file, blob: plan.blob } : null;
  }

  async clearSignal(): Promise<void> {
    await this.realFolder();
    // rm takes a link away itself, never what it points at.
    await rm(this.path(SESSION_FILES.signal), { recursive: true, force: true });
  }

  /** Reads at most `maxBytes + 1` bytes, so a huge file costs no memory. */
  async readSignal(maxBytes: number): Promise<SignalFile> {
    const folder = await checkRealDir(this.sessionPath, this.guardFrom);
    if (folder) {
      this.refuse(folder.folder, `${folder.why}; the session's files there are not read`);
      return { text: null, bytes: 0 };
    }
    const result = await readRegular(this.path(SESSION_FILES.signal), maxBytes, true);
    if (result.kind === 'refused') this.refuse(this.path(SESSION_FILES.signal), `${result.why}; not read`);
    if (result.kind !== 'read') return { text: null, bytes: 0 };
    return { text: result.bytes.toString('utf8'), bytes: result.size };
  }

  async appendHistory(entry: HistoryEntry): Promise<void> {
    await this.realFolder();
    await appendRegular(this.path(SESSION_FILES.history), `${this.redact(JSON.stringify(entry))}\n`, this.refuse);
  }

  /** Tokens used over the whole session, from the history: read once a run, not per iteration. */
  async sessionTokens(): Promise<number> {
    const text = await this.read(SESSION_FILES.history, READ_CAPS.history);
    let total = 0;
    for (const line of (text ?? '').split('\n')) {
      if (!line) continue;
      try {
        const usage = (JSON.parse(line) as HistoryEntry).usage;
        if (usage) total += usage.inputTokens + usage.outputTokens;
      } catch {
        // a line cut short by a crash counts for nothing
      }
    }
    return total;
  }

  async openLog(fileName: string): Promise<LineSink> {
    await this.realFolder(SESSION_FILES.logs);
    const handle = await openAppend(join(this.path(SESSION_FILES.logs), fileName), this.refuse);
    return new FileLineSink(handle.createWriteStream(), this.redact);
  }

  async checkpoint(message: string): Promise<void> {
    await this.onCheckpoint?.(message);
  }

  async holdRecords(currentLog: string): Promise<{ putBack(): Promise<string[]> }> {
    const hold = this.holdCommitted;
    if (!hold) return { putBack: async () => [] };
    const inTree = (name: string) => relative(this.workdir, this.path(name)).split(sep).join('/');
    const held = await hold(RECORDS.map(inTree), [inTree(`${SESSION_FILES.logs}/${currentLog}`)]);
    const folder = `${inTree('.')}/`;
    return { putBack: async () => (await held.putBack()).map((p) => (p.startsWith(folder) ? p.slice(folder.length) : p)) };
  }
}

class FileLineSink implements LineSink {
  constructor(
    private readonly stream: WriteStream,
    private readonly redact: (text: string) => string,
  ) {}

  write(line: string): void {
    const clean = this.redact(line);
    this.stream.write(clean.endsWith('\n') ? clean : `${clean}\n`);
  }

  async ready(): Promise<void> {
    if (this.stream.writableNeedDrain) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.stream.closed) return;
    this.stream.end();
    await once(this.stream, 'close');
  }
}
