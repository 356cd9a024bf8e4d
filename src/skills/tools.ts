import { z } from 'zod';
import { jsonSchemaOf } from '../contracts/json-schema';
import type { ErpClient } from '../erp/client';
import type { LlmTool } from '../llm/client';
import { ToolInputError } from '../workspace/read-tools';
import { type CompiledSkill, toolForPermission } from './compiler';

/**
 * The tools of a skill run. A skill's permissions (`resource:action`) become ERP tools
 * (`action_resource`); its Error Handling table adds `request_info` (a clarification) and
 * `flag_for_review` (a human approval) where it has such rules; `submit_output` ends the run
 * with the skill's outputs. Nothing else is offered, and nothing else runs.
 */

export const REQUEST_INFO = 'request_info';
export const FLAG_FOR_REVIEW = 'flag_for_review';
export const SUBMIT_OUTPUT = 'submit_output';

export const controlToolInputs = {
  [REQUEST_INFO]: z.strictObject({ question: z.string().min(1).max(4000) }),
  [FLAG_FOR_REVIEW]: z.strictObject({ reason: z.string().min(1).max(4000) }),
};

/**
 * Record ids and field names come from the model: an id is one path segment (no `.`/`..`,
 * no `/`), and the fields that scope a record (id, organizationId) are the ERP's to set.
 */
const recordId = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9_.:-]*$/, 'a record id: letters, digits, _ - . : (not starting with .)');
const RESERVED_FIELDS = ['id', 'organizationId'];
/** A record of fields: names are identifiers, and none of the ERP's scoping fields. */
const fieldsOf = <T extends z.ZodType>(value: T) =>
  z.record(z.string(), value).superRefine((record, ctx) => {
    for (const name of Object.keys(record)) {
      if (RESERVED_FIELDS.includes(name)) ctx.addIssue({ code: 'custom', path: [name], message: `${name} is set by the ERP, not by a skill` });
      else if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'not a field name' });
    }
  });
const readInput = z.strictObject({
  id: recordId.optional().describe('Read one record by id'),
  filters: fieldsOf(z.string().max(500)).optional().describe('Or list records whose fields equal these values'),
});
const createInput = z.strictObject({ fields: fieldsOf(z.unknown()).describe('The new record') });
const updateInput = z.strictObject({ id: recordId, fields: fieldsOf(z.unknown()) });
const actionInput = z.strictObject({ id: recordId.optional(), input: z.record(z.string(), z.unknown()).optional() });

interface PermissionTool {
  name: string;
  resource: string;
  action: string;
}

export function permissionTools(skill: Pick<CompiledSkill, 'permissions'>): PermissionTool[] {
  return skill.permissions.map((permission) => {
    const [resource, action] = permission.split(':') as [string, string];
    return { name: toolForPermission(permission), resource, action };
  });
}

function inputSchemaFor(action: string) {
  switch (action) {
    case 'read':
      return readInput;
    case 'create':
      return createInput;
    case 'update':
      return updateInput;
    default:
      return actionInput;
  }
}

/** Every tool the run offers, `submit_output` last. */
export function skillToolDefinitions(skill: CompiledSkill): LlmTool[] {
  const tools: LlmTool[] = permissionTools(skill).map((tool) => ({
    name: tool.name,
    description: describe(tool),
    input_schema: jsonSchemaOf(inputSchemaFor(tool.action)) as LlmTool['input_schema'],
  }));
  if (skill.errorHandling.some((rule) => rule.kind === 'ask')) {
    tools.push({
      name: REQUEST_INFO,
      description: 'Ask a person for information you need and cannot find (per the Error Handling rules). The answer comes back as the result.',
      input_schema: jsonSchemaOf(controlToolInputs[REQUEST_INFO]) as LlmTool['input_schema'],
    });
  }
  if (skill.errorHandling.some((rule) => rule.kind === 'review')) {
    tools.push({
      name: FLAG_FOR_REVIEW,
      description: 'Stop and ask a reviewer to approve continuing (per the Error Handling rules). The decision comes back as the result.',
      input_schema: jsonSchemaOf(controlToolInputs[FLAG_FOR_REVIEW]) as LlmTool['input_schema'],
    });
  }
  tools.push({
    name: SUBMIT_OUTPUT,
    description: `Finish the skill with its outputs: ${skill.outputs.map((output) => output.name).join(', ')}.`,
    input_schema: skill.outputSchema as LlmTool['input_schema'],
  });
  return tools;
}

