// `_qa.md`: the agent writes `### Qn:` blocks with lettered options, a
// `**Suggestion:**` and `**Answer:** _waiting_`; answers come from people.

export interface Question {
  /** `Q1`, `Q2`, … */
  id: string;
  text: string;
  options: { letter: string; text: string }[];
  suggestion: string | null;
  /** Null while the answer is still `_waiting_`. */
  answer: string | null;
}

const QUESTION = /^###\s*Q(\d+)\s*[:.)-]?\s*(.*)$/i;
const OPTION = /^\s*(?:[-*]\s*)?\(?([A-Z])[).:]\s+(.+)$/;
const SUGGESTION = /^\s*\*\*Suggestion:?\*\*:?\s*(.*)$/i;
const ANSWER = /^\s*\*\*Answer:?\*\*:?\s*(.*)$/i;
/** Still open: empty, or a placeholder such as `_waiting_`, `*pending*`, `(TBD)`. */
function isPlaceholder(value: string): boolean {
  const bare = value.replace(/[\s_*()[\]-]+/g, ' ').trim().toLowerCase();
  return bare === '' || /^(waiting|pending|tbd|todo|to be answered)( |$)/.test(bare);
}

export function parseQuestions(markdown: string | null): Question[] {
  if (!markdown) return [];
  const questions: Question[] = [];
  let current: Question | null = null;
  for (const line of markdown.split('\n')) {
    const heading = QUESTION.exec(line);
    if (heading) {
      current = { id: `Q${Number(heading[1])}`, text: heading[2]!.trim(), options: [], suggestion: null, answer: null };
      questions.push(current);
      continue;
    }
    if (!current) continue;
    if (/^#{1,3}\s/.test(line)) {
      current = null;
      continue;
    }
    const answer = ANSWER.exec(line);
    if (answer) {
      const value = answer[1]!.trim();
      current.answer = isPlaceholder(value) ? null : value;
      continue;
    }
    const suggestion = SUGGESTION.exec(line);
    if (suggestion) {
      current.suggestion = suggestion[1]!.trim();
      continue;
    }
    const option = OPTION.exec(line);
    if (option) current.options.push({ letter: option[1]!, text: option[2]!.trim() });
  }
  return questions;
}

export function openQuestions(markdown: string | null): Question[] {
  return parseQuestions(markdown).filter((q) => q.answer === null);
}

/** A lone option letter becomes `B) the option's text`, so the agent sees both. */
export function expandAnswer(question: Question | undefined, answer: string): string {
  const letter = /^\(?([A-Za-z])\)?\.?$/.exec(answer.trim());
  if (!question || !letter) return answer.trim();
  const option = question.options.find((o) => o.letter === letter[1]!.toUpperCase());
  return option ? `${option.letter}) ${option.text}` : answer.trim();
}

/** Sets one question's `**Answer:**` line, adding it when the block has none. */
export function setAnswer(markdown: string, id: string, answer: string): string {
  const lines = markdown.split('\n');
  const flat = answer.replace(/\s*\n\s*/g, ' ').trim();
  let inBlock = false;
  let blockEnd = -1;
  for (let i = 0; i < lines.length; i++) {
    const heading = QUESTION.exec(lines[i]!);
    if (heading) {
      if (inBlock) break;
      inBlock = `Q${Number(heading[1])}`.toLowerCase() === id.toLowerCase();
      blockEnd = inBlock ? i : blockEnd;
      continue;
    }
    if (!inBlock) continue;
    if (/^#{1,3}\s/.test(lines[i]!)) break;
    if (ANSWER.test(lines[i]!)) {
      lines[i] = `**Answer:** ${flat}`;
      return lines.join('\n');
    }
    if (lines[i]!.trim() !== '') blockEnd = i;
  }
  if (blockEnd < 0) return markdown;
  lines.splice(blockEnd + 1, 0, `**Answer:** ${flat}`);
  return lines.join('\n');
}

/** Free-text answers go under the questions, attributed. */
export function appendNote(markdown: string, heading: string, text: string): string {
  const base = markdown.replace(/\s*$/, '');
  return `${base}\n\n### ${heading}\n${text.trim()}\n`;
}
