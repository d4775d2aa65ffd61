// The record `samocode init` leaves beside the action it vendors: which
// version it copied (for `doctor` to compare with the CLI's) and what the
// workflow held when init wrote it (so that a later init can tell a person's
// change from its own copy).
import * as z from './schema.js';

/** Where the vendored action lives in a repository, and the workflow beside it. */
export const ACTION_DIR = '.github/actions/samocode';
export const WORKFLOW_PATH = '.github/workflows/samocode.yml';
export const RECORD_NAME = 'samocode-vendored.json';
export const RECORD_PATH = `${ACTION_DIR}/${RECORD_NAME}`;

const Record = z.object({
  /** The package version of the CLI that vendored it. */
  version: z.string(),
  /** sha256 over the vendored files' paths and bytes: two builds of one version differ here. */
  digest: z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/)),
  /** sha256 of the workflow as init last wrote it; null when init left a person's workflow in place. */
  workflow: z.nullable(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
});
export type VendoredRecord = z.infer<typeof Record>;

/** The record from its text; null when it is not one. */
export function parseRecord(text: string): VendoredRecord | null {
  try {
    const parsed = Record.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function formatRecord(record: VendoredRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
