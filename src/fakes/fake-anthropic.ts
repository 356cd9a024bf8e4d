import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that speaks the Anthropic Messages API (`POST /v1/messages`) and
 * answers from a script. Tests and the offline demo point the real `@anthropic-ai/sdk`
 * client at it with ANTHROPIC_BASE_URL, so request building, error classes, headers and
 * usage fields are all exercised for real.
 *
 * Usage is reported the way the real API does: input tokens are estimated from the request
 * (≈ 4 characters a token), and prefixes marked with `cache_control` are billed as cache
 * writes the first time and cache reads afterwards (see usageFor).
 */

export interface RecordedRequest {
  body: MessagesRequestBody;
  headers: http.IncomingHttpHeaders;
  receivedAt: number;
  /** The client went away before the answer (e.g. the activity was cancelled). */
  aborted: boolean;
  /** The queue this request was answered from (see `queueKey`). */
  key: string;
}

export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  system?: string | Array<{ type: 'text'; text: string; cache_control?: unknown }>;
  messages: Array<{ role: string; content: unknown }>;
  tools?: Array<{ name: string; input_schema: unknown; cache_control?: unknown }>;
  tool_choice?: { type: string; name?: string };
}

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

/**
 * One scripted answer. `delayMs` holds it that long; `after` holds it until the promise
 * settles (a test keeps a step from finishing until the moment it means to observe).
 */
export type FakeReply = (
  | { tool: string; input: unknown; text?: string; usage?: Partial<FakeUsage>; delayMs?: number }
  | { calls: Array<{ name: string; input: unknown }>; text?: string; usage?: Partial<FakeUsage>; delayMs?: number }
  | { text: string; usage?: Partial<FakeUsage>; delayMs?: number }
  | {
      error: { status: number; type: string; message: string };
      headers?: Record<string, string>;
      delayMs?: number;
    }
) & { after?: PromiseLike<unknown> };

export type FakeResponder = (request: RecordedRequest) => FakeReply | undefined;

export interface FakeAnthropicOptions {
  /** Answers requests that no queued reply matches (e.g. recorded demo replies). */
  fallback?: FakeResponder;
  port?: number;
}

export interface FakeAnthropic {
  /** Base URL for ANTHROPIC_BASE_URL / the SDK's baseURL. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /**
   * Queue replies by key: the tool a request forces (tool_choice), else the last tool it
   * offers — an agent's final tool, so each agent loop has its own queue.
   */
  onTool(toolName: string, ...replies: FakeReply[]): void;
  /** Called as each request arrives (before it is answered). */
  onRequest?: (request: RecordedRequest) => void;
  /** Queue replies for any request (after tool-specific queues). */
  enqueue(...replies: FakeReply[]): void;
  /** Replies still queued, per tool ('*' for the general queue). */
  pending(): Record<string, number>;
  /** Drops every queued reply (between tests). */
  reset(): void;
  close(): Promise<void>;
}

/**
 * The request without its cache marks, string content as the text block it stands for:
 * what the cache keys a prefix by.
 */
function stripCacheControl(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripCacheControl);
  if (value && typeof value === 'object' && 'role' in value && typeof (value as { content?: unknown }).content === 'string') {
    const message = value as { role: string; content: string };
    return { role: message.role, content: [{ type: 'text', text: message.content }] };
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'cache_control').map(([key, v]) => [key, stripCacheControl(v)]));
  }
  return value;
}

