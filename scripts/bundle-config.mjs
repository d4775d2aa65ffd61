// One place for the bundle settings, shared by `npm run package` and the
// test that fails when dist/ is stale.
// esbuild: an ESM bundle in well under a second, small output and a fast
// cold start. The action entry is split: `dist/index.js` decides from the
// payload alone whether to act, and loads the rest only when it must.
export const BANNER =
  "import { createRequire as __samocodeCreateRequire } from 'node:module';\nconst require = __samocodeCreateRequire(import.meta.url);";

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  outdir: 'dist',
};

export const BUILDS = [
  {
    ...common,
    entryPoints: { index: 'src/action/entry.ts' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // Only chunks that need `require` (CommonJS dependencies) get it.
    banner: { js: BANNER },
  },
  { ...common, entryPoints: { cli: 'src/cli/entry.ts' }, banner: { js: `#!/usr/bin/env node\n${BANNER}` } },
];
