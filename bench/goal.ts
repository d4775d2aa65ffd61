// One goal of the bench: the name that picks it on the command line, what it
// measures, and the measurement, which pushes its figures and its goal (held,
// not held, or unavailable) to the run's results.
import type * as Esbuild from 'esbuild';
import type { Ctx, Results } from './lib.js';

export interface BenchGoal {
  /** Its name on the command line (`npm run bench -- terminal`). */
  section: string;
  /** What it measures, printed as its heading. */
  title: string;
  measure(ctx: Ctx, res: Results, tools: Tools): Promise<void>;
}

/** What run.mjs hands over: the esbuild it bundled the bench with. */
export interface Tools {
  esbuild: typeof Esbuild;
}
