// The values nothing samocode posts or commits may hold, gathered once a run:
// the inputs' tokens, and every environment variable that holds a credential,
// whether its name says so or only its value does.
import { tokensIn, urlPasswordsIn } from './redact.js';

/** Shorter values are too likely to be ordinary words (`true`, `main`, a port). */
export const MIN_SECRET_LENGTH = 8;
/** Explicit values (the inputs' tokens) are trusted to be secrets from this length. */
const MIN_GIVEN_LENGTH = 6;
/** A password inside a URL is a secret by where it sits; only the very shortest are left out. */
const MIN_URL_PASSWORD_LENGTH = 6;

const CREDENTIAL_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_KEY|_KEY$|CREDENTIAL|PRIVATE)/i;

/** What one variable gives away: its whole value if its name or shape says credential, and the parts that are. */
export function secretsInVariable(name: string, value: string | undefined): string[] {
  if (!value) return [];
  const found: string[] = [];
  const tokens = tokensIn(value);
  const passwords = urlPasswordsIn(value).filter((p) => p.length >= MIN_URL_PASSWORD_LENGTH);
  const credential = CREDENTIAL_NAME.test(name) || tokens.length > 0 || passwords.length > 0;
  if (credential && value.length >= MIN_SECRET_LENGTH) found.push(value);
  found.push(...tokens, ...passwords);
  // A percent-encoded password is written out decoded as often as not.
  for (const p of passwords) {
    const decoded = safeDecode(p);
    if (decoded !== p && decoded.length >= MIN_URL_PASSWORD_LENGTH) found.push(decoded);
  }
  return found;
}

export function knownSecrets(env: Record<string, string | undefined>, extraValues: (string | undefined)[] = []): string[] {
  const given = extraValues.filter((v): v is string => typeof v === 'string' && v.length >= MIN_GIVEN_LENGTH);
  const fromEnv = Object.entries(env).flatMap(([name, value]) => secretsInVariable(name, value));
  return [...new Set([...given, ...fromEnv])];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
