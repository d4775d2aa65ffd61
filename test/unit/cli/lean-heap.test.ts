// dist/cli.js sets V8 flags at run time (src/cli/lean-heap.ts). V8 does not
// fail on a flag it does not know: it prints "unrecognized flag" and goes on
// without it, so a flag renamed by a node upgrade would be lost in silence.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
// Read from the source, not imported: importing it would set the flags in this test process.
const LEAN_HEAP_FLAGS = [...readFileSync(join(ROOT, 'src', 'cli', 'lean-heap.ts'), 'utf8').matchAll(/'(--[a-z-]+(?:=\d+)?)'/g)].map((m) => m[1]!);

describe('the lean-heap flags', () => {
  it('are all known to this node: dist/cli.js starts with nothing on stderr', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), '--version'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^samocode /);
  });

  it('each names a V8 option of this node', () => {
    expect(LEAN_HEAP_FLAGS.length).toBeGreaterThan(0);
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    for (const flag of LEAN_HEAP_FLAGS) {
      const name = flag.replace(/^--(no-)?/, '').replace(/=.*$/, '');
      expect(options, flag).toContain(`--${name} `);
    }
  });
});
