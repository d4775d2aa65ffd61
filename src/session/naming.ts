// Session names resolve like the original worker: the exact folder, else the
// newest `*-NAME`, else a new `YY-MM-DD-NAME`.
import { localDatePrefix } from '../core/time.js';

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function checkSessionName(name: string): string | null {
  if (!SAFE_NAME.test(name) || name.includes('..')) {
    return `invalid session name "${name}": use letters, digits, ".", "_" and "-" (at most 100)`;
  }
  return null;
}

export const datePrefix = localDatePrefix;

export interface ResolvedName {
  folder: string;
  isNew: boolean;
}

export function resolveSessionName(existing: string[], name: string, today: Date): ResolvedName {
  if (existing.includes(name)) return { folder: name, isNew: false };
  const dated = existing.filter((f) => /^\d{2}-\d{2}-\d{2}-/.test(f) && f.slice(9) === name).sort();
  const newest = dated.at(-1);
  if (newest) return { folder: newest, isNew: false };
  return { folder: `${datePrefix(today)}-${name}`, isNew: true };
}

/** `Fix the login page!` → `fix-the-login-page`. */
export function slugify(text: string, max = 40): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[^\x00-\x7f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');
  return slug || 'session';
}

/** The newest session folder of an issue among `names` (`YY-MM-DD-<issue>-<slug>`). */
export function issueFolder(names: string[], issue: number): string | null {
  const pattern = new RegExp(`^\\d{2}-\\d{2}-\\d{2}-${issue}-`);
  return names.filter((n) => pattern.test(n)).sort().at(-1) ?? null;
}
