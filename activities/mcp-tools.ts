import type { AgentStage } from '../src/agents/tools';
import { type McpServerSettings, offersToSkill, parseMcpToolName } from '../src/contracts/mcp';
import { claimToolRun, type LoopRef } from '../src/db/agent-transcripts';
import type { Database } from '../src/db/client';
import type { LlmTool } from '../src/llm/client';
import type * as McpClient from '../src/mcp/client';
import type { McpConnection, McpToolDefinition } from '../src/mcp/client';
import type { CommandSandbox } from '../src/sandbox/sandbox';
import { type OutboundPolicy, STRICT_OUTBOUND } from '../src/outbound/url-policy';
import { ToolInputError } from '../src/workspace/read-tools';
import { organizationSettings } from './workspace';

/**
 * The MCP client — its SDK, ajv and undici, ~0.2 s to load — is loaded when a loop first
 * needs it: most organizations configure no MCP server, and every worker start paid for it.
 * `require`, not `import()`: under tsx that would load a second copy of our modules.
 */
let loadedMcpClient: typeof McpClient | undefined;
function mcpClient(): typeof McpClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return (loadedMcpClient ??= require('../src/mcp/client') as typeof McpClient);
}

/**
 * An organization's MCP tools for its agents (README "MCP tools"): discovered once per run —
 * when an issue's first agent starts, or as a skill run begins (the workflow keeps the names it
 * was given) — offered to the issue stages and the skills their server allows, and called one
 * call per activity. A worker keeps the definitions it listed; a worker that has none lists the
 * servers again and offers only the names the run was given.
 */
export interface DiscoveredMcpTool {
  name: string;
  /** The issue stages offered it (empty for a skill run's tools). */
  stages: AgentStage[];
}

/** The run tools are discovered for and offered to: an issue (per stage) or a skill's invocation. */
export type McpRun = { issueId: string } | { invocationId: string; skill: string };
/** Who is calling a tool now: an issue's stage or a run of a skill. */
export type McpCaller = { stage: AgentStage } | { skill: string };

const runKey = (organizationId: string, run: McpRun) => `${organizationId}:${'issueId' in run ? run.issueId : run.invocationId}`;

/** Whether the server's settings offer its tools to `caller`. */
const servesCaller = (server: McpServerSettings, caller: McpCaller | McpRun) =>
  'skill' in caller ? offersToSkill(server, caller.skill) : 'stage' in caller ? server.stages.includes(caller.stage) : server.stages.length > 0;

/** What an at-most-once tool's retry answers (its first attempt's worker was lost mid-call). */
const MAY_HAVE_RUN =
  'This MCP tool call was started by an earlier attempt whose worker stopped before it answered: the tool may have run. ' +
  'It is marked at-most-once, so it was not called again. Check its effect before calling it once more.';

/** Worker-wide definitions, by organization and issue; the oldest go first past this many. */
const CATALOG_ENTRIES = 500;

export type McpTools = ReturnType<typeof createMcpTools>;

