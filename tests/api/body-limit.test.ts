import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from '../../src/api/body-limit';

/**
 * The API's body limit over a real Node HTTP server (its fast path trusts the length Node's
 * parser enforces): a declared length over the limit is refused unread, a chunked body is
 * counted as it streams, and what passes reaches the route whole.
 */
describe('body limit', () => {
  const MAX = 100;
  let server: http.Server;
  let port: number;
  const app = new Hono();
  app.use(bodyLimit({ maxSize: MAX, onError: (c) => c.json({ error: 'too large' }, 413) }));
  app.post('/echo', async (c) => c.json({ length: (await c.req.text()).length }));
  app.get('/echo', (c) => c.json({ ok: true }));

  beforeAll(async () => {
    server = serve({ fetch: app.fetch, port: 0 }) as http.Server;
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** Sends `body` with a Content-Length, or chunked (in 10-byte chunks) when `chunked`. */
  const send = (body: string, options: { chunked?: boolean; method?: string } = {}) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const request = http.request(
        { port, path: '/echo', method: options.method ?? 'POST', headers: { 'content-type': 'text/plain', ...(options.chunked ? {} : { 'content-length': Buffer.byteLength(body) }) } },
        (response) => {
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
        },
      );
      request.on('error', reject);
      if (options.chunked) for (let at = 0; at < body.length; at += 10) request.write(body.slice(at, at + 10));
      else request.write(body);
      request.end();
    });

  it('passes a body within the limit whole, declared or chunked', async () => {
    expect(await send('x'.repeat(MAX))).toEqual({ status: 200, body: { length: MAX } });
    expect(await send('x'.repeat(50), { chunked: true })).toEqual({ status: 200, body: { length: 50 } });
  });

  it('refuses a declared length over the limit, and a chunked body once it passes it', async () => {
    expect(await send('x'.repeat(MAX + 1))).toEqual({ status: 413, body: { error: 'too large' } });
    expect(await send('x'.repeat(MAX * 3), { chunked: true })).toEqual({ status: 413, body: { error: 'too large' } });
  });

  it('bounds a body whose length is not declared (no Content-Length, no transfer coding)', async () => {
    const response = await app.request('/echo', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(MAX + 1) });
    expect(response.status).toBe(413);
    expect((await app.request('/echo', { method: 'POST', body: 'x'.repeat(MAX) })).status).toBe(200);
  });

  it('lets a GET through', async () => {
    expect(await send('', { method: 'GET' })).toEqual({ status: 200, body: { ok: true } });
  });
});
