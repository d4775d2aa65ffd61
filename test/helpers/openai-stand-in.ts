// A loopback stand-in for the OpenAI Responses API, enough of it for the
// real Codex CLI (`codex exec`, 0.169): `POST /v1/responses` answered as an
// SSE stream, scripted per request, every request recorded.
//
// Codex does not read OPENAI_BASE_URL; it is pointed here the way a user
// points it at any other endpoint, with a provider in its config.toml:
//   model_provider = "standin"
//   [model_providers.standin]  base_url = "<url>/v1", env_key = "OPENAI_API_KEY", wire_api = "responses"
// (see `codexConfig` below). What it then sends (seen by logging it): only
// `POST /v1/responses` with `Authorization: Bearer $OPENAI_API_KEY`,
// `stream: true`, its tools and the whole conversation; after a tool call the
// next request ends with the call's output. A model it has no metadata for
// gets function tools (`exec_command` for the shell); a model it knows may
// get "code mode", a custom `exec` tool in an `additional_tools` input item
// that runs JavaScript calling `tools.exec_command`. A shell turn uses
// whichever of these the request offers.
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { LoopbackStandIn, readBody } from './http.js';

export interface OpenAIUsage {
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
}

export type OpenAITurn =
  /** An assistant message, a shell command through Codex's shell tool, or both (text first). */
  | { kind: 'reply'; text?: string; shell?: string; usage?: Partial<OpenAIUsage> }
  /** An HTTP error with the API's error body. */
  | { kind: 'error'; status: number; message: string; type?: string; code?: string }
  /** Takes the request and never answers. */
  | { kind: 'hang' };

export interface ResponsesBody {
  model?: string;
  stream?: boolean;
  instructions?: unknown;
  input?: Record<string, unknown>[];
  tools?: Record<string, unknown>[];
  [key: string]: unknown;
}

/** A request to /v1/responses as a script function sees it. */
export interface ResponsesCall {
  /** 1-based, counting only /v1/responses requests. */
  index: number;
  headers: IncomingHttpHeaders;
  body: ResponsesBody;
  /** All the text of the request: instructions, messages and tool outputs. */
  text: string;
}

export type OpenAIScript = OpenAITurn | ((call: ResponsesCall) => OpenAITurn);

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** `reply`, `shell via <tool>`, `error 400`, `hang`, `upgrade`, or `other`. */
  answer: string;
}

export const DEFAULT_USAGE: OpenAIUsage = { input_tokens: 1_000, cached_tokens: 200, output_tokens: 50, reasoning_tokens: 0 };

export const say = (text: string, usage?: Partial<OpenAIUsage>): OpenAITurn => ({ kind: 'reply', text, ...(usage ? { usage } : {}) });
export const runShell = (command: string): OpenAITurn => ({ kind: 'reply', shell: command });
export const apiError = (status: number, message: string, type = 'invalid_request_error'): OpenAITurn => ({ kind: 'error', status, message, type });
export const hang = (): OpenAITurn => ({ kind: 'hang' });

export interface OpenAIStandInOptions {
  /** The answer once the script has run out; by default a 400 that says so. */
  otherwise?: OpenAIScript;
  /** The one key the stand-in takes (x-api-key or a bearer token), as the real API does; a request with another gets 401. */
  apiKey?: string;
  /** Usage reported by replies that do not set their own. */
  usage?: Partial<OpenAIUsage>;
}

/**
 * A Codex config.toml that sends every model request to `url` (the
 * stand-in's), as a user would for any endpoint, and keeps Codex off the
 * internet otherwise: with API-key auth, 0.169 still syncs its plugin catalog
 * at start (github.com, api.github.com, chatgpt.com) unless `features.plugins`
 * is off, and sends metrics (ab.chatgpt.com) unless `analytics.enabled` is.
 * No retries: an error is the answer the test asked for.
 */
export function codexConfig(url: string): string {
  return `model_provider = "standin"

[model_providers.standin]
name = "loopback stand-in"
base_url = "${url}/v1"
env_key = "OPENAI_API_KEY"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0

[features]
plugins = false

[analytics]
enabled = false
`;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join('\n');
  if (value && typeof value === 'object') {
    const item = value as Record<string, unknown>;
    if (typeof item.text === 'string') return item.text;
    if (item.content !== undefined) return textOf(item.content);
    if (item.output !== undefined) return textOf(item.output);
    if (typeof item.arguments === 'string') return item.arguments;
    if (typeof item.input === 'string') return item.input;
  }
  return '';
}

/** The text a model would read in a Responses request (tool definitions left out). */
export function responsesText(body: ResponsesBody): string {
  const input = (body.input ?? []).filter((item) => item.type !== 'additional_tools');
  return [textOf(body.instructions), ...input.map(textOf)].join('\n');
}

type ShellTool = 'exec_command' | 'shell_command' | 'shell' | 'code-mode exec';

/** The shell tool Codex offered in this request, if any. */
export function shellToolOf(body: ResponsesBody): ShellTool | undefined {
  const names = new Set<string>();
  const collect = (tools: unknown) => {
    for (const tool of Array.isArray(tools) ? (tools as Record<string, unknown>[]) : []) {
      if (tool.type === 'namespace') collect(tool.tools);
      else if (typeof tool.name === 'string') names.add(`${String(tool.type)}:${tool.name}`);
    }
  };
  collect(body.tools);
  for (const item of body.input ?? []) if (item.type === 'additional_tools') collect(item.tools);
  if (names.has('function:exec_command')) return 'exec_command';
  if (names.has('function:shell_command')) return 'shell_command';
  if (names.has('function:shell')) return 'shell';
  if (names.has('custom:exec')) return 'code-mode exec';
  return undefined;
}

