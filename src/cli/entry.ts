// The terminal entry: `samocode run|status|approve|install|init|doctor`. Each command is
// a file; this one picks it and turns errors into exit codes, by their type.
import './lean-heap.js';
import { SessionStateError } from '../core/loop.js';
import { MissingCliError } from '../providers/process.js';
import { ScenarioError } from '../providers/script.js';
import { approve } from './approve.js';
import { EXIT } from './exit-codes.js';
import { init } from './init.js';
import { installCommand } from './install.js';
import { SessionSetupError } from './open-session.js';
import { SetupError } from './setup-error.js';
import { run } from './run.js';
import { status } from './status.js';
import { ExitError, USAGE, UsageError, err, out } from './usage.js';
import { version } from './version.js';

/** Errors a person can act on from the message alone: no stack trace. */
const EXPLAINED = [SessionStateError, SessionSetupError, ScenarioError, MissingCliError, SetupError];

/**
 * doctor is bundled apart (dist/doctor.js beside dist/cli.js), so that no
 * other command parses the API client; the specifier is a variable so that
 * the bundler leaves the import to run time.
 */
async function loadDoctor(): Promise<typeof import('./doctor.js')> {
  const specifier = './doctor.js';
  return (await import(specifier)) as typeof import('./doctor.js');
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await run(rest);
      case 'status':
        return await status(rest);
      case 'approve':
        return await approve(rest);
      case 'init':
        return await init(rest);
      case 'doctor':
        return await (await loadDoctor()).doctor(rest);
      case 'install':
      case 'uninstall':
        return await installCommand(command);
      case '-V':
      case '--version':
      case 'version':
        out(`samocode ${version()}`);
        return EXIT.done;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        out(USAGE);
        return command === undefined ? EXIT.usage : EXIT.done;
      default:
        // The original's form: `samocode --config … --session …` is a run.
        if (command.startsWith('--')) return await run(argv);
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    return exitCodeOf(error);
  }
}

function exitCodeOf(error: unknown): number {
  if (error instanceof ExitError) return error.code;
  // dist/doctor.js is a bundle of its own, with its own copies of these classes: its errors are known by name.
  const name = (error as Error).name;
  if (error instanceof UsageError || name === 'UsageError' || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    err(`samocode: ${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  err(`samocode: error: ${(error as Error).message}`);
  if (!EXPLAINED.some((type) => error instanceof type) && name !== 'SetupError' && process.env.SAMOCODE_DEBUG) err((error as Error).stack ?? '');
  return EXIT.error;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
