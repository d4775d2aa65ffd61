// What a comment says: a command on its first line, answers to numbered
// questions, or free text.

export const COMMANDS = ['approve', 'stop', 'resume', 'status'] as const;
export type Command = (typeof COMMANDS)[number];

export type CommentMeaning =
  | { kind: 'command'; command: Command; rest: string }
  | { kind: 'text'; answers: { question: string; answer: string }[]; text: string };

const ANSWER_LINE = /^\s*(?:[-*]\s*)?\*{0,2}(?:Q\s*)?(\d{1,3})\*{0,2}\s*[:.)\-\u2013]\s*(.+?)\s*$/i;

export function readComment(body: string): CommentMeaning {
  const text = body.trim();
  const firstLine = text.split('\n', 1)[0]!.trim();
  const command = /^\/(approve|stop|resume|status)\b(.*)$/i.exec(firstLine);
  if (command) {
    return { kind: 'command', command: command[1]!.toLowerCase() as Command, rest: `${command[2]!.trim()}\n${text.slice(firstLine.length)}`.trim() };
  }
  const answers: { question: string; answer: string }[] = [];
  for (const line of text.split('\n')) {
    const match = ANSWER_LINE.exec(line);
    if (match) answers.push({ question: `Q${Number(match[1])}`, answer: match[2]! });
  }
  return { kind: 'text', answers, text };
}
