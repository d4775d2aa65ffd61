// Clock-free date formatting shared by the loop and the adapters: every
// stamp in a file name or a log line is built here, from a given instant.

/** Two digits, zero-padded: 7 → "07". */
export const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * The instant as `Date.prototype.toISOString` writes it (`2026-12-02T07:37:40.123Z`),
 * from the UTC fields: node's own toISOString maps about 0.8 MiB more of its
 * binary into a process that calls it (measured in the bench's terminal run,
 * goal 3), and every iteration stamps its records. Years past 9999 or before
 * 0 take toISOString's signed six-digit form.
 */
export function isoStamp(at: number | Date): string {
  const d = typeof at === 'number' ? new Date(at) : at;
  const year = d.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return d.toISOString();
  const ms = String(d.getUTCMilliseconds()).padStart(3, '0');
  return `${String(year).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${ms}Z`;
}

/** `MM-DD-HHMM` in UTC, so that every runner names the same instant alike. */
export function utcLogStamp(at: number): string {
  const d = new Date(at);
  return `${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}-${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}`;
}

/** `YY-MM-DD` in local time: the date a person sees in a session folder's name. */
export function localDatePrefix(date: Date): string {
  return `${pad2(date.getFullYear() % 100)}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;
}

/** `MM-DD-HH:MM` in local time. */
export function localMinuteStamp(date: Date): string {
  return `${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}-${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
}
