import { z } from 'zod';
import type { Stage } from '../contracts/issue';
import { jsonSchemaOf } from '../contracts/json-schema';
import { stageOutputSchemas, stageToolNames } from '../contracts/stages';
import { runsCommands, type WorkerType, writesChanges } from '../contracts/worker-types';

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
  write_file: z.object({
    path: z.string().min(1).max(1000).describe('File path relative to the repository root; created if missing'),
    content: z.string().describe('The whole new content of the file'),
  }),
  edit_file: z.object({
    path: z.string().min(1).max(1000),
    oldText: z.string().min(1).describe('Exact text to replace; must occur exactly once'),
    newText: z.string().describe('The replacement'),
  }),
  run_command: z.object({
    argv: z.array(z.string()).min(1).max(50).describe('The command and its arguments, e.g. ["npm","test"]; no shell'),
  }),
  diff: z.object({}).describe('The change so far against the base branch'),
  [ASK_CLARIFICATION]: z.object({
    question: z.string().min(1).max(2000).describe('One precise question for the people behind the issue'),
  }),
} as const;

export type ToolName = keyof typeof toolInputSchemas;
export const READ_ONLY_TOOLS: ToolName[] = ['list_files', 'read_file', 'search_files'];
export const WRITE_TOOLS: ToolName[] = ['write_file', 'edit_file', 'run_command', 'diff'];

const TOOL_DESCRIPTIONS: Record<ToolName, string> = {
  list_files: 'List files and directories of the repository (skips .git, node_modules, build output).',
  read_file: 'Read a file of the repository, with line numbers; use startLine/endLine for large files.',
  search_files: 'Search the repository for a regular expression; answers file:line: text.',
  write_file: 'Create or overwrite a file of the repository.',
  edit_file: 'Replace one exact occurrence of oldText with newText in a file (read it first).',
  run_command: 'Run an allowed command (e.g. the tests) in the repository; answers the exit code and output.',
  diff: 'Show the change so far as a unified diff against the base branch.',
  [ASK_CLARIFICATION]: 'Ask the people behind the issue one clarification question; the answer is the tool result.',
};

export type AgentStage = Extract<Stage, 'research' | 'code' | 'review'>;
export const AGENT_STAGES: AgentStage[] = ['research', 'code', 'review'];

/** The stage of a loop id (`{issueId}:{stage}:{round}`), or undefined if it names none. */
export function stageOfLoop(loopId: string): AgentStage | undefined {
  const stage = loopId.split(':').at(-2);
  return AGENT_STAGES.find((candidate) => candidate === stage);
}

/**
 * Which tools each agent has. Research only reads; write tools need a workspace. The code
 * stage's worker type (src/contracts/worker-types.ts) narrows them: one that may not run
 * commands is not offered run_command, one that writes nothing no write tool.
 */
export function agentTools(stage: AgentStage, workspace: boolean, workerType?: WorkerType): ToolName[] {
  if (stage === 'research') return [...READ_ONLY_TOOLS, ASK_CLARIFICATION];
  if (stage === 'review') return workspace ? [...READ_ONLY_TOOLS, 'diff'] : [...READ_ONLY_TOOLS];
  if (!workspace) return [...READ_ONLY_TOOLS, ASK_CLARIFICATION];
  const writes = WRITE_TOOLS.filter((tool) => {
    if (!workerType) return true;
    if (tool === 'run_command') return runsCommands(workerType);
    return tool === 'diff' || writesChanges(workerType);
  });
  return [...READ_ONLY_TOOLS, ...writes, ASK_CLARIFICATION];
}

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

/** A tool's `input_schema` from a zod object schema. */
export function jsonSchemaFor(schema: z.ZodType): { type: 'object'; [key: string]: unknown } {
  return { ...jsonSchemaOf(schema), type: 'object' };
}

/** Tool definitions as the Messages API takes them, final tool last. */
export function toolDefinitionsFor(stage: AgentStage, workspace: boolean, workerType?: WorkerType) {
  return [
    ...agentTools(stage, workspace, workerType).map((name) => ({
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
