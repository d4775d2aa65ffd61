// What a terminal run of dist/cli.js loads: node:crypto is left out of the
// bundle's start (bench goal 3, memory) and loaded the first time a command
// needs it, as `samocode approve` does for the plan's blob id. Driven
// through the built entry with a probe that lists node's modules at exit.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, read, samocode, sessionFolder, type Project } from '../helpers/project.js';

/** Runs dist/cli.js with a probe that writes the node modules it loaded to a file; returns the run and those modules. */
function probed(project: Project, args: string[]) {
  const probe = join(project.dir, 'probe.mjs');
  const list = join(project.dir, `modules-${args[0]}.txt`);
  writeFileSync(probe, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));\n`);
  const result = samocode(project, args, { NODE_OPTIONS: `--import=${probe}` });
  const modules = readFileSync(list, 'utf8').split('\n');
  return { result, loaded: (name: string) => modules.includes(`NativeModule ${name}`) };
}

describe('a terminal run starts lean', () => {
  it('runs the loop without node:crypto, stamps its records as ISO times, and loads crypto when approve hashes the plan', () => {
    const project = makeProject();
    const run = probed(project, ['run', '--config', '.samocode', '--session', 'greet', '--provider', 'script', '--task', 'Add a greeting']);
    expect(run.result.code).toBe(3);
    expect(run.loaded('child_process')).toBe(true); // the probe sees what the run loads
    expect(run.loaded('crypto')).toBe(false);

    const folder = sessionFolder(project);
    const history = read(folder, '_signals.jsonl').trim().split('\n').map((l) => JSON.parse(l) as { at: string });
    expect(history).toHaveLength(3);
    for (const { at } of history) {
      expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(new Date(at).toISOString()).toBe(at);
    }

    // Answer the questions, reach the plan gate, approve: the blob id needs crypto, loaded then.
    const qa = join(folder, '_qa.md');
    writeFileSync(qa, read(qa).replaceAll('**Answer:** _waiting_', '**Answer:** A'));
    expect(samocode(project, ['run', '--config', '.samocode', '--session', 'greet', '--provider', 'script']).stdout).toMatch(/waiting for plan approval/);
    const approve = probed(project, ['approve', '--config', '.samocode', '--session', 'greet']);
    expect(approve.result.code).toBe(0);
    expect(approve.result.stdout).toMatch(/approved .*-plan-greeting.md \(blob [0-9a-f]{12}\)/);
    expect(approve.loaded('crypto')).toBe(true);
  });
});
