// Text the agent wrote, made safe to post: nothing in it can pass for the
// action's marker, tick a box, outshout the comment's title, hide from the
// person who approves it, or make a reader's browser call another host.
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

/**
 * Images are fetched as soon as someone views the page (GitHub's image proxy
 * fetches them for the reader), and a URL can carry the repository's code to
 * whoever reads that host's logs. Only images on GitHub's own hosts are shown;
 * any other becomes a link (the `!` goes) with a word saying why. Where the text
 * may be code, the image is broken with an invisible space instead, so the
 * code reads the same: a wrong guess about what is code shows a word too many
 * or a space too few, and never renders an image.
 */
const GITHUB_IMAGE = /^!\[[^[\]\\`<>\n]*\]\(https:\/\/(?:github\.com|(?:user-images|private-user-images|raw|avatars|camo|objects)\.githubusercontent\.com)\/[A-Za-z0-9\-._~/?#%=+:@,;!$*]*\)/;
const IMAGE_OPENER = /!\[/g;
export const IMAGE_NOT_SHOWN = 'image not shown (not hosted by GitHub): ';
/** HTML that loads from a URL when rendered; GitHub passes `<img>` and `<picture><source srcset>`, the rest is belt and braces. */
const LOADING_TAG = /<(?=(\/?)(img|image|picture|source|video|audio|track|svg|math|iframe|frame|frameset|object|embed|applet|input|link|meta|style|base|body|portal)(?:[\s/>]|$))/gi;
const WHOLE_LOADING_TAG = /^(?:source|track)$/i;

const escapedAt = (text: string, at: number) => ((/\\*$/.exec(text.slice(0, at))?.[0].length ?? 0) % 2) === 1;

/** Prose: other hosts' images become links, tags that load something become text. */
function proseWithoutImages(text: string): string {
  const images = text.replace(IMAGE_OPENER, (opener, at: number) => {
    if (escapedAt(text, at) || GITHUB_IMAGE.test(text.slice(at))) return opener;
    return text[at + 2] === ']' ? `${IMAGE_NOT_SHOWN}[link` : `${IMAGE_NOT_SHOWN}[`;
  });
  return images.replace(LOADING_TAG, (_lt, closing: string, name: string) => (closing || WHOLE_LOADING_TAG.test(name) ? '&lt;' : `${IMAGE_NOT_SHOWN}&lt;`));
}

/** What may be code: the same constructs broken by an invisible space, so that they read as written. */
function codeWithoutImages(text: string): string {
  return text.replace(IMAGE_OPENER, (opener, at: number) => (GITHUB_IMAGE.test(text.slice(at)) ? opener : '!\u200B[')).replace(LOADING_TAG, '<\u200B');
}

/** Markdown with no image from another host left to render, in any form (inline, reference, `<img>`, `<picture>`). */
export function noBeacons(markdown: string): string {
  return mapLines(markdown, (line) => mapCode(line, proseWithoutImages, codeWithoutImages), codeWithoutImages);
}

/** For short text in a comment: no comment opener, no boxes, no images from other hosts. */
export function neutralizeText(text: string): string {
  return noBeacons(text).replace(/<!--/g, '&lt;!--').replace(TASK_BOX, box);
}

/** What the agent wrote (a question, a reason, a summary, a reply in a thread): that, and it notifies nobody. */
export const neutralizeAgentText = (text: string) => unmention(neutralizeText(text));

/** The start of anything GitHub would take as HTML: a comment, a declaration, a tag. Autolinks (`<https://…>`) are left alone. */
const HTML_START = /<(?=!|\?|\/?[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$))/g;
/** A fence opens on ≤3 spaces and three backticks or tildes; a backtick fence's info string holds no backtick (else the line is text). */
const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^( {0,3})(#{1,6})(?=[ \t]|$)/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
/** The plan's headings sit under the comment's `###` title. */
const HEADING_SHIFT = 2;

function fenceOpener(line: string): string | null {
  const m = FENCE.exec(line);
  if (!m) return null;
  return m[1]![0] === '`' && m[2]!.includes('`') ? null : m[1]!;
}

/** Each line through `prose`, or through `code` inside a fenced block (its fences too). */
function mapLines(markdown: string, prose: (line: string, previous: string[]) => string | string[], code: (line: string) => string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const opener = fenceOpener(line);
    if (fence) {
      const closer = FENCE.exec(line);
      if (closer && closer[1]![0] === fence[0] && closer[1]!.length >= fence.length && closer[2]!.trim() === '') fence = null;
      out.push(code(line));
      continue;
    }
    if (opener) {
      fence = opener;
      out.push(code(line));
      continue;
    }
    const mapped = prose(line, out);
    if (Array.isArray(mapped)) out.push(...mapped);
    else out.push(mapped);
  }
  return out.join('\n');
}

/**
 * A plan to show rendered: raw HTML and comments are shown as text, headings are
 * demoted below the title, boxes are text, images from other hosts are links.
 * Code (fenced, inline) reads as written, since GitHub shows it as text already.
 */
export function neutralizePlan(markdown: string): string {
  // What is taken for code may not be (an autolink or a link target holding a backtick, a fence in a list item
  // that the next line ends): HTML there is broken by an invisible space, so that it cannot hide anything either.
  const code = (text: string) => codeWithoutImages(text).replace(HTML_START, '<\u200B');
  return mapLines(
    revealInvisible(markdown),
    (line, previous) => {
      // A line under a paragraph that would make it a big heading becomes a rule or text after a blank line.
      const gap = SETEXT_UNDERLINE.test(line) && previous.length && previous.at(-1)!.trim() !== '' ? [''] : [];
      const heading = line.replace(ATX_HEADING, (_all, indent: string, hashes: string) => `${indent}${'#'.repeat(Math.min(6, hashes.length + HEADING_SHIFT))}`);
      const shown = mapCode(heading, (text) => proseWithoutImages(text.replace(HTML_START, '&lt;')), code);
      return [...gap, unmention(shown.replace(TASK_BOX, box))];
    },
    code,
  );
}

/** `prose` on the parts of a line outside inline code spans, `code` on the spans. */
function mapCode(line: string, prose: (text: string) => string, code: (text: string) => string): string {
  let result = '';
  let i = 0;
  while (i < line.length) {
    const tick = line.indexOf('`', i);
    if (tick === -1) break;
    const run = /^`+/.exec(line.slice(tick))![0];
    // A backslash before it makes the first backtick literal: no code span starts there.
    const escaped = escapedAt(line, tick);
    const close = escaped ? -1 : findRun(line, tick + run.length, run.length);
    if (close === -1) {
      // An unmatched run is literal backticks: what follows is ordinary text.
      const literal = escaped ? 1 : run.length;
      result += prose(line.slice(i, tick + literal));
      i = tick + literal;
      continue;
    }
    result += prose(line.slice(i, tick)) + code(line.slice(tick, close + run.length));
    i = close + run.length;
  }
  return result + prose(line.slice(i));
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
