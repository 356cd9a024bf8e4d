import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../db/client';
import { createPersona, getPersona, publishSkillVersion } from '../db/skills';
import { AppError } from '../errors';
import { type CompiledSkill, compileSkill } from './compiler';

/** The skills we ship (the ERP's five), as Markdown files next to this module. */
export const SKILL_LIBRARY_DIR = path.join(__dirname, 'library');

export function loadSkillLibrary(dir: string = SKILL_LIBRARY_DIR): CompiledSkill[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.md'))
    .sort()
    .map((file) => compileSkill(file, fs.readFileSync(path.join(dir, file), 'utf8')));
}

/** The persona new organizations get: allowed every shipped skill. */
export const DEFAULT_PERSONA = {
  slug: 'operations-assistant',
  name: 'Operations Assistant',
  systemPrompt:
    'You are the operations assistant of an agency. You work from the records in the ERP, never invent facts, and say plainly what you could not find.',
};

/**
 * Publishes the shipped skills (the ERP's five) to an organization and gives it the default
 * persona. Idempotent: republishing an unchanged file is a no-op and an existing persona is kept.
 */
export async function installSkillLibrary(db: Database, organizationId: string): Promise<{ published: string[] }> {
  const published: string[] = [];
  for (const file of fs.readdirSync(SKILL_LIBRARY_DIR).filter((name) => name.endsWith('.md')).sort()) {
    const source = fs.readFileSync(path.join(SKILL_LIBRARY_DIR, file), 'utf8');
    const compiled = compileSkill(file, source);
    const result = await publishSkillVersion(db, organizationId, compiled, source, 'shipped with the orchestrator');
    if (result.created) published.push(`${compiled.id}@${compiled.version}`);
  }
  if (!(await getPersona(db, organizationId, DEFAULT_PERSONA.slug))) {
    const skills = loadSkillLibrary().map((skill) => skill.id);
    await createPersona(db, organizationId, { ...DEFAULT_PERSONA, allowedSkills: skills, enabled: true }).catch((error: unknown) => {
      if (!(error instanceof AppError && error.code === 'CONFLICT')) throw error; // created meanwhile
    });
  }
  return { published };
}
