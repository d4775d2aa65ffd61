// The benchmark suite (`npm run bench`), as a list of its goals: each is a
// ratio or a count measured in this run against its floor or peer, in a file
// named for what it measures, printed with held or not held. Not a test: a
// goal that does not hold is reported, never a failure. `npm run bench --
// terminal github` runs some of them; bench/run.mjs starts this file.
import { bigRepoSection } from './bigrepo.js';
import { bundleSection } from './bundle.js';
import { checkpointSection } from './checkpoint.js';
import { coldStartSection } from './coldstart.js';
import type { BenchGoal, Tools } from './goal.js';
import { githubSection } from './github-loop.js';
import { growthSection } from './growth.js';
import { LOOP_ITERATIONS } from './lib.js';
import { noCostSection } from './nocost.js';
import { peerSection } from './peer.js';
import { runGoals } from './run-goals.js';
import { scaleSection } from './scale.js';
import { terminalSection } from './terminal-loop.js';
import { tokensSection } from './tokens.js';

const GOALS: BenchGoal[] = [
  { section: 'tokens', title: 'goal 1, tokens: the real Claude Code CLI against a loopback stand-in, skills installed on both sides, two iterations of every phase', measure: tokensSection },
  { section: 'nocost', title: 'no agent, no cost: a chat line on a waiting issue', measure: noCostSection },
  { section: 'checkpoint', title: 'goal 2, the checkpoint: a 50,000-file tree vs a bare add/commit/push', measure: checkpointSection },
  { section: 'peer', title: 'goal 3, the terminal loop: 52 iterations vs the original worker, same folder', measure: peerSection },
  { section: 'terminal', title: `loop overhead, terminal mode (${LOOP_ITERATIONS} iterations)`, measure: terminalSection },
  { section: 'github', title: `loop overhead, GitHub mode (${LOOP_ITERATIONS} iterations)`, measure: githubSection },
  { section: 'coldstart', title: 'start-up: cold start on an ignored event', measure: coldStartSection },
  { section: 'bigrepo', title: 'resume on a big repository', measure: bigRepoSection },
  { section: 'growth', title: 'growth: iteration 1,000 vs iteration 10', measure: growthSection },
  { section: 'bundle', title: 'the bundle', measure: (ctx, res, tools) => bundleSection(ctx, res, tools.esbuild) },
  { section: 'scale', title: "many sessions at once under GitHub's secondary rate limit, against the same sessions one at a time", measure: scaleSection },
];

export function main(opts: { root: string; args: string[] } & Tools): Promise<number> {
  return runGoals(GOALS, opts);
}
