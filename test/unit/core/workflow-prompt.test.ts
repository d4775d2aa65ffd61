import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PHASE_TABLE, PHASES } from '../../../src/core/phases.js';
import { workflowForPhase } from '../../../src/core/workflow-prompt.js';
import { loadPrompts } from '../../../src/providers/prompts.js';

const root = join(import.meta.dirname, '..', '..', '..');
const shipped = readFileSync(join(root, 'prompts', 'workflow.md'), 'utf8');

const DOC = [
  '# Workflow',
  '',
  'For everyone.',
  '',
  '## Signals',
  '',
  'Write the signal.',
  '',
  '## Gates <!-- phases: requirements, planning -->',
  '',
  'Wait for answers.',
  '',
  '```markdown',
  '## not a heading: inside a fence',
  '```',
  '',
  '## Rules',
  '',
  'No git.',
  '',
].join('\n');

describe('the workflow a phase gets', () => {
  it('is the whole file, as written, when no section is marked', () => {
    const plain = DOC.replace(' <!-- phases: requirements, planning -->', '');
    for (const phase of PHASES) expect(workflowForPhase(plain, phase)).toBe(plain.trim());
  });

  it('keeps a marked section, fence and all, for the phases it names only, without the marker', () => {
    const planning = workflowForPhase(DOC, 'planning');
    expect(planning).toBe(DOC.replace(' <!-- phases: requirements, planning -->', '').trim());
    expect(planning).not.toContain('<!--');
    const init = workflowForPhase(DOC, 'init');
    expect(init).toBe('# Workflow\n\nFor everyone.\n\n## Signals\n\nWrite the signal.\n\n## Rules\n\nNo git.');
  });

  it('refuses a marker naming no phase or a phase that does not exist, rather than quietly dropping the section', () => {
    expect(() => workflowForPhase(DOC.replace('requirements, planning', 'requirements, planing'), 'init')).toThrow(/no phase planing/);
    expect(() => workflowForPhase(DOC.replace('requirements, planning', ''), 'init')).toThrow(/names no phases/);
  });
});

describe('the shipped workflow, as loaded for each phase', () => {
  const prompts = loadPrompts(root);
  const headings = (text: string) => text.split('\n').filter((line) => line.startsWith('## '));

  it('gives every phase the loop, the files, the notebook, signals, naming and the rules, and no markers', () => {
    for (const phase of PHASES) {
      const { workflow } = prompts(phase);
      expect(workflow.startsWith('# samocode workflow'), phase).toBe(true);
      expect(workflow).not.toContain('<!--');
      expect(headings(workflow), phase).toEqual(expect.arrayContaining(['## The loop', '## Where things are', '## The notebook: `_overview.md`', '## Signals', '## Naming and time', '## Rules']));
    }
  });

  it('leaves init the sections it uses: no gates, questions, plan, phase table or review rounds', () => {
    expect(headings(prompts('init').workflow)).toEqual(['## The loop', '## Where things are', '## The notebook: `_overview.md`', '## Signals', '## Naming and time', '## Rules']);
  });

  it('gives the gates and the questions format to every phase that may wait for a person, and the review rounds from implementation on', () => {
    for (const phase of PHASES) {
      const { workflow } = prompts(phase);
      const waits = PHASE_TABLE[phase].waitsFor.length > 0;
      expect(workflow.includes('## Gates'), phase).toBe(waits);
      expect(workflow.includes('## `_qa.md` format'), phase).toBe(waits);
      expect(workflow.includes('## Review rounds'), phase).toBe(PHASES.indexOf(phase) >= PHASES.indexOf('implementation'));
      expect(workflow.includes('## Plan format'), phase).toBe(phase !== 'init');
    }
  });

  it('sends every section of the file to some phase', () => {
    const everything = new Set(PHASES.flatMap((phase) => headings(prompts(phase).workflow)));
    expect([...everything].sort()).toEqual(headings(shipped).map((h) => h.replace(/\s*<!--.*-->$/, '')).sort());
  });
});
