import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { listToolCalls } from '../../src/db/agent-transcripts';
import { listLogs } from '../../src/db/logs';
import { allRepliesUsed, type PipelineHarness, reply, startPipelineHarness } from '../support/pipeline';

/**
 * An organization's MCP server over stdio (README "MCP tools"): a server built with the official
 * TypeScript SDK (tests/support/mcp-stdio-server.ts, bundled here into the installation's MCP
 * directory), run by the worker in the sandbox for each listing and each call — and, since a
 * stdio server is code an organization chose, held to what a sandboxed command may do: it sees
 * its token and nothing of the worker's environment, cannot write where it runs, and cannot
 * reach the network.
 */
describe('MCP tools over stdio, in the sandbox', () => {
  let h: PipelineHarness;
  let mcpDir: string;
  let listener: net.Server;
  let listenerPort: number;
  const connections: number[] = [];

  beforeAll(async () => {
    mcpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-stdio-'));
    await build({
      entryPoints: [path.join(__dirname, '../support/mcp-stdio-server.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: path.join(mcpDir, 'docs', 'server.cjs'),
      logLevel: 'silent',
    });
    // Read by the sandbox's unprivileged user, written by nobody but the operator.
    for (const dir of [mcpDir, path.join(mcpDir, 'docs')]) fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(mcpDir, 'docs', 'server.cjs'), 0o644);
    // A port on the host the server must not reach.
    listener = net.createServer((socket) => {
      connections.push(Date.now());
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listenerPort = (listener.address() as AddressInfo).port;
    h = await startPipelineHarness({ mcpStdioDir: mcpDir });
  });
  afterAll(async () => {
    await h.close();
    await new Promise((resolve) => listener.close(resolve));
    fs.rmSync(mcpDir, { recursive: true, force: true });
  });
  afterEach(() => {
    const used = allRepliesUsed(h.fake);
    h.fake.reset();
    expect(used).toBe(true);
  });

  const docsServer = { name: 'docs', command: ['node', 'docs/server.cjs'], token: 'stdio-token-0123456789', stages: ['research' as const] };

  it('lists and calls a stdio server\'s tools in the sandbox, where it sees its token and nothing of the worker', async () => {
    const { organizationId, apiKey } = await h.newOrganization({ mcp: { servers: [docsServer] } });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'research' }));
    h.fake.onTool(
      'submit_research',
      reply.call('mcp__docs__search_docs', { query: 'rounding' }),
      reply.call('mcp__docs__probe', { port: listenerPort }),
      reply.research(),
    );
    const { id } = await h.submit(apiKey);
    expect(await h.waitForEnd(apiKey, id)).toMatchObject({ status: 'completed' });

    const offered = ((h.fake.requests.filter((request) => request.key === 'submit_research').at(-1)?.body.tools ?? []) as unknown as Array<{ name: string; description: string }>).filter((tool) => tool.name.startsWith('mcp__'));
    expect(offered.map((tool) => tool.name).sort()).toEqual(['mcp__docs__probe', 'mcp__docs__search_docs']);
    expect(offered.find((tool) => tool.name === 'mcp__docs__search_docs')?.description).toBe('[MCP server docs] Search the product docs');

    const calls = await listToolCalls(h.db.db, { organizationId, issueId: id });
    expect(calls.find((call) => call.name === 'mcp__docs__search_docs')).toMatchObject({ isError: 0, output: 'docs for "rounding": invoices round half-up per line (authorized: true)' });
    const probe = JSON.parse(calls.find((call) => call.name === 'mcp__docs__probe')?.output ?? '{}') as Record<string, unknown>;
    // Its environment: the sandbox's minimal one and its token, no variable of the worker's.
    expect(probe['env']).toEqual(expect.arrayContaining(['MCP_TOKEN', 'PATH', 'HOME']));
    for (const name of probe['env'] as string[]) expect(name).not.toMatch(/ANTHROPIC|DATABASE|GITHUB|TEMPORAL|SECRET|^npm_/);
    expect(probe['write']).toMatch(/^refused: .*(EROFS|read-only)/i);
    // No process of the worker's is in its view: its parent is the sandbox's own init, and pid 1 carries no secret.
    expect(String(probe['initEnviron'])).not.toMatch(/KEY=|TOKEN=stdio|DATABASE/);
    expect(probe['network']).toMatch(/^refused/);
    expect(connections).toEqual([]);
    expect(fs.existsSync(path.join(mcpDir, 'planted.txt'))).toBe(false);
  });

  it('leaves out a stdio server when the installation runs none, and says why', async () => {
    const plain = await startPipelineHarness();
    try {
      const { organizationId, apiKey } = await plain.newOrganization({ mcp: { servers: [docsServer] } });
      plain.fake.onTool('submit_classification', reply.classify());
      plain.fake.onTool('submit_triage', reply.triage({ route: 'research' }));
      plain.fake.onTool('submit_research', reply.research());
      const { id } = await plain.submit(apiKey);
      expect(await plain.waitForEnd(apiKey, id)).toMatchObject({ status: 'completed' });
      const research = plain.fake.requests.filter((request) => request.key === 'submit_research').at(-1);
      expect(((research?.body.tools ?? []) as Array<{ name: string }>).some((tool) => tool.name.startsWith('mcp__'))).toBe(false);
      const log = (await listLogs(plain.db.db, organizationId, id, 100)).map((line) => line.message);
      expect(log.some((line) => line.includes('MCP server docs did not list its tools') && line.includes('runs no stdio MCP servers'))).toBe(true);
      expect(allRepliesUsed(plain.fake)).toBe(true);
    } finally {
      await plain.close();
    }
  });
});
