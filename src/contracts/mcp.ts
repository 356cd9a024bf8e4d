import { z } from 'zod';

/**
 * An organization's MCP servers (README "MCP tools"): tools of their own — a billing lookup, a
 * docs search — that the research, code and review agents, and the skills a server opts in, may
 * call. Over streamable HTTP (the URL obeys the outbound rules: https to public addresses,
 * src/outbound/url-policy.ts), or over stdio: a `command` run in the sandbox, in the
 * installation's MCP directory (MCP_STDIO_DIR), with no network and nothing of the worker.
 */
export const MCP_STAGES = ['research', 'code', 'review'] as const;

const toolName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)');

export const mcpServerSchema = z.strictObject({
  /** Names the server's tools to the agents: `mcp__<name>__<tool>`. */
  name: z.string().regex(/^[a-z0-9-]{1,24}$/, 'lowercase letters, digits and - (at most 24)'),
  /** A streamable-HTTP server. */
  url: z
    .string()
    .max(2000)
    .url()
    .refine((value) => /^https?:\/\//i.test(value), 'must be an http(s) URL (streamable HTTP)')
    .optional(),
  /**
   * A stdio server: the argv run in the sandbox, in the installation's MCP directory (read-only;
   * a relative path names a file in it), e.g. ["node", "billing/server.js"].
   */
  command: z
    .array(z.string().min(1).max(1000).refine((arg) => !arg.includes('\0'), 'no NUL characters'))
    .min(1)
    .max(50)
    .optional(),
  /** Sent as `Authorization: Bearer …` (a stdio server gets it as MCP_TOKEN); never shown again once set. */
  token: z.string().min(8).max(2000).optional(),
  /** The issue stages that are offered its tools (empty: none, e.g. a server for skills only). */
  stages: z.array(z.enum(MCP_STAGES)).max(MCP_STAGES.length).default(['research', 'code', 'review']),
  /**
   * The skills whose runs are offered its tools, by skill id (`*`: every skill). Default none:
   * a skill's own permissions are all it may call unless the organization opts it in here.
   */
  skills: z
    .array(z.union([z.literal('*'), z.string().regex(/^[a-z][a-z0-9-]{0,99}$/, 'a skill id (a slug: lower-case letters, digits and -) or *')]))
    .max(50)
    .default([]),
  /** Only these of its tools (absent: every tool it lists, up to 20). */
  tools: z.array(toolName).min(1).max(50).optional(),
  /**
   * Tools with effects that must not happen twice (create a ticket, send a mail): called at most
   * once — a worker lost mid-call is not retried, and the agent is told it may have run. Every
   * other tool is called at least once (retried after a lost worker; make it idempotent).
   */
  atMostOnce: z.array(toolName).max(50).default([]),
})
  .refine((server) => (server.url === undefined) !== (server.command === undefined), { message: 'give either a url (streamable HTTP) or a command (stdio), not both', path: ['url'] })
  .refine((server) => server.stages.length > 0 || server.skills.length > 0, { message: 'offers its tools to nothing: name at least one stage or skill', path: ['stages'] });
export type McpServerSettings = z.infer<typeof mcpServerSchema>;

export const mcpSettingsSchema = z.object({
  servers: z
    .array(mcpServerSchema)
    .max(5)
    .default([])
    .refine((servers) => new Set(servers.map((server) => server.name)).size === servers.length, 'server names must be unique'),
});
export type McpSettings = z.infer<typeof mcpSettingsSchema>;

/** Whether `server` offers its tools to runs of the skill `skillId`. */
export const offersToSkill = (server: Pick<McpServerSettings, 'skills'>, skillId: string) => server.skills.includes('*') || server.skills.includes(skillId);

/** The name an agent calls a server's tool by. */
export const mcpToolName = (server: string, tool: string) => `mcp__${server}__${tool}`;

/** `mcp__<server>__<tool>` → its parts; undefined for any other name. */
export function parseMcpToolName(name: string): { server: string; tool: string } | undefined {
  const match = /^mcp__([a-z0-9-]{1,24})__([A-Za-z0-9_.-]{1,64})$/.exec(name);
  return match ? { server: match[1] as string, tool: match[2] as string } : undefined;
}
