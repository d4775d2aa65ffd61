// What `samocode doctor` reads from a workflow file: its permissions, the
// secrets and variables it passes, the action it runs and whether the GitHub
// App token step is on. A workflow is YAML, but only these few keys are read,
// each in the forms GitHub's own docs use (a block map, a flow map, or
// `read-all`/`write-all`); anything else is reported as unreadable rather than
// guessed. No YAML library: the CLI's bundle would grow by a third for it.

export type Access = 'read' | 'write' | 'none';
/** Scope → access; `all` when the file says `read-all`/`write-all`. */
export type Permissions = Record<string, Access> | { all: Access };

export interface WorkflowFacts {
  /** The permissions the job runs with: the job's own, else the workflow's; null when neither says, undefined when unreadable. */
  permissions: Permissions | null | undefined;
  /** `secrets.NAME` the workflow passes (comments left out). */
  secrets: Set<string>;
  /** `uses:` of every step, in order. */
  uses: string[];
  /** The GitHub App token step, when one runs. */
  appToken: { vars: string[]; secrets: string[]; passedAsToken: boolean } | null;
}

/** The line without its comment (a `#` after a space, outside quotes); '' for a comment line. */
export function withoutComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

const indentOf = (line: string) => line.length - line.trimStart().length;
const ACCESS = new Set(['read', 'write', 'none']);

/** The map under `permissions:` (block or flow form), null when unreadable. */
function readPermissions(lines: string[], at: number): Permissions | undefined {
  const value = /^\s*permissions:\s*(.*)$/.exec(lines[at]!)![1]!.trim();
  if (value === 'read-all' || value === 'write-all') return { all: value === 'read-all' ? 'read' : 'write' };
  const entries: [string, string][] = [];
  if (value.startsWith('{')) {
    if (!value.endsWith('}')) return undefined;
    for (const part of value.slice(1, -1).split(',').filter((p) => p.trim())) {
      const m = /^\s*([\w-]+)\s*:\s*(\w+)\s*$/.exec(part);
      if (!m) return undefined;
      entries.push([m[1]!, m[2]!]);
    }
  } else if (value === '') {
    const own = indentOf(lines[at]!);
    for (let i = at + 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (!line.trim()) continue;
      if (indentOf(line) <= own) break;
      const m = /^\s*([\w-]+)\s*:\s*(\w+)\s*$/.exec(line);
      if (!m) return undefined;
      entries.push([m[1]!, m[2]!]);
    }
  } else return undefined;
  if (entries.some(([, access]) => !ACCESS.has(access))) return undefined;
  return Object.fromEntries(entries) as Record<string, Access>;
}

/** The access a job has to a scope under these permissions. */
export function accessTo(permissions: Permissions, scope: string): Access {
  if ('all' in permissions) return permissions.all as Access;
  return permissions[scope] ?? 'none';
}

/** The step (list item) holding line `at`: from its `- ` line to the next item or less indented line. */
function stepAround(lines: string[], at: number): string[] {
  let start = at;
  while (start > 0 && !/^\s*- /.test(lines[start]!)) start--;
  const indent = indentOf(lines[start]!);
  let end = start + 1;
  while (end < lines.length && (!lines[end]!.trim() || indentOf(lines[end]!) > indent)) end++;
  return lines.slice(start, end);
}

const namesAfter = (text: string, context: string) => [...text.matchAll(new RegExp(`\\b${context}\\.([A-Za-z_][A-Za-z0-9_]*)`, 'g'))].map((m) => m[1]!);

export function readWorkflow(text: string): WorkflowFacts {
  const lines = text.split(/\r?\n/).map(withoutComment);
  const code = lines.join('\n');
  let top: Permissions | null | undefined = null;
  let job: Permissions | null | undefined = null;
  let inJobs = false;
  let jobIndent = -1;
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const indent = indentOf(line);
    if (indent === 0) inJobs = /^jobs:\s*$/.test(line);
    else if (inJobs && jobIndent < 0) jobIndent = indent;
    if (!/^\s*permissions:/.test(line)) return;
    if (indent === 0) top = readPermissions(lines, i);
    // The first job's own permissions (the samocode workflow has one job).
    else if (inJobs && indent === jobIndent + 2 && job === null) job = readPermissions(lines, i);
  });
  const uses = [...code.matchAll(/^\s*(?:- )?uses:\s*['"]?([^'"\s]+)/gm)].map((m) => m[1]!);
  const appLine = lines.findIndex((l) => /^\s*(?:- )?uses:\s*['"]?actions\/create-github-app-token@/.test(l));
  let appToken: WorkflowFacts['appToken'] = null;
  if (appLine >= 0) {
    const step = stepAround(lines, appLine).join('\n');
    const id = /^\s*(?:- )?id:\s*['"]?([\w-]+)/m.exec(step)?.[1];
    const passedAsToken = id !== undefined && new RegExp(`^\\s*github-token:\\s*\\$\\{\\{\\s*steps\\.${id}\\.outputs\\.token\\s*\\}\\}`, 'm').test(code);
    appToken = { vars: namesAfter(step, 'vars'), secrets: namesAfter(step, 'secrets'), passedAsToken };
  }
  return { permissions: job !== null ? job : top, secrets: new Set(namesAfter(code, 'secrets')), uses, appToken };
}
