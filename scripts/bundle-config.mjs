// One place for the bundle settings, shared by `npm run package` and the
// test that fails when dist/ is stale.
// esbuild: a single-file ESM bundle in well under a second, small output and
// a fast cold start (no module resolution at run time).
export const BANNER =
  "import { createRequire as __samocodeCreateRequire } from 'node:module';\nconst require = __samocodeCreateRequire(import.meta.url);";

export function bundleOptions(entry, outfile) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    banner: { js: BANNER },
    logLevel: 'warning',
  };
}

export const ENTRIES = [
  ['src/cli.ts', 'dist/cli.js'],
];
