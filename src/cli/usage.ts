// What `samocode` says when asked, or when called wrongly.
export const USAGE = `usage:
  samocode run --config <project>/.samocode --session NAME [--task TEXT] [--dive TEXT]
               [--provider claude|codex|script] [--timeout SECONDS] [--script SCENARIO.json]
               [--max-iterations N] [--max-cost-usd N] [--auto-approve]
  samocode status  [--config FILE] [--session NAME]
  samocode approve [--config FILE] --session NAME
  samocode install | uninstall     (skills and phase agents for the Claude CLI, in $CLAUDE_CONFIG_DIR or ~/.claude)`;

/** The command line is wrong: the usage follows the message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The command has said what went wrong and ends with this code. */
export class ExitError extends Error {
  override name = 'ExitError';
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export const out = (line: string) => process.stdout.write(`${line}\n`);
export const err = (line: string) => process.stderr.write(`${line}\n`);
