// Loopback stand-ins for two model APIs, enough of each for a real agent CLI
// to run one iteration: the Gemini API (`streamGenerateContent` as SSE, for
// the Gemini CLI) and OpenAI Chat Completions (streamed, for opencode and
// Copilot's bring-your-own-key provider). Each request is answered by the
// next turn of a script (a reply, a shell command through the shell tool the
// request offers, an API error, or no answer at all) and recorded.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackStandIn, readBody } from './http.js';

export interface ModelUsage {
  input: number;
  cached: number;
  output: number;
}

export type ModelTurn =
  /** An assistant message, a shell command through the CLI's shell tool, or both (text first). */
  | { kind: 'reply'; text?: string; shell?: string; usage?: Partial<ModelUsage> }
  /** An HTTP error with the API's error body. */
  | { kind: 'error'; status: number; message: string }
  /** Takes the request and never answers. */
  | { kind: 'hang' };

/** A model request as a script function sees it. */
export interface ModelCall {
  /** 1-based, counting only model requests. */
  index: number;
  headers: IncomingHttpHeaders;
  body: Record<string, any>;
  /** All the text of the request: system prompt, messages and tool outputs. */
  text: string;
}

export type ModelScript = ModelTurn | ((call: ModelCall) => ModelTurn);

export interface RecordedModelRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
  /** `reply`, `shell via <tool>`, `error <status>`, `hang`, or `other`. */
  answer: string;
  /** Set for model requests: the call the script saw. */
  call?: ModelCall;
}

export const DEFAULT_MODEL_USAGE: ModelUsage = { input: 1_000, cached: 200, output: 50 };

export const say = (text: string, usage?: Partial<ModelUsage>): ModelTurn => ({ kind: 'reply', text, ...(usage ? { usage } : {}) });
export const runShell = (command: string): ModelTurn => ({ kind: 'reply', shell: command });
export const apiError = (status: number, message: string): ModelTurn => ({ kind: 'error', status, message });
export const hang = (): ModelTurn => ({ kind: 'hang' });

export type Dialect = 'gemini' | 'chat';

/** Shell tools by name, and how each takes its command. */
const SHELL_TOOLS: Record<string, (command: string) => Record<string, unknown>> = {
  run_shell_command: (command) => ({ command, description: 'run a command' }), // Gemini CLI
  bash: (command) => ({ command, description: 'run a command' }), // opencode, Copilot
  shell: (command) => ({ command, description: 'run a command' }),
};

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join('\n');
  if (value && typeof value === 'object') {
    const item = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of ['text', 'content', 'parts', 'output', 'response', 'functionResponse', 'arguments', 'args', 'result']) {
      if (item[key] !== undefined) parts.push(typeof item[key] === 'object' ? JSON.stringify(item[key]) + '\n' + textOf(item[key]) : textOf(item[key]));
    }
    return parts.join('\n');
  }
  return '';
}

/** The text a model would read in a request of either dialect (tool definitions left out). */
export function requestText(dialect: Dialect, body: Record<string, any>): string {
  if (dialect === 'gemini') return [textOf(body.systemInstruction), ...(body.contents ?? []).map(textOf)].join('\n');
  return (body.messages ?? []).map(textOf).join('\n');
}

/** The shell tool offered in the request, if any. */
export function shellToolOf(dialect: Dialect, body: Record<string, any>): string | undefined {
  const names =
    dialect === 'gemini'
      ? (body.tools ?? []).flatMap((t: any) => (t.functionDeclarations ?? []).map((f: any) => f.name as string))
      : (body.tools ?? []).map((t: any) => t.function?.name as string);
  return Object.keys(SHELL_TOOLS).find((name) => names.includes(name));
}

export class ModelStandIn extends LoopbackStandIn {
  readonly requests: RecordedModelRequest[] = [];
  /** What GET /models lists (Copilot's own service offers only the models listed there). */
  models: unknown[] = [];
  private calls = 0;

  private constructor(
    readonly dialect: Dialect,
    private readonly script: ModelScript[],
    private readonly otherwise?: ModelScript,
  ) {
    super();
  }

  static async start(dialect: Dialect, script: ModelScript[], otherwise?: ModelScript): Promise<ModelStandIn> {
    const standIn = new ModelStandIn(dialect, script, otherwise);
    await standIn.listen();
    return standIn;
  }

  /** The model requests, in order. */
  modelRequests(): RecordedModelRequest[] {
    return this.requests.filter((r) => r.call !== undefined);
  }


