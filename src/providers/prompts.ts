// The workflow prompt and the phase agents' prompts ship beside the bundle.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PHASES, type Phase } from '../core/phases.js';
import type { AgentRequest } from '../core/ports.js';
import { workflowForPhase } from '../core/workflow-prompt.js';

/** The package root: the first folder above this file that holds `prompts/workflow.md`. */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'prompts', 'workflow.md'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`cannot find the prompts/ folder above ${from}; the package is incomplete`);
}

export type PromptSet = (phase: Phase) => { workflow: string; agent: string };

/** Strips the agent file's front matter; the CLI-facing copy keeps it. */
function withoutFrontMatter(markdown: string): string {
  return markdown.replace(/^---\n[\s\S]*?\n---\n/, '').trim();
}

export function loadPrompts(root: string = packageRoot()): PromptSet {
  const dir = join(root, 'prompts');
  const workflow = readFileSync(join(dir, 'workflow.md'), 'utf8');
  const prompts = new Map(PHASES.map((phase) => [phase, { workflow: workflowForPhase(workflow, phase), agent: withoutFrontMatter(readFileSync(join(dir, `${phase}.md`), 'utf8')) }]));
  return (phase) => prompts.get(phase)!;
}

/**
 * One message holding everything, for a CLI that takes no agent file from
 * outside the work tree: the workflow and the phase agent's instructions
 * lead, then the session context and the iteration's instruction.
 */
export function promptWithInstructions(request: AgentRequest): string {
  const { workflow, agent, context } = request.prompt;
  return [
    workflow,
    `# Your instructions for the ${request.phase} phase\n\n${agent}`,
    context,
    `Do one iteration of the ${request.phase} phase as your instructions describe, then write ${request.sessionPath}/_signal.json.`,
  ].join('\n\n');
}
