// Ctrl-C, SIGTERM (a cancelled workflow run: the runner sends SIGINT, then
// SIGTERM) or SIGHUP: every live agent tree is ended at once, and the loop is
// told, so that it starts no further call and the run goes on to checkpoint
// what is there and say what happened. Node runs no 'exit' handler on a
// signal; without this, the agent would outlive the run.
import { reapAll } from './reaper.js';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface Interruption {
  /** Why the run was interrupted, or null while it was not. */
  reason(): string | null;
}

export function watchForInterruption(onInterrupt: (reason: string) => void = () => {}): Interruption {
  let reason: string | null = null;
  const handle = (signal: NodeJS.Signals) => {
    const first = reason === null;
    reason ??= `the run was interrupted by ${signal} (cancelled or stopped); nothing of what was done is lost`;
    // Every signal ends whatever agent is live, a later one too.
    reapAll();
    if (first) onInterrupt(reason);
  };
  for (const signal of SIGNALS) process.on(signal, handle);
  return { reason: () => reason };
}
