import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/**
 * A local MCP server over streamable HTTP, built with the official SDK, for tests of the
 * organizations' MCP tools. Stateless: a server and transport per request, as the SDK's examples
 * do; `register` adds the tools, given the request (its Authorization header, say).
 */
export async function startMcpHttpServer(name: string, register: (mcp: McpServer, request: http.IncomingMessage) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const mcp = new McpServer({ name, version: '1.0.0' });
        register(mcp, request);
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
        response.on('close', () => {
          void transport.close();
          void mcp.close();
        });
        await mcp.connect(transport);
        const text = Buffer.concat(chunks).toString('utf8');
        await transport.handleRequest(request, response, text ? JSON.parse(text) : undefined);
      })().catch(() => {
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
