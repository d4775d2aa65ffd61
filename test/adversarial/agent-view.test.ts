// The agent's filesystem view (DESIGN §6a), through the built action: earlier
// steps of the job left an .npmrc with a registry token in the runner's HOME
// and a credentials file in RUNNER_TEMP, both readable by anyone, the way
// hosted runners' steps often do; the work tree lies under HOME, as it does on
// hosted runners. The agent, as its own user, reads neither (not by path, not
// by `..` from its work tree, not through /proc), while it still works in its
// tree and its own HOME; and no folder of the runner was opened up for it.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFakeCli } from '../helpers/fake-cli.js';
import { useFakeGitHub } from '../helpers/fake-github.js';
import { labeledEvent, makeRemote, remoteFile, runBuiltAction } from '../helpers/runner.js';

const github = useFakeGitHub({ Codertocat: 'admin' });

const PEEK = String.raw`
const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
const tryRead = (p) => { try { return 'read:' + fs.readFileSync(p, 'utf8').slice(0, 200); } catch (e) { return 'error:' + e.code; } };
const tryList = (p) => { try { return 'list:' + fs.readdirSync(p).sort().join(','); } catch (e) { return 'error:' + e.code; } };
const seen = {
  npmrc: tryRead(path.join(cfg.home, '.npmrc')),
  homeList: tryList(cfg.home),
  tempCreds: tryRead(path.join(cfg.temp, 'credentials.json')),
  tempList: tryList(cfg.temp),
  upFromTree: tryRead(path.resolve(process.cwd(), '..', '..', '.npmrc')),
  upList: tryList(path.resolve(process.cwd(), '..', '..')),
  viaProcCwd: tryRead('/proc/self/cwd/../../.npmrc'),
  viaProcRoot: tryRead('/proc/self/root' + path.join(cfg.home, '.npmrc')),
  ownHome: (() => { try { fs.writeFileSync(path.join(process.env.HOME, 'mine.txt'), 'x'); return tryRead(path.join(process.env.HOME, 'mine.txt')); } catch (e) { return 'error:' + e.code; } })(),
  ownTmp: (() => { try { fs.writeFileSync(path.join(process.env.TMPDIR, 'mine.txt'), 'y'); return tryRead(path.join(process.env.TMPDIR, 'mine.txt')); } catch (e) { return 'error:' + e.code; } })(),
  uid: process.getuid(),
};
fs.writeFileSync('agent-was-here.txt', 'written in the work tree\n');
fs.writeFileSync(path.join(dir, 'seen.json'), JSON.stringify(seen, null, 1));
signal({ status: 'blocked', phase: process.env.SAMOCODE_PHASE, reason: 'looked around' });
`;

describe("the agent's filesystem view", () => {
  it("hides what earlier steps left in the runner's HOME and RUNNER_TEMP, and opens no folder of the runner", async () => {
    github.addIssue({ number: 451, title: 'Leftovers', body: 'Look around.', labels: ['samocode'] });
    // The runner's HOME and RUNNER_TEMP, readable by others, as earlier steps leave them.
    const home = mkdtempSync(join(tmpdir(), 'samocode-runner-home-'));
    chmodSync(home, 0o755);
    writeFileSync(join(home, '.npmrc'), '//registry.npmjs.org/:_authToken=npm_LEFTOVER_TOKEN\n', { mode: 0o644 });
    const temp = join(home, 'work', '_temp');
    mkdirSync(temp, { recursive: true, mode: 0o755 });
    writeFileSync(join(temp, 'credentials.json'), '{"private_key":"LEFTOVER-KEY"}\n', { mode: 0o644 });
    // The work tree under HOME, with a folder on the way that others may not pass through.
    const remote = makeRemote({ 'README.md': '# x\n' });
    const closed = join(home, 'work', 'closed');
    mkdirSync(closed, { mode: 0o700 });
    chmodSync(closed, 0o700);
    const workspace = join(closed, 'Hello-World');
    execFileSync('git', ['clone', '-q', '--depth=1', '--single-branch', '--branch', 'main', remote.url, workspace]);
    const modes = (path: string) => {
      const out: Record<string, number> = {};
      for (let dir = dirname(path); dir !== '/'; dir = dirname(dir)) out[dir] = statSync(dir).mode & 0o7777;
      return out;
    };
    const before = modes(workspace);

    const cli = await writeFakeCli('claude', PEEK);
    writeFileSync(join(cli.dir, 'config.json'), JSON.stringify({ home, temp }));
    const run = await runBuiltAction({
      apiUrl: github.url,
      snapshotFrom: github,
      workspace,
      event: 'issues',
      payload: labeledEvent(451),
      inputs: { provider: 'claude', 'cli-path': cli.path },
      env: { HOME: home, RUNNER_TEMP: temp },
      timeoutMs: 90_000,
    });
    expect(run.outputs.status, run.stdout.slice(-3000)).toBe('blocked');
    const seen = JSON.parse(readFileSync(join(cli.dir, 'seen.json'), 'utf8')) as Record<string, string | number>;
    expect(seen.uid).not.toBe(0);
    for (const key of ['npmrc', 'tempCreds', 'upFromTree', 'viaProcCwd', 'viaProcRoot']) expect(seen[key], key).toMatch(/^error:/);
    // The covered folders show only the way to what the agent was given.
    expect(seen.homeList).toBe('list:work');
    expect(String(seen.tempList)).toMatch(/^list:(samocode-agent-[^,]+)?$/);
    // `..` from the tree leads through the view: the way to the agent's folders, nothing else.
    expect(seen.upList).toBe('list:_temp,closed');
    expect(seen.ownHome).toBe('read:x');
    expect(seen.ownTmp).toBe('read:y');
    expect(remoteFile(remote, run.outputs.branch!, 'agent-was-here.txt')).toBe('written in the work tree\n');
    expect(JSON.stringify(seen)).not.toContain('LEFTOVER');
    // No folder of the runner was opened up (o+x) on the way.
    expect(modes(workspace)).toEqual(before);
    expect(run.summary).toContain("the runner user's HOME and RUNNER_TEMP are not in its view");
  }, 120_000);
});
