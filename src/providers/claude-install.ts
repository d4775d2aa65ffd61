// `samocode install`: the skills (and the phase agents) where the Claude CLI
// finds them, so they also work by hand outside samocode. A manifest records
// exactly what was written; `samocode uninstall` removes exactly that, and
// leaves alone what a person changed since or what was there before.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';

export const MANIFEST = 'samocode-install.json';

interface Manifest {
  files: { path: string; sha1: string }[];
}

export interface InstallReport {
  target: string;
  written: string[];
  skipped: string[];
}

const sha1 = (data: Buffer | string) => createHash('sha1').update(data).digest('hex');

export function claudeConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLAUDE_CONFIG_DIR || join(env.HOME || homedir(), '.claude');
}

async function readManifest(target: string): Promise<Manifest> {
  try {
    return JSON.parse(await readFile(join(target, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return { files: [] };
  }
}

/** What the package ships, as target-relative paths and contents. */
async function shipped(packageRoot: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const skillsDir = join(packageRoot, 'skills');
  for (const name of (await readdir(skillsDir)).sort()) {
    const skill = join(skillsDir, name, 'SKILL.md');
    if (existsSync(skill)) files.set(join('skills', name, 'SKILL.md'), await readFile(skill));
  }
  const promptsDir = join(packageRoot, 'prompts');
  for (const file of (await readdir(promptsDir)).sort()) {
    if (file === 'workflow.md' || !file.endsWith('.md')) continue;
    files.set(join('agents', `samocode-${file.replace(/\.md$/, '')}-agent.md`), await readFile(join(promptsDir, file)));
  }
  return files;
}

export async function install(packageRoot: string, target = claudeConfigDir()): Promise<InstallReport> {
  const previous = await readManifest(target);
  const ours = new Map(previous.files.map((f) => [f.path, f.sha1]));
  const report: InstallReport = { target, written: [], skipped: [] };
  const manifest: Manifest = { files: [] };
  for (const [path, content] of await shipped(packageRoot)) {
    const file = join(target, path);
    if (existsSync(file)) {
      const current = sha1(await readFile(file));
      // Someone else's file, or ours changed by hand: not ours to overwrite.
      if (ours.get(path) !== current && current !== sha1(content)) {
        report.skipped.push(path);
        continue;
      }
    }
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
    manifest.files.push({ path, sha1: sha1(content) });
    report.written.push(path);
  }
  await mkdir(target, { recursive: true });
  await writeFile(join(target, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return report;
}

export async function uninstall(target = claudeConfigDir()): Promise<InstallReport> {
  const manifest = await readManifest(target);
  const report: InstallReport = { target, written: [], skipped: [] };
  for (const { path, sha1: expected } of manifest.files) {
    const file = join(target, path);
    if (!existsSync(file)) continue;
    if (sha1(await readFile(file)) !== expected) {
      report.skipped.push(path);
      continue;
    }
    await rm(file);
    report.written.push(path);
    // Drop the folders the install made, once empty.
    for (let dir = dirname(file); relative(target, dir) && !relative(target, dir).startsWith('..'); dir = dirname(dir)) {
      if ((await readdir(dir)).length > 0) break;
      await rmdir(dir);
    }
  }
  await rm(join(target, MANIFEST), { force: true });
  return report;
}
