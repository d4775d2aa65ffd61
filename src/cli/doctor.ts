// `samocode doctor [--repo owner/name] [--provider NAME]`: asks GitHub about
// the repository's set-up and prints a checklist, one line per check with
// its fix. Exits 1 when something would stop a session (or could not be
// checked), 0 otherwise. The token is GH_TOKEN or GITHUB_TOKEN; the API is
// GITHUB_API_URL (else GitHub's); the repository is --repo, else the
// checkout's origin.
import { parseArgs } from 'node:util';
import { checkSetup, formatCheck } from '../core/setup-checks.js';
import { Git, ambientEnv } from '../git/command.js';
import { createClient } from '../github/client.js';
import { gatherSetupFacts } from '../github/setup-facts.js';
import { PROVIDERS, isProvider } from '../providers/settings.js';
import { packageRoot } from '../providers/prompts.js';
import { EXIT } from './exit-codes.js';
import { SetupError } from './setup-error.js';
import { UsageError, out } from './usage.js';
import { version } from './version.js';
import { digestOf, shippedAction } from './vendor.js';

export const DOCTOR_USAGE = `usage: samocode doctor [--repo owner/name] [--provider NAME]

  Checks a repository's samocode set-up through the GitHub API, a line per
  check with its fix. Needs GH_TOKEN or GITHUB_TOKEN (GH_TOKEN=$(gh auth token)).

options:
  --repo owner/name   the repository (default: the checkout's origin remote)
  --provider NAME     ${PROVIDERS.join(', ')} (default: the SAMOCODE_PROVIDER variable, else claude)
  -h, --help          this text

exit codes: 0 nothing would stop a session, 1 something would (or could not be checked), 2 usage`;

/** owner/name from a GitHub remote URL (https, ssh or scp-like), with its host. */
export function repositoryOf(url: string): { host: string; owner: string; repo: string } | null {
  const m = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?([^/:]+)(?::\d+)?[/:]([^/]+)\/([^/]+?)(?:\.git)?\/?$/i.exec(url.trim());
  return m ? { host: m[1]!, owner: m[2]!, repo: m[3]! } : null;
}

async function whichRepository(given: string | undefined): Promise<{ owner: string; repo: string; host: string }> {
  if (given) {
    const m = /^([\w.-]+)\/([\w.-]+)$/.exec(given);
    if (!m) throw new UsageError(`--repo must be owner/name, got "${given}"`);
    return { owner: m[1]!, repo: m[2]!, host: 'github.com' };
  }
  const url = await new Git(process.cwd(), ambientEnv())
    .raw(['remote', 'get-url', 'origin'])
    .catch(() => {
      throw new SetupError('no --repo, and this folder is not a checkout with an origin remote; give --repo owner/name');
    });
  const found = repositoryOf(url);
  if (!found) throw new SetupError(`cannot tell the repository from the origin remote (${url.trim()}); give --repo owner/name`);
  return found;
}

function apiUrl(host: string): string {
  if (process.env.GITHUB_API_URL) return process.env.GITHUB_API_URL;
  return host === 'github.com' ? 'https://api.github.com' : `https://${host}/api/v3`;
}

const onLoopback = (url: string) => /^(localhost|127\.[\d.]+|\[::1\])$/.test(new URL(url).hostname);

export async function doctor(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { repo: { type: 'string' }, provider: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    out(DOCTOR_USAGE);
    return EXIT.done;
  }
  if (values.provider !== undefined && !isProvider(values.provider)) throw new UsageError(`unknown provider "${values.provider}" (${PROVIDERS.join(', ')})`);
  const token = process.env.GH_TOKEN || process.env.GITHUB_TOKEN;
  if (!token) throw new SetupError('no token: set GH_TOKEN or GITHUB_TOKEN (GH_TOKEN=$(gh auth token) samocode doctor)');
  const { owner, repo, host } = await whichRepository(values.repo);
  const baseUrl = apiUrl(host);
  const client = createClient({ token, baseUrl, pacing: !onLoopback(baseUrl), retryBaseMs: Number(process.env.SAMOCODE_RETRY_BASE_MS) || undefined });
  const triggerLabel = 'samocode';
  const facts = await gatherSetupFacts(client, owner, repo, triggerLabel).catch((error: Error) => {
    throw new SetupError(error.message);
  });
  const lines = checkSetup(facts, {
    provider: values.provider,
    providers: PROVIDERS,
    version: version(),
    digest: digestOf(await shippedAction(packageRoot())),
    triggerLabel,
  });
  out(`samocode doctor: ${owner}/${repo} (default branch ${facts.defaultBranch})`);
  for (const line of lines) out(formatCheck(line));
  const failed = lines.filter((l) => l.status === 'fail').length;
  out(failed ? `samocode doctor: ${failed} of ${lines.length} checks would stop a session` : 'samocode doctor: nothing would stop a session');
  return failed ? EXIT.error : EXIT.done;
}