  private isModelRequest(method: string, path: string): boolean {
    if (method !== 'POST') return false;
    if (this.dialect === 'gemini') return /^\/v1(beta)?\/models\/[^/:]+:(streamGenerateContent|generateContent)$/.test(path);
    return /\/chat\/completions$/.test(path);
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const record: RecordedModelRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, answer: 'other' };
    this.requests.push(record);
    const path = record.url.split('?')[0]!;
    if (this.isModelRequest(record.method, path)) {
      const call: ModelCall = { index: ++this.calls, headers: req.headers, body: (body ?? {}) as Record<string, any>, text: '' };
      call.text = requestText(this.dialect, call.body);
      record.call = call;
      const next = this.script[call.index - 1] ?? this.otherwise ?? apiError(400, `the stand-in has no turn scripted for request ${call.index}`);
      const turn = typeof next === 'function' ? next(call) : next;
      if (turn.kind === 'hang') {
        record.answer = 'hang';
        return;
      }
      if (turn.kind === 'error') {
        record.answer = `error ${turn.status}`;
        return json(res, turn.status, this.errorBody(turn.status, turn.message));
      }
      const tool = turn.shell !== undefined ? shellToolOf(this.dialect, call.body) : undefined;
      if (turn.shell !== undefined && !tool) {
        record.answer = 'error 400';
        return json(res, 400, this.errorBody(400, 'the stand-in found no shell tool in the request'));
      }
      record.answer = tool ? `shell via ${tool}` : 'reply';
      const usage = { ...DEFAULT_MODEL_USAGE, ...turn.usage };
      const streamed = this.dialect === 'gemini' ? path.endsWith(':streamGenerateContent') : call.body.stream === true;
      return this.dialect === 'gemini' ? geminiReply(res, call, turn, tool, usage, streamed, path) : chatReply(res, call, turn, tool, usage, streamed);
    }
    if (record.method === 'GET' && /\/models$/.test(path)) return json(res, 200, { object: 'list', data: this.models, models: [] });
    if (this.dialect === 'gemini' && record.method === 'POST' && path.endsWith(':countTokens')) return json(res, 200, { totalTokens: 100 });
    return json(res, 404, this.errorBody(404, `the stand-in does not serve ${record.method} ${path}`));
  }

  private errorBody(status: number, message: string): unknown {
    if (this.dialect === 'gemini') return { error: { code: status, message, status: status === 400 ? 'INVALID_ARGUMENT' : status === 429 ? 'RESOURCE_EXHAUSTED' : 'UNKNOWN' } };
    return { error: { message, type: 'invalid_request_error', code: null, param: null } };
  }
}

type Reply = Extract<ModelTurn, { kind: 'reply' }>;

function geminiReply(res: ServerResponse, call: ModelCall, turn: Reply, tool: string | undefined, usage: ModelUsage, streamed: boolean, path: string): void {
  const parts: Record<string, unknown>[] = [];
  if (turn.text !== undefined) parts.push({ text: turn.text });
  if (tool) parts.push({ functionCall: { name: tool, args: SHELL_TOOLS[tool]!(turn.shell!) } });
  const chunk = {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: {
      promptTokenCount: usage.input,
      cachedContentTokenCount: usage.cached,
      candidatesTokenCount: usage.output,
      totalTokenCount: usage.input + usage.output,
    },
    // The model the path asked for, as the API names the one that answered.
    modelVersion: /\/models\/([^/:]+):/.exec(path)?.[1] ?? 'stand-in',
    responseId: `standin-${call.index}`,
  };
  if (!streamed) return json(res, 200, chunk);
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
  res.end();
}

function chatReply(res: ServerResponse, call: ModelCall, turn: Reply, tool: string | undefined, usage: ModelUsage, streamed: boolean): void {
  const id = `chatcmpl-standin-${call.index}`;
  const model = String(call.body.model ?? 'stand-in');
  const created = Math.floor(Date.now() / 1000);
  const toolCall = tool ? { id: `call_standin_${call.index}`, type: 'function', function: { name: tool, arguments: JSON.stringify(SHELL_TOOLS[tool]!(turn.shell!)) } } : undefined;
  const finish = toolCall ? 'tool_calls' : 'stop';
  const usageBody = {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cached },
  };
  if (!streamed) {
    return json(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: turn.text ?? null, ...(toolCall ? { tool_calls: [toolCall] } : {}) }, finish_reason: finish }],
      usage: usageBody,
    });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`);
  chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
  if (turn.text !== undefined) chunk([{ index: 0, delta: { content: turn.text }, finish_reason: null }]);
  if (toolCall) chunk([{ index: 0, delta: { tool_calls: [{ index: 0, ...toolCall }] }, finish_reason: null }]);
  chunk([{ index: 0, delta: {}, finish_reason: finish }]);
  chunk([], { usage: usageBody });
  res.write('data: [DONE]\n\n');
  res.end();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
