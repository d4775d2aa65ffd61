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
import { spawn, spawnSync } from 'node:child_process';
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
  /** Given on stdin (a restore batch). */
  input?: string;
}

interface Ran {
  code: number;
  stderr: string;
  missing: boolean;
}

/** A privileged command with `input` on stdin: directly as root, else through `sudo -n`. */
function privilegedInput(via: AgentIdentity['via'], argv: string[], input: string): Promise<Ran> {
  const [command, ...args] = via === 'root' ? argv : ['sudo', '-n', '--', ...argv];
  return new Promise((done) => {
    const child = spawn(command!, args, { stdio: ['pipe', 'ignore', 'pipe'], timeout: 60_000 });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) => done({ code: 1, stderr: error.message, missing: error.code === 'ENOENT' }));
    child.once('close', (code) => done({ code: code ?? 1, stderr: stderr.trim(), missing: false }));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** The chains of a removal batch, undone one command at a time (for when the batch failed: a jump already gone). */
function oneByOne(table: string, batch: string): Step[] {
  return batch
    .split('\n')
    .filter((line) => line.startsWith('-'))
    .map((line) => ({ command: table.replace(/-restore$/, ''), args: ['-w', ...line.split(' ')] }));
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

  /** A batch on stdin (`ip -batch -`, `iptables-restore`): one privileged process for many changes. */
  private async batch(argv: string[], input: string): Promise<void> {
    const result = await privilegedInput(this.options.identity.via, argv, input);
    if (result.code !== 0) {
      const missing = result.missing || /not found|No such file or directory$/im.test(result.stderr);
      throw new NetworkSetupError(missing ? `${argv[0]} is not installed` : `${argv.join(' ')} failed: ${result.stderr || `exit ${result.code}`}`);
    }
  }

  private nsenter(argv: string[]): string[] {
    return ['nsenter', `--net=/run/netns/${this.name}`, '--', ...argv];
  }

  // Few processes, many changes: each privileged call costs a process (and a sudo) on a busy runner.
  private async build(): Promise<void> {
    const { identity, mode, log } = this.options;
    const restricted = mode === 'restricted';
    await this.run('ip', ['netns', 'add', this.name]);
    this.undo.push({ command: 'ip', args: ['netns', 'delete', this.name] });
    if (restricted) {
      this.undo.push({ command: 'ip', args: ['link', 'delete', this.hostIf] });
      await this.batch(['ip', '-batch', '-'], [`link add ${this.hostIf} type veth peer name ${this.agentIf} netns ${this.name}`, `addr add ${this.hostAddress}/30 dev ${this.hostIf}`, `link set ${this.hostIf} up`, ''].join('\n'));
    }
    const inside = ['link set lo up', ...(restricted ? [`addr add ${this.agentAddress}/30 dev ${this.agentIf}`, `link set ${this.agentIf} up`] : []), ''];
    // No default route: the namespace knows only its link to the host side.
    await this.batch(['ip', '-n', this.name, '-batch', '-'], inside.join('\n'));
    if (hasIPv6()) {
      // Its own loopback keeps IPv6 (a dev server on ::1); nothing else in it, nor the host side of the link, speaks IPv6.
      await this.inside('sysctl', ['-q', '-w', 'net.ipv6.conf.default.disable_ipv6=1', ...(restricted ? [`net.ipv6.conf.${this.agentIf}.disable_ipv6=1`] : [])]);
      if (restricted) await this.run('sysctl', ['-q', '-w', `net.ipv6.conf.${this.hostIf}.disable_ipv6=1`]);
    }
    if (restricted) {
      this.proxy = new EgressProxy({ policy: this.options.policy, host: this.hostAddress, resolve: this.options.resolve, log });
      await this.proxy.start();
    }
    for (const table of tables()) {
      await this.batch(this.nsenter([`${table}-restore`, '-w', '--noflush']), this.insideRules(table));
      const { add, remove } = this.hostRules(table, identity.uid);
      this.undo.push({ command: `${table}-restore`, args: ['-w', '--noflush'], input: remove });
      await this.batch([`${table}-restore`, '-w', '--noflush'], add);
    }
    const how = restricted ? `its only way out is the allow-list proxy at ${this.hostAddress}:${this.proxy!.port}` : 'it has only its own loopback';
    log(`agent network: ${mode}: namespace ${this.name}; ${how}; the uid ${identity.uid} is dropped outside it`);
  }

  private insideRules(table: (typeof TABLES)[number]): string {
    const rules = ['-A OUTPUT -o lo -j ACCEPT'];
    if (table === 'iptables' && this.proxy) rules.push(`-A OUTPUT -d ${this.hostAddress} -p tcp --dport ${this.proxy.port} -j ACCEPT`);
    // Refused at once (not dropped), so that a tool that ignores the proxy fails fast.
    rules.push('-A OUTPUT -p tcp -j REJECT --reject-with tcp-reset', '-A OUTPUT -j REJECT');
    return ['*filter', ...rules, 'COMMIT', ''].join('\n');
  }

  /** The run's chains on the host and the jumps to them, as an iptables-restore batch; and the batch that removes them. */
  private hostRules(table: (typeof TABLES)[number], uid: number): { add: string; remove: string } {
    const chains: { chain: string; hooks: string[]; rules: string[] }[] = [
      // The backstop: the agent's uid sends nothing from the host's own network.
      { chain: this.chain('UID'), hooks: [`OUTPUT -m owner --uid-owner ${uid}`], rules: ['-j DROP'] },
    ];
    if (this.proxy) {
      // The host side of the link takes the proxy's port (and ports opened for orchestrator services), nothing else.
      const accept = table === 'iptables' ? [`-p tcp --dport ${this.proxy.port} -j ACCEPT`] : [];
      chains.push(
        { chain: this.chain('IN'), hooks: [`INPUT -i ${this.hostIf}`], rules: [...accept, '-j DROP'] },
        { chain: this.chain('FWD'), hooks: [`FORWARD -i ${this.hostIf}`, `FORWARD -o ${this.hostIf}`], rules: ['-j DROP'] },
      );
    }
    const add = chains.flatMap(({ chain, hooks, rules }) => [
      `:${chain} - [0:0]`,
      ...rules.map((rule) => `-A ${chain} ${rule}`),
      ...hooks.map((hook) => { const [builtin, ...match] = hook.split(' '); return `-I ${builtin} 1 ${match.join(' ')} -j ${chain}`.replace(/  +/g, ' '); }),
    ]);
    const remove = chains.flatMap(({ chain, hooks }) => [...hooks.map((hook) => `-D ${hook} -j ${chain}`), `-F ${chain}`, `-X ${chain}`]);
    return { add: ['*filter', ...add, 'COMMIT', ''].join('\n'), remove: ['*filter', ...remove, 'COMMIT', ''].join('\n') };
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
    for (const step of this.undo.splice(0).reverse()) {
      if (step.input === undefined) {
        await privileged(this.options.identity.via, step.command, step.args);
        continue;
      }
      const batch = await privilegedInput(this.options.identity.via, [step.command, ...step.args], step.input);
      if (batch.code !== 0) for (const one of oneByOne(step.command, step.input)) await privileged(this.options.identity.via, one.command, one.args);
    }
  }

  /** The same, synchronously: for an exit handler. */
  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    const sudo = this.options.identity.via === 'sudo';
    const run = (step: Step) =>
      spawnSync(sudo ? 'sudo' : step.command, sudo ? ['-n', '--', step.command, ...step.args] : step.args, {
        input: step.input,
        stdio: [step.input === undefined ? 'ignore' : 'pipe', 'ignore', 'ignore'],
        timeout: 10_000,
      }).status;
    for (const step of this.undo.splice(0).reverse()) {
      if (run(step) !== 0 && step.input !== undefined) for (const one of oneByOne(step.command, step.input)) run(one);
    }
  }
}
