// What `samocode run` (and the other commands) exit with, so that a script or
// a parent session can tell how a run ended without reading its output. The
// README has the same table.
export const EXIT = {
  /** The session is done. */
  done: 0,
  /** Something went wrong that the message explains (config, missing CLI, a broken file). */
  error: 1,
  /** The command line is wrong; the usage follows. */
  usage: 2,
  /** The session waits for a person: answers in `_qa.md`, or plan approval. */
  waiting: 3,
  /** The session is blocked; the reason is printed. Run again to resume. */
  blocked: 4,
  /** The run stopped before a time limit; run again to continue. */
  paused: 5,
  /** Another `samocode run` holds the session. */
  busy: 6,
  /** Ctrl-C, SIGTERM or SIGHUP: the agent was ended, the session blocked with that reason and the worktree committed. */
  interrupted: 130,
} as const;
