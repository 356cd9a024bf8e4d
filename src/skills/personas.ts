import type { CreatePersona, UpdatePersona } from '../contracts/skills';
import type { Database } from '../db/client';
import { createPersona, deletePersona, getPersona, listPersonas, listSkills, type PersonaRecord, updatePersona } from '../db/skills';
import { AppError } from '../errors';
import { toIso } from '../time';

/** Personas: who the agent is when it runs a skill (the ERP's AgentPersona). */

export async function requirePersonaOf(db: Database, organizationId: string, slug: string): Promise<PersonaRecord> {
  const persona = await getPersona(db, organizationId, slug);
  if (!persona) throw new AppError('NOT_FOUND', `Persona ${slug} not found`);
  return persona;
}

export function createPersonaService(db: Database) {
  const personaView = (persona: PersonaRecord) => ({
    slug: persona.slug,
    name: persona.name,
    systemPrompt: persona.systemPrompt,
    allowedSkills: persona.allowedSkills,
    enabled: persona.enabled === 1,
    createdAt: toIso(persona.createdAt),
    updatedAt: toIso(persona.updatedAt),
  });

  /** A persona may only allow skills the organization has: a typo must not pass as "allowed to run nothing". */
  async function assertSkillsExist(organizationId: string, allowed: string[] | undefined): Promise<void> {
    if (!allowed || allowed.length === 0) return;
    const known = new Set((await listSkills(db, organizationId)).map((skill) => skill.slug));
    const details = allowed.flatMap((slug, index) => (known.has(slug) ? [] : [{ path: `allowedSkills.${index}`, message: `no skill ${slug} in this organization`, received: slug }]));
    if (details.length > 0) {
      const names = [...known].sort().join(', ') || 'none yet: publish one first';
      throw new AppError('VALIDATION_FAILED', `the request body is not valid: allowedSkills names skills this organization does not have (it has: ${names})`, { details });
    }
  }

  return {
    async createPersona(organizationId: string, persona: CreatePersona) {
      await assertSkillsExist(organizationId, persona.allowedSkills);
      return personaView(await createPersona(db, organizationId, persona));
    },
    async listPersonas(organizationId: string) {
      return (await listPersonas(db, organizationId)).map(personaView);
    },
    async getPersona(organizationId: string, slug: string) {
      return personaView(await requirePersonaOf(db, organizationId, slug));
    },
    async updatePersona(organizationId: string, slug: string, update: UpdatePersona) {
      await assertSkillsExist(organizationId, update.allowedSkills);
      const row = await updatePersona(db, organizationId, slug, update);
      if (!row) throw new AppError('NOT_FOUND', `Persona ${slug} not found`);
      return personaView(row);
    },
    async deletePersona(organizationId: string, slug: string) {
      if (!(await deletePersona(db, organizationId, slug))) throw new AppError('NOT_FOUND', `Persona ${slug} not found`);
    },
  };
}
