// Remotes with a long history, built in a second or two with git fast-import.
import { join } from 'node:path';
import { git, gitInput, tempDir, type Ctx } from './lib.js';
import type { Remote } from './github.js';

/**
 * A bare repository whose `main` has `commits` commits over the same `files`
 * files: the first commit adds them all, each later one changes one file.
 * Two remotes built with the same `files` end with trees of the same shape,
 * so what differs between them is the length of the history.
 */
export function historyRemote(ctx: Ctx, commits: number, files: number): Remote {
  const dir = tempDir(ctx, `history-${commits}`);
  const bare = join(dir, 'remote.git');
  git(dir, 'init', '-q', '--bare', '-b', 'main', bare);
  const t0 = Math.floor(Date.now() / 1000) - commits * 60 - 86_400;
  const filler = 'const value = computeSomethingUseful(input); // a line of source\n'.repeat(8);
  const parts: string[] = [];
  const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  const path = (k: number) => `src/module-${String(k).padStart(4, '0')}.ts`;
  for (let i = 1; i <= commits; i++) {
    let c = `commit refs/heads/main\ncommitter Dev <dev@example.com> ${t0 + i * 60} +0000\n${data(`change ${i}`)}`;
    if (i === 1) {
      c += `M 100644 inline README.md\n${data('# Hello-World\n')}`;
      for (let k = 0; k < files; k++) c += `M 100644 inline ${path(k)}\n${data(`// module ${k}\n${filler}`)}`;
    } else {
      const k = i % files;
      c += `M 100644 inline ${path(k)}\n${data(`// module ${k}, revision ${i}\n${filler}`)}`;
    }
    parts.push(c);
  }
  gitInput(bare, `${parts.join('')}done\n`, 'fast-import', '--quiet', '--done');
  return { bare, url: `file://${bare}` };
}
