// The action's hidden marker: the first line of every comment it writes, so
// that it finds its own comments again and never reads them as input.

export const MARKER_PREFIX = '<!-- samocode:';

export const marker = (kind: string, id?: string | number) => `${MARKER_PREFIX}${kind}${id === undefined ? '' : `:${id}`} -->`;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const OWN_MARKER = new RegExp(`^${escapeRegExp(MARKER_PREFIX)}[a-z][a-z-]*(?::[^\\s<>]+)? -->$`);

/**
 * The action's marker of a comment, or null: only the first line counts, and only
 * exactly as `marker()` writes it, so a marker quoted or planted further down
 * (in a question, a plan, a person's reply) is never taken for the action's own.
 */
export function ownMarker(body: string): string | null {
  const first = body.split('\n', 1)[0]!.replace(/\r$/, '');
  return OWN_MARKER.test(first) ? first : null;
}

