// Step: the agent's user, network and filesystem view (inputs agent-user,
// agent-network, allowed-domains). `auto` isolates where the action is root or
// has passwordless sudo; where it cannot, the run says so plainly, in the log
// and the job summary, and a network other than `open` fails the run instead
// of going on unenforced. Everything made here is removed by `close`, which
// the entry runs however the run ends (and an exit handler, as a last resort).
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { realpath } from 'node:fs/promises';
import { egressPolicy } from '../core/egress.js';
import { AgentNetwork } from '../providers/agent-network.js';
import { canMakeView, checkSandbox, makeSandbox, type AgentSandbox } from '../providers/agent-sandbox.js';
import { openTheWay, prepareAgentUser, releaseAgentUser, type AgentIdentity } from '../providers/agent-user.js';
import { planView } from '../providers/agent-view.js';
import { resolveExecutable } from '../providers/process.js';
import { proxyResolver } from '../providers/egress-proxy.js';
import { failOnIssue } from './post-notice.js';
import type { IssueInfo } from '../github/repo-api.js';
import type { GatewaySetup } from './start-gateway.js';
import type { Toolkit } from './toolkit.js';

export interface AgentSetup {
  identity?: AgentIdentity;
  sandbox?: AgentSandbox;
  /** One line on how the agent is isolated, for the job summary. */
  isolation: string;
  /** One line on the agent's network and filesystem view, for the job summary. */
  network?: string;
  /** How the agent reaches its model. */
  gateway: GatewaySetup;
  /** Removes what the run made for the agent; safe to call twice. */
  close(): Promise<void>;
}

const nothingToClose = async () => {};

export async function prepareAgent(kit: Toolkit, issue: IssueInfo, gateway: GatewaySetup): Promise<AgentSetup> {
  const { inputs, runner } = kit.config;
  // The script provider is our own code, run in this process: there is no agent process to isolate.
  if (inputs.provider === 'script') return { isolation: 'the script provider runs in the action itself (no agent process)', gateway, close: nothingToClose };
  const mode = inputs.agentNetwork;
  const tempRoot = mkdtempSync(join(runner.tempDir ?? tmpdir(), 'samocode-agent-'));
  const noView = canMakeView();
  let user;
  try {
    user = await prepareAgentUser(inputs.agentUser, {
      workspace: runner.workspace,
      tempRoot,
      log: (line) => kit.log.info(line),
      inView: !noView,
      withoutLogins: gateway.gateway !== undefined,
    });
  } catch (error) {
    rmSync(tempRoot, { recursive: true, force: true });
    return failOnIssue(kit, issue.number, `cannot set up the agent user (input agent-user: ${inputs.agentUser}): ${(error as Error).message}`);
  }
  if (!user.isolated) {
    rmSync(tempRoot, { recursive: true, force: true });
    const isolation = `not isolated: the agent runs as the runner's user (${user.reason})`;
    if (mode !== 'open') {
      return failOnIssue(
        kit,
        issue.number,
        `agent-network: ${mode} cannot be enforced on this runner (${user.reason}); the agent would reach any host and read the runner's files. Run on a runner where the action is root or has passwordless sudo, or set agent-network: open to run without it`,
      );
    }
    if (inputs.agentUser !== 'none') kit.log.warning(`the agent is ${isolation}; it can read this job's environment and .git`);
    const network = "not enforced: agent-network is open, and the agent sees the runner user's files";
    kit.log.warning(`the agent's network is ${network}`);
    return { isolation, network, gateway, close: nothingToClose };
  }
  return sandboxFor(kit, issue, user, tempRoot, noView, gateway);
}

async function sandboxFor(kit: Toolkit, issue: IssueInfo, identity: AgentIdentity, tempRoot: string, noView: string | undefined, gateway: GatewaySetup): Promise<AgentSetup> {
  const { inputs } = kit.config;
  const mode = inputs.agentNetwork;
  let network: AgentNetwork | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    process.off('exit', closeSync);
    await network?.close();
    for (const failure of releaseAgentUser(identity)) kit.log.warning(`agent user: cleaning up: ${failure}`);
    rmSync(tempRoot, { recursive: true, force: true });
  };
  const closeSync = () => {
    if (closed) return;
    closed = true;
    network?.closeSync();
    releaseAgentUser(identity);
    rmSync(tempRoot, { recursive: true, force: true });
  };
  process.on('exit', closeSync);
  const fail = async (text: string): Promise<never> => {
    await close();
    return failOnIssue(kit, issue.number, text);
  };
  const isolation = `the agent runs as ${identity.user} (uid ${identity.uid}), which cannot write .git or read this job's environment`;
  try {
    if (mode !== 'open') {
      network = await AgentNetwork.open({ mode, identity, policy: egressPolicy(inputs.provider, inputs.allowedDomains), resolve: proxyResolver(), log: (line) => kit.log.info(line) });
    }
  } catch (error) {
    return fail(`agent-network: ${mode} cannot be set up on this runner: ${(error as Error).message}; set agent-network: open to run without it`);
  }
  const view = noView ? undefined : await planView(await viewNeeds(kit, identity));
  let sandbox: AgentSandbox | undefined = makeSandbox(identity, network, view);
  try {
    if (noView && mode === 'open') throw new Error(noView);
    await checkSandbox(sandbox);
  } catch (error) {
    if (mode !== 'open') return fail(`agent-network: ${mode} cannot be enforced on this runner: ${(error as Error).message}; set agent-network: open to run without it`);
    kit.log.warning(`the agent's filesystem view is not available (${(error as Error).message}); the runner's folders are opened for it to pass through (o+x), and what earlier steps left readable there can be read`);
    sandbox = undefined;
    await openTheWay(identity, (line) => kit.log.info(line));
  }
  if (view) kit.log.info(`agent view: covered ${view.hide.join(', ') || 'nothing'}; kept ${view.keep.join(', ') || 'nothing more'}`);
  const where = network ? (mode === 'restricted' ? `restricted: only through the allow-list proxy (${egressPolicy(inputs.provider, inputs.allowedDomains).rules.length} names and patterns)` : 'none: its own loopback only') : 'open: the runner\'s network, not filtered';
  const seen = sandbox?.view ? "the runner user's HOME and RUNNER_TEMP are not in its view" : "it sees the runner's folders as others may (no filesystem view)";
  return { identity, sandbox, isolation, network: `${where}; ${seen}`, gateway, close };
}

/** What the view hides (the runner's HOME and RUNNER_TEMP) and keeps (the agent's folders, the CLI, the toolchains). */
async function viewNeeds(kit: Toolkit, identity: AgentIdentity) {
  const { inputs, runner } = kit.config;
  const cli = await resolveExecutable(inputs.cliPath ?? inputs.provider, 'the cli-path input').catch(() => undefined);
  const cliDirs = cli ? [dirname(cli), dirname(await realpath(cli).catch(() => cli))] : [];
  const path = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const toolCache = process.env.RUNNER_TOOL_CACHE ? [process.env.RUNNER_TOOL_CACHE] : [];
  return {
    hide: [process.env.HOME ?? homedir(), ...(runner.tempDir ? [runner.tempDir] : [])],
    keep: [identity.workspace, identity.home, identity.tmpdir, ...cliDirs, ...toolCache, ...path],
    uid: identity.uid,
    gid: identity.gid,
  } satisfies Parameters<typeof planView>[0];
}

