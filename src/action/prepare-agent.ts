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
import { gatewayHoldsKey, type GatewaySetup, type GatewayStarter } from './start-gateway.js';
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

/** `startGateway` is called once the agent's network exists, so that the relay listens where the agent can reach it. */
export async function prepareAgent(kit: Toolkit, issue: IssueInfo, startGateway: GatewayStarter): Promise<AgentSetup> {
  const { inputs, runner } = kit.config;
  // The script provider is our own code, run in this process: there is no agent process to isolate.
  if (inputs.provider === 'script') return { isolation: 'the script provider runs in the action itself (no agent process)', gateway: await startGateway({}), close: nothingToClose };
  const holdsKey = gatewayHoldsKey(kit);
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
      withoutLogins: holdsKey,
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
    return { isolation, network, gateway: await startGateway({}), close: nothingToClose };
  }
  return sandboxFor(kit, issue, user, tempRoot, noView, holdsKey, startGateway);
}

async function sandboxFor(
  kit: Toolkit,
  issue: IssueInfo,
  identity: AgentIdentity,
  tempRoot: string,
  noView: string | undefined,
  holdsKey: boolean,
  startGateway: GatewayStarter,
): Promise<AgentSetup> {
  const { inputs } = kit.config;
  const mode = inputs.agentNetwork;
  const policy = egressPolicy(inputs.provider, inputs.allowedDomains, holdsKey);
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
      network = await AgentNetwork.open({ mode, identity, policy, resolve: proxyResolver(), log: (line) => kit.log.info(line) });
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
  let gateway: GatewaySetup;
  try {
    gateway = await relayFor(kit, network, startGateway);
  } catch (error) {
    await close();
    throw error;
  }
  const where = network
    ? mode === 'restricted'
      ? `restricted: only through the allow-list proxy (${policy.rules.length} names and patterns${gateway.gateway ? `; the model only through the gateway's relay at ${network.hostAddress}:${gateway.gateway.port}` : ''})`
      : `none: its own loopback only${gateway.gateway ? ' (the model too is out of reach: the relay is on the host)' : ''}`
    : "open: the runner's network, not filtered";
  const seen = sandbox?.view ? "the runner user's HOME and RUNNER_TEMP are not in its view" : "it sees the runner's folders as others may (no filesystem view)";
  return { identity, sandbox, isolation, network: `${where}; ${seen}`, gateway, close };
}

/**
 * The relay where the agent can reach it: on the host side of a restricted
 * network (its port opened there, nothing else of the host), on loopback
 * otherwise. Under `none` the namespace has no host side, so the agent cannot
 * reach the relay: said in the log (and the job summary's network line).
 */
async function relayFor(kit: Toolkit, network: AgentNetwork | undefined, startGateway: GatewayStarter): Promise<GatewaySetup> {
  const mode = kit.config.inputs.agentNetwork;
  if (!network || mode !== 'restricted') {
    const setup = await startGateway({});
    if (network && setup.gateway) kit.log.warning("agent-network: none: the agent cannot reach the model gateway's relay (its namespace has only its own loopback), so its model is out of reach; use restricted to reach the model only through the relay");
    return setup;
  }
  const setup = await startGateway({ listenHost: network.hostAddress });
  if (!setup.gateway) return setup;
  try {
    await network.allowHostPort(setup.gateway.port);
  } catch (error) {
    await setup.gateway.stop();
    throw error;
  }
  kit.log.info(`agent network: the model gateway's relay at ${network.hostAddress}:${setup.gateway.port} is the agent's only way to its model`);
  return setup;
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
    // The folder that holds its HOME and temp folder also gets each call's folder (made after the view is planned).
    keep: [identity.workspace, dirname(identity.home), identity.home, identity.tmpdir, ...cliDirs, ...toolCache, ...path],
    uid: identity.uid,
    gid: identity.gid,
  } satisfies Parameters<typeof planView>[0];
}

