import type { CreatePersona, UpdatePersona } from '../contracts/skills';
import type { Database } from '../db/client';
import { createPersona, deletePersona, getPersona, listPersonas, type PersonaRecord, updatePersona } from '../db/skills';
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

  return {
    async createPersona(organizationId: string, persona: CreatePersona) {
      return personaView(await createPersona(db, organizationId, persona));
    },
    async listPersonas(organizationId: string) {
      return (await listPersonas(db, organizationId)).map(personaView);
    },
    async getPersona(organizationId: string, slug: string) {
      return personaView(await requirePersonaOf(db, organizationId, slug));
    },
    async updatePersona(organizationId: string, slug: string, update: UpdatePersona) {
      const row = await updatePersona(db, organizationId, slug, update);
      if (!row) throw new AppError('NOT_FOUND', `Persona ${slug} not found`);
      return personaView(row);
    },
    async deletePersona(organizationId: string, slug: string) {
      if (!(await deletePersona(db, organizationId, slug))) throw new AppError('NOT_FOUND', `Persona ${slug} not found`);
    },
  };
}
