// In-memory ports for loop tests.
import { findPlanFile, parseGates, serializeGates, type GateRecord } from '../../src/core/gates.js';
import type { Agent, AgentRequest, AgentResult, Clock, HistoryEntry, IterationRecord, LineSink, Reporter, SessionStore, SignalFile } from '../../src/core/ports.js';
import { gitBlobId } from '../../src/session/blob-id.js';

export class MemoryStore implements SessionStore {
  readonly sessionPath = '/sessions/26-11-25-test';
  readonly workdir = '/repo';
  files = new Map<string, string>();
  history: HistoryEntry[] = [];
  logs = new Map<string, string[]>();
  checkpoints: string[] = [];

  constructor(overview?: string) {
    if (overview !== undefined) this.files.set('_overview.md', overview);
  }
  async readOverview() {
    return this.files.get('_overview.md') ?? null;
  }
  async writeOverview(md: string) {
    this.files.set('_overview.md', md);
  }
  async readQa() {
    return this.files.get('_qa.md') ?? null;
  }
  async writeQa(md: string) {
    this.files.set('_qa.md', md);
  }
  async readGates() {
    return parseGates(this.files.get('_gates.json') ?? null);
  }
  async writeGates(gates: GateRecord) {
    this.files.set('_gates.json', serializeGates(gates));
  }
  async planFingerprint() {
    const file = findPlanFile([...this.files.keys()]);
    return file ? { file, blob: gitBlobId(this.files.get(file)!) } : null;
  }
  async clearSignal() {
    this.files.delete('_signal.json');
  }
  async readSignal(maxBytes: number): Promise<SignalFile> {
    const text = this.files.get('_signal.json');
    if (text === undefined) return { text: null, bytes: 0 };
    const bytes = Buffer.byteLength(text);
    return { text: bytes > maxBytes ? text.slice(0, maxBytes + 1) : text, bytes };
  }
  async appendHistory(entry: HistoryEntry) {
    this.history.push(entry);
  }
  async openLog(name: string): Promise<LineSink> {
    const lines: string[] = [];
    this.logs.set(name, lines);
    return { write: (line) => void lines.push(line), close: async () => {} };
  }
  async checkpoint(message: string) {
    this.checkpoints.push(message);
  }
}

export type Step = (request: AgentRequest, store: MemoryStore) => Partial<AgentResult> | void | Promise<Partial<AgentResult> | void>;

/** Plays one step per call; writes the signal a step returns through `signal`. */
export class FakeAgent implements Agent {
  readonly name = 'fake';
  calls: AgentRequest[] = [];
  constructor(
    private readonly store: MemoryStore,
    private readonly steps: Step[],
  ) {}
  async run(request: AgentRequest): Promise<AgentResult> {
    const step = this.steps[this.calls.length];
    this.calls.push(request);
    if (!step) throw new Error(`no step for call ${this.calls.length}`);
    const result = (await step(request, this.store)) ?? {};
    return { exitCode: 0, timedOut: false, ...result };
  }
}

export const signal = (value: unknown): Step => (request, store) => {
  request.log.write(JSON.stringify({ type: 'fake', phase: request.phase }));
  store.files.set('_signal.json', typeof value === 'string' ? value : JSON.stringify(value));
};

export const steps = (...parts: Step[]): Step => async (request, store) => {
  let result: Partial<AgentResult> | void = undefined;
  for (const part of parts) result = (await part(request, store)) ?? result;
  return result;
};

export const write = (name: string, content: string): Step => (_request, store) => {
  store.files.set(name, content);
};

export class TickingClock implements Clock {
  constructor(public time = Date.parse('2026-11-25T10:00:00.000Z'), private readonly step = 1_000) {}
  now() {
    this.time += this.step;
    return this.time;
  }
}

export class ListReporter implements Reporter {
  records: IterationRecord[] = [];
  iterationFinished(record: IterationRecord) {
    this.records.push(record);
  }
}
