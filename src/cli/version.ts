// The package's version, from the package.json beside the bundle.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../providers/prompts.js';

export function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
