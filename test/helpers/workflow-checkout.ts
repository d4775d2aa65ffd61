// What the workflow users copy checks out, read from the file itself: each
// `actions/checkout` step's `ref:`, evaluated for a real event as the runner
// would. A step without `ref:` takes GitHub's default for the event (for a
// review, the pull request's merge commit), which is what must never happen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './project.js';
import { evaluate, parse } from './workflow-expr.js';

export const WORKFLOW = readFileSync(join(ROOT, '.github', 'workflows', 'samocode.yml'), 'utf8');

/** Each `- uses: actions/checkout@…` step: its `ref:` as written, or null when it has none. */
export function checkoutSteps(workflow = WORKFLOW): { uses: string; ref: string | null }[] {
  const lines = workflow.split('\n');
  const steps: { uses: string; ref: string | null }[] = [];
  lines.forEach((line, i) => {
    const step = /^(\s*)- uses: (actions\/checkout@\S+)\s*$/.exec(line);
    if (!step) return;
    const indent = step[1]!.length;
    let ref: string | null = null;
    // The step's own lines: deeper than its `- `, until the next step or a shallower line.
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j]!;
      if (next.trim() === '' || next.trim().startsWith('#')) continue;
      if (next.length - next.trimStart().length <= indent) break;
      const found = /^\s+ref:\s*(.+?)\s*$/.exec(next);
      if (found) ref = found[1]!;
    }
    steps.push({ uses: step[2]!, ref });
  });
  return steps;
}

/** The events the workflow is started by (`on:`'s keys). */
export function workflowEvents(workflow = WORKFLOW): string[] {
  const on = /^on:\n((?:(?: {2}.*)?\n)+)/m.exec(workflow)![1]!;
  return [...on.matchAll(/^ {2}([a-z_]+):/gm)].map((m) => m[1]!);
}

/** What a `ref:` value gives for an event: a `${{ }}` template evaluated, a literal as written, null when unset. */
export function evaluateRef(ref: string | null, event: Record<string, unknown>, eventName = 'pull_request_review'): string | null {
  if (ref === null) return null;
  return ref.replace(/\$\{\{(.*?)\}\}/g, (_all, source: string) => String(evaluate(parse(source), { github: { event_name: eventName, event, repository: 'Codertocat/Hello-World' }, inputs: {}, vars: {} }) ?? ''));
}

/** The ref the copied workflow's one checkout takes for this event. */
export function checkoutRef(event: Record<string, unknown>, eventName = 'pull_request_review', workflow = WORKFLOW): string | null {
  const steps = checkoutSteps(workflow);
  if (steps.length !== 1) throw new Error(`expected one actions/checkout step, found ${steps.length}`);
  return evaluateRef(steps[0]!.ref, event, eventName);
}
