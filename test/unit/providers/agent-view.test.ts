// Which folders the agent's filesystem view covers and which it binds back,
// from real folders and their modes.
import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planView, viewScript } from '../../../src/providers/agent-view.js';

function tree(): { root: string; home: string; temp: string; ws: string; agentHome: string; tools: string; open: string } {
  const root = mkdtempSync(join(tmpdir(), 'samocode-view-'));
  chmodSync(root, 0o755);
  const home = join(root, 'home');
  const temp = join(home, 'work', '_temp');
  const ws = join(home, 'work', 'repo', 'repo');
  const agentHome = join(temp, 'samocode-agent-x', 'agent-home-y');
  const tools = join(home, '.local', 'bin');
  const open = join(root, 'open', 'bin');
  for (const dir of [temp, ws, agentHome, tools, open]) mkdirSync(dir, { recursive: true, mode: 0o755 });
  return { root, home, temp, ws, agentHome, tools, open };
}

describe("the agent's filesystem view", () => {
  it("covers HOME (RUNNER_TEMP inside it goes with it) and binds back only what lies under a cover", async () => {
    const t = tree();
    const plan = await planView({ hide: [t.home, t.temp], keep: [t.ws, t.agentHome, t.tools, t.open, join(t.root, 'missing')], uid: 60000, gid: 60000 });
    expect(plan.hide).toEqual([t.home]);
    expect(plan.keep).toEqual([t.tools, t.agentHome, t.ws].sort());
  });

  it('covers a folder on the way that others may not pass through, and never one that holds a kept folder', async () => {
    const t = tree();
    const closed = join(t.root, 'open');
    chmodSync(closed, 0o700);
    const plan = await planView({ hide: [t.ws], keep: [t.open, t.ws], uid: 60000, gid: 60000 });
    expect(plan.hide).toEqual([closed]);
    expect(plan.keep).toEqual([t.open]);
    // A folder the agent's own group may pass through is not covered for it.
    chmodSync(closed, 0o710);
    const group = await planView({ hide: [], keep: [t.open], uid: 60000, gid: (await import('node:fs')).statSync(closed).gid });
    expect(group.hide).toEqual([]);
    chmodSync(closed, 0o755);
  });

  it('opens each kept folder before the covers go on, and closes the descriptors before the agent starts', () => {
    const script = viewScript({ hide: ["/home/it's"], keep: ['/home/it\'s/work/a b'] });
    expect(script.split('\n')).toEqual([
      `exec 3<'/home/it'\\''s/work/a b'`,
      `mount -t tmpfs -o mode=0755,size=64k,nosuid,nodev samocode-view '/home/it'\\''s'`,
      `mkdir -p '/home/it'\\''s/work/a b'`,
      `mount --no-canonicalize --bind /proc/self/fd/3 '/home/it'\\''s/work/a b'`,
      'exec 3<&-',
    ]);
  });
});
