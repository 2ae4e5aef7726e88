/**
 * FAKE — stands in for the LLM provider. A scripted model server on 127.0.0.1 that speaks the OpenAI-compatible
 * Chat Completions protocol (`POST /v1/chat/completions`, server-sent events with a final usage chunk), which
 * OpenClaw uses for a custom provider configured with `api: "openai-completions"` under `models.providers`.
 * Each test decides every turn with a `respond` function (text, tool calls, usage, an HTTP error, a delay) and
 * reads back what it was asked and what it answered. Nothing else about OpenClaw is faked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One message of a request, as OpenClaw sent it. */
export interface ModelMessage {
  readonly role: string;
  readonly content?: unknown;
  readonly tool_calls?: ReadonlyArray<{ id: string; function: { name: string; arguments: string } }>;
  readonly tool_call_id?: string;
}

/** One request OpenClaw made. */
export interface ModelRequest {
  readonly model: string;
  readonly messages: readonly ModelMessage[];
  readonly toolNames: readonly string[];
  readonly stream: boolean;
}

/** Token counts the scripted reply reports in its usage block. */
export interface ScriptedUsage {
  readonly input: number;
  readonly output: number;
  readonly cached?: number;
}

/** What the model answers to one request. */
export type ScriptedReply =
  | { readonly kind: 'text'; readonly text: string; readonly usage?: ScriptedUsage; readonly delayMs?: number }
  | { readonly kind: 'tools'; readonly calls: ReadonlyArray<{ name: string; args: object }>; readonly text?: string; readonly usage?: ScriptedUsage; readonly delayMs?: number }
  | { readonly kind: 'http-error'; readonly status: number; readonly message: string };

/** A request and the reply it got, in arrival order. */
export interface ModelCall {
  readonly seq: number;
  readonly request: ModelRequest;
  readonly reply: ScriptedReply;
}

/** Decides the reply to one request. */
export type Responder = (request: ModelRequest, seq: number) => ScriptedReply | Promise<ScriptedReply>;

/** The running fake. */
export interface FakeModelServer {
  /** `http://127.0.0.1:<port>/v1`, the provider's `baseUrl`. */
  readonly baseUrl: string;
  readonly calls: readonly ModelCall[];
  /** Replaces the responder (tests script per phase). */
  setResponder(respond: Responder): void;
  close(): Promise<void>;
}

/** The text of a message's content (a string, or the text parts of a content array). */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: unknown) => (typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string' ? part.text : '')).join('');
}

/** The text of this turn's user messages (those after the last assistant or tool message). */
export function turnText(request: ModelRequest): string {
  const lastOther = request.messages.findLastIndex((m) => m.role === 'assistant' || m.role === 'tool');
  return request.messages.slice(lastOther + 1).filter((m) => m.role === 'user').map((m) => textOf(m.content)).join('\n');
}

/**
 * True when the request continues after a tool result (the model's next step in the same run). OpenClaw appends
 * a user message of internal context after the tool result, so the last non-user message decides.
 */
export function afterToolResult(request: ModelRequest): boolean {
  return request.messages.findLast((m) => m.role === 'assistant' || m.role === 'tool')?.role === 'tool';
}

/** The request's system prompt text (all system/developer messages). */
export function systemText(request: ModelRequest): string {
  return request.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => textOf(m.content)).join('\n');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseRequest(raw: string): ModelRequest {
  const body = JSON.parse(raw) as { model?: string; messages?: ModelMessage[]; tools?: Array<{ function?: { name?: string } }>; stream?: boolean };
  return {
    model: body.model ?? '',
    messages: body.messages ?? [],
    toolNames: (body.tools ?? []).map((t) => t.function?.name ?? '').filter((n) => n !== ''),
    stream: body.stream === true,
  };
}

function usageBlock(usage: ScriptedUsage) {
  return {
    prompt_tokens: usage.input + (usage.cached ?? 0),
    completion_tokens: usage.output,
    total_tokens: usage.input + (usage.cached ?? 0) + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cached ?? 0 },
  };
}

function chunksOf(reply: Exclude<ScriptedReply, { kind: 'http-error' }>, id: string, model: string, seq: number): object[] {
  const base = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
  const out: object[] = [{ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }];
  const text = reply.kind === 'text' ? reply.text : (reply.text ?? '');
  if (text !== '') out.push({ ...base, choices: [{ index: 0, delta: { content: text }, finish_reason: null }] });
  if (reply.kind === 'tools') {
    reply.calls.forEach((call, index) => {
      const tool = { index, id: `call_${seq}_${index}`, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } };
      out.push({ ...base, choices: [{ index: 0, delta: { tool_calls: [tool] }, finish_reason: null }] });
    });
  }
  out.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: reply.kind === 'tools' ? 'tool_calls' : 'stop' }] });
  if (reply.usage) out.push({ ...base, choices: [], usage: usageBlock(reply.usage) });
  return out;
}

async function answer(res: ServerResponse, request: ModelRequest, reply: ScriptedReply, seq: number): Promise<void> {
  if (reply.kind === 'http-error') {
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: reply.message, type: 'server_error' } }));
    return;
  }
  if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
  const chunks = chunksOf(reply, `chatcmpl-fake-${seq}`, request.model, seq);
  if (!request.stream) {
    const text = reply.kind === 'text' ? reply.text : (reply.text ?? '');
    const toolCalls = reply.kind === 'tools' ? reply.calls.map((c, i) => ({ id: `call_${seq}_${i}`, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } })) : undefined;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({
      id: `chatcmpl-fake-${seq}`, object: 'chat.completion', model: request.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text, ...(toolCalls ? { tool_calls: toolCalls } : {}) }, finish_reason: toolCalls ? 'tool_calls' : 'stop' }],
      ...(reply.usage ? { usage: usageBlock(reply.usage) } : {}),
    }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const chunk of chunks) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  res.end('data: [DONE]\n\n');
}

/** Starts the fake on an OS-chosen loopback port. */
export async function startFakeModelServer(initial: Responder): Promise<FakeModelServer> {
  let respond = initial;
  const calls: ModelCall[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'scripted', object: 'model' }] }));
        return;
      }
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      const request = parseRequest(await readBody(req));
      const seq = calls.length + 1;
      const reply = await respond(request, seq);
      calls.push({ seq, request, reply });
      await answer(res, request, reply, seq);
    })().catch((err: unknown) => {
      process.stderr.write(`[fake model] ${String(err)}\n`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    calls,
    setResponder: (next) => (respond = next),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
