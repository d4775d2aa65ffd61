// Everything the action posts or commits passes the redactor: known secret
// values, the shapes of common tokens and the password of a URL become `***`.

const TOKEN_SHAPES = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bsk-ant-[A-Za-z0-9_-]{10,}/g,
  /\bsk-[A-Za-z0-9_-]{20,}/g,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
];

/** `scheme://user:password@host`: the user stays readable, the password does not. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*:)([^\s/?#@]+)@/gi;

export const REDACTED = '***';

/** The tokens of known shapes that occur in a text. */
export function tokensIn(text: string): string[] {
  return TOKEN_SHAPES.flatMap((shape) => text.match(shape) ?? []);
}

/** The passwords of the URLs with credentials in a text. */
export function urlPasswordsIn(text: string): string[] {
  return [...text.matchAll(URL_PASSWORD)].map((m) => m[2]!);
}

export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: (string | undefined)[] = []) {
    // Longest first, so a secret containing another is removed whole.
    this.secrets = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 6))].sort(
      (a, b) => b.length - a.length,
    );
  }

  with(...more: (string | undefined)[]): Redactor {
    return new Redactor([...this.secrets, ...more]);
  }

  redact(text: string): string {
    let out = this.redactKnown(text);
    for (const shape of TOKEN_SHAPES) out = out.replace(shape, REDACTED);
    return out.replace(URL_PASSWORD, `$1${REDACTED}@`);
  }

  /** Only the known values: for files, where a token-shaped string may be the repository's own test data. */
  redactKnown(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED);
    return out;
  }

  holdsKnown(text: string): boolean {
    return this.secrets.some((secret) => text.includes(secret));
  }

  /** The longest known value, so a reader of a stream knows how much to carry over between chunks. */
  get longestKnown(): number {
    return this.secrets[0]?.length ?? 0;
  }
}
