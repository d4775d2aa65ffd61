// What a reader's browser would fetch on its own from a posted text: the URLs
// of the images (and other loading tags) in the HTML that commonmark.js, the
// CommonMark reference renderer, makes of it. GitHub's own hosts are allowed.
import { HtmlRenderer, Parser } from 'commonmark';

export const render = (markdown: string) => new HtmlRenderer().render(new Parser().parse(markdown));

const GITHUB = /^https:\/\/(?:github\.com|(?:user-images|private-user-images|raw|avatars|camo|objects)\.githubusercontent\.com)\//;

/** Every URL a rendered page would fetch without a click: img src, srcset and the like. */
export function fetched(html: string): string[] {
  const tags = [...html.matchAll(/<(img|picture|source|video|audio|iframe|image|svg|object|embed|input|link)\b[^>]*>/gi)].map((m) => m[0]);
  return tags.flatMap((tag) => {
    const urls = [...tag.matchAll(/\b(?:src|srcset|poster|data|href)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi)].map((m) => m[1]!.replace(/^["']|["']$/g, ''));
    return /<(img|image)\b/i.test(tag) && !/\bsrc=/i.test(tag) ? [...urls, '(no src)'] : urls;
  });
}

/** What a rendered markdown text would fetch from hosts other than GitHub's. */
export const foreignImages = (markdown: string) => fetched(render(markdown)).filter((url) => !GITHUB.test(url));
