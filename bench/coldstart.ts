// Start-up: `dist/index.js` on an event it ignores against `node -e ''`,
// interleaved; an empty .mjs (Node's ESM loader) and only the entry's static
// imports for reference, to split its time.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPOSITORY } from './github.js';
import { baseEnv, median, ms, round, runProc, tempDir, type Ctx, type Results } from './lib.js';

export async function coldStartSection(ctx: Ctx, res: Results): Promise<void> {
  const runs = 31;
  const fixture = join(ctx.root, 'test', 'fixtures', 'events', 'issue-comment-no-session.json');
  const dir = tempDir(ctx, 'cold');
  const actionEnv = baseEnv(ctx, { GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: fixture, GITHUB_REPOSITORY: REPOSITORY, GITHUB_WORKSPACE: dir, GITHUB_ACTIONS: 'true' });
  const nodeEnv = baseEnv(ctx);
  const emptyModule = join(dir, 'empty.mjs');
  writeFileSync(emptyModule, '');
  // Only what dist/index.js imports statically (its chunks), to split its time.
  const entry = readFileSync(join(ctx.root, 'dist', 'index.js'), 'utf8');
  const statics = [...entry.matchAll(/import\s*(?:[^'"]*?from\s*)?["'](\.\/[^"']+)["']/g)].map((m) => m[1]!);
  const importsOnly = join(dir, 'imports-only.mjs');
  writeFileSync(importsOnly, statics.map((p) => `import ${JSON.stringify(pathToFileURL(join(ctx.root, 'dist', p)).href)};`).join('\n'));
  const action: number[] = [];
  const bare: number[] = [];
  const esm: number[] = [];
  const chunks: number[] = [];
  let said = '';
  for (let i = 0; i < runs + 3; i++) {
    const a = await runProc(process.execPath, [join(ctx.root, 'dist', 'index.js')], { cwd: dir, env: actionEnv });
    const b = await runProc(process.execPath, ['-e', ''], { cwd: dir, env: nodeEnv });
    const c = await runProc(process.execPath, [emptyModule], { cwd: dir, env: nodeEnv });
    const d = await runProc(process.execPath, [importsOnly], { cwd: dir, env: nodeEnv });
    if (a.code !== 0 || !a.stdout.includes('nothing to do')) throw new Error(`dist/index.js did not ignore the event: ${a.stdout}${a.stderr}`);
    said = a.stdout.trim();
    if (i < 3) continue; // warm-up
    action.push(a.ms);
    bare.push(b.ms);
    esm.push(c.ms);
    chunks.push(d.ms);
  }
  const ratio = median(action) / median(bare);
  ctx.log(
    `  dist/index.js median ${ms(median(action))}, node -e '' median ${ms(median(bare))} (${runs} runs each, interleaved): ${round(ratio)}x; it said: ${said}`,
  );
  ctx.log(
    `  split: an empty .mjs ${ms(median(esm))} (${round(median(esm) / median(bare))}x: Node's ESM loader), + the ${statics.length} chunks dist/index.js imports statically ${ms(median(chunks))}, + dist/index.js's own work ${ms(median(action))}`,
  );
  res.figures.push(
    { id: 'coldstart.action', figure: 'cold start: dist/index.js on an ignored event (median)', value: median(action), unit: 'ms', holds: null },
    { id: 'coldstart.node', figure: "cold start: node -e '' (median)", value: median(bare), unit: 'ms', holds: null },
    { id: 'coldstart.ratio', figure: 'cold start: ratio', value: ratio, unit: 'x', goal: '<= 1.3x', holds: ratio <= 1.3 },
    { id: 'coldstart.esm', figure: 'cold start: node on an empty .mjs (reference)', value: median(esm), unit: 'ms', holds: null },
    { id: 'coldstart.chunks', figure: "cold start: only dist/index.js's static imports (reference)", value: median(chunks), unit: 'ms', holds: null },
  );
  res.details.coldStart = {
    runs,
    actionMs: action.map((x) => round(x)),
    nodeMs: bare.map((x) => round(x)),
    emptyModuleMs: esm.map((x) => round(x)),
    staticImports: statics,
    staticImportsOnlyMs: chunks.map((x) => round(x)),
    output: said,
  };
  res.goals.push({
    goal: 'earlier: start-up',
    figure: `dist/index.js ${ms(median(action))} = ${round(ratio)}x`,
    against: `node -e '' ${ms(median(bare))} (<= 1.3x)`,
    holds: ratio <= 1.3,
  });
}
