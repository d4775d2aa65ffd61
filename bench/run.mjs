// `npm run bench`: bundles bench/main.ts (TypeScript, importing pieces of
// src/ and test/helpers/) with esbuild into a temp .mjs, runs it, removes it.
// The figures are printed as a table and written to bench/results.json.
// Exit 0 whatever the figures say; non-zero only when the bench crashes.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the project, so that the packages left out of the bundle resolve from node_modules.
const cache = join(root, 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const out = mkdtempSync(join(cache, 'samocode-bench-build-'));
try {
  const outfile = join(out, 'main.mjs');
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['bench/main.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    // The stand-ins read GitHub's published descriptions next to their own files: they stay packages.
    external: ['@octokit/graphql-schema', '@octokit/openapi', 'graphql', 'ajv', 'ajv-formats'],
    // In case a bundled CommonJS module calls require.
    banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module';\nconst require = __benchCreateRequire(import.meta.url);" },
  });
  const { main } = await import(pathToFileURL(outfile).href);
  process.exitCode = await main({ root, esbuild, args: process.argv.slice(2) });
} catch (error) {
  console.error(`bench: crashed: ${error?.stack ?? error}`);
  process.exitCode = 2;
} finally {
  rmSync(out, { recursive: true, force: true });
}
