// The run's sandbox around every agent call: its network namespace (when the
// network is not `open`), its filesystem view, and the switch to the agent
// user, made by a small root shell that ends in `exec setpriv`. Also where
// the run's leftovers are removed, however the run ends: `close` from the
// entry's last step, `closeSync` from an exit handler.
import { existsSync } from 'node:fs';
import { LAUNCH_CHECK, proveLaunch, type AgentIdentity, type AgentSpawn } from './agent-user.js';
import type { AgentNetwork } from './agent-network.js';
import type { EgressRefusal } from './egress-proxy.js';
import { viewScript, type ViewPlan } from './agent-view.js';

export interface AgentSandbox {
  identity: AgentIdentity;
  network?: AgentNetwork;
  view?: ViewPlan;
  /**
   * How to start `executable args` inside the sandbox as the agent user, in
   * `cwd`. Spawn it from `/`: the script changes into `cwd` once the view is
   * made, so that `..` leads through the view and not into what it covers.
   */
  launch(executable: string, args: string[], env: Record<string, string>, cwd: string): AgentSpawn;
  /** The refusals of the proxy since the last call. */
  takeRefusals(): EgressRefusal[];
}

const SHELL = '/bin/bash';

/** Whether this system has what the view's script needs. */
export function canMakeView(): string | undefined {
  for (const tool of [SHELL, '/usr/bin/setpriv', '/usr/bin/unshare']) if (!existsSync(tool)) return `${tool} is missing`;
  return undefined;
}

/**
 * The root part of a call: the view, then the switch. PATH and HOME travel
 * under other names (sudo may replace them) and are put back just before
 * the agent starts; its environment is otherwise passed through untouched.
 */
function launcherScript(identity: AgentIdentity, view: ViewPlan | undefined): string {
  return [
    'set -e',
    'PATH=/usr/sbin:/usr/bin:/sbin:/bin',
    view ? viewScript(view) : '',
    'cd -- "$SAMOCODE_AGENT_CWD"',
    'export PATH="$SAMOCODE_AGENT_PATH" HOME="$SAMOCODE_AGENT_HOME"',
    'unset SAMOCODE_AGENT_PATH SAMOCODE_AGENT_HOME SAMOCODE_AGENT_CWD',
    `exec /usr/bin/setpriv --reuid=${identity.uid} --regid=${identity.gid} --clear-groups -- "$@"`,
  ]
    .filter(Boolean)
    .join('\n');
}

export function makeSandbox(identity: AgentIdentity, network: AgentNetwork | undefined, view: ViewPlan | undefined): AgentSandbox {
  return {
    identity,
    network,
    view,
    launch(executable, args, env, cwd) {
      const own: Record<string, string> = {
        ...env,
        ...(network?.env() ?? {}),
        HOME: identity.home,
        TMPDIR: identity.tmpdir,
        TMP: identity.tmpdir,
        TEMP: identity.tmpdir,
        USER: identity.user,
        LOGNAME: identity.user,
        SAMOCODE_AGENT_PATH: env.PATH ?? '/usr/bin:/bin',
        SAMOCODE_AGENT_HOME: identity.home,
        SAMOCODE_AGENT_CWD: cwd,
      };
      const root = [
        ...(network ? ['/usr/bin/nsenter', `--net=/run/netns/${network.name}`, '--'] : []),
        '/usr/bin/unshare',
        '--mount',
        '--propagation',
        'private',
        '--',
        SHELL,
        '-c',
        launcherScript(identity, view),
        'samocode-agent',
        executable,
        ...args,
      ];
      if (identity.via === 'root') return { executable: root[0]!, args: root.slice(1), env: own };
      return { executable: 'sudo', args: ['-n', '--preserve-env', '--', ...root], env: own };
    },
    takeRefusals: () => network?.takeRefusals() ?? [],
  };
}

/**
 * Runs a check as the agent inside the sandbox, the way every call starts:
 * its uid, the work tree writable, `.git` not, and (restricted) no way past the
 * proxy. Isolation is proven, not assumed.
 */
export async function checkSandbox(sandbox: AgentSandbox): Promise<void> {
  const { identity } = sandbox;
  const plan = sandbox.launch('/bin/sh', ['-c', LAUNCH_CHECK, 'check', identity.workspace], { PATH: process.env.PATH ?? '/usr/bin:/bin' }, identity.workspace);
  const failure = await proveLaunch(plan, identity.uid);
  if (failure) throw new Error(`the agent's sandbox does not work (${failure})`);
}
