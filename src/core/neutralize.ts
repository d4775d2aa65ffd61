// Text the agent wrote, made safe to post: nothing in it can pass for the
// action's marker, tick a box, outshout the comment's title or hide from the
// person who approves it.
import { revealInvisible } from './clean.js';

/** `- [ ]` and `- [x]` (also numbered, quoted) become text: a click on a box would edit the action's comment. */
const TASK_BOX = /^((?: {0,3}>[ \t]?)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[([ xX])\](?=[ \t]|$)/gm;
const box = (_all: string, head: string, mark: string) => `${head}${mark === ' ' ? '☐' : '☑'}`;

/**
 * `@name` and `@org/team` would notify whoever the agent names, from the
 * action's account: a zero-width space after the `@` keeps the text and drops
 * the mention.
 */
const MENTION = /(^|[^\w`@])@(?=[A-Za-z0-9])/g;
export const unmention = (text: string) => text.replace(MENTION, '$1@\u200b');

/** For short text in a comment: no comment opener, no boxes. */
export function neutralizeText(text: string): string {
  return text.replace(/<!--/g, '&lt;!--').replace(TASK_BOX, box);
}

/** What the agent wrote (a question, a reason, a summary, a reply in a thread): that, and it notifies nobody. */
export const neutralizeAgentText = (text: string) => unmention(neutralizeText(text));

/** The start of anything GitHub would take as HTML: a comment, a declaration, a tag. Autolinks (`<https://…>`) are left alone. */
const HTML_START = /<(?=!|\?|\/?[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$))/g;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX_HEADING = /^( {0,3})(#{1,6})(?=[ \t]|$)/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
/** The plan's headings sit under the comment's `###` title. */
const HEADING_SHIFT = 2;

/**
 * A plan to show rendered: raw HTML and comments are shown as text, headings are
 * demoted below the title, boxes are text. Code (fenced, inline) is left as
 * written, since GitHub shows it as text already.
 */
export function neutralizePlan(markdown: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of revealInvisible(markdown).replace(/\r\n?/g, '\n').split('\n')) {
    const opener = FENCE.exec(line)?.[1];
    if (fence) {
      if (opener && opener[0] === fence[0] && opener.length >= fence.length && line.trim() === opener) fence = null;
      out.push(line);
      continue;
    }
    if (opener) {
      fence = opener;
      out.push(line);
      continue;
    }
    // A line under a paragraph that would make it a big heading becomes a rule or text after a blank line.
    if (SETEXT_UNDERLINE.test(line) && out.length && out.at(-1)!.trim() !== '') out.push('');
    const heading = line.replace(ATX_HEADING, (_all, indent: string, hashes: string) => `${indent}${'#'.repeat(Math.min(6, hashes.length + HEADING_SHIFT))}`);
    out.push(unmention(escapeHtmlOutsideCode(heading).replace(TASK_BOX, box)));
  }
  return out.join('\n');
}

/** `<` that starts HTML becomes `&lt;`, except inside inline code spans, which show it as written. */
function escapeHtmlOutsideCode(line: string): string {
  let result = '';
  let i = 0;
  while (i < line.length) {
    const tick = line.indexOf('`', i);
    if (tick === -1) break;
    const run = /^`+/.exec(line.slice(tick))![0];
    // A backslash before it makes the first backtick literal: no code span starts there.
    const escaped = (/\\*$/.exec(line.slice(0, tick))![0].length) % 2 === 1;
    const close = escaped ? -1 : findRun(line, tick + run.length, run.length);
    if (close === -1) {
      // An unmatched run is literal backticks: what follows is ordinary text.
      const literal = escaped ? 1 : run.length;
      result += line.slice(i, tick + literal).replace(HTML_START, '&lt;');
      i = tick + literal;
      continue;
    }
    result += line.slice(i, tick).replace(HTML_START, '&lt;') + line.slice(tick, close + run.length);
    i = close + run.length;
  }
  return result + line.slice(i).replace(HTML_START, '&lt;');
}

function findRun(line: string, from: number, length: number): number {
  for (let i = from; i < line.length; ) {
    const tick = line.indexOf('`', i);
    if (tick === -1) return -1;
    const run = /^`+/.exec(line.slice(tick))![0];
    if (run.length === length) return tick;
    i = tick + run.length;
  }
  return -1;
}

/** A fenced block that shows `text` exactly (invisible characters written out): its fence is longer than any backtick run inside. */
export function sourceBlock(text: string, info = 'markdown'): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const body = revealInvisible(text).replace(/\r\n?/g, '\n').replace(/\n$/, '');
  return `${fence}${info}\n${body}\n${fence}`;
}

/** A name the agent chose (a file name), shown as code that cannot break out. */
export function inlineName(name: string): string {
  const safe = revealInvisible(name).replace(/[\n\r]/g, ' ').replace(/<!--/g, '<!\u2011-');
  const longest = Math.max(0, ...(safe.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = safe.startsWith('`') || safe.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${safe}${pad}${ticks}`;
}
