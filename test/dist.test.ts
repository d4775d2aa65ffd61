// dist/ is committed; it must be what `npm run package` makes from src/ now.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module without types
import { ENTRIES, bundleOptions } from '../scripts/bundle-config.mjs';
import { ROOT } from './helpers/project.js';

describe('dist/', () => {
  it.each(ENTRIES as [string, string][])('%s is bundled into %s and up to date', async (entry, outfile) => {
    const result = await build({ ...bundleOptions(join(ROOT, entry), join(ROOT, outfile)), write: false, absWorkingDir: ROOT });
    const fresh = result.outputFiles[0]!.text;
    const committed = readFileSync(join(ROOT, outfile), 'utf8');
    expect(committed === fresh, `${outfile} is stale: run \`npm run package\` and commit dist/`).toBe(true);
  });
});
