// Every temp folder the tests make (repositories, workspaces, sessions, fake
// CLIs) goes under one folder for the run, removed at the end; so do the
// agent users the action made for the tests' work trees (one per work tree).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `samocode-<hash>` users: the ones `agent-user: auto` makes. */
function agentUsers(): Set<string> {
  const passwd = readFileSync('/etc/passwd', 'utf8');
  return new Set(passwd.split('\n').map((line) => line.split(':')[0]!).filter((name) => /^samocode-[0-9a-f]{10}$/.test(name)));
}

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'samocode-tests-'));
  // Agent users pass through to their work trees and to the fake CLIs, without listing what else is here.
  chmodSync(root, 0o711);
  const before = agentUsers();
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    for (const user of agentUsers()) if (!before.has(user)) execFileSync('userdel', [user], { stdio: 'ignore' });
    rmSync(root, { recursive: true, force: true });
  };
}
