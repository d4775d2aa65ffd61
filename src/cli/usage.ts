// What `samocode` says when asked, or when called wrongly.
export const RUN_USAGE = `usage: samocode [run] --config <project>/.samocode --session NAME [options]

  Runs the session's loop until it is done, waits for a person, or is blocked.
  "run" may be left out, as with the original worker.

options:
  --task TEXT            what to do; a new session starts with it, an existing one keeps it too
  --dive TEXT            what to investigate first
  --provider NAME        claude, codex, gemini, copilot, opencode or script (default: SAMOCODE_PROVIDER, else claude)
  --timeout SECONDS      one iteration's limit (default: the provider's CLAUDE_TIMEOUT, CODEX_TIMEOUT, GEMINI_TIMEOUT,
                         COPILOT_TIMEOUT or OPENCODE_TIMEOUT, else 1800)
  --script FILE          the scenario of the script provider
  --max-iterations N     iterations in all before the session blocks (default 200)
  --max-cost-usd N       reported cost before the session blocks
  --auto-approve         pass the plan gate without a person
  -h, --help             this text

exit codes: 0 done, 1 error, 2 usage, 3 waiting for a person, 4 blocked,
            5 paused, 6 another run holds the session, 130 interrupted`;

export const USAGE = `usage:
  samocode [run] --config <project>/.samocode --session NAME [--task TEXT] [--dive TEXT]
               [--provider claude|codex|gemini|copilot|opencode|script] [--timeout SECONDS] [--script SCENARIO.json]
               [--max-iterations N] [--max-cost-usd N] [--auto-approve]
  samocode status  [--config FILE] [--session NAME]
  samocode approve [--config FILE] --session NAME
  samocode install | uninstall     (skills and phase agents for the Claude CLI, in $CLAUDE_CONFIG_DIR or ~/.claude)
  samocode init [--provider NAME] [--upgrade] [--force]   (in a repository's checkout: the workflow and the vendored action)
  samocode doctor [--repo owner/name] [--provider NAME]   (checks a repository's set-up through the API; GH_TOKEN)
  samocode --version | --help | run --help`;

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

/** A word a POSIX shell reads back as it is: quoted only when it must be. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

export const out = (line: string) => process.stdout.write(`${line}\n`);
export const err = (line: string) => process.stderr.write(`${line}\n`);
