// A loopback stand-in for the Anthropic Messages API, enough of it for the
// real Claude Code CLI in print mode: `POST /v1/messages` (Claude Code adds
// `?beta=true`) answered as an SSE stream, scripted per request, every
// request recorded. Point the CLI at it with ANTHROPIC_BASE_URL.
//
// What Claude Code 2.1 sends (seen by logging it): only `POST
// /v1/messages?beta=true`, with `x-api-key`, `anthropic-version`,
// `anthropic-beta`, `stream: true`, its tools (Bash, Write, Read, Edit, …) and
// the conversation so far; after a tool call the next request ends with the
// `tool_result`. A 400 is tried again up to five times with fewer beta
// features, so an error turn is best given as `otherwise` (every request).
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackStandIn, readBody } from './http.js';

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
}

export type AnthropicTurn =
  /** An assistant message: text, tool calls, or both (text first). Tool calls end the turn with `tool_use`. */
  | { kind: 'reply'; text?: string; tools?: ToolCall[]; usage?: Partial<AnthropicUsage> }
  /** An HTTP error with the API's error body, e.g. 400 invalid_request_error or 529 overloaded_error. */
  | { kind: 'error'; status: number; type: string; message: string }
  /** Takes the request and never answers. */
  | { kind: 'hang' };

export interface MessagesBody {
  model?: string;
  stream?: boolean;
  system?: unknown;
  messages?: { role: string; content: unknown }[];
  tools?: { name: string }[];
  [key: string]: unknown;
}

/** A request to /v1/messages as a script function sees it. */
export interface MessagesCall {
  /** 1-based, counting only /v1/messages requests. */
  index: number;
  headers: IncomingHttpHeaders;
  body: MessagesBody;
  /** All the text of the request: system prompt, messages and tool results. */
  text: string;
}

export type AnthropicScript = AnthropicTurn | ((call: MessagesCall) => AnthropicTurn);

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** What the stand-in did: `reply`, `error 400`, `hang`, or `other` for endpoints besides /v1/messages. */
  answer: string;
}

export const DEFAULT_USAGE: AnthropicUsage = { input_tokens: 1_000, output_tokens: 50, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };

export const say = (text: string, usage?: Partial<AnthropicUsage>): AnthropicTurn => ({ kind: 'reply', text, ...(usage ? { usage } : {}) });
export const callTools = (...tools: ToolCall[]): AnthropicTurn => ({ kind: 'reply', tools });
export const apiError = (status: number, type: string, message: string): AnthropicTurn => ({ kind: 'error', status, type, message });
export const hang = (): AnthropicTurn => ({ kind: 'hang' });

export interface AnthropicStandInOptions {
  /** The answer once the script has run out; by default a 400 that says so. */
  otherwise?: AnthropicScript;
  /** The one key the stand-in takes (x-api-key or a bearer token), as the real API does; a request with another gets 401. */
  apiKey?: string;
  /** Usage reported by replies that do not set their own. */
  usage?: Partial<AnthropicUsage>;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join('\n');
  if (value && typeof value === 'object') {
    const block = value as Record<string, unknown>;
    if (typeof block.text === 'string') return block.text;
    if (block.type === 'tool_result') return textOf(block.content);
    if (block.type === 'tool_use') return JSON.stringify(block.input);
  }
  return '';
}

/** The text a model would read in a Messages request. */
export function messagesText(body: MessagesBody): string {
  return [textOf(body.system), ...(body.messages ?? []).map((m) => textOf(m.content))].join('\n');
}

export class AnthropicStandIn extends LoopbackStandIn {
  readonly requests: RecordedRequest[] = [];
  private calls = 0;

  constructor(
    private readonly script: AnthropicScript[],
    private readonly options: AnthropicStandInOptions = {},
  ) {
    super();
  }

  static async start(script: AnthropicScript[], options: AnthropicStandInOptions = {}): Promise<AnthropicStandIn> {
    const standIn = new AnthropicStandIn(script, options);
    await standIn.listen();
    return standIn;
  }

  /** The requests to /v1/messages, in order. */
  messageRequests(): (RecordedRequest & { body: MessagesBody })[] {
    return this.requests.filter((r) => r.url.startsWith('/v1/messages') && !r.url.startsWith('/v1/messages/')) as (RecordedRequest & { body: MessagesBody })[];
  }


  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const record: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, answer: 'other' };
    this.requests.push(record);
    const path = record.url.split('?')[0];
    if (this.options.apiKey !== undefined && keyOf(req.headers) !== this.options.apiKey) {
      record.answer = 'refused 401';
      return json(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
    }

    if (record.method === 'POST' && path === '/v1/messages') {
      const call: MessagesCall = { index: ++this.calls, headers: req.headers, body: (body ?? {}) as MessagesBody, text: '' };
      call.text = messagesText(call.body);
      const next = this.script[call.index - 1] ?? this.options.otherwise ?? apiError(400, 'invalid_request_error', `the stand-in has no turn scripted for request ${call.index}`);
      const turn = typeof next === 'function' ? next(call) : next;
      record.answer = turn.kind === 'error' ? `error ${turn.status}` : turn.kind;
      if (turn.kind === 'hang') return;
      if (turn.kind === 'error') return json(res, turn.status, { type: 'error', error: { type: turn.type, message: turn.message } });
      return this.reply(res, call, turn);
    }
    // Anything else a CLI might ask at start gets a harmless answer.
    if (record.method === 'POST' && path === '/v1/messages/count_tokens') return json(res, 200, { input_tokens: this.usage().input_tokens });
    if (record.method === 'GET' && path === '/v1/models') return json(res, 200, { data: [], has_more: false, first_id: null, last_id: null });
    return json(res, 404, { type: 'error', error: { type: 'not_found_error', message: `the stand-in does not serve ${record.method} ${path}` } });
  }

  private usage(turn?: Partial<AnthropicUsage>): AnthropicUsage {
    return { ...DEFAULT_USAGE, ...this.options.usage, ...turn };
  }

  private reply(res: ServerResponse, call: MessagesCall, turn: Extract<AnthropicTurn, { kind: 'reply' }>): void {
    const id = `msg_standin_${call.index}`;
    const model = call.body.model ?? 'claude-stand-in';
    const usage = this.usage(turn.usage);
    const blocks = [
      ...(turn.text !== undefined ? [{ type: 'text' as const, text: turn.text }] : []),
      ...(turn.tools ?? []).map((tool, i) => ({ type: 'tool_use' as const, id: `toolu_standin_${call.index}_${i + 1}`, name: tool.name, input: tool.input })),
    ];
    const stopReason = blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';

    if (call.body.stream !== true) {
      return json(res, 200, { id, type: 'message', role: 'assistant', model, content: blocks, stop_reason: stopReason, stop_sequence: null, usage });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_standin_${call.index}` });
    const event = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    event('message_start', {
      message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
    });
    event('ping', {});
    blocks.forEach((block, index) => {
      if (block.type === 'text') {
        event('content_block_start', { index, content_block: { type: 'text', text: '' } });
        event('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
      } else {
        event('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
        // In two pieces, as the API streams it: the CLI must put the JSON together.
        const input = JSON.stringify(block.input);
        const half = Math.floor(input.length / 2);
        event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: input.slice(0, half) } });
        event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: input.slice(half) } });
      }
      event('content_block_stop', { index });
    });
    event('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
    event('message_stop', {});
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
