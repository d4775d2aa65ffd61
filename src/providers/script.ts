// The `script` provider: a deterministic dry-run agent that plays a scenario
// file. Per phase, a list of steps; iteration N of a phase plays step N (the
// last step repeats). A step writes files, prints lines, waits, and gives a
// signal, as a real agent would, with no credentials and no network.
import { localMinuteStamp } from '../core/time.js';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from '../core/schema.js';
import { PHASES, type Phase } from '../core/phases.js';
import type { Agent, AgentRequest, AgentResult } from '../core/ports.js';

const stepSchema = z.object({
  /** Files to write, relative to the session folder. */
  files: z._default(z.record(z.string(), z.string()), {}),
  /** Files to write, relative to the working directory (the code). */
  repoFiles: z._default(z.record(z.string(), z.string()), {}),
  /** A line to add to the notebook's Flow Log. */
  flow: z.optional(z.string()),
  /** The signal as an object, or as raw text (to play a malformed one); null writes none. */
  signal: z.union([z.record(z.string(), z.unknown()), z.string(), z.null()]),
  stdout: z._default(z.array(z.string()), []),
  delayMs: z._default(z.int().check(z.minimum(0)), 0),
  exitCode: z._default(z.int(), 0),
  costUsd: z.optional(z.number().check(z.minimum(0))),
});
const scenarioSchema = z.object({
  name: z._default(z.string(), 'scenario'),
  phases: z.partialRecord(z.enum(PHASES), z.array(stepSchema).check(z.minLength(1))),
});

export type ScenarioStep = z.infer<typeof stepSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

export function parseScenario(text: string, source: string): Scenario {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`scenario ${source} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new ScenarioError(`scenario ${source}: ${first.path.join('.') || 'root'} ${first.message}`);
  }
  return parsed.data;
}

export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ScenarioError(`scenario file not found: ${path} (set the script input or --script)`);
  }
  return parseScenario(text, path);
}

function fill(template: string, request: AgentRequest, now: Date): string {
  const stamp = localMinuteStamp(now);
  const values: Record<string, string> = {
    session: request.sessionPath,
    phase: request.phase,
    iteration: String(request.iteration),
    total: String(request.totalIteration),
    stamp,
  };
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

/** Keeps a scenario's writes inside the folder it names. */
function resolveInside(base: string, relativePath: string): string {
  const target = resolve(base, relativePath);
  const rel = relative(base, target);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new ScenarioError(`scenario path escapes its folder: ${relativePath}`);
  return target;
}

async function writeAll(base: string, files: Record<string, string>, request: AgentRequest, now: Date): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const target = resolveInside(base, fill(name, request, now));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, fill(content, request, now));
  }
}

async function addFlowLine(sessionPath: string, line: string): Promise<void> {
  const file = join(sessionPath, '_overview.md');
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^##\s+Flow Log/i.test(l));
  if (start < 0) return;
  let end = start + 1;
  while (end < lines.length && !/^##\s/.test(lines[end]!)) end++;
  while (end > start + 1 && lines[end - 1]!.trim() === '') end--;
  lines.splice(end, 0, line);
  await writeFile(file, lines.join('\n'));
}

export class ScriptAgent implements Agent {
  readonly name = 'script';

  constructor(
    private readonly scenario: Scenario,
    private readonly now: () => Date = () => new Date(),
  ) {}

  stepFor(phase: Phase, iteration: number): ScenarioStep | undefined {
    const steps = this.scenario.phases[phase];
    return steps?.[Math.min(iteration, steps.length) - 1];
  }

  async run(request: AgentRequest): Promise<AgentResult> {
    const step = this.stepFor(request.phase, request.iteration);
    const emit = (event: Record<string, unknown>) => request.log.write(JSON.stringify({ type: 'script', ...event }));
    if (!step) {
      emit({ event: 'no-step', phase: request.phase });
      return { exitCode: 1, timedOut: false, error: `scenario "${this.scenario.name}" has no step for phase ${request.phase}` };
    }
    const now = this.now();
    emit({ event: 'start', scenario: this.scenario.name, phase: request.phase, iteration: request.iteration });
    for (const line of step.stdout) request.log.write(fill(line, request, now));

    if (step.delayMs > 0) {
      if (step.delayMs > request.timeoutMs) {
        await sleep(request.timeoutMs);
        emit({ event: 'timeout' });
        return { exitCode: null, timedOut: true, error: 'scenario step outlasted the iteration timeout' };
      }
      await sleep(step.delayMs);
    }

    await writeAll(request.sessionPath, step.files, request, now);
    await writeAll(request.workdir, step.repoFiles, request, now);
    if (step.flow) {
      const stamp = localMinuteStamp(now).replace(/-(\d\d:)/, ' $1');
      await addFlowLine(request.sessionPath, `- [${stamp}] ${fill(step.flow, request, now)}`);
    }
    if (step.signal !== null) {
      const text = typeof step.signal === 'string' ? step.signal : JSON.stringify(step.signal);
      await mkdir(request.sessionPath, { recursive: true });
      await writeFile(join(request.sessionPath, '_signal.json'), fill(text, request, now));
    }
    emit({ event: 'result', exitCode: step.exitCode, ...(step.costUsd !== undefined ? { costUsd: step.costUsd } : {}) });
    return {
      exitCode: step.exitCode,
      timedOut: false,
      ...(step.costUsd !== undefined ? { costUsd: step.costUsd } : {}),
      ...(step.exitCode !== 0 ? { error: `scenario step exited with code ${step.exitCode}` } : {}),
    };
  }
}
