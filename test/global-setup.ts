// Every temp folder the tests make (repositories, workspaces, sessions, fake
// CLIs) goes under one folder for the run, removed at the end; so do the
// agent users this run's actions made and did not remove (a killed action):
// those whose home is under the run's folder, never another run's.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `samocode-<hex>` users (the ones `agent-user: auto` makes) whose home is under `root`. */
function agentUsers(root: string): Set<string> {
  const passwd = readFileSync('/etc/passwd', 'utf8');
  const entries = passwd.split('\n').map((line) => line.split(':'));
  return new Set(entries.filter((f) => /^samocode-[0-9a-f]{10}$/.test(f[0]!) && (f[5] ?? '').startsWith(`${root}/`)).map((f) => f[0]!));
}

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'samocode-tests-'));
  // Agent users pass through to their work trees and to the fake CLIs, without listing what else is here.
  chmodSync(root, 0o711);

  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    for (const user of agentUsers(root)) {
      try {
        execFileSync('userdel', [user], { stdio: 'ignore' });
      } catch {
        // still in use: a process of it outlived its run, which a test reports
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
}
