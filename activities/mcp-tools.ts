import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { AgentStage } from '../src/agents/tools';
import { type McpServerSettings, parseMcpToolName } from '../src/contracts/mcp';
import { claimToolRun, type LoopRef } from '../src/db/agent-transcripts';
import type { Database } from '../src/db/client';
import type { LlmTool } from '../src/llm/client';
import { callServerTool, listServerTools, type McpToolDefinition } from '../src/mcp/client';
import { type OutboundPolicy, STRICT_OUTBOUND } from '../src/outbound/url-policy';
import { ToolInputError } from '../src/workspace/read-tools';
import { organizationSettings } from './workspace';

/**
 * An organization's MCP tools for the issue agents (README "MCP tools"): discovered once when
 * the issue's first agent starts (the workflow keeps the names it was given, per stage), offered
 * to the stages their server allows, and called one call per activity. A worker keeps the
 * definitions it listed; a worker that has none lists the servers again and offers only the
 * names the run was given.
 */
export interface DiscoveredMcpTool {
  name: string;
  stages: AgentStage[];
}

/** What an at-most-once tool's retry answers (its first attempt's worker was lost mid-call). */
const MAY_HAVE_RUN =
  'This MCP tool call was started by an earlier attempt whose worker stopped before it answered: the tool may have run. ' +
  'It is marked at-most-once, so it was not called again. Check its effect before calling it once more.';

/** Worker-wide definitions, by organization and issue; the oldest go first past this many. */
const CATALOG_ENTRIES = 500;

export function createMcpTools(deps: { db: Database; outbound?: OutboundPolicy | undefined }) {
  const policy = deps.outbound ?? STRICT_OUTBOUND;
  const catalog = new Map<string, McpToolDefinition[]>();
  const remember = (key: string, tools: McpToolDefinition[]) => {
    catalog.delete(key);
    catalog.set(key, tools);
    if (catalog.size > CATALOG_ENTRIES) catalog.delete(catalog.keys().next().value as string);
  };

  async function servers(organizationId: string): Promise<McpServerSettings[]> {
    return (await organizationSettings(deps.db, organizationId)).mcp.servers;
  }

  /** Lists every server; one that does not answer is left out (named in `unreachable`), not fatal. */
  async function listAll(organizationId: string, issueId: string): Promise<{ tools: McpToolDefinition[]; unreachable: Array<{ server: string; error: string }> }> {
    const configured = await servers(organizationId);
    const listed = await Promise.allSettled(configured.map((server) => listServerTools(server, policy)));
    const tools: McpToolDefinition[] = [];
    const unreachable: Array<{ server: string; error: string }> = [];
    listed.forEach((result, index) => {
      if (result.status === 'fulfilled') tools.push(...result.value);
      else unreachable.push({ server: (configured[index] as McpServerSettings).name, error: result.reason instanceof Error ? result.reason.message : String(result.reason) });
    });
    remember(`${organizationId}:${issueId}`, tools);
    return { tools, unreachable };
  }

  return {
    /** The names (and stages) the run offers from now on. */
    async discover(organizationId: string, issueId: string): Promise<{ tools: DiscoveredMcpTool[]; unreachable: Array<{ server: string; error: string }> }> {
      const configured = await servers(organizationId);
      const { tools, unreachable } = await listAll(organizationId, issueId);
      return {
        tools: tools.map((tool) => ({ name: tool.name, stages: [...(configured.find((server) => server.name === tool.server)?.stages ?? [])] })),
        unreachable,
      };
    },

    /** The model's definitions of `names` (those the run was given for this stage). */
    async definitions(organizationId: string, issueId: string, names: readonly string[]): Promise<LlmTool[]> {
      if (names.length === 0) return [];
      let known = catalog.get(`${organizationId}:${issueId}`);
      if (!known || names.some((name) => !known?.some((tool) => tool.name === name))) known = (await listAll(organizationId, issueId)).tools;
      const wanted = new Set(names);
      return known.filter((tool) => wanted.has(tool.name)).map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.inputSchema as LlmTool['input_schema'] }));
    },

    /** Whether the organization's settings let `stage` call `name` now (checked again at each call). */
    async allowed(organizationId: string, stage: AgentStage, name: string): Promise<boolean> {
      const parsed = parseMcpToolName(name);
      if (!parsed) return false;
      const server = (await servers(organizationId)).find((candidate) => candidate.name === parsed.server);
      return Boolean(server && server.stages.includes(stage) && (!server.tools || server.tools.includes(parsed.tool)));
    },

    /** Whether a call of `name` is counted when it starts (at most once) rather than when it answers. */
    async atMostOnce(organizationId: string, name: string): Promise<boolean> {
      const parsed = parseMcpToolName(name);
      const server = parsed ? (await servers(organizationId)).find((candidate) => candidate.name === parsed.server) : undefined;
      return Boolean(parsed && server?.atMostOnce.includes(parsed.tool));
    },

    /** One call; refusals and the server's own errors are the agent's to read (ToolInputError). */
    async call(loop: LoopRef, toolUseId: string, name: string, input: unknown): Promise<string> {
      const parsed = parseMcpToolName(name);
      const server = parsed ? (await servers(loop.organizationId)).find((candidate) => candidate.name === parsed.server) : undefined;
      if (!parsed || !server) throw new ToolInputError(`unknown MCP tool: ${name}`);
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ToolInputError(`${name} takes an object of arguments`);
      if (server.atMostOnce.includes(parsed.tool) && !(await claimToolRun(deps.db, loop, toolUseId))) throw new ToolInputError(MAY_HAVE_RUN);
      let answer: { text: string; isError: boolean };
      try {
        answer = await callServerTool(server, parsed.tool, input as Record<string, unknown>, policy);
      } catch (error) {
        // The server answered with a protocol error (no such tool, bad arguments): the agent's to read.
        // Anything else (unreachable, timed out) fails the attempt and is retried.
        if (error instanceof McpError) throw new ToolInputError(`${name}: ${error.message}`);
        throw error;
      }
      const { text, isError } = answer;
      if (isError) throw new ToolInputError(`${name} answered with an error: ${text}`);
      return text || '(no text content)';
    },
  };
}