function describe(tool: PermissionTool): string {
  switch (tool.action) {
    case 'read':
      return `Read ${tool.resource} records from the ERP: one by id, or a list by field filters.`;
    case 'create':
      return `Create a ${tool.resource} record in the ERP.`;
    case 'update':
      return `Update fields of a ${tool.resource} record in the ERP.`;
    default:
      return `Run the ERP's ${tool.action} action on ${tool.resource}.`;
  }
}

/** The ERP collection of a resource: `client` → `/clients`. */
const collection = (resource: string) => `/${resource.replace(/_/g, '-')}s`;

/** The ERP request a permission tool makes for a (validated) input. */
export interface ErpToolRequest {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

function erpRequestOf(tool: PermissionTool, input: { id?: string; filters?: Record<string, string>; fields?: Record<string, unknown>; input?: Record<string, unknown> }): ErpToolRequest {
  const base = collection(tool.resource);
  const id = input.id ? `/${encodeURIComponent(input.id)}` : '';
  switch (tool.action) {
    case 'read':
      return { method: 'GET', path: `${base}${id}`, ...(input.filters ? { query: input.filters } : {}) };
    case 'create':
      return { method: 'POST', path: base, body: input.fields };
    case 'update':
      return { method: 'PATCH', path: `${base}${id}`, body: input.fields };
    default:
      return { method: 'POST', path: `${base}${id}/${tool.action}`, body: input.input ?? {} };
  }
}

/** The permission tool a call names and its validated input; a ToolInputError for anything else. */
function resolveSkillTool(skill: Pick<CompiledSkill, 'permissions' | 'id'>, name: string, rawInput: unknown): ErpToolRequest & { tool: string } {
  const tool = permissionTools(skill).find((candidate) => candidate.name === name);
  if (!tool) throw new ToolInputError(`tool ${name} is not permitted for skill ${skill.id} (permissions: ${skill.permissions.join(', ') || 'none'})`);
  const parsed = inputSchemaFor(tool.action).safeParse(rawInput ?? {});
  if (!parsed.success) throw new ToolInputError(`invalid input for ${name}: ${z.prettifyError(parsed.error)}`);
  return { tool: name, ...erpRequestOf(tool, parsed.data as Parameters<typeof erpRequestOf>[1]) };
}

/** What a dry run's result says of a write it did not send: the exact request. */
export const DRY_RUN_WRITE = '(dry run: not sent) would write';

/**
 * Runs one permission tool against the ERP. A tool the skill does not allow, or a bad input,
 * is a ToolInputError: a result the agent reads, never a call to the ERP. In a dry run a write
 * is not sent: the result describes it (`DRY_RUN_WRITE`), and the run goes on.
 */
export async function executeSkillTool(
  skill: Pick<CompiledSkill, 'permissions' | 'id'>,
  name: string,
  rawInput: unknown,
  erp: ErpClient | undefined,
  options: { idempotencyKey: string; signal?: AbortSignal; dryRun?: boolean },
): Promise<string> {
  const request = resolveSkillTool(skill, name, rawInput);
  if (options.dryRun && request.method !== 'GET') {
    return `${DRY_RUN_WRITE} ${request.method} ${request.path}\n${JSON.stringify(request.body ?? {}, null, 2)}\nNothing was changed in the ERP; go on as if it had succeeded.`;
  }
  if (!erp) throw new ToolInputError('no ERP API is configured for this organization (settings.erp.apiUrl)');
  const result = await erp.request({
    method: request.method,
    path: request.path,
    ...(request.query ? { query: request.query } : {}),
    ...(request.method === 'GET' ? {} : { body: request.body, idempotencyKey: options.idempotencyKey }),
    signal: options.signal,
  });
  return typeof result === 'string' ? result : JSON.stringify(result, null, 2);
}

/**
 * The writes a dry run would have sent, from its tool calls (in order): what the invocation view
 * lists. Only for a dry run's calls: in one, no permitted write reaches the ERP, so each call
 * that resolves to a write and was answered without error is one it did not send. Read by what
 * the call was, not by what its result says (an ERP answer could say anything).
 */
export function dryRunWrites(skill: Pick<CompiledSkill, 'permissions' | 'id'>, calls: Array<{ name: string; input: unknown; output: string | null; isError: number }>): Array<ErpToolRequest & { tool: string }> {
  return calls.flatMap((call) => {
    if (call.output === null || call.isError === 1) return [];
    try {
      const request = resolveSkillTool(skill, call.name, call.input);
      return request.method === 'GET' ? [] : [request];
    } catch {
      return []; // not a permission tool (an MCP tool, request_info, …): nothing it would have written to the ERP
    }
  });
}
