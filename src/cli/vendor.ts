// What `samocode init` copies into a repository: the action as the runner
// needs it and nothing more. dist/index.js loads its chunks, finds prompts/
// beside it (the package root is where prompts/workflow.md is), forks the
// model gateway's relay (dist/relay.js), and the script provider plays
// scenarios/default.json; nothing else of the package is read at run time
// (dist/cli.js, dist/doctor.js, skills/ and package.json are the CLI's).
// test/e2e/init.test.ts runs a whole session from such a copy alone.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { RECORD_NAME } from '../core/vendored.js';

/** Files and folders of the package that make up the vendored action. */
export const VENDORED = ['action.yml', 'dist/index.js', 'dist/chunks', 'dist/relay.js', 'prompts', 'scenarios'] as const;

/** Every file under `dir` (or `dir` itself when it is a file), by path relative to `root` with `/`. */
async function filesUnder(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOTDIR') return null;
    throw error;
  });
  if (entries === null) return [dir];
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? filesUnder(root, join(dir, e.name)) : [join(dir, e.name)])));
  return nested.flat();
}

/** The vendored action's files from the package, by relative path. */
export async function shippedAction(packageRoot: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const item of VENDORED) {
    if (!existsSync(join(packageRoot, item))) throw new Error(`the package has no ${item}; run \`npm run package\` in it first`);
    for (const path of (await filesUnder(packageRoot, item)).sort()) files.set(path.split(sep).join('/'), await readFile(join(packageRoot, path)));
  }
  return files;
}

/** What a folder holds now (the record left out), by relative path; null when there is no folder. */
export async function actionInRepository(dir: string): Promise<Map<string, Buffer> | null> {
  if (!existsSync(dir)) return null;
  const files = new Map<string, Buffer>();
  for (const path of (await filesUnder(dir, '.')).sort()) {
    const name = relative('.', path).split(sep).join('/');
    if (name !== RECORD_NAME) files.set(name, await readFile(join(dir, path)));
  }
  return files;
}

/** sha256 over the files' paths and bytes, in path order. */
export function digestOf(files: Map<string, Buffer>): string {
  const hash = createHash('sha256');
  for (const path of [...files.keys()].sort()) {
    const bytes = files.get(path)!;
    hash.update(`${path}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return `sha256:${hash.digest('hex')}`;
}

export const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

export function sameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): boolean {
  return a.size === b.size && [...a].every(([path, bytes]) => b.get(path)?.equals(bytes) === true);
}
