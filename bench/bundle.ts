// The bundle: sizes of what dist/ ships, and which packages are in it, from
// esbuild's metafile for the same BUILDS as `npm run package` (built in
// memory: dist/ is not touched). The goal: no dependency bytes in the
// entry, every dependency bundled and every import declared, and none of
// zod's locales or undici in the action's files.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Esbuild from 'esbuild';
import { round, type Ctx, type Results } from './lib.js';

export interface PackageUse {
  name: string;
  version: string;
  /** Where it sits in node_modules (a nested copy has a longer path). */
  dir: string;
  bytes: number;
  /** Bytes per output file. */
  outputs: Record<string, number>;
  importedBySrc: boolean;
  /** For a package src does not import: the files that import it. */
  importedFrom: string[];
  /** Bytes in the action's files (dist/index.js and dist/chunks/) and in dist/cli.js. */
  actionBytes: number;
  cliBytes: number;
  /** Every importer is CommonJS: esbuild keeps the whole module whether or not anything calls it. */
  onlyFromCommonJs: boolean;
}

export interface BundleReport {
  dist: { file: string; bytes: number }[];
  distTotal: number;
  /** Sizes a fresh build of the current src would have (differs from dist/ when dist/ is stale). */
  fresh: { file: string; bytes: number }[];
  freshTotal: number;
  packages: PackageUse[];
  srcImports: string[];
  dependencies: string[];
  /** package.json dependencies that no bundle contains. */
  unbundledDependencies: string[];
  /** Packages src imports that package.json declares neither as a dependency nor as a dev dependency. */
  undeclared: string[];
  /** Bundled packages that src does not import itself. */
  transitive: PackageUse[];
  /** Packages bundled from more than one folder. */
  duplicates: string[];
  /** node_modules bytes in the entry that every event loads (dist/index.js). */
  entryDependencyBytes: number;
  /** Bytes of zod's locales (other than the English default) and of undici, per output file that has any. */
  unwanted: { file: string; zodLocales: number; undici: number }[];
}

const ZOD_LOCALE = /node_modules\/zod\/v4\/locales\/(?!en\.js$|index\.js$)/;
const UNDICI = /node_modules\/undici\//;

function packageDir(input: string): string | null {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return null;
  const rest = input.slice(at + 'node_modules/'.length).split('/');
  const name = rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  return `${input.slice(0, at)}node_modules/${name}`;
}

const packageName = (dir: string) => dir.slice(dir.lastIndexOf('node_modules/') + 'node_modules/'.length);

