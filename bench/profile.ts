// Where the orchestrator's own time goes: the package built again, not
// minified (esbuild then marks each module with a `// path` line), into a
// temp folder, with simple-git's 50 ms wait taken out, and run under
// `node --cpu-prof`. Each sample is put down to the module (a src file or a
// package) of the innermost bundled frame on its stack, so time spent in
// Node's own code (spawning, fs, streams) counts for the module that asked.
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Esbuild from 'esbuild';
import { tempDir, type Ctx } from './lib.js';
import { removeWait } from './whatif.js';

export interface ProfilePackage {
  root: string;
  patched: Record<string, number>;
}

let cached: ProfilePackage | null = null;

export async function profilePackage(ctx: Ctx, esbuild: typeof Esbuild): Promise<ProfilePackage> {
  if (cached) return cached;
  const root = tempDir(ctx, 'profile-pkg');
  const { BUILDS } = (await import(pathToFileURL(join(ctx.root, 'scripts', 'bundle-config.mjs')).href)) as { BUILDS: Esbuild.BuildOptions[] };
  for (const options of BUILDS) await esbuild.build({ ...options, absWorkingDir: ctx.root, outdir: join(root, 'dist'), minify: false, logLevel: 'silent' });
  for (const name of ['prompts', 'package.json']) cpSync(join(ctx.root, name), join(root, name), { recursive: true });
  cached = { root, patched: removeWait(root) };
  return cached;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** For each bundled file (by URL): the first line of each module and its name. */
function moduleIndex(root: string): Map<string, { line: number; module: string }[]> {
  const index = new Map<string, { line: number; module: string }[]>();
  const chunks = join(root, 'dist', 'chunks');
  const files = [join(root, 'dist', 'cli.js'), join(root, 'dist', 'index.js'), ...(existsSync(chunks) ? readdirSync(chunks).map((f) => join(chunks, f)) : [])];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const marks: { line: number; module: string }[] = [];
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, line) => {
        const m = /^\/\/ ((?:node_modules|src)\/\S+)$/.exec(text);
        if (m) marks.push({ line, module: m[1]! });
      });
    index.set(pathToFileURL(file).href, marks);
  }
  return index;
}

/** `src/core/loop.ts` stays as it is; a dependency becomes its package name. */
function group(module: string): string {
  if (module.startsWith('src/') || module.startsWith('(')) return module;
  const rest = module.slice(module.lastIndexOf('node_modules/') + 'node_modules/'.length).split('/');
  return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
}

export interface ProfileSummary {
  wallMs: number;
  /** Milliseconds by module (src file or package), Node's own code counted for the module that called it. */
  byModule: Record<string, number>;
  idleMs: number;
  gcMs: number;
  otherMs: number;
}

export function summarizeProfile(profileDir: string, root: string): ProfileSummary {
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${profileDir}`);
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile;
  const index = moduleIndex(root);
  const parent = new Map<number, number>();
  const nodes = new Map<number, ProfileNode>();
  for (const n of profile.nodes) {
    nodes.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const attribution = new Map<number, string>();
  const attribute = (id: number): string => {
    const known = attribution.get(id);
    if (known) return known;
    const leaf = nodes.get(id)!;
    let name: string | null = null;
    if (leaf.callFrame.functionName === '(idle)') name = '(idle)';
    else if (leaf.callFrame.functionName === '(garbage collector)') name = '(gc)';
    for (let at: number | undefined = id; name === null && at !== undefined; at = parent.get(at)) {
      const frame = nodes.get(at)!.callFrame;
      const marks = index.get(frame.url);
      if (!marks) continue;
      let module = '(bundle preamble)';
      for (const m of marks) {
        if (m.line > frame.lineNumber) break;
        module = m.module;
      }
      name = group(module);
    }
    name ??= '(node, outside any bundled module)';
    attribution.set(id, name);
    return name;
  };
  const totals: Record<string, number> = {};
  profile.samples.forEach((id, i) => {
    const name = attribute(id);
    totals[name] = (totals[name] ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000;
  });
  const take = (k: string) => {
    const v = totals[k] ?? 0;
    delete totals[k];
    return v;
  };
  const idleMs = take('(idle)');
  const gcMs = take('(gc)');
  const otherMs = take('(node, outside any bundled module)');
  return {
    wallMs: (profile.endTime - profile.startTime) / 1000,
    byModule: Object.fromEntries(Object.entries(totals).sort((a, b) => b[1] - a[1])),
    idleMs,
    gcMs,
    otherMs,
  };
}
