// dist/ is committed; it must be exactly what `npm run package` makes from src/ now.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module without types
import { BUILDS } from '../scripts/bundle-config.mjs';
import { ROOT } from './helpers/project.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('dist/', () => {
  it('is up to date with src/ (run `npm run package` and commit dist/)', async () => {
    const fresh = new Map<string, string>();
    for (const options of BUILDS as object[]) {
      const result = await build({ ...options, write: false, absWorkingDir: ROOT });
      for (const file of result.outputFiles!) fresh.set(relative(ROOT, file.path), file.text);
    }
    const committed = filesUnder(join(ROOT, 'dist')).map((f) => relative(ROOT, f));
    expect(committed.sort(), 'dist/ holds other files than the bundle makes').toEqual([...fresh.keys()].sort());
    const stale = [...fresh].filter(([path, text]) => readFileSync(join(ROOT, path), 'utf8') !== text).map(([path]) => path);
    expect(stale, 'stale files in dist/').toEqual([]);
  });
});
