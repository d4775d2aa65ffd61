// GitHub's published REST description (@octokit/openapi), for the stand-in:
// what a request body must be, what a response must hold, and GitHub's own
// example of each. The description is 70 MB, so it is read once per process,
// on first use, and only the operations the stand-in serves are kept.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// The description is OpenAPI 3.0: draft-07 Ajv reads it once `nullable` is spelled as JSON Schema.
const Ajv = AjvModule as unknown as typeof AjvModule.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** The operations the stand-in serves, as the description names their paths. */
export const SERVED = [
  ['GET', '/repos/{owner}/{repo}'],
  ['GET', '/repos/{owner}/{repo}/collaborators/{username}/permission'],
  ['GET', '/repos/{owner}/{repo}/issues/{issue_number}'],
  ['GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}'],
  ['POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels'],
  ['DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}'],
  ['GET', '/repos/{owner}/{repo}/pulls'],
  ['POST', '/repos/{owner}/{repo}/pulls'],
  ['POST', '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches'],
  ['POST', '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions'],
  ['GET', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews'],
  ['POST', '/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies'],
  ['GET', '/user'],
  // What `samocode doctor` asks (fake-settings.ts).
  ['GET', '/repos/{owner}/{repo}/actions/permissions'],
  ['GET', '/repos/{owner}/{repo}/actions/permissions/selected-actions'],
  ['GET', '/repos/{owner}/{repo}/actions/permissions/workflow'],
  ['GET', '/repos/{owner}/{repo}/actions/workflows'],
  ['GET', '/repos/{owner}/{repo}/actions/workflows/{workflow_id}'],
  ['GET', '/repos/{owner}/{repo}/contents/{path}'],
  ['GET', '/repos/{owner}/{repo}/labels/{name}'],
  ['GET', '/repos/{owner}/{repo}/actions/secrets'],
  ['GET', '/repos/{owner}/{repo}/actions/organization-secrets'],
  ['GET', '/repos/{owner}/{repo}/actions/variables'],
  ['GET', '/repos/{owner}/{repo}/actions/organization-variables'],
] as const;

export type Template = (typeof SERVED)[number][1];

interface RawOperation {
  operationId: string;
  deprecated?: boolean;
  'x-github'?: { enabledForGitHubApps?: boolean };
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema?: object; examples?: Record<string, { value: unknown }> }> }>;
}

interface Operation {
  id: string;
  method: string;
  template: string;
  pattern: RegExp;
  raw: RawOperation;
  request?: ValidateFunction;
  responses: Map<string, ValidateFunction>;
}

let operations: Operation[] | null = null;

/** Every operation of the description, not only those served: what GitHub says of each whoever calls it. */
export interface Described {
  id: string;
  /** Deprecated in the description: a test that calls it fails. */
  deprecated: boolean;
  /** `x-github.enabledForGitHubApps`: false means an app's token (an installation's, the workflow's GITHUB_TOKEN) gets 403. */
  enabledForApps: boolean;
}

let described: { method: string; pattern: RegExp; literals: number; op: Described }[] | null = null;

/** Reads and compiles the description now (the stand-in does so when it starts, so no request waits for it). */
export function loadDescription(): number {
  return load().length;
}

function load(): Operation[] {
  if (operations) return operations;
  const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.deref.json');
  const paths = (JSON.parse(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, RawOperation>> }).paths;
  described = Object.entries(paths)
    .flatMap(([template, ops]) =>
      Object.entries(ops)
        .filter(([, raw]) => raw.operationId)
        .map(([method, raw]) => ({
          method: method.toUpperCase(),
          pattern: templatePattern(template),
          // `/pulls/comments/{id}` before `/pulls/{number}/…`: the more fixed words, the more specific.
          literals: template.split('/').filter((part) => part && !part.startsWith('{')).length,
          op: { id: raw.operationId, deprecated: raw.deprecated === true, enabledForApps: raw['x-github']?.enabledForGitHubApps !== false },
        })),
    )
    .sort((a, b) => b.literals - a.literals);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  operations = SERVED.map(([method, template]) => {
    const raw = paths[template]![method.toLowerCase()]!;
    const json = (content?: Record<string, { schema?: object }>) => {
      const schema = content?.['application/json']?.schema;
      return schema && withNull(schema);
    };
    const requestSchema = json(raw.requestBody?.content);
    const responses = new Map<string, ValidateFunction>();
    for (const [status, response] of Object.entries(raw.responses)) {
      const schema = json(response.content);
      if (schema) responses.set(status, ajv.compile(schema));
    }
    const pattern = templatePattern(template);
    return { id: raw.operationId, method, template, pattern, raw, request: requestSchema ? ajv.compile(requestSchema) : undefined, responses };
  });
  return operations;
}

// A file's {path} holds slashes; every other parameter is one segment.
const templatePattern = (template: string) => new RegExp(`^${template.replace(/\{path\}/g, '.+').replace(/\{[^}]+\}/g, '[^/]+')}$`);

/** What the description says of the operation this request calls; null when it names none (GraphQL, a log's signed address). */
export function describedOperation(method: string, path: string): Described | null {
  load();
  return described!.find((d) => d.method === method && d.pattern.test(path))?.op ?? null;
}

/** OpenAPI 3.0's `nullable: true` as JSON Schema: null allowed beside the type, or beside the whole schema. */
function withNull(schema: any): any {
  if (Array.isArray(schema)) return schema.map(withNull);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // `properties`, `examples` and the like hold names, not schemas, at their first level.
    out[key] = key === 'example' || key === 'examples' || key === 'enum' ? value : withNull(value);
  }
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (typeof out.type === 'string') {
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return { ...out, type: [out.type, 'null'] };
  }
  return { anyOf: [out, { type: 'null' }] };
}

function find(method: string, path: string): Operation | null {
  return load().find((op) => op.method === method && op.pattern.test(path)) ?? null;
}

const describe = (validate: ValidateFunction) =>
  (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`).join('; ');

/** Why GitHub would refuse this request body (null when it would not, or when the operation takes none). */
export function requestProblem(method: string, path: string, body: unknown): string | null {
  const op = find(method, path);
  if (!op?.request) return null;
  return op.request(body) ? null : `${op.id}: ${describe(op.request)}`;
}

/**
 * How this response differs from what GitHub documents for the operation and
 * status; null when it matches or GitHub documents no body for that status
 * (a 5xx, an injected fault).
 */
export function responseProblem(method: string, path: string, status: number, body: unknown): string | null {
  const op = find(method, path);
  if (!op) return null;
  const documented = op.raw.responses[String(status)];
  if (!documented) return status < 300 ? `${op.id}: GitHub does not answer ${status}` : null;
  const validate = op.responses.get(String(status));
  if (!validate) return body === undefined ? null : `${op.id}: GitHub sends no body with ${status}`;
  return validate(body) ? null : `${op.id} ${status}: ${describe(validate)}`;
}

/** GitHub's own example of this operation's answer, a fresh copy to adjust. */
export function example(method: string, template: Template, status: number): any {
  const op = load().find((o) => o.method === method && o.template === template)!;
  const examples = op.raw.responses[String(status)]!.content!['application/json']!.examples!;
  const value = Object.values(examples)[0]!.value as Record<string, unknown>;
  // Some examples wrap the value beside a note on coming changes.
  return structuredClone(value && 'x-github-breaking-changes' in value ? value.value : value);
}
