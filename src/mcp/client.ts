import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { type McpServerSettings, mcpToolName } from '../contracts/mcp';
import { guardedLookup, literalAddressRefusal, type OutboundPolicy, outboundUrlProblem, RefusedAddressError } from '../outbound/url-policy';
import { type CommandSandbox, DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from '../sandbox/sandbox';
import { StreamTransport } from './stdio';

/**
 * Talks to an organization's MCP server (src/contracts/mcp.ts) with the official SDK's client:
 * one session per operation (list, or one call), closed after it, given up after `timeoutMs`.
 * Over streamable HTTP the connection obeys the outbound rules at connect time (the address the
 * name resolves to then) and follows no redirect. Over stdio the server is a sandboxed process
 * (src/sandbox): the installation's MCP directory as its read-only working directory, no
 * network, nothing of the worker's environment but MCP_TOKEN, stopped when the session ends.
 */

export interface McpConnection {
  outbound: OutboundPolicy;
  /** Where stdio servers run; absent, they are refused (this installation runs none). */
  stdio?: { sandbox: CommandSandbox; directory: string } | undefined;
}

/** A stdio server's bounds: a tool server, not a build. */
const STDIO_LIMITS: Omit<SandboxLimits, 'wallTimeMs'> = { ...DEFAULT_SANDBOX_LIMITS, memoryBytes: 1024 ** 3, processes: 64, cpuSeconds: 120 };

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

/** The server's own protocol error (a tool's input refused, a method unknown), not a failure to reach it. */
export function isMcpError(error: unknown): error is McpError {
  return error instanceof McpError;
}

async function withSession<T>(server: McpServerSettings, connection: McpConnection, timeoutMs: number, work: (client: Client, signal: AbortSignal) => Promise<T>): Promise<T> {
  if (server.command) return withStdioSession(server, server.command, connection, timeoutMs, work);
  return withHttpSession(server, server.url ?? '', connection.outbound, timeoutMs, work);
}

async function withHttpSession<T>(server: McpServerSettings, address: string, policy: OutboundPolicy, timeoutMs: number, work: (client: Client, signal: AbortSignal) => Promise<T>): Promise<T> {
  const problem = outboundUrlProblem(address, policy);
  if (problem) throw new RefusedAddressError(`MCP server ${server.name}: ${problem}`);
  const url = new URL(address);
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

/** Thrown when a stdio server cannot be run: the installation has no MCP directory, or the process failed. */
export class StdioServerError extends Error {}

async function withStdioSession<T>(server: McpServerSettings, argv: string[], connection: McpConnection, timeoutMs: number, work: (client: Client, signal: AbortSignal) => Promise<T>): Promise<T> {
  const stdio = connection.stdio;
  if (!stdio) throw new StdioServerError(`MCP server ${server.name} runs over stdio, and this installation runs no stdio MCP servers (MCP_STDIO_DIR is not set)`);
  const signal = AbortSignal.timeout(timeoutMs);
  let outcome: { value: T } | { error: unknown } | undefined;
  const result = await stdio.sandbox.run({
    argv,
    workspace: { hostPath: stdio.directory, writable: false },
    env: server.token ? { MCP_TOKEN: server.token } : {},
    limits: { ...STDIO_LIMITS, wallTimeMs: timeoutMs },
    signal,
    interact: async (io) => {
      const client = new Client({ name: 'agent-orchestrator', version: '1' });
      try {
        await client.connect(new StreamTransport(io), { signal, timeout: timeoutMs });
        outcome = { value: await work(client, signal) };
      } catch (error) {
        outcome = { error };
      } finally {
        await client.close().catch(() => undefined);
      }
    },
  });
  if (outcome && 'value' in outcome) return outcome.value;
  // The server's own protocol errors are the caller's to classify (McpError); a process that
  // exited or hit a limit says why, with the end of what it printed to stderr.
  if (outcome && outcome.error instanceof McpError && result.outcome === 'exited') throw outcome.error;
  const why = result.limitMessage ?? (result.outcome === 'exited' ? `it exited (code ${result.exitCode ?? result.signal})` : result.outcome);
  const stderr = result.stderr.trim().slice(-500);
  throw new StdioServerError(`MCP server ${server.name} (stdio): ${why}${outcome && 'error' in outcome && outcome.error instanceof Error ? `; ${outcome.error.message}` : ''}${stderr ? `; stderr: ${stderr}` : ''}`);
}

/** The server's tools the settings allow, as the agents are offered them. */
export async function listServerTools(server: McpServerSettings, connection: McpConnection, timeoutMs = 15_000): Promise<McpToolDefinition[]> {
  return withSession(server, connection, timeoutMs, async (client, signal) => {
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
export async function callServerTool(server: McpServerSettings, tool: string, args: Record<string, unknown>, connection: McpConnection, timeoutMs = 60_000): Promise<{ text: string; isError: boolean }> {
  return withSession(server, connection, timeoutMs, async (client, signal) => {
    const result = await client.callTool({ name: tool, arguments: args }, undefined, { signal, timeout: timeoutMs });
    const content = Array.isArray(result.content) ? (result.content as Array<{ type: string; text?: string }>) : [];
    const text = content.map((block) => (block.type === 'text' ? (block.text ?? '') : `[${block.type} content omitted]`)).join('\n');
    return { text: text.length > MAX_RESULT_CHARS ? `${text.slice(0, MAX_RESULT_CHARS)}\n… (cut at ${MAX_RESULT_CHARS} characters)` : text, isError: result.isError === true };
  });
}
