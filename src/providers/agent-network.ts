// The agent's network (DESIGN §6a "Network"): a network namespace made for
// the run. `restricted`: a veth pair to the host side, where the orchestrator's
// allow-list proxy listens; inside, the only destinations are the namespace's
// own loopback and the proxy's port (plus orchestrator ports it was told to
// open). IPv6 is off on the link and refused inside but for loopback. No
// resolver is reachable: names are resolved by the proxy alone. `none`: the
// namespace has only its loopback. On the host, a rule on the agent user's uid
// drops whatever it sends from outside the namespace (a backstop), and the
// host side of the link takes nothing but the proxy's port. Everything made
// here carries the run's id and is removed by `close`/`closeSync`.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { EgressPolicy } from '../core/egress.js';
import { privileged, type AgentIdentity } from './agent-user.js';
import { EgressProxy, type EgressRefusal, type Resolve } from './egress-proxy.js';

export type NetworkMode = 'restricted' | 'open' | 'none';

export interface AgentNetworkOptions {
  mode: 'restricted' | 'none';
  identity: AgentIdentity;
  policy: EgressPolicy;
  resolve?: Resolve;
  log: (line: string) => void;
}

export class NetworkSetupError extends Error {
  override name = 'NetworkSetupError';
}

interface Step {
  command: string;
  args: string[];
}

/** iptables and ip6tables, each with the lock wait (other runs change rules too). */
const TABLES = ['iptables', 'ip6tables'] as const;

/** A kernel without IPv6 has nothing to turn off or filter there. */
const hasIPv6 = () => existsSync('/proc/sys/net/ipv6');
const tables = () => (hasIPv6() ? TABLES : (['iptables'] as const));

export class AgentNetwork {
  /** The namespace's name under /run/netns. */
  readonly name: string;
  readonly hostIf: string;
  readonly agentIf: string;
  /** The host side of the link: where the proxy and any orchestrator service listen. */
  readonly hostAddress: string;
  readonly agentAddress: string;
  proxy?: EgressProxy;
  private readonly undo: Step[] = [];
  private closed = false;
  private readonly openPorts: number[] = [];

  private constructor(
    private readonly options: AgentNetworkOptions,
    id: string,
  ) {
    this.name = `samocode-${id}`;
    this.hostIf = `sc${id}h`;
    this.agentIf = `sc${id}a`;
    // A /30 in the shared address space (100.64.0.0/10), which the proxy never connects to.
    const block = randomInt(0, 2 ** 20);
    const base = 100 * 2 ** 24 + 64 * 2 ** 16 + block * 4;
    const dotted = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
    this.hostAddress = dotted(base + 1);
    this.agentAddress = dotted(base + 2);
  }

  /** The chain names of this run, short enough for iptables (28 characters). */
  private chain(kind: 'IN' | 'FWD' | 'UID'): string {
    return `SC-${this.name.slice('samocode-'.length)}-${kind}`;
  }

  static async open(options: AgentNetworkOptions): Promise<AgentNetwork> {
    const network = new AgentNetwork(options, randomBytes(3).toString('hex'));
    try {
      await network.build();
    } catch (error) {
      await network.close();
      throw error;
    }
    return network;
  }

  private async run(command: string, args: string[]): Promise<void> {
    const result = await privileged(this.options.identity.via, command, args);
    if (result.code !== 0) {
      const missing = result.missing || /not found|No such file/i.test(result.stderr);
      throw new NetworkSetupError(missing ? `${command} is not installed` : `${command} ${args.join(' ')} failed: ${result.stderr || result.stdout || `exit ${result.code}`}`);
    }
  }

  /** Inside the namespace. */
  private inside(command: string, args: string[]): Promise<void> {
    return this.run('nsenter', [`--net=/run/netns/${this.name}`, '--', command, ...args]);
  }

  private async build(): Promise<void> {
    const { identity, mode, log } = this.options;
    await this.run('ip', ['netns', 'add', this.name]);
    this.undo.push({ command: 'ip', args: ['netns', 'delete', this.name] });
    await this.inside('ip', ['link', 'set', 'lo', 'up']);
    // Its own loopback keeps IPv6 (a dev server on ::1); nothing else in it speaks IPv6.
    if (hasIPv6()) await this.inside('sysctl', ['-q', '-w', 'net.ipv6.conf.default.disable_ipv6=1']);
    if (mode === 'restricted') {
      await this.run('ip', ['link', 'add', this.hostIf, 'type', 'veth', 'peer', 'name', this.agentIf, 'netns', this.name]);
      this.undo.push({ command: 'ip', args: ['link', 'delete', this.hostIf] });
      if (hasIPv6()) {
        await this.run('sysctl', ['-q', '-w', `net.ipv6.conf.${this.hostIf}.disable_ipv6=1`]);
        await this.inside('sysctl', ['-q', '-w', `net.ipv6.conf.${this.agentIf}.disable_ipv6=1`]);
      }
      await this.run('ip', ['addr', 'add', `${this.hostAddress}/30`, 'dev', this.hostIf]);
      await this.run('ip', ['link', 'set', this.hostIf, 'up']);
      await this.inside('ip', ['addr', 'add', `${this.agentAddress}/30`, 'dev', this.agentIf]);
      await this.inside('ip', ['link', 'set', this.agentIf, 'up']);
      // No default route: the namespace knows only its link to the host side.
      this.proxy = new EgressProxy({ policy: this.options.policy, host: this.hostAddress, resolve: this.options.resolve, log });
      await this.proxy.start();
    }
    await this.insideRules();
    await this.hostRules(identity.uid);
    const how = mode === 'restricted' ? `its only way out is the allow-list proxy at ${this.hostAddress}:${this.proxy!.port}` : 'it has only its own loopback';
    log(`agent network: ${mode}: namespace ${this.name}; ${how}; the uid ${identity.uid} is dropped outside it`);
  }

