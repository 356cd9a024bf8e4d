import { z } from 'zod';
import type { Stage } from '../contracts/issue';
import { stageOutputSchemas, stageToolNames } from '../contracts/stages';

/**
 * The tools agents may call, by stage. Each tool call runs as its own activity; the final
 * tool of a stage ends its loop and is validated against the stage's output contract.
 */

export const ASK_CLARIFICATION = 'ask_clarification';

export const toolInputSchemas = {
  list_files: z.object({
    path: z.string().max(1000).optional().describe('Directory relative to the repository root; default "."'),
    depth: z.number().int().min(1).max(6).optional().describe('How many levels to list; default 2'),
  }),
  read_file: z.object({
    path: z.string().min(1).max(1000).describe('File path relative to the repository root'),
    startLine: z.number().int().min(1).optional(),
    endLine: z.number().int().min(1).optional(),
  }),
  search_files: z.object({
    pattern: z.string().min(1).max(500).describe('A JavaScript regular expression (or plain text)'),
    path: z.string().max(1000).optional().describe('Directory to search; default the whole repository'),
  }),
  [ASK_CLARIFICATION]: z.object({
    question: z.string().min(1).max(2000).describe('One precise question for the people behind the issue'),
  }),
} as const;

export type ToolName = keyof typeof toolInputSchemas;
export const READ_ONLY_TOOLS: ToolName[] = ['list_files', 'read_file', 'search_files'];

const TOOL_DESCRIPTIONS: Record<ToolName, string> = {
  list_files: 'List files and directories of the repository (skips .git, node_modules, build output).',
  read_file: 'Read a file of the repository, with line numbers; use startLine/endLine for large files.',
  search_files: 'Search the repository for a regular expression; answers file:line: text.',
  [ASK_CLARIFICATION]: 'Ask the people behind the issue one clarification question; the answer is the tool result.',
};

export type AgentStage = Extract<Stage, 'research' | 'code' | 'review'>;
export const AGENT_STAGES: AgentStage[] = ['research', 'code', 'review'];

/** Which tools each agent has. Write tools come with the workspace. */
export const AGENT_TOOLS: Record<AgentStage, ToolName[]> = {
  research: [...READ_ONLY_TOOLS, ASK_CLARIFICATION],
  code: [...READ_ONLY_TOOLS, ASK_CLARIFICATION],
  review: [...READ_ONLY_TOOLS],
};

const FINAL_TOOL_DESCRIPTIONS: Record<AgentStage, string> = {
  research: 'Submit the root-cause analysis. Ends the investigation.',
  code: 'Submit the proposed change as a unified diff. Ends the coding.',
  review: 'Submit the review verdict for the proposed change. Ends the review.',
};

export function finalToolName(stage: AgentStage): string {
  return stageToolNames[stage];
}

export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(toolInputSchemas, name);
}

/** JSON Schema for a tool's `input_schema` from a zod object schema. */
export function jsonSchemaFor(schema: z.ZodType): { type: 'object'; [key: string]: unknown } {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema) as Record<string, unknown>;
  return { ...jsonSchema, type: 'object' };
}

/** Tool definitions as the Messages API takes them, final tool last. */
export function toolDefinitionsFor(stage: AgentStage) {
  return [
    ...AGENT_TOOLS[stage].map((name) => ({
      name,
      description: TOOL_DESCRIPTIONS[name],
      input_schema: jsonSchemaFor(toolInputSchemas[name]),
    })),
    {
      name: finalToolName(stage),
      description: FINAL_TOOL_DESCRIPTIONS[stage],
      input_schema: jsonSchemaFor(stageOutputSchemas[stage]),
    },
  ];
}