const estimateTokens = (value: unknown): number =>
  value === undefined ? 0 : Math.ceil((typeof value === 'string' ? value : JSON.stringify(value)).length / 4);

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const toolQueues = new Map<string, FakeReply[]>();
  const generalQueue: FakeReply[] = [];
  const seenPrefixes = new Set<string>();

  function nextReply(request: RecordedRequest): FakeReply | undefined {
    const toolQueue = toolQueues.get(request.key);
    if (toolQueue && toolQueue.length > 0) return toolQueue.shift();
    if (generalQueue.length > 0) return generalQueue.shift();
    return options.fallback?.(request);
  }

  /**
   * Prompt caching as Anthropic bills it: a request reads the longest prefix an earlier
   * request wrote at a cache breakpoint (`cache_control` on the system prompt, the tools, or
   * a message), writes the rest up to its last breakpoint, and pays full price after that.
   */
  function usageFor(body: MessagesRequestBody, output: unknown, override?: Partial<FakeUsage>): FakeUsage {
    const hasMark = (value: unknown): boolean => JSON.stringify(value ?? null).includes('"cache_control"');
    const prefixTokens = estimateTokens(stripCacheControl(body.system)) + estimateTokens(stripCacheControl(body.tools));
    const messageTokens = body.messages.map((message) => estimateTokens(stripCacheControl(message)));
    const total = prefixTokens + messageTokens.reduce((sum, n) => sum + n, 0);
    // Breakpoints: positions (number of messages included) whose prefix may be cached.
    const breakpoints: number[] = [];
    if (hasMark(body.system) || hasMark(body.tools)) breakpoints.push(0);
    body.messages.forEach((message, index) => {
      if (hasMark(message.content)) breakpoints.push(index + 1);
    });
    const keyAt = (count: number) =>
      createHash('sha256')
        .update(JSON.stringify([body.model, stripCacheControl(body.system), stripCacheControl(body.tools), stripCacheControl(body.messages.slice(0, count))]))
        .digest('hex');
    const tokensAt = (count: number) => prefixTokens + messageTokens.slice(0, count).reduce((sum, n) => sum + n, 0);
    let read = 0;
    if (breakpoints.length > 0) {
      for (let count = body.messages.length; count >= 0; count--) {
        if (seenPrefixes.has(keyAt(count))) {
          read = tokensAt(count);
          break;
        }
      }
    }
    const lastBreakpoint = breakpoints.length > 0 ? tokensAt(Math.max(...breakpoints)) : 0;
    const write = Math.max(0, lastBreakpoint - read);
    for (const count of breakpoints) seenPrefixes.add(keyAt(count));
    return {
      input_tokens: total - read - write,
      output_tokens: estimateTokens(output),
      cache_read_input_tokens: read,
      cache_creation_input_tokens: write,
      ...override,
    };
  }

  function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, {
      'content-type': 'application/json',
      'request-id': `req_fake_${randomUUID().replace(/-/g, '')}`,
      ...headers,
    });
    res.end(JSON.stringify(body));
  }

  const sendError = (res: http.ServerResponse, status: number, type: string, message: string, headers?: Record<string, string>) =>
    send(res, status, { type: 'error', error: { type, message } }, headers);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
      sendError(res, 404, 'not_found_error', `fake-anthropic: no route ${req.method} ${req.url}`);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: MessagesRequestBody;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as MessagesRequestBody;
    } catch {
      sendError(res, 400, 'invalid_request_error', 'fake-anthropic: body is not JSON');
      return;
    }
    if (typeof body.model !== 'string' || !Array.isArray(body.messages) || typeof body.max_tokens !== 'number') {
      sendError(res, 400, 'invalid_request_error', 'fake-anthropic: model, messages and max_tokens are required');
      return;
    }
    const recorded: RecordedRequest = { body, headers: req.headers, receivedAt: Date.now(), aborted: false, key: queueKey(body) };
    requests.push(recorded);
    res.once('close', () => {
      if (!res.writableFinished) recorded.aborted = true;
    });
    fake.onRequest?.(recorded);

    const reply = nextReply(recorded);
    if (!reply) {
      sendError(res, 400, 'invalid_request_error', `fake-anthropic: no scripted reply for ${recorded.key}`);
      return;
    }
    // Held no longer than the caller waits: a request it gave up on (or a fake closing) ends the hold.
    if (reply.after) await Promise.race([Promise.resolve(reply.after).catch(() => undefined), new Promise((resolve) => res.once('close', resolve))]);
    if (reply.delayMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, reply.delayMs);
        res.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if ('error' in reply) {
      sendError(res, reply.error.status, reply.error.type, reply.error.message, reply.headers);
      return;
    }
    const content: unknown[] = [];
    if ('text' in reply && reply.text) content.push({ type: 'text', text: reply.text });
    const calls = 'tool' in reply ? [{ name: reply.tool, input: reply.input }] : 'calls' in reply ? reply.calls : [];
    for (const call of calls) {
      content.push({
        type: 'tool_use',
        id: `toolu_fake_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
        name: call.name,
        input: call.input,
      });
    }
    send(res, 200, {
      id: `msg_fake_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content,
      stop_reason: calls.length > 0 ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: usageFor(body, content, reply.usage),
    });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      sendError(res, 500, 'api_error', `fake-anthropic: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeAnthropic = {
    url: `http://127.0.0.1:${port}`,
    requests,
    onTool(toolName, ...replies) {
      const queue = toolQueues.get(toolName) ?? [];
      queue.push(...replies);
      toolQueues.set(toolName, queue);
    },
    enqueue(...replies) {
      generalQueue.push(...replies);
    },
    reset() {
      toolQueues.clear();
      generalQueue.length = 0;
    },
    pending() {
      const counts: Record<string, number> = { '*': generalQueue.length };
      for (const [tool, queue] of toolQueues) counts[tool] = queue.length;
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

/** Which queue answers a request: the forced tool, else the last tool offered. */
export function queueKey(body: MessagesRequestBody): string {
  if (body.tool_choice?.type === 'tool' && body.tool_choice.name) return body.tool_choice.name;
  return body.tools?.at(-1)?.name ?? '*';
}
