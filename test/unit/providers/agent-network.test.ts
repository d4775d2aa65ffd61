// The backstop of the agent's network: outside its namespace, anything the
// agent user sends is dropped by a rule on its uid, while root's traffic to
// the same host goes through; once the network is closed the rule is gone.
// Real namespaces, links and rules (tests run as root), against the test
// "internet" of test/helpers/internet.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { egressPolicy } from '../../../src/core/egress.js';
import { AgentNetwork } from '../../../src/providers/agent-network.js';
import { prepareAgentUser, releaseAgentUser, type AgentIdentity } from '../../../src/providers/agent-user.js';
import { startInternet, type Internet } from '../../helpers/internet.js';

let internet: Internet;
let identity: AgentIdentity;

beforeAll(async () => {
  internet = await startInternet(() => ({}));
  const root = mkdtempSync(join(tmpdir(), 'samocode-net-unit-'));
  const workspace = join(root, 'ws');
  spawnSync('git', ['init', '-q', workspace]);
  const user = await prepareAgentUser('auto', { workspace, tempRoot: join(root, 'temp'), log: () => {}, inView: true });
  if (!user.isolated) throw new Error(user.reason);
  identity = user;
}, 30_000);

afterAll(() => {
  internet?.stop();
  if (identity) releaseAgentUser(identity);
});

/** A TCP connect from the host's own network, as `uid` (or root), bounded: `ok` or why not. */
function connectAs(uid: number | undefined, host: string, port: number): string {
  const code = `const s=require('net').connect({host:${JSON.stringify(host)},port:${port}});s.on('connect',()=>{console.log('ok');process.exit(0)});s.on('error',(e)=>{console.log(e.code);process.exit(0)});setTimeout(()=>{console.log('timeout');process.exit(0)},1500);`;
  const argv = uid === undefined ? [process.execPath, '-e', code] : ['setpriv', `--reuid=${uid}`, `--regid=${uid === identity.uid ? identity.gid : uid}`, '--clear-groups', '--', process.execPath, '-e', code];
  return spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', cwd: '/' }).stdout.trim();
}

describe("the agent network's uid backstop", () => {
  it("drops the agent user's traffic outside the namespace, only while the network is open", async () => {
    expect(connectAs(identity.uid, internet.v4, 443)).toBe('ok');
    const network = await AgentNetwork.open({ mode: 'restricted', identity, policy: egressPolicy('claude', []), log: () => {} });
    try {
      expect(connectAs(undefined, internet.v4, 443)).toBe('ok');
      expect(connectAs(identity.uid, internet.v4, 443)).not.toBe('ok');
      expect(connectAs(identity.uid, internet.v6, 443)).not.toBe('ok');
      // Not even the proxy from outside: the agent's way to it is through the namespace only.
      expect(connectAs(identity.uid, network.hostAddress, network.proxy!.port)).not.toBe('ok');
    } finally {
      await network.close();
    }
    expect(connectAs(identity.uid, internet.v4, 443)).toBe('ok');
    const ns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    expect(ns).not.toContain(network.name);
    expect(spawnSync('iptables', ['-w', '-S'], { encoding: 'utf8' }).stdout).not.toContain(`SC-${network.name.slice('samocode-'.length)}-`);
  }, 30_000);
});
