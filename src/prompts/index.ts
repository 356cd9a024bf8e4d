import fs from 'node:fs';
import path from 'node:path';
import type { Stage } from '../contracts/issue';

/**
 * System prompts are versioned files (`{stage}.v{n}.md`). A prompt that has shipped is never
 * edited: add the next version and point `PROMPT_VERSIONS` at it, so every recorded LLM call
 * names the exact prompt it used.
 */
export type PromptName = Stage | 'controller' | 'skill-builder' | 'form-generator' | 'workflow-designer';

export const PROMPT_VERSIONS: Record<PromptName, number> = {
  classify: 1,
  // v2: triage may ask a clarification question first.
  // v3: triage names the worker type of the change (src/contracts/worker-types.ts).
  triage: 3,
  // v2: research, code and review are agent loops with repository tools.
  // v3: they are given the repository's project instructions (AGENTS.md, CLAUDE.md, CONTRIBUTING.md).
  research: 3,
  code: 3,
  review: 3,
  controller: 1,
  'skill-builder': 1,
  'form-generator': 1,
  'workflow-designer': 1,
};

export interface Prompt {
  /** e.g. `classify.v1`, stored with every LLM call. */
  id: string;
  text: string;
}

const cache = new Map<string, Prompt>();

export function loadPrompt(stage: PromptName, version: number = PROMPT_VERSIONS[stage]): Prompt {
  const id = `${stage}.v${version}`;
  const cached = cache.get(id);
  if (cached) return cached;
  const file = path.join(__dirname, `${id}.md`);
  const prompt = { id, text: fs.readFileSync(file, 'utf8').trim() };
  cache.set(id, prompt);
  return prompt;
}
