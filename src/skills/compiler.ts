import { createHash } from 'node:crypto';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { jsonSchemaOf } from '../contracts/json-schema';

/**
 * Compiles a skill file — YAML frontmatter plus Markdown, the format of the ERP's
 * /knowledge/agents/skills/*.md — into what a skill run needs: input and output schemas,
 * the system context, founder knowledge, error handling rules, triggers, and the tools
 * its permissions allow (nothing else is callable). Errors name the file, the field and
 * the line.
 */

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'object', 'array', 'string[]', 'number[]'] as const;
type FieldType = (typeof FIELD_TYPES)[number];

const fieldSchema = z.object({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, 'letters, digits and _ (starting with a letter)'),
  type: z.enum(FIELD_TYPES),
  required: z.boolean().default(false),
  description: z.string().optional(),
});

/** Outputs are what a run promises: required unless marked `required: false`. */
const outputFieldSchema = fieldSchema.extend({ required: z.boolean().default(true) });

const triggerSchema = z.union([
  z.object({ event: z.string().min(1) }),
  z.object({ schedule: z.string().min(1).describe('cron expression') }),
]);

export const skillFrontmatterSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and - (a slug)'),
  type: z.literal('skill'),
  version: z.string().regex(SEMVER, 'a semantic version like 1.2.0'),
  status: z.enum(['active', 'draft', 'deprecated', 'disabled']),
  category: z.string().min(1),
  triggers: z.array(triggerSchema).min(1),
  inputs: z.array(fieldSchema).default([]),
  outputs: z.array(outputFieldSchema).min(1),
  dependencies: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).default([]),
  permissions: z.array(z.string().regex(/^[a-z][a-z_-]*:[a-z][a-z_-]*$/, 'resource:action, e.g. brief:create')).default([]),
});
export type SkillFrontmatter = z.infer<typeof skillFrontmatterSchema>;

export interface ErrorRule {
  error: string;
  action: string;
  /** How a run follows the rule: ask (a clarification), review (a human approval), or note. */
  kind: 'ask' | 'review' | 'note';
}

export interface CompiledSkill {
  id: string;
  version: string;
  status: SkillFrontmatter['status'];
  category: string;
  title: string;
  purpose: string;
  founderKnowledge: string[];
  process: string[];
  errorHandling: ErrorRule[];
  triggers: SkillFrontmatter['triggers'];
  inputs: SkillFrontmatter['inputs'];
  outputs: SkillFrontmatter['outputs'];
  /** JSON Schemas of the input and the output, for validation and for the model. */
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  dependencies: string[];
  permissions: string[];
  /** The only tools a run of this skill may call, derived from its permissions. */
  allowedTools: string[];
  /** The skill's part of the system prompt (the persona's comes first). */
  systemContext: string;
  /** sha256 of the source, recorded with each published version. */
  checksum: string;
}

export interface SkillIssue {
  file: string;
  field: string;
  line: number;
  message: string;
}

export class SkillCompileError extends Error {
  constructor(readonly issues: SkillIssue[]) {
    super(issues.map((issue) => `${issue.file}:${issue.line}: ${issue.field}: ${issue.message}`).join('\n'));
    this.name = 'SkillCompileError';
  }
}

/** `brief:create` → `create_brief`: one ERP tool per permission. */
export function toolForPermission(permission: string): string {
  const [resource, action] = permission.split(':') as [string, string];
  return `${action}_${resource}`.replace(/-/g, '_');
}

