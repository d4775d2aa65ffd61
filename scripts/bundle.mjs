import { chmod } from 'node:fs/promises';
import { build } from 'esbuild';
import { ENTRIES, bundleOptions } from './bundle-config.mjs';

for (const [entry, outfile] of ENTRIES) {
  await build(bundleOptions(entry, outfile));
}
await chmod('dist/cli.js', 0o755);
console.log(`bundled ${ENTRIES.map(([, out]) => out).join(', ')}`);