export function createMcpTools(deps: { db: Database; outbound?: OutboundPolicy | undefined; sandbox?: CommandSandbox; mcpStdioDir?: string | undefined }) {
  const connection: McpConnection = {
    outbound: deps.outbound ?? STRICT_OUTBOUND,
    ...(deps.sandbox && deps.mcpStdioDir ? { stdio: { sandbox: deps.sandbox, directory: deps.mcpStdioDir } } : {}),
  };
  const catalog = new Map<string, McpToolDefinition[]>();
  const remember = (key: string, tools: McpToolDefinition[]) => {
    catalog.delete(key);
    catalog.set(key, tools);
    if (catalog.size > CATALOG_ENTRIES) catalog.delete(catalog.keys().next().value as string);
  };

  async function servers(organizationId: string): Promise<McpServerSettings[]> {
    return (await organizationSettings(deps.db, organizationId)).mcp.servers;
  }

  /** Lists every server the run is offered; one that does not answer is left out (named in `unreachable`), not fatal. */
  async function listAll(organizationId: string, run: McpRun): Promise<{ tools: McpToolDefinition[]; unreachable: Array<{ server: string; error: string }> }> {
    const configured = (await servers(organizationId)).filter((server) => servesCaller(server, run));
    const listed = await Promise.allSettled(configured.map((server) => mcpClient().listServerTools(server, connection)));
    const tools: McpToolDefinition[] = [];
    const unreachable: Array<{ server: string; error: string }> = [];
    listed.forEach((result, index) => {
      if (result.status === 'fulfilled') tools.push(...result.value);
      else unreachable.push({ server: (configured[index] as McpServerSettings).name, error: result.reason instanceof Error ? result.reason.message : String(result.reason) });
    });
    remember(runKey(organizationId, run), tools);
    return { tools, unreachable };
  }

  return {
    /** The names (and, for an issue, the stages) the run offers from now on. */
    async discover(organizationId: string, run: McpRun): Promise<{ tools: DiscoveredMcpTool[]; unreachable: Array<{ server: string; error: string }> }> {
      const configured = await servers(organizationId);
      const { tools, unreachable } = await listAll(organizationId, run);
      const stagesOf = (tool: McpToolDefinition) => ('issueId' in run ? [...(configured.find((server) => server.name === tool.server)?.stages ?? [])] : []);
      return { tools: tools.map((tool) => ({ name: tool.name, stages: stagesOf(tool) })), unreachable };
    },

    /** The model's definitions of `names` (those the run was given for this stage, or skill run). */
    async definitions(organizationId: string, run: McpRun, names: readonly string[]): Promise<LlmTool[]> {
      if (names.length === 0) return [];
      let known = catalog.get(runKey(organizationId, run));
      if (!known || names.some((name) => !known?.some((tool) => tool.name === name))) known = (await listAll(organizationId, run)).tools;
      const wanted = new Set(names);
      return known.filter((tool) => wanted.has(tool.name)).map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.inputSchema as LlmTool['input_schema'] }));
    },

    /**
     * Whether the organization's settings let `caller` call `name` now (checked at each call, so
     * a server or tool taken away mid-run is refused: ToolInputError), and whether the call is
     * counted when it starts (an at-most-once tool, claimToolRun) rather than when it answers.
     */
    async admit(organizationId: string, caller: McpCaller, name: string): Promise<{ atMostOnce: boolean }> {
      const parsed = parseMcpToolName(name);
      const server = parsed ? (await servers(organizationId)).find((candidate) => candidate.name === parsed.server) : undefined;
      if (!parsed || !server || !servesCaller(server, caller) || (server.tools && !server.tools.includes(parsed.tool))) {
        throw new ToolInputError(`${name.slice(0, 100)} is not offered to ${'stage' in caller ? `the ${caller.stage} stage` : `the skill ${caller.skill}`} (settings.mcp)`);
      }
      return { atMostOnce: server.atMostOnce.includes(parsed.tool) };
    },

    /** One call; refusals and the server's own errors are the agent's to read (ToolInputError). */
    async call(loop: LoopRef, toolUseId: string, name: string, input: unknown): Promise<string> {
      const parsed = parseMcpToolName(name);
      const server = parsed ? (await servers(loop.organizationId)).find((candidate) => candidate.name === parsed.server) : undefined;
      if (!parsed || !server) throw new ToolInputError(`unknown MCP tool: ${name}`);
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ToolInputError(`${name} takes an object of arguments`);
      if (server.command && !connection.stdio) throw new ToolInputError(`${name}: its server runs over stdio, and this installation runs no stdio MCP servers`);
      if (server.atMostOnce.includes(parsed.tool) && !(await claimToolRun(deps.db, loop, toolUseId))) throw new ToolInputError(MAY_HAVE_RUN);
      let answer: { text: string; isError: boolean };
      try {
        answer = await mcpClient().callServerTool(server, parsed.tool, input as Record<string, unknown>, connection);
      } catch (error) {
        // The server answered with a protocol error (no such tool, bad arguments): the agent's to read.
        // Anything else (unreachable, timed out) fails the attempt and is retried.
        if (mcpClient().isMcpError(error)) throw new ToolInputError(`${name}: ${error.message}`);
        throw error;
      }
      const { text, isError } = answer;
      if (isError) throw new ToolInputError(`${name} answered with an error: ${text}`);
      return text || '(no text content)';
    },
  };
}