export function compileSkill(file: string, source: string): CompiledSkill {
  const issues: SkillIssue[] = [];
  const fail = (field: string, line: number, message: string): never => {
    throw new SkillCompileError([...issues, { file, field, line, message }]);
  };

  // Every line is bounded before any pattern sees it: the patterns below are linear, and a
  // 200 KB line must not cost more than reading it.
  const longLine = findLongLine(source);
  if (longLine) fail('source', longLine, `line ${longLine} is over ${MAX_LINE_CHARS} characters`);

  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(source);
  if (!match) fail('frontmatter', 1, 'the file must start with YAML frontmatter between --- lines');
  const [, yamlText = '', body = ''] = match as RegExpExecArray;
  const bodyFirstLine = yamlText.split('\n').length + 3;

  const lineCounter = new LineCounter();
  const document = parseDocument(yamlText, { lineCounter, prettyErrors: false });
  for (const error of document.errors) {
    issues.push({ file, field: 'frontmatter', line: lineCounter.linePos(error.pos[0]).line + 1, message: error.message.split('\n')[0] ?? error.message });
  }
  if (issues.length > 0) throw new SkillCompileError(issues);

  let frontmatter: unknown;
  try {
    frontmatter = document.toJS(); // throws on alias bombs (maxAliasCount) and the like
  } catch (error) {
    throw new SkillCompileError([{ file, field: 'frontmatter', line: 2, message: (error as Error).message }]);
  }
  const parsed = skillFrontmatterSchema.safeParse(frontmatter);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ file, field: issue.path.join('.') || '(frontmatter)', line: lineOf(document, lineCounter, issue.path as Array<string | number>), message: issue.message });
    }
    throw new SkillCompileError(issues);
  }
  const front = parsed.data;
  for (const [list, name] of [
    [front.inputs, 'inputs'],
    [front.outputs, 'outputs'],
  ] as const) {
    const seen = new Set<string>();
    for (const field of list) {
      if (seen.has(field.name)) issues.push({ file, field: name, line: 2, message: `duplicate field "${field.name}"` });
      seen.add(field.name);
    }
  }

  const toolNames = new Map<string, string>();
  front.permissions.forEach((permission, index) => {
    const tool = toolForPermission(permission);
    const line = lineOf(document, lineCounter, ['permissions', index]);
    if (RESERVED_TOOLS.includes(tool)) issues.push({ file, field: `permissions.${index}`, line, message: `becomes the tool ${tool}, which every run already has` });
    else if (tool.length > 64) issues.push({ file, field: `permissions.${index}`, line, message: `becomes the tool ${tool}, longer than 64 characters` });
    const clash = toolNames.get(tool);
    if (clash && clash !== permission) issues.push({ file, field: `permissions.${index}`, line, message: `becomes the tool ${tool}, as ${clash} does` });
    toolNames.set(tool, permission);
  });

  const sections = markdownSections(body, bodyFirstLine);
  const title = sections.title;
  if (!title) issues.push({ file, field: 'body.title', line: bodyFirstLine, message: 'a "# Title" heading is required' });
  const purpose = sections.byName.get('purpose');
  if (!purpose?.text.trim()) issues.push({ file, field: 'body.Purpose', line: purpose?.line ?? bodyFirstLine, message: 'a "## Purpose" section with text is required' });
  const processSection = sections.byName.get('process');
  const process = lines(processSection?.text ?? '')
    .map((l) => {
      const marker = /^[ \t]*\d+[.)][ \t]+/.exec(l);
      return marker ? l.slice(marker[0].length).trim() : undefined;
    })
    .filter((step): step is string => Boolean(step));
  if (process.length === 0) {
    issues.push({ file, field: 'body.Process', line: processSection?.line ?? bodyFirstLine, message: 'a "## Process" section with numbered steps is required' });
  }
  const founderKnowledge = paragraphs(sections.byName.get('founder knowledge')?.text ?? '')
    .map((block) =>
      block
        .filter((l) => l.trim().startsWith('>'))
        .map((l) => l.trimStart().slice(1).replace(/^[ \t]/, ''))
        .join(' ')
        .trim(),
    )
    .filter(Boolean);
  const errorSection = sections.byName.get('error handling');
  const errorHandling = parseErrorTable(errorSection?.text ?? '');
  if (errorSection && errorHandling.length === 0) {
    issues.push({ file, field: 'body.Error Handling', line: errorSection.line, message: 'expected a table with the columns Error | Action' });
  }
  if (issues.length > 0) throw new SkillCompileError(issues);

  const allowedTools = [...new Set(front.permissions.map(toolForPermission))].sort();
  const systemContext = [
    `# Skill: ${title} (${front.id}@${front.version})`,
    `## Purpose\n${purpose?.text.trim() ?? ''}`,
    founderKnowledge.length > 0 ? `## Founder knowledge\n${founderKnowledge.map((k) => `> ${k}`).join('\n\n')}` : '',
    `## Process\n${process.map((step, index) => `${index + 1}. ${step}`).join('\n')}`,
    errorHandling.length > 0 ? `## When things go wrong\n${errorHandling.map((rule) => `- ${rule.error} → ${rule.action}`).join('\n')}` : '',
    `## Output\nAnswer with the fields: ${front.outputs.map((o) => `${o.name} (${o.type})`).join(', ')}.`,
  ]
    .filter(Boolean)
    .join('\n\n');

  return {
    id: front.id,
    version: front.version,
    status: front.status,
    category: front.category,
    title: title as string,
    purpose: purpose?.text.trim() ?? '',
    founderKnowledge,
    process,
    errorHandling,
    triggers: front.triggers,
    inputs: front.inputs,
    outputs: front.outputs,
    inputSchema: fieldsToJsonSchema(front.inputs),
    outputSchema: fieldsToJsonSchema(front.outputs),
    dependencies: front.dependencies,
    permissions: front.permissions,
    allowedTools,
    systemContext,
    checksum: createHash('sha256').update(source).digest('hex'),
  };
}

