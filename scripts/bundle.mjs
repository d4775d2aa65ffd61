import { chmod, rm } from 'node:fs/promises';
import { build } from 'esbuild';
import { BUILDS } from './bundle-config.mjs';

await rm('dist', { recursive: true, force: true });
for (const options of BUILDS) await build(options);
await chmod('dist/cli.js', 0o755);
console.log('bundled dist/');
