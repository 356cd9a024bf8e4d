import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { type McpServerSettings, mcpToolName } from '../contracts/mcp';
import { guardedLookup, literalAddressRefusal, type OutboundPolicy, outboundUrlProblem, RefusedAddressError } from '../outbound/url-policy';

/**
 * Talks to an organization's MCP server (src/contracts/mcp.ts) over streamable HTTP, with the
 * official SDK's client: one session per operation (list, or one call), closed after it. The
 * connection obeys the outbound rules at connect time (the address the name resolves to then),
 * follows no redirect, and gives up after `timeoutMs`.
 */

/** Tools offered from one server at most (a server listing hundreds would swamp every prompt). */
export const MAX_TOOLS_PER_SERVER = 20;
/** Characters of a tool's result kept for the agent. */
export const MAX_RESULT_CHARS = 20_000;
const DESCRIPTION_CHARS = 1_000;
const SCHEMA_CHARS = 8_000;

export interface McpToolDefinition {
  /** What the agent calls it: mcp__<server>__<tool>. */
  name: string;
  server: string;
  tool: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

async function withSession<T>(server: McpServerSettings, policy: OutboundPolicy, timeoutMs: number, work: (client: Client, signal: AbortSignal) => Promise<T>): Promise<T> {
  const problem = outboundUrlProblem(server.url, policy);
  if (problem) throw new RefusedAddressError(`MCP server ${server.name}: ${problem}`);
  const url = new URL(server.url);
  const literal = literalAddressRefusal(url, policy);
  if (literal) throw new RefusedAddressError(`MCP server ${server.name}: ${literal}`);
  const lookup = guardedLookup(policy);
  // A connection per session, to an address checked as it connects.
  const dispatcher = new Agent({ connect: lookup ? { lookup } : {}, pipelining: 0 });
  const signal = AbortSignal.timeout(timeoutMs);
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { redirect: 'error', ...(server.token ? { headers: { authorization: `Bearer ${server.token}` } } : {}) },
    fetch: ((input: string | URL, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal } as never)) as never,
  });
  const client = new Client({ name: 'agent-orchestrator', version: '1' });
  try {
    await client.connect(transport, { signal, timeout: timeoutMs });
    return await work(client, signal);
  } finally {
    await client.close().catch(() => undefined);
    await dispatcher.close().catch(() => undefined);
  }
}

/** The server's tools the settings allow, as the agents are offered them. */
export async function listServerTools(server: McpServerSettings, policy: OutboundPolicy, timeoutMs = 15_000): Promise<McpToolDefinition[]> {
  return withSession(server, policy, timeoutMs, async (client, signal) => {
    const { tools } = await client.listTools(undefined, { signal, timeout: timeoutMs });
    const allowed = server.tools ? new Set(server.tools) : undefined;
    return tools
      .filter((tool) => /^[A-Za-z0-9_.-]{1,64}$/.test(tool.name) && (!allowed || allowed.has(tool.name)))
      .slice(0, MAX_TOOLS_PER_SERVER)
      .map((tool) => ({
        name: mcpToolName(server.name, tool.name),
        server: server.name,
        tool: tool.name,
        // The server's words go to the model: capped, and named as the server's.
        description: `[MCP server ${server.name}] ${(tool.description ?? '').slice(0, DESCRIPTION_CHARS)}`,
        inputSchema: JSON.stringify(tool.inputSchema).length <= SCHEMA_CHARS ? (tool.inputSchema as Record<string, unknown>) : { type: 'object' },
      }));
  });
}

/** One call of one tool; its text content (capped) and whether the server called it an error. */
export async function callServerTool(server: McpServerSettings, tool: string, args: Record<string, unknown>, policy: OutboundPolicy, timeoutMs = 60_000): Promise<{ text: string; isError: boolean }> {
  return withSession(server, policy, timeoutMs, async (client, signal) => {
    const result = await client.callTool({ name: tool, arguments: args }, undefined, { signal, timeout: timeoutMs });
    const content = Array.isArray(result.content) ? (result.content as Array<{ type: string; text?: string }>) : [];
    const text = content.map((block) => (block.type === 'text' ? (block.text ?? '') : `[${block.type} content omitted]`)).join('\n');
    return { text: text.length > MAX_RESULT_CHARS ? `${text.slice(0, MAX_RESULT_CHARS)}\n… (cut at ${MAX_RESULT_CHARS} characters)` : text, isError: result.isError === true };
  });
}
