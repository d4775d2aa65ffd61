// The bundle: sizes of what dist/ ships, and which packages are in it, from
// esbuild's metafile for the same BUILDS as `npm run package` (built in
// memory: dist/ is not touched).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Esbuild from 'esbuild';

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
  /** Packages src imports that package.json does not declare. */
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

  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const dependencies = Object.keys(manifest.dependencies ?? {});
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
    undeclared: [...srcImports].filter((n) => !dependencies.includes(n)).sort(),
    transitive: list.filter((p) => !p.importedBySrc),
    duplicates: [...byName].filter(([, n]) => n > 1).map(([name]) => name),
    entryDependencyBytes,
    unwanted,
  };
}
