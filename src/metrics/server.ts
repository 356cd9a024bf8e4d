import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsRegistry } from './registry';

/**
 * A worker's metrics (model calls, tokens, cost, tools, the sandbox, the process) at
 * http://host:port/metrics for Prometheus. Bound to loopback by default: label values name
 * organizations. Resolves once listening; `close` stops it.
 */
export async function serveMetrics(options: { host: string; port: number }): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('metrics are at /metrics\n');
      return;
    }
    metricsRegistry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`could not collect metrics: ${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