/** Tools every run has (src/skills/tools.ts); no permission may become one of them. */
const RESERVED_TOOLS = ['submit_output', 'request_info', 'flag_for_review'];

/** The line of the deepest node of `path` that exists in the document. */
function lineOf(document: ReturnType<typeof parseDocument>, lineCounter: LineCounter, path: Array<string | number>): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line + 1;
  }
  return 2;
}

/** A zod schema for a skill's inputs or outputs, to validate a run's payloads. */
export function zodForFields(fields: SkillFrontmatter['inputs']): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const field of fields) {
    const base = zodForType(field.type);
    shape[field.name] = field.required ? base : base.optional();
  }
  return z.object(shape);
}

function zodForType(type: FieldType): z.ZodType {
  switch (type) {
    case 'string':
      return z.string();
    case 'number':
      return z.number();
    case 'integer':
      return z.number().int();
    case 'boolean':
      return z.boolean();
    case 'date':
      return z
        .string()
        .refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO date')
        .describe('An ISO 8601 date, e.g. 2026-05-01');
    case 'object':
      return z.record(z.string(), z.unknown());
    case 'array':
      return z.array(z.unknown());
    case 'string[]':
      return z.array(z.string());
    case 'number[]':
      return z.array(z.number());
  }
}

function fieldsToJsonSchema(fields: SkillFrontmatter['inputs']): Record<string, unknown> {
  return jsonSchemaOf(zodForFields(fields));
}

/** Longest line the compiler reads; a longer one is an error, not a slow request. */
export const MAX_LINE_CHARS = 10_000;

function lines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** The 1-based number of the first line over MAX_LINE_CHARS, or 0. One pass over the text. */
function findLongLine(source: string): number {
  let number = 1;
  let length = 0;
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if (code === 10 || code === 13) {
      if (code === 13 && source.charCodeAt(i + 1) === 10) i++;
      number++;
      length = 0;
    } else if (++length > MAX_LINE_CHARS) {
      return number;
    }
  }
  return 0;
}

/** Blocks of lines separated by blank lines. */
function paragraphs(text: string): string[][] {
  const blocks: string[][] = [[]];
  for (const line of lines(text)) {
    if (line.trim() === '') blocks.push([]);
    else (blocks.at(-1) as string[]).push(line);
  }
  return blocks.filter((block) => block.length > 0);
}

/** The text of a `#` (level 1) or `##` (level 2) heading line, or undefined. Linear: no backtracking pattern. */
function heading(line: string, level: 1 | 2): string | undefined {
  const marker = '#'.repeat(level);
  if (!line.startsWith(marker) || line[level] === '#') return undefined;
  const rest = line.slice(level);
  if (!/^[ \t]/.test(rest)) return undefined;
  const text = rest.trim();
  return text === '' ? undefined : text;
}

interface Sections {
  title: string | undefined;
  byName: Map<string, { text: string; line: number }>;
}

function markdownSections(body: string, firstLine: number): Sections {
  const byName = new Map<string, { text: string; line: number }>();
  let title: string | undefined;
  let current: { name: string; line: number; lines: string[] } | undefined;
  const flush = () => {
    if (current) byName.set(current.name, { text: current.lines.join('\n'), line: current.line });
  };
  lines(body).forEach((line, index) => {
    const h1 = heading(line, 1);
    const h2 = heading(line, 2);
    if (h1 && !title) {
      title = h1;
      return;
    }
    if (h2) {
      flush();
      current = { name: h2.toLowerCase(), line: firstLine + index, lines: [] };
      return;
    }
    current?.lines.push(line);
  });
  flush();
  return { title, byName };
}

function parseErrorTable(text: string): ErrorRule[] {
  const rows = lines(text)
    .filter((line) => line.trim().startsWith('|'))
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((cell) => cell.trim()),
    );
  const [header, separator, ...data] = rows;
  if (!header || !separator || header.length < 2 || !/error/i.test(header[0] ?? '') || !/action/i.test(header[1] ?? '')) return [];
  return data
    .filter((cells) => cells[0] && cells[1])
    .map(([error = '', action = '']) => ({ error, action, kind: ruleKind(action) }));
}

function ruleKind(action: string): ErrorRule['kind'] {
  if (/request|ask|clarif|additional info/i.test(action)) return 'ask';
  if (/manual review|flag|escalat|approv/i.test(action)) return 'review';
  return 'note';
}