function shellCall(tool: ShellTool, command: string, id: string): Record<string, unknown> {
  const callId = `call_${id}`;
  switch (tool) {
    case 'exec_command':
      return { type: 'function_call', id: `fc_${id}`, call_id: callId, name: 'exec_command', arguments: JSON.stringify({ cmd: command }) };
    case 'shell_command':
      return { type: 'function_call', id: `fc_${id}`, call_id: callId, name: 'shell_command', arguments: JSON.stringify({ command }) };
    case 'shell':
      return { type: 'function_call', id: `fc_${id}`, call_id: callId, name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', command] }) };
    case 'code-mode exec':
      return {
        type: 'custom_tool_call',
        id: `ctc_${id}`,
        call_id: callId,
        name: 'exec',
        input: `const r = await tools.exec_command({ cmd: ${JSON.stringify(command)} });\ntext(JSON.stringify(r));`,
      };
  }
}

export class OpenAIStandIn extends LoopbackStandIn {
  readonly requests: RecordedRequest[] = [];
  private calls = 0;

  constructor(
    private readonly script: OpenAIScript[],
    private readonly options: OpenAIStandInOptions = {},
  ) {
    super();
  }

  static async start(script: OpenAIScript[], options: OpenAIStandInOptions = {}): Promise<OpenAIStandIn> {
    const standIn = new OpenAIStandIn(script, options);
    await standIn.listen();
    return standIn;
  }

  /** The requests to /v1/responses, in order. */
  responseRequests(): (RecordedRequest & { body: ResponsesBody })[] {
    return this.requests.filter((r) => r.method === 'POST' && r.url.split('?')[0] === '/v1/responses') as (RecordedRequest & { body: ResponsesBody })[];
  }

  protected override prepare(server: Server): void {
    // The built-in provider tries a WebSocket first; a configured one should not, and is refused if it does.
    server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: undefined, answer: 'upgrade' });
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    });
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const record: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, answer: 'other' };
    this.requests.push(record);
    const path = record.url.split('?')[0];
    if (this.options.apiKey !== undefined && keyOf(req.headers) !== this.options.apiKey) {
      record.answer = 'refused 401';
      return json(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key', param: null } });
    }

    if (record.method === 'POST' && path === '/v1/responses') {
      const call: ResponsesCall = { index: ++this.calls, headers: req.headers, body: (body ?? {}) as ResponsesBody, text: '' };
      call.text = responsesText(call.body);
      const next = this.script[call.index - 1] ?? this.options.otherwise ?? apiError(400, `the stand-in has no turn scripted for request ${call.index}`);
      const turn = typeof next === 'function' ? next(call) : next;
      if (turn.kind === 'hang') {
        record.answer = 'hang';
        return;
      }
      if (turn.kind === 'error') {
        record.answer = `error ${turn.status}`;
        return json(res, turn.status, { error: { message: turn.message, type: turn.type ?? 'invalid_request_error', code: turn.code ?? null, param: null } });
      }
      return this.reply(res, call, turn, record);
    }
    // Anything else a CLI might ask at start gets a harmless answer.
    if (record.method === 'GET' && (path === '/v1/models' || path === '/models')) return json(res, 200, { object: 'list', data: [], models: [] });
    return json(res, 404, { error: { message: `the stand-in does not serve ${record.method} ${path}`, type: 'not_found', code: null, param: null } });
  }

  private reply(res: ServerResponse, call: ResponsesCall, turn: Extract<OpenAITurn, { kind: 'reply' }>, record: RecordedRequest): void {
    const id = `resp_standin_${call.index}`;
    const model = call.body.model ?? 'stand-in';
    const usage = { ...DEFAULT_USAGE, ...this.options.usage, ...turn.usage };
    const items: Record<string, unknown>[] = [];
    if (turn.text !== undefined) {
      items.push({ type: 'message', id: `msg_standin_${call.index}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: turn.text, annotations: [] }] });
    }
    record.answer = 'reply';
    if (turn.shell !== undefined) {
      const tool = shellToolOf(call.body);
      if (!tool) {
        record.answer = 'error 400';
        return json(res, 400, { error: { message: 'the stand-in found no shell tool in the request', type: 'invalid_request_error', code: null, param: null } });
      }
      items.push(shellCall(tool, turn.shell, `standin_${call.index}`));
      record.answer = `shell via ${tool}`;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': `req_standin_${call.index}` });
    let sequence = 0;
    const event = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`);
    const response = { id, object: 'response', created_at: Math.floor(Date.now() / 1000), model, status: 'in_progress', output: [] as unknown[] };
    event('response.created', { response });
    event('response.in_progress', { response });
    items.forEach((item, outputIndex) => {
      event('response.output_item.added', { output_index: outputIndex, item: item.type === 'message' ? { ...item, status: 'in_progress', content: [] } : item });
      if (item.type === 'message') {
        const text = turn.text ?? '';
        event('response.output_text.delta', { item_id: item.id, output_index: outputIndex, content_index: 0, delta: text });
        event('response.output_text.done', { item_id: item.id, output_index: outputIndex, content_index: 0, text });
      }
      event('response.output_item.done', { output_index: outputIndex, item });
    });
    event('response.completed', {
      response: {
        ...response,
        status: 'completed',
        output: items,
        usage: {
          input_tokens: usage.input_tokens,
          input_tokens_details: { cached_tokens: usage.cached_tokens },
          output_tokens: usage.output_tokens,
          output_tokens_details: { reasoning_tokens: usage.reasoning_tokens },
          total_tokens: usage.input_tokens + usage.output_tokens,
        },
      },
    });
    res.end();
  }
}

function keyOf(headers: IncomingHttpHeaders): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(String(headers.authorization ?? ''))?.[1];
  return (headers['x-api-key'] as string | undefined) ?? bearer;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
