// The workflow prompt (prompts/workflow.md) goes out with every request of
// every call, so a phase gets only the sections it uses: a `## ` heading that
// ends in `<!-- phases: a, b -->` marks a section for those phases alone (the
// gates and the questions file mean nothing to init). Unmarked sections are
// for every phase. Pure: the loader reads the file, this picks the parts.
import { isPhase, type Phase } from './phases.js';

const MARK = /\s*<!--\s*phases:\s*([^>]*?)\s*-->\s*$/;

interface Section {
  text: string;
  /** null: every phase. */
  phases: Phase[] | null;
}

/** Splits at `## ` headings outside code fences; the text before the first is a section of its own. */
function sections(markdown: string): Section[] {
  const out: Section[] = [];
  let lines: string[] = [];
  let phases: Phase[] | null = null;
  let fenced = false;
  const close = () => {
    if (lines.length) out.push({ text: lines.join('\n').trim(), phases });
  };
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced || !line.startsWith('## ')) {
      lines.push(line);
      continue;
    }
    close();
    const mark = MARK.exec(line);
    phases = mark ? markedPhases(line, mark[1]!) : null;
    lines = [mark ? line.slice(0, mark.index) : line];
  }
  close();
  return out;
}

function markedPhases(heading: string, list: string): Phase[] {
  const names = list.split(/[\s,]+/).filter(Boolean);
  const wrong = names.filter((name) => !isPhase(name));
  // A misspelt phase would quietly take the section away from it: the package is broken, say so.
  if (wrong.length || !names.length) throw new Error(`prompts/workflow.md: "${heading}" names ${wrong.length ? `no phase ${wrong.join(', ')}` : 'no phases'}`);
  return names as Phase[];
}

/** The workflow as one phase's calls get it: the unmarked sections and the ones marked for it, in order, markers gone. */
export function workflowForPhase(markdown: string, phase: Phase): string {
  return sections(markdown)
    .filter((s) => s.phases === null || s.phases.includes(phase))
    .map((s) => s.text)
    .join('\n\n');
}
