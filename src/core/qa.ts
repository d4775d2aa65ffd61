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
const SUGGESTION = /^\s*(?:[-*]\s*)?\*\*Suggestion:?\*\*:?\s*(.*)$/i;
/** `**Answer:** A`, `- **Answer:** A`, `Answer: A`, `**Answer**: A`. */
const ANSWER = /^\s*(?:[-*]\s*)?(?:\*\*Answer:?\*\*:?|Answer:)\s*(.*)$/i;
/** `Q1: A` on a line of its own, as an issue comment gives answers. */
const ANSWER_BY_NUMBER = /^\s*(?:[-*]\s*)?\*{0,2}Q\s*(\d{1,3})\*{0,2}\s*[:.)\-\u2013]\s*(.+?)\s*$/i;
/** Still open: empty, or a placeholder such as `_waiting_`, `*pending*`, `(TBD)`. */
function isPlaceholder(value: string): boolean {
  const bare = value.replace(/[\s_*()[\]-]+/g, ' ').trim().toLowerCase();
  return bare === '' || /^(waiting|pending|tbd|todo|to be answered)( |$)/.test(bare);
}

/** Text a person wrote where an answer goes that was not read as one. */
export interface UnreadAnswer {
  id: string;
  found: string;
}

interface Scan {
  questions: Question[];
  unread: UnreadAnswer[];
}

/** One pass over the file: the questions, and what stood after an open `**Answer:**` unread. */
function scan(markdown: string | null): Scan {
  const questions: Question[] = [];
  const afterAnswer = new Map<string, string[]>();
  const byNumber: [string, string][] = [];
  let current: Question | null = null;
  // The line after an empty `**Answer:**` is its answer.
  let answerNext = false;
  for (const line of (markdown ?? '').split('\n')) {
    const heading = QUESTION.exec(line);
    if (heading) {
      current = { id: `Q${Number(heading[1])}`, text: heading[2]!.trim(), options: [], suggestion: null, answer: null };
      questions.push(current);
      answerNext = false;
      continue;
    }
    const numbered = ANSWER_BY_NUMBER.exec(line);
    if (numbered && !/^#/.test(line)) {
      byNumber.push([`Q${Number(numbered[1])}`, numbered[2]!]);
      continue;
    }
    if (!current) continue;
    if (/^#{1,3}\s/.test(line)) {
      current = null;
      continue;
    }
    if (line.trim() === '') continue;
    const answer = ANSWER.exec(line);
    if (answer) {
      const value = answer[1]!.trim();
      current.answer = isPlaceholder(value) ? null : value;
      answerNext = value === '';
      afterAnswer.set(current.id, []);
      continue;
    }
    if (answerNext) {
      answerNext = false;
      if (!isPlaceholder(line)) {
        current.answer = line.trim();
        continue;
      }
    }
    const suggestion = SUGGESTION.exec(line);
    if (suggestion) {
      current.suggestion = suggestion[1]!.trim();
      continue;
    }
    const option = OPTION.exec(line);
    if (option) {
      current.options.push({ letter: option[1]!, text: option[2]!.trim() });
      continue;
    }
    if (!isPlaceholder(line)) afterAnswer.get(current.id)?.push(line.trim());
  }
  for (const [id, text] of byNumber) {
    const question = questions.find((q) => q.id === id);
    if (question && question.answer === null && !isPlaceholder(text)) question.answer = text;
  }
  const unread = questions
    .filter((q) => q.answer === null && (afterAnswer.get(q.id)?.length ?? 0) > 0)
    .map((q) => ({ id: q.id, found: afterAnswer.get(q.id)!.join(' ') }));
  return { questions, unread };
}

export function parseQuestions(markdown: string | null): Question[] {
  return scan(markdown).questions;
}

/** Open questions under which a person wrote something that was not read as an answer. */
export function unreadAnswers(markdown: string | null): UnreadAnswer[] {
  return scan(markdown).unread;
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
