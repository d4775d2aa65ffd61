// The session folder on disk, behind the SessionStore port.
import { createWriteStream, type WriteStream } from 'node:fs';
import { appendFile, mkdir, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { emptyGates, findPlanFile, parseGates, serializeGates, type GateRecord, type PlanFingerprint } from '../core/gates.js';
import type { HistoryEntry, LineSink, SessionStore, SignalFile } from '../core/ports.js';
import { gitBlobId } from './blob-id.js';

export const SESSION_FILES = {
  overview: '_overview.md',
  qa: '_qa.md',
  signal: '_signal.json',
  history: '_signals.jsonl',
  gates: '_gates.json',
  logs: '_logs',
} as const;

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export interface FsSessionStoreOptions {
  sessionPath: string;
  workdir: string;
  checkpoint?: (message: string) => Promise<void>;
  /** Applied to every log line and history entry before it is written. */
  redact?: (text: string) => string;
}

export class FsSessionStore implements SessionStore {
  readonly sessionPath: string;
  readonly workdir: string;
  private readonly onCheckpoint?: (message: string) => Promise<void>;
  private readonly redact: (text: string) => string;

  constructor(options: FsSessionStoreOptions) {
    this.sessionPath = options.sessionPath;
    this.workdir = options.workdir;
    this.onCheckpoint = options.checkpoint;
    this.redact = options.redact ?? ((text) => text);
  }

  private path(name: string): string {
    return join(this.sessionPath, name);
  }

  /** The agent may have deleted the folder; writes put it back. */
  private async write(name: string, content: string): Promise<void> {
    await mkdir(this.sessionPath, { recursive: true });
    await writeFile(this.path(name), content);
  }

  readOverview(): Promise<string | null> {
    return readOrNull(this.path(SESSION_FILES.overview));
  }

  writeOverview(markdown: string): Promise<void> {
    return this.write(SESSION_FILES.overview, markdown);
  }

  readQa(): Promise<string | null> {
    return readOrNull(this.path(SESSION_FILES.qa));
  }

  writeQa(markdown: string): Promise<void> {
    return this.write(SESSION_FILES.qa, markdown);
  }

  async readGates(): Promise<GateRecord> {
    return parseGates(await readOrNull(this.path(SESSION_FILES.gates)));
  }

  async writeGates(gates: GateRecord): Promise<void> {
    const empty = JSON.stringify(gates) === JSON.stringify(emptyGates());
    if (empty && (await readOrNull(this.path(SESSION_FILES.gates))) === null) return;
    await this.write(SESSION_FILES.gates, serializeGates(gates));
  }

  async planFingerprint(): Promise<PlanFingerprint | null> {
    let names: string[];
    try {
      names = await readdir(this.sessionPath);
    } catch {
      return null;
    }
    const file = findPlanFile(names);
    if (!file) return null;
    const content = await readFile(this.path(file));
    return { file, blob: gitBlobId(content) };
  }

  /** The plan as its bytes are: the text to post and the blob id that approval binds to. */
  async readPlan(): Promise<{ file: string; blob: string; text: string } | null> {
    const names = await readdir(this.sessionPath).catch(() => null);
    const file = names && findPlanFile(names);
    if (!file) return null;
    const content = await readFile(this.path(file));
    return { file, blob: gitBlobId(content), text: content.toString('utf8') };
  }

  /** Change requests on the plan, kept in `_feedback.md` for the agent. */
  async appendFeedback(entries: { by: string; commentId: number; text: string }[]): Promise<void> {
    const previous = (await readOrNull(this.path('_feedback.md'))) ?? '# Feedback on the plan\n';
    const added = entries.map((f) => `\n## From @${f.by} (comment ${f.commentId})\n${f.text}\n`).join('');
    await this.write('_feedback.md', `${previous.trimEnd()}\n${added}`);
  }

  async clearSignal(): Promise<void> {
    await rm(this.path(SESSION_FILES.signal), { force: true });
  }

  /** Reads at most `maxBytes + 1` bytes, so a huge file costs no memory. */
  async readSignal(maxBytes: number): Promise<SignalFile> {
    let handle;
    try {
      handle = await open(this.path(SESSION_FILES.signal), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { text: null, bytes: 0 };
      throw error;
    }
    try {
      const { size } = await handle.stat();
      const buffer = Buffer.alloc(Math.min(size, maxBytes + 1));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      return { text: buffer.subarray(0, bytesRead).toString('utf8'), bytes: size };
    } finally {
      await handle.close();
    }
  }

  async appendHistory(entry: HistoryEntry): Promise<void> {
    await mkdir(this.sessionPath, { recursive: true });
    await appendFile(this.path(SESSION_FILES.history), `${this.redact(JSON.stringify(entry))}\n`);
  }

  /** Tokens used over the whole session, from the history: read once a run, not per iteration. */
  async sessionTokens(): Promise<number> {
    const text = await readOrNull(this.path(SESSION_FILES.history));
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
    const dir = this.path(SESSION_FILES.logs);
    await mkdir(dir, { recursive: true });
    return new FileLineSink(createWriteStream(join(dir, fileName), { flags: 'a' }), this.redact);
  }

  async checkpoint(message: string): Promise<void> {
    await this.onCheckpoint?.(message);
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
