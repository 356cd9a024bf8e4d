import { AppError } from '../../src/errors';
import { type FakeAnthropic, startFakeAnthropic } from '../../src/fakes/fake-anthropic';
import { createAnthropicClient } from '../../src/llm/anthropic';
import type { LlmRequest } from '../../src/llm/client';

/** The real @anthropic-ai/sdk client against the local fake Messages API. */
describe('Anthropic adapter', () => {
  let fake: FakeAnthropic;
  beforeAll(async () => {
    fake = await startFakeAnthropic();
  });
  afterAll(async () => {
    await fake.close();
  });

  const client = () => createAnthropicClient({ apiKey: 'sk-test', baseUrl: fake.url, timeoutMs: 5_000 });
  const request = (overrides: Partial<LlmRequest> = {}): LlmRequest => ({
    model: 'claude-haiku-4-5',
    system: 'You classify issues. '.repeat(50),
    messages: [{ role: 'user', content: 'Title: totals off by one' }],
    tools: [{ name: 'submit', description: 'answer', input_schema: { type: 'object', properties: { a: { type: 'string' } } } }],
    toolChoice: { type: 'tool', name: 'submit' },
    maxTokens: 256,
    ...overrides,
  });

  it('sends a cacheable request and returns content, usage and the request id', async () => {
    fake.onTool('submit', { tool: 'submit', input: { a: 'x' } }, { tool: 'submit', input: { a: 'y' } });
    const first = await client().createMessage(request());
    const second = await client().createMessage(request({ messages: [{ role: 'user', content: 'Title: another' }] }));

    const sent = fake.requests.at(-1)!;
    // SDK 1.x sends the key as a bearer token; older versions used x-api-key.
    expect(sent.headers.authorization ?? sent.headers['x-api-key']).toContain('sk-test');
    expect(sent.headers['anthropic-version']).toBeDefined();
    expect(sent.body.system).toEqual([expect.objectContaining({ cache_control: { type: 'ephemeral' } })]);
    expect(sent.body.tools?.at(-1)?.cache_control).toEqual({ type: 'ephemeral' });
    expect(sent.body.tool_choice).toEqual({ type: 'tool', name: 'submit' });

    expect(first.content).toEqual([expect.objectContaining({ type: 'tool_use', name: 'submit', input: { a: 'x' } })]);
    expect(first.stopReason).toBe('tool_use');
    expect(first.requestId).toMatch(/^req_fake_/);
    // The first call writes system + tools + its message to the cache; the second, with
    // another message, reads the system + tools part and writes its own message.
    expect(first.usage.cacheWriteTokens).toBeGreaterThan(0);
    expect(first.usage.cacheReadTokens).toBe(0);
    expect(second.usage.cacheReadTokens).toBeGreaterThan(0);
    expect(second.usage.cacheReadTokens).toBeLessThan(first.usage.cacheWriteTokens);
    expect(sent.body.messages.at(-1)).toEqual(
      expect.objectContaining({ content: [expect.objectContaining({ cache_control: { type: 'ephemeral' } })] }),
    );
  });

  it('caches the growing conversation: the next turn reads everything sent before', async () => {
    fake.onTool('submit', { tool: 'submit', input: { a: '1' } }, { tool: 'submit', input: { a: '2' } });
    const turn1 = request({ messages: [{ role: 'user', content: 'Title: a long investigation. '.repeat(40) }] });
    const first = await client().createMessage(turn1);
    const turn2 = request({
      messages: [...turn1.messages, { role: 'assistant', content: first.content as never }, { role: 'user', content: 'go on' }],
    });
    const second = await client().createMessage(turn2);
    const total = (u: typeof second.usage) => u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens;
    expect(second.usage.cacheReadTokens).toBeGreaterThanOrEqual(total(first.usage));
    expect(second.usage.cacheReadTokens / total(second.usage)).toBeGreaterThan(0.8);

    const uncached = createAnthropicClient({ apiKey: 'sk-test', baseUrl: fake.url, timeoutMs: 5_000, promptCaching: false });
    fake.onTool('submit', { tool: 'submit', input: { a: '3' } });
    const plain = await uncached.createMessage(turn2);
    expect(plain.usage.cacheReadTokens + plain.usage.cacheWriteTokens).toBe(0);
    expect(fake.requests.at(-1)?.body.system).toEqual([{ type: 'text', text: turn2.system }]);
  });

  it('reports overloaded (529) as retryable, with the retry-after delay', async () => {
    fake.enqueue({ error: { status: 529, type: 'overloaded_error', message: 'Overloaded' }, headers: { 'retry-after': '2' } });
    const error = await client().createMessage(request()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true, retryAfterMs: 2000 });
    expect((error as AppError).message).toContain('529 overloaded_error: Overloaded');
  });

  it.each([
    [429, 'rate_limit_error'],
    [500, 'api_error'],
  ])('reports %i as retryable', async (status, type) => {
    fake.enqueue({ error: { status, type, message: 'try later' } });
    await expect(client().createMessage(request())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
  });

  it('reports 400 as not retryable, with the API message', async () => {
    fake.enqueue({ error: { status: 400, type: 'invalid_request_error', message: 'max_tokens: too large' } });
    await expect(client().createMessage(request())).rejects.toMatchObject({
      code: 'UPSTREAM_REJECTED',
      retryable: false,
      message: 'Claude API 400 invalid_request_error: max_tokens: too large',
    });
  });

  it('reports an unreachable API as retryable', async () => {
    const unreachable = createAnthropicClient({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9', timeoutMs: 2_000 });
    await expect(unreachable.createMessage(request())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
  });

  it('aborts the HTTP request when the signal fires (activity cancellation)', async () => {
    fake.enqueue({ text: 'slow', delayMs: 10_000 });
    const controller = new AbortController();
    const started = Date.now();
    const call = client().createMessage(request({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    await expect(call).rejects.toThrow(/abort/i);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
