import { z } from 'zod';

import { slug } from './skills';

/**
 * POST /api/builders/skill (README "Skill Builder"): describe a skill in plain words (create),
 * or name one to improve from its feedback (refine); the examples are the inputs each draft is
 * dry-run on, as `persona`.
 */
export const startSkillBuildSchema = z
  .strictObject({
    mode: z.enum(['create', 'refine']).default('create'),
    /** Refine: the skill to improve. */
    skill: slug.optional(),
    description: z.string().trim().min(1).max(10_000),
    examples: z.array(z.record(z.string(), z.unknown())).max(5).default([]),
    /** The persona the dry runs run as. */
    persona: slug,
  })
  .refine((body) => (body.mode === 'refine') === (body.skill !== undefined), {
    message: 'refine names the skill to improve; create names none',
    path: ['skill'],
  });
export type StartSkillBuild = z.infer<typeof startSkillBuildSchema>;