  private async insideRules(): Promise<void> {
    for (const table of tables()) {
      await this.inside(table, ['-w', '-A', 'OUTPUT', '-o', 'lo', '-j', 'ACCEPT']);
      if (table === 'iptables' && this.proxy) {
        await this.inside(table, ['-w', '-A', 'OUTPUT', '-d', this.hostAddress, '-p', 'tcp', '--dport', String(this.proxy.port), '-j', 'ACCEPT']);
      }
      // Refused at once (not dropped), so that a tool that ignores the proxy fails fast.
      await this.inside(table, ['-w', '-A', 'OUTPUT', '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
      await this.inside(table, ['-w', '-A', 'OUTPUT', '-j', 'REJECT']);
    }
  }

  private async chainWith(table: (typeof TABLES)[number], chain: string, hooks: string[][], rules: string[][]): Promise<void> {
    await this.run(table, ['-w', '-N', chain]);
    this.undo.push({ command: table, args: ['-w', '-X', chain] }, { command: table, args: ['-w', '-F', chain] });
    for (const rule of rules) await this.run(table, ['-w', '-A', chain, ...rule]);
    for (const hook of hooks) {
      await this.run(table, ['-w', '-I', hook[0]!, '1', ...hook.slice(1), '-j', chain]);
      this.undo.push({ command: table, args: ['-w', '-D', hook[0]!, ...hook.slice(1), '-j', chain] });
    }
  }

  private async hostRules(uid: number): Promise<void> {
    for (const table of tables()) {
      // The backstop: the agent's uid sends nothing from the host's own network.
      await this.chainWith(table, this.chain('UID'), [['OUTPUT', '-m', 'owner', '--uid-owner', String(uid)]], [['-j', 'DROP']]);
      if (!this.proxy) continue;
      // The host side of the link takes the proxy's port (and ports opened for orchestrator services), nothing else.
      const accept = table === 'iptables' ? [['-p', 'tcp', '--dport', String(this.proxy.port), '-j', 'ACCEPT']] : [];
      await this.chainWith(table, this.chain('IN'), [['INPUT', '-i', this.hostIf]], [...accept, ['-j', 'DROP']]);
      await this.chainWith(table, this.chain('FWD'), [['FORWARD', '-i', this.hostIf], ['FORWARD', '-o', this.hostIf]], [['-j', 'DROP']]);
    }
  }

  /**
   * Lets the agent reach an orchestrator service listening on `hostAddress:port`
   * (the model gateway). Only the restricted mode has a host side.
   */
  async allowHostPort(port: number): Promise<void> {
    if (!this.proxy) throw new NetworkSetupError('agent network: only restricted has a host side to open');
    if (this.openPorts.includes(port)) return;
    await this.run('iptables', ['-w', '-I', this.chain('IN'), '1', '-p', 'tcp', '--dport', String(port), '-j', 'ACCEPT']);
    await this.inside('iptables', ['-w', '-I', 'OUTPUT', '1', '-d', this.hostAddress, '-p', 'tcp', '--dport', String(port), '-j', 'ACCEPT']);
    this.openPorts.push(port);
  }

  /** The proxy variables of the agent's environment (both cases), and where the host side is. */
  env(): Record<string, string> {
    const noProxy = ['localhost', '127.0.0.1', '::1', this.hostAddress].join(',');
    const vars: Record<string, string> = { SAMOCODE_HOST_ADDRESS: this.hostAddress, NO_PROXY: noProxy, no_proxy: noProxy };
    if (!this.proxy) return vars;
    const url = `http://${this.hostAddress}:${this.proxy.port}`;
    return { ...vars, HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url, NODE_USE_ENV_PROXY: '1' };
  }

  takeRefusals(): EgressRefusal[] {
    return this.proxy?.takeRefusals() ?? [];
  }

  /** Removes what this run made, latest first; what is already gone is no error. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.proxy?.close().catch(() => {});
    for (const step of this.undo.splice(0).reverse()) await privileged(this.options.identity.via, step.command, step.args);
  }

  /** The same, synchronously: for an exit handler. */
  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    const sudo = this.options.identity.via === 'sudo';
    for (const step of this.undo.splice(0).reverse()) {
      spawnSync(sudo ? 'sudo' : step.command, sudo ? ['-n', '--', step.command, ...step.args] : step.args, { stdio: 'ignore', timeout: 10_000 });
    }
  }
}
