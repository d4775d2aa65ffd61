// The orchestrator's side of the model gateway: starts the relay in a
// process of its own (so that the relay can fail, and be seen failing,
// without taking the orchestrator along), gives the agent's CLI the relay's
// address and a placeholder key, and wraps the Agent so that each call's
// cost and usage are the ones the relay metered.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Agent, AgentRequest, AgentResult, TokenUsage } from '../core/ports.js';
import type { PriceTable } from '../core/prices.js';
import { addUsage } from '../core/spend.js';
import type { EngineGateway, UpstreamAuth } from './engines.js';
import type { ToParent, ToRelay } from './messages.js';
import type { MeteredCall } from './relay.js';

export interface GatewayOptions {
  engine: EngineGateway;
  auth: UpstreamAuth;
  /** The orchestrator's environment: the upstream the workflow configured, if any. */
  env: NodeJS.ProcessEnv;
  prices: PriceTable;
  maxCostUsd?: number;
  /** The session's spend before this run, from its own record. */
  spentUsd: number;
  /** Where the relay listens: loopback by default; the host side of the agent's network once it has one. */
  listenHost?: string;
  listenPort?: number;
  /** The host the agent reaches the relay at, when it is not `listenHost` (a network namespace's view). */
  agentHost?: string;
  /** The relay's script; by default dist/relay.js beside the bundle that runs. */
  relayScript?: string;
}

/** What the relay metered over some stretch of the run. */
export interface GatewayTally {
  requests: number;
  usage?: TokenUsage;
  costUsd: number;
  /** Models whose tokens have no price: counted, not costed. */
  unpriced: string[];
}

/** The environment the agent's is chosen from: the relay's credentials out (`hidden`), its address and placeholder in. */
export function agentSourceEnv(gateway: ModelGateway | undefined, hidden: string[], env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!gateway) return env;
  const source: NodeJS.ProcessEnv = { ...env };
  for (const name of hidden) delete source[name];
  return { ...source, ...gateway.agentEnv() };
}

export function relayScriptPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/cli.js has the code in itself; dist/index.js in dist/chunks/.
  const found = [join(here, 'relay.js'), join(here, '..', 'relay.js')].find((p) => existsSync(p));
  if (!found) throw new Error(`the model gateway's relay (relay.js) is not beside ${here}: rebuild dist/`);
  return found;
}

export class ModelGateway {
  readonly calls: MeteredCall[] = [];
  /** Set once the relay refused a call for the budget: it refuses every one after. */
  refusal: string | undefined;
  /** Set once the relay process is gone. */
  gone: string | undefined;
  private syncs = new Map<number, () => void>();
  private nextSync = 1;

  private constructor(
    private readonly child: ChildProcess,
    /** This run's key for the agent: the relay takes only requests that carry it; anywhere else it is worth nothing. */
    readonly placeholder: string,
    readonly baseUrl: string,
    readonly upstream: string,
    private readonly engine: EngineGateway,
    /** The orchestrator's environment, for an engine whose CLI configuration is rewritten from it. */
    private readonly env: NodeJS.ProcessEnv = {},
  ) {}

  /** The port the relay listens on. */
  get port(): number {
    return Number(new URL(this.baseUrl).port);
  }

