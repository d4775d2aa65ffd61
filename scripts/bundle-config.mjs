// One place for the bundle settings, shared by `npm run package` and the
// test that fails when dist/ is stale.
// esbuild: an ESM bundle in well under a second, small output and a fast
// cold start. The action entry is split: `dist/index.js` decides from the
// payload alone whether to act, and loads the rest only when it must.
export const BANNER =
  "import { createRequire as __samocodeCreateRequire } from 'node:module';\nconst require = __samocodeCreateRequire(import.meta.url);";

// Two dependencies the action never uses, kept out of the bundles (their
// bytes are parsed on every run that acts): zod's messages in 40 languages
// (`z.locales`, which zod's index re-exports; its English default is
// imported on its own), and undici, which @actions/http-client imports only
// for a proxy agent that @actions/core's OIDC token call would build; samocode
// never asks for a token that way.
const ZOD_LOCALES = /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/;
export const leanDependencies = {
  name: 'lean-dependencies',
  setup(build) {
    build.onLoad({ filter: ZOD_LOCALES }, () => ({ contents: 'export { default as en } from "./en.js";\n', loader: 'js' }));
    build.onResolve({ filter: /^undici$/ }, () => ({ path: 'undici', namespace: 'lean-dependencies' }));
    build.onLoad({ filter: /.*/, namespace: 'lean-dependencies' }, () => ({
      contents: 'export class ProxyAgent { constructor() { throw new Error("samocode does not bundle undici: a proxy agent from @actions/http-client is not available"); } }\n',
      loader: 'js',
    }));
  },
};

// node:crypto, loaded on first use: an import of it is hoisted, so every
// start paid for the module (about 0.5 MiB of a terminal run, the bench's
// goal 3) while a run of the loop calls none of it. The functions samocode
// imports from it are stand-ins that load it once; importing any other name
// fails the build (import-is-undefined is an error below, which also catches
// a namespace import's unknown member), so the list cannot fall behind the
// sources. Dependencies that import `crypto` by its bare name (@actions/core)
// keep their own import: the saving is the terminal run's.
const LAZY_CRYPTO = ['createHash', 'randomBytes', 'randomInt', 'randomUUID', 'timingSafeEqual'];
export const lazyCrypto = {
  name: 'lazy-crypto',
  setup(build) {
    build.onResolve({ filter: /^node:crypto$/ }, () => ({ path: 'node:crypto', namespace: 'lazy-crypto' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy-crypto' }, () => ({
      contents: [
        "import { createRequire } from 'node:module';",
        'let crypto;',
        "const load = () => (crypto ??= createRequire(import.meta.url)('node:crypto'));",
        ...LAZY_CRYPTO.map((name) => `export const ${name} = (...args) => load().${name}(...args);`),
      ].join('\n'),
      loader: 'js',
      resolveDir: '.',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  legalComments: 'none',
  logOverride: { 'import-is-undefined': 'error' },
  logLevel: 'warning',
  outdir: 'dist',
  plugins: [leanDependencies, lazyCrypto],
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
  // `samocode doctor`, the one command that talks to the API, is a bundle of
  // its own that dist/cli.js imports when asked: the other commands start
  // without parsing the API client (it would make dist/cli.js two thirds bigger).
  { ...common, entryPoints: { doctor: 'src/cli/doctor.ts' }, banner: { js: BANNER } },
  // The model gateway's relay, a process of its own that the orchestrator forks.
  { ...common, entryPoints: { relay: 'src/gateway/relay-entry.ts' } },
];
