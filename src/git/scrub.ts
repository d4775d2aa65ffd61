// Nothing pushed holds a known secret value: not a file's contents of any
// size, not a file name, not a link's target. Contents are rewritten where
// that is cheap; what cannot be scrubbed is left out of the commit and
// reported. A file GitHub would refuse (over 100 MB) is left out as well, so
// that the rest of the iteration still reaches the branch.
import { createReadStream } from 'node:fs';
import { lstat, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redactor } from '../core/redact.js';

/** GitHub refuses a pushed file over 100 MB. */
export const GITHUB_FILE_LIMIT = 100 * 1024 * 1024;
/** A larger file holding a secret is left out rather than rewritten in memory. */
const REWRITE_LIMIT = 10 * 1024 * 1024;

export interface ScrubReport {
  /** Files whose contents had a secret replaced. */
  scrubbed: string[];
  /** Files kept off this commit, and why. */
  leftOut: { path: string; why: string }[];
}

export async function scrubForCommit(workspace: string, paths: string[], redactor: Redactor): Promise<ScrubReport> {
  const report: ScrubReport = { scrubbed: [], leftOut: [] };
  for (const path of paths) {
    const verdict = await scrubOne(join(workspace, path), path, redactor);
    if (verdict === 'scrubbed') report.scrubbed.push(path);
    else if (verdict) report.leftOut.push({ path, why: verdict });
  }
  return report;
}

/** `scrubbed`, a reason to leave the file out, or null when it may go as it is. */
async function scrubOne(file: string, path: string, redactor: Redactor): Promise<'scrubbed' | string | null> {
  if (redactor.holdsKnown(path)) return 'its name holds a secret value';
  const info = await lstat(file).catch(() => null);
  if (!info) return null;
  if (info.isSymbolicLink()) return redactor.holdsKnown(await readlink(file)) ? 'it is a link whose target holds a secret value' : null;
  if (!info.isFile()) return null;
  if (info.size > GITHUB_FILE_LIMIT) return `it is ${(info.size / 1024 / 1024).toFixed(0)} MB, over GitHub's 100 MB limit`;
  if (redactor.longestKnown === 0) return null;
  if (info.size <= REWRITE_LIMIT) {
    const text = await readFile(file, 'latin1');
    if (!redactor.holdsKnown(text)) return null;
    await writeFile(file, redactor.redactKnown(text), 'latin1');
    return 'scrubbed';
  }
  return (await streamHoldsSecret(file, redactor)) ? 'it holds a secret value and is too large to rewrite' : null;
}

/** Reads in chunks, carrying the tail over so that a value split across two chunks is still found. */
async function streamHoldsSecret(file: string, redactor: Redactor): Promise<boolean> {
  const overlap = redactor.longestKnown - 1;
  let carry = '';
  for await (const chunk of createReadStream(file, { encoding: 'latin1', highWaterMark: 1024 * 1024 })) {
    const text = carry + (chunk as string);
    if (redactor.holdsKnown(text)) return true;
    carry = overlap > 0 ? text.slice(-overlap) : '';
  }
  return false;
}