  static async start(options: GatewayOptions): Promise<ModelGateway> {
    const { engine } = options;
    const configured = engine.upstreamIn ? engine.upstreamIn(options.env) : options.env[engine.upstreamVariable];
    const upstream = (configured || engine.defaultUpstream).replace(/\/+$/, '');
    try {
      new URL(upstream);
    } catch {
      throw new Error(`${engine.upstreamVariable} is not a URL: "${upstream}"`);
    }
    const github = engine.github?.(options.env);
    if (github) {
      try {
        new URL(github.upstream);
      } catch {
        throw new Error(`the GitHub API the ${engine.engine} CLI signs in at is not a URL: "${github.upstream}"`);
      }
    }
    const listenHost = options.listenHost ?? '127.0.0.1';
    // The credential goes over the IPC channel; the relay's environment holds only what running node needs.
    const child = fork(options.relayScript ?? relayScriptPath(), [], { env: { PATH: options.env.PATH ?? '' }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
    const placeholder = `${engine.placeholderPrefix?.(options.env) ?? 'samocode-gateway-'}${randomBytes(18).toString('hex')}`;
    const port = await new Promise<number>((resolve, reject) => {
      const onExit = (code: number | null, signal: string | null) => reject(new Error(`the model gateway's relay ended at start (${signal ?? `exit ${code}`})`));
      child.once('exit', onExit);
      child.once('error', reject);
      child.on('message', function first(message: ToParent) {
        if (message.type !== 'listening' && message.type !== 'failed') return;
        child.off('message', first);
        child.off('exit', onExit);
        if (message.type === 'failed') reject(new Error(`the model gateway's relay cannot listen on ${listenHost}: ${message.reason}`));
        else resolve(message.port);
      });
      const start: ToRelay = {
        type: 'start',
        config: {
          upstream,
          auth: options.auth,
          placeholder,
          agentPrefix: engine.agentPrefix,
          errorStyle: engine.errorStyle,
          prices: options.prices,
          ...(options.maxCostUsd !== undefined ? { maxCostUsd: options.maxCostUsd } : {}),
          spentUsd: options.spentUsd,
          ...(github ? { github } : {}),
          ...(engine.costNote?.(options.env) ? { unpriced: true } : {}),
          host: listenHost,
          port: options.listenPort ?? 0,
        },
      };
      child.send(start);
    }).catch((error: Error) => {
      child.kill('SIGKILL');
      throw error;
    });
    // The relay does not keep the orchestrator alive: when it ends, the channel closes and the relay ends too.
    child.unref();
    child.channel?.unref();
    const agentHost = options.agentHost ?? listenHost;
    const hostPart = agentHost.includes(':') ? `[${agentHost}]` : agentHost;
    const gateway = new ModelGateway(child, placeholder, `http://${hostPart}:${port}${engine.agentPrefix}`, upstream, engine, options.env);
    gateway.listen();
    return gateway;
  }

  private listen(): void {
    this.child.on('message', (message: ToParent) => {
      if (message.type === 'metered') this.calls.push(message.call);
      else if (message.type === 'refused') this.refusal ??= message.reason;
      else if (message.type === 'synced') this.syncs.get(message.id)?.();
    });
    this.child.once('exit', (code, signal) => {
      this.gone = `the model gateway's relay stopped (${signal ? `killed by ${signal}` : `exit ${code}`}), so the agent could reach no model; /resume starts a new one`;
      for (const wake of this.syncs.values()) wake();
    });
  }

  /** The variables that point the agent's CLI at the relay. */
  agentEnv(): Record<string, string> {
    return this.engine.agentEnv(this.baseUrl, this.placeholder, this.env);
  }

  agentArgs(): string[] {
    return this.engine.agentArgs?.(this.baseUrl) ?? [];
  }

  /** Why no further model call can succeed in this run, if none can. */
  blockReason(): string | undefined {
    return this.refusal ?? this.gone;
  }

  /** Waits until every call in flight is metered (or the relay is gone). */
  async sync(): Promise<void> {
    if (this.gone) return;
    const id = this.nextSync++;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      this.syncs.set(id, () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.send({ type: 'sync', id } satisfies ToRelay, (error) => error && resolve());
    });
    this.syncs.delete(id);
  }

  tally(from = 0): GatewayTally {
    const calls = this.calls.slice(from);
    const tally: GatewayTally = { requests: calls.length, costUsd: 0, unpriced: [] };
    for (const call of calls) {
      tally.usage = addUsage(tally.usage, call.usage);
      if (call.costUsd !== undefined) tally.costUsd += call.costUsd;
      else if (call.usage && !tally.unpriced.includes(call.model ?? '?')) tally.unpriced.push(call.model ?? '?');
    }
    return tally;
  }

  /** The Agent with each call's cost and usage as metered here, the CLI's own report kept beside them. */
  meter(agent: Agent): Agent {
    return new MeteredAgent(agent, this);
  }

  async stop(): Promise<void> {
    if (this.gone || this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' } satisfies ToRelay, () => {});
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  }
}

class MeteredAgent implements Agent {
  readonly name: string;

  constructor(
    private readonly inner: Agent,
    private readonly gateway: ModelGateway,
  ) {
    this.name = inner.name;
  }

  async run(request: AgentRequest): Promise<AgentResult> {
    const before = this.gateway.blockReason();
    if (before) return { exitCode: null, timedOut: false, error: before, blockedBy: before, metered: true, costUsd: 0 };
    const from = this.gateway.calls.length;
    const result = await this.inner.run(request);
    await this.gateway.sync();
    const tally = this.gateway.tally(from);
    const blockedBy = this.gateway.blockReason();
    const { costUsd, usage, ...rest } = result;
    return {
      ...rest,
      costUsd: tally.costUsd,
      usage: tally.usage ?? { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
      metered: true,
      reported: { ...(costUsd !== undefined ? { costUsd } : {}), ...(usage ? { usage } : {}) },
      ...(blockedBy ? { blockedBy, error: blockedBy } : {}),
    };
  }
}
