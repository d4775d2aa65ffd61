// Untrusted text (issue title and body, comments) is cleaned before it
// reaches a prompt or a file: what a person reading the issue cannot see
// must not reach the agent either.

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
// Zero-width, bidirectional controls, word joiners, BOM, soft hyphen, tag characters, variation selectors.
const INVISIBLE =
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB]|\uDB40[\uDC00-\uDDEF]/g;
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
// Image alt text and titles are not shown as text: keep only that there was an image.
const MD_IMAGE = /!\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
const MD_LINK_TITLE = /(\[[^\]]*\]\(\s*<?[^)\s>]*>?)\s+(?:"[^"]*"|'[^']*'|\([^)]*\))\s*\)/g;
const REF_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*\S+(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*$/gm;
const HTML_IMG = /<img\b[^>]*>/gi;
const HIDDEN_ELEMENT = /<(details|summary|picture|source|svg|style|script|template|object|iframe)\b[\s\S]*?(?:<\/\1\s*>|$)/gi;
// Only real HTML elements: `Promise<void>` or `a<b && c>d` in a task is code, not markup.
const HTML_TAG =
  /<\/?(?:a|abbr|b|bdi|bdo|blockquote|br|caption|cite|code|dd|del|dfn|div|dl|dt|em|figcaption|figure|font|h[1-6]|hr|i|ins|kbd|li|mark|ol|p|pre|q|rp|rt|ruby|s|samp|small|span|strike|strong|sub|sup|table|tbody|td|tfoot|th|thead|tr|tt|u|ul|var|wbr|center|section|article|header|footer|nav|main|aside|label|input|button|form|select|option|textarea|meta|link|base|body|html|head|title)\b[^>]*>/gi;

/** What cannot be seen, written out as `⟨U+200B⟩` where it must be shown rather than removed. */
export function revealInvisible(text: string): string {
  const show = (ch: string) => `⟨U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`;
  return text.replace(INVISIBLE, show).replace(CONTROL, show);
}

export function cleanUntrusted(text: string): string {
  return text
    .normalize('NFC')
    .replace(HTML_COMMENT, '')
    .replace(INVISIBLE, '')
    .replace(CONTROL, '')
    .replace(MD_IMAGE, (_all, url: string) => `[image: ${url}]`)
    .replace(MD_LINK_TITLE, '$1)')
    .replace(REF_DEFINITION, '')
    .replace(HTML_IMG, '[image]')
    .replace(HIDDEN_ELEMENT, '')
    .replace(HTML_TAG, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