function bareName(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function listDist(root: string): { file: string; bytes: number }[] {
  const dist = join(root, 'dist');
  const files: { file: string; bytes: number }[] = [];
  for (const name of ['index.js', 'cli.js']) if (existsSync(join(dist, name))) files.push({ file: `dist/${name}`, bytes: statSync(join(dist, name)).size });
  const chunks = join(dist, 'chunks');
  if (existsSync(chunks)) for (const name of readdirSync(chunks).sort()) files.push({ file: `dist/chunks/${name}`, bytes: statSync(join(chunks, name)).size });
  return files;
}

export async function bundleReport(root: string, esbuild: typeof Esbuild): Promise<BundleReport> {
  const { BUILDS } = (await import(pathToFileURL(join(root, 'scripts', 'bundle-config.mjs')).href)) as { BUILDS: Esbuild.BuildOptions[] };
  const inputs: Esbuild.Metafile['inputs'] = {};
  const outputs: Esbuild.Metafile['outputs'] = {};
  for (const options of BUILDS) {
    const result = await esbuild.build({ ...options, absWorkingDir: root, metafile: true, write: false, logLevel: 'silent' });
    Object.assign(inputs, result.metafile!.inputs);
    Object.assign(outputs, result.metafile!.outputs);
  }

  const srcImports = new Set<string>();
  for (const [path, input] of Object.entries(inputs)) {
    if (!path.startsWith('src/')) continue;
    for (const imp of input.imports) {
      const name = imp.original ? bareName(imp.original) : null;
      if (name) srcImports.add(name);
    }
  }

  const packages = new Map<string, PackageUse>();
  for (const [file, output] of Object.entries(outputs)) {
    if (file.endsWith('.map')) continue;
    for (const [input, use] of Object.entries(output.inputs)) {
      const dir = packageDir(input);
      if (!dir) continue;
      let p = packages.get(dir);
      if (!p) {
        const manifest = join(root, dir, 'package.json');
        const version = existsSync(manifest) ? ((JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version ?? '?') : '?';
        p = { name: packageName(dir), version, dir, bytes: 0, outputs: {}, importedBySrc: false, importedFrom: [], actionBytes: 0, cliBytes: 0, onlyFromCommonJs: false };
        packages.set(dir, p);
      }
      p.bytes += use.bytesInOutput;
      p.outputs[file] = (p.outputs[file] ?? 0) + use.bytesInOutput;
      if (file === 'dist/cli.js') p.cliBytes += use.bytesInOutput;
      else p.actionBytes += use.bytesInOutput;
    }
  }
  // Who imports each package (file by file), to say why a package src does not import is there.
  for (const [path, input] of Object.entries(inputs)) {
    const from = packageDir(path);
    for (const imp of input.imports) {
      const to = packageDir(imp.path);
      if (!to || to === from) continue;
      const p = packages.get(to);
      if (p && !p.importedFrom.includes(path)) p.importedFrom.push(path);
    }
  }
  for (const p of packages.values()) {
    p.importedBySrc = srcImports.has(p.name) && p.importedFrom.some((f) => f.startsWith('src/'));
    p.onlyFromCommonJs = p.importedFrom.length > 0 && p.importedFrom.every((f) => inputs[f]?.format === 'cjs');
  }

  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const dependencies = Object.keys(manifest.dependencies ?? {});
  // The package installs with no runtime dependencies (the bundle holds them): what src imports is declared as a dev dependency.
  const declared = [...dependencies, ...Object.keys(manifest.devDependencies ?? {})];
  const bundledNames = new Set([...packages.values()].map((p) => p.name));
  const byName = new Map<string, number>();
  for (const p of packages.values()) byName.set(p.name, (byName.get(p.name) ?? 0) + 1);

  const fresh = Object.entries(outputs)
    .filter(([f]) => !f.endsWith('.map'))
    .map(([file, o]) => ({ file, bytes: o.bytes }))
    .sort((a, b) => a.file.localeCompare(b.file));
  const dist = listDist(root);
  const entry = outputs['dist/index.js'];
  const entryDependencyBytes = entry ? Object.entries(entry.inputs).filter(([i]) => packageDir(i)).reduce((a, [, u]) => a + u.bytesInOutput, 0) : 0;
  const list = [...packages.values()].sort((a, b) => b.bytes - a.bytes);
  const unwanted = Object.entries(outputs)
    .filter(([f]) => !f.endsWith('.map'))
    .map(([file, o]) => {
      const sum = (re: RegExp) => Object.entries(o.inputs).filter(([i]) => re.test(i)).reduce((a, [, u]) => a + u.bytesInOutput, 0);
      return { file, zodLocales: sum(ZOD_LOCALE), undici: sum(UNDICI) };
    })
    .filter((u) => u.zodLocales + u.undici > 0);
  return {
    dist,
    distTotal: dist.reduce((a, f) => a + f.bytes, 0),
    fresh,
    freshTotal: fresh.reduce((a, f) => a + f.bytes, 0),
    packages: list,
    srcImports: [...srcImports].sort(),
    dependencies,
    unbundledDependencies: dependencies.filter((d) => !bundledNames.has(d)),
    undeclared: [...srcImports].filter((n) => !declared.includes(n)).sort(),
    transitive: list.filter((p) => !p.importedBySrc),
    duplicates: [...byName].filter(([, n]) => n > 1).map(([name]) => name),
    entryDependencyBytes,
    unwanted,
  };
}

export async function bundleSection(ctx: Ctx, res: Results, esbuild: typeof Esbuild): Promise<void> {
  const b = await bundleReport(ctx.root, esbuild);
  const kb = (n: number) => `${round(n / 1024, 1)} KB`;
  for (const f of b.dist) res.figures.push({ id: `bundle.${f.file}`, figure: `bundle: ${f.file}`, value: f.bytes, unit: 'bytes', holds: null });
  res.figures.push(
    { id: 'bundle.total', figure: 'bundle: dist/ total', value: b.distTotal, unit: 'bytes', holds: null },
    { id: 'bundle.entryDeps', figure: 'bundle: dependency bytes in dist/index.js', value: b.entryDependencyBytes, unit: 'bytes', goal: '0 (cold start)', holds: b.entryDependencyBytes === 0 },
    {
      id: 'bundle.unbundled',
      figure: 'bundle: package.json dependencies in no bundle',
      value: b.unbundledDependencies.join(', ') || 'none',
      goal: 'none',
      holds: b.unbundledDependencies.length === 0,
    },
    { id: 'bundle.undeclared', figure: 'bundle: src imports not in package.json', value: b.undeclared.join(', ') || 'none', goal: 'none', holds: b.undeclared.length === 0 },
    ...(b.packages[0] ? [{ id: 'bundle.largest', figure: 'bundle: largest package (action / cli)', value: `${b.packages[0].name} ${kb(b.packages[0].actionBytes)} / ${kb(b.packages[0].cliBytes)}`, holds: null }] : []),
    ...(b.transitive[0]
      ? [
          {
            id: 'bundle.largestTransitive',
            figure: 'bundle: largest package src does not import',
            value: `${b.transitive[0].name} ${kb(b.transitive[0].bytes)} ← ${b.transitive[0].importedFrom[0]?.replace(/^.*node_modules\//, '') ?? '?'}`,
            holds: null,
          },
        ]
      : []),
    {
      id: 'bundle.transitive',
      figure: 'bundle: bundled packages src does not import',
      value: `${b.transitive.length} (${kb(b.transitive.reduce((a, p) => a + p.bytes, 0))})`,
      goal: 'each needed by a src import',
      holds: null,
    },
  );
  const actionUnwanted = b.unwanted.filter((u) => u.file !== 'dist/cli.js');
  const unwantedBytes = actionUnwanted.reduce((a, u) => a + u.zodLocales + u.undici, 0);
  res.figures.push({
    id: 'bundle.actionUnwanted',
    figure: "bundle: zod's locales and undici in the action's files",
    value: unwantedBytes,
    unit: 'bytes',
    goal: '0',
    holds: unwantedBytes === 0,
    ...(actionUnwanted.length ? { note: actionUnwanted.map((u) => `${u.file}: zod locales ${u.zodLocales}, undici ${u.undici}`).join('; ') } : {}),
  });
  ctx.log(`  zod's locales and undici: ${b.unwanted.length ? b.unwanted.map((u) => `${u.file} ${kb(u.zodLocales)} / ${kb(u.undici)}`).join(', ') : 'in no output file'}`);
  ctx.log(`  dist/: ${b.dist.map((f) => `${f.file} ${kb(f.bytes)}`).join(', ')}; total ${kb(b.distTotal)} (a fresh build of src now: ${kb(b.freshTotal)})`);
  ctx.log(`  src imports: ${b.srcImports.join(', ')}`);
  ctx.log('  packages in the bundles (bytes in the action files / in dist/cli.js; * = imported by src; (cjs) = only CommonJS modules import it, so esbuild keeps it whole whether or not it is called):');
  for (const p of b.packages) {
    const via = p.importedBySrc ? '' : ` ← ${p.importedFrom.slice(0, 3).join(', ')}${p.importedFrom.length > 3 ? ', …' : ''}${p.onlyFromCommonJs ? ' (cjs)' : ''}`;
    ctx.log(`    ${p.importedBySrc ? '*' : ' '} ${p.name}@${p.version} ${kb(p.actionBytes)} / ${kb(p.cliBytes)}${via}`);
  }
  if (b.unbundledDependencies.length) ctx.log(`  package.json dependencies in no bundle: ${b.unbundledDependencies.join(', ')}`);
  if (b.duplicates.length) ctx.log(`  bundled in two versions: ${b.duplicates.join(', ')}`);
  res.goals.push({
    goal: 'earlier: bundle',
    figure: `dependency bytes in dist/index.js ${b.entryDependencyBytes}; zod's locales and undici in the action's files ${unwantedBytes} bytes; unbundled dependencies: ${b.unbundledDependencies.join(', ') || 'none'}; undeclared imports: ${b.undeclared.join(', ') || 'none'}`,
    against: '0 bytes; 0 bytes; none; none',
    holds: b.entryDependencyBytes === 0 && unwantedBytes === 0 && b.unbundledDependencies.length === 0 && b.undeclared.length === 0,
  });
  res.details.bundle = {
    ...b,
    packages: b.packages.map((p) => ({ ...p, importedFrom: p.importedFrom.slice(0, 5) })),
    transitive: b.transitive.map((p) => ({ name: p.name, bytes: p.bytes, via: p.importedFrom.slice(0, 5) })),
  };
}
