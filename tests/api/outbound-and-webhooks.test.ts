import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GITHUB_WEBHOOK_MAX_BYTES } from '../../src/api/app';
import { createErpClient, MAX_ERP_RESPONSE_BYTES } from '../../src/erp/client';
import { createStubApp } from '../support/app-stub';

/**
 * Negative cases of the service's edges (issue 12): webhooks are refused before their body
 * is read when unsigned; the ERP client follows no redirect and reads no unbounded answer.
 */
describe('webhook and outbound hardening', () => {
  describe('webhooks', () => {
    let handled = 0;
    const app = createStubApp({
      githubWebhook: async () => {
        handled += 1;
        return { status: 202, body: {} };
      },
      erpWebhook: async () => {
        handled += 1;
        return { status: 202, body: {} };
      },
    });
    const post = (path: string, headers: Record<string, string>, size: number) =>
      app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(size), ...headers }, body: 'x'.repeat(size) });

    it.each([
      ['/api/webhooks/github', 'x-hub-signature-256'],
      ['/api/webhooks/erp', 'x-signature'],
    ])('%s without its signature header is 401 before the body is read, even a large one', async (path) => {
      const response = await post(path, {}, 20 * 1024 * 1024);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      expect(handled).toBe(0);
    });

    it('refuses a signed GitHub delivery over 2 MiB without handling it', async () => {
      const response = await post('/api/webhooks/github', { 'x-hub-signature-256': 'sha256=00' }, GITHUB_WEBHOOK_MAX_BYTES + 1);
      expect(response.status).toBe(413);
      expect(handled).toBe(0);
      const small = await post('/api/webhooks/github', { 'x-hub-signature-256': 'sha256=00' }, 100);
      expect(small.status).toBe(202);
      expect(handled).toBe(1);
    });
  });

  describe('ERP client', () => {
    let internalHits = 0;
    let internal: http.Server;
    let erp: http.Server;
    let erpUrl: string;

    beforeAll(async () => {
      internal = http.createServer((_request, response) => {
        internalHits += 1;
        response.end('{"secret":"internal metadata"}');
      });
      await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
      const internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}/latest/meta-data`;
      erp = http.createServer((request, response) => {
        if (request.url?.startsWith('/api/v1/redirect')) {
          response.writeHead(302, { location: internalUrl });
          response.end();
        } else if (request.url?.startsWith('/api/v1/huge')) {
          response.writeHead(200, { 'content-type': 'application/json' });
          // No content-length: the size is found while streaming.
          const chunk = 'x'.repeat(1024 * 1024);
          let sent = 0;
          const write = () => {
            while (sent < 8 && response.write(chunk)) sent += 1;
            if (sent >= 8) response.end();
            else response.once('drain', write);
          };
          write();
        } else {
          response.end('{"ok":true}');
        }
      });
      await new Promise<void>((resolve) => erp.listen(0, '127.0.0.1', resolve));
      erpUrl = `http://127.0.0.1:${(erp.address() as AddressInfo).port}/api/v1`;
    });
    afterAll(() => {
      internal.close();
      erp.close();
    });

    it('does not follow a redirect (to an internal address, say)', async () => {
      const client = createErpClient({ apiUrl: erpUrl, serviceKey: 'service-key-1' }, 'org-a');
      await expect(client.request({ method: 'GET', path: '/redirect' })).rejects.toMatchObject({ code: 'UPSTREAM_REJECTED', message: expect.stringMatching(/redirect \(302\); redirects are not followed/) });
      expect(internalHits).toBe(0);
      await expect(client.request({ method: 'GET', path: '/fine' })).resolves.toEqual({ ok: true });
    });

    it('refuses an answer over the size cap', async () => {
      expect(MAX_ERP_RESPONSE_BYTES).toBeLessThan(8 * 1024 * 1024);
      const client = createErpClient({ apiUrl: erpUrl }, 'org-a');
      await expect(client.request({ method: 'GET', path: '/huge' })).rejects.toMatchObject({ code: 'UPSTREAM_REJECTED', message: expect.stringMatching(/more than \d+ bytes/) });
    });
  });
});
