// Clock-free date formatting shared by the loop and the adapters: every
// stamp in a file name or a log line is built here, from a given instant.

/** Two digits, zero-padded: 7 → "07". */
export const pad2 = (n: number): string => String(n).padStart(2, '0');

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
