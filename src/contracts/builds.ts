import { z } from 'zod';

import { caseInsensitiveEnum } from './enums';
import { slug } from './skills';

/** Each builder's name, as the API, the console and the Web UI show it, by the kind of build. */
export const BUILDER_NAMES = { skill: 'Skill Builder', feature: 'Feature Builder', form: 'Form Generator', workflow: 'Workflow Designer' } as const;

/**
 * POST /api/builders/skill (README "Builder agents"): describe a skill in plain words (create),
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

/**
 * POST /api/builders/feature (the Feature Builder): the capability to add to a published skill
 * — a permission, an input, an output or a section — in plain words; the new version is minor or
 * major as the change requires, dry-run on the examples as `persona`.
 */
export const startFeatureBuildSchema = z.strictObject({
  skill: slug,
  description: z.string().trim().min(1).max(10_000),
  examples: z.array(z.record(z.string(), z.unknown())).max(5).default([]),
  persona: slug,
});
export type StartFeatureBuild = z.infer<typeof startFeatureBuildSchema>;

/**
 * POST /api/builders/form (the Form Generator) and /api/builders/workflow (the Workflow
 * Designer): what the organization needs, in plain words. The agent reads the ERP's forms or
 * triggers and skills first; the reviewer approves the exact payloads before any is created.
 */
export const startErpBuildSchema = z.strictObject({
  description: z.string().trim().min(1).max(10_000),
});
export type StartErpBuild = z.infer<typeof startErpBuildSchema>;

/**
 * POST /api/builds/:id/approval: an issue approval's body, with the build's own optional guards
 * in place of `gate` — the decision is refused unless `round` is the round waiting and
 * `checksum` that of its draft or proposal (what the person saw). The console always sends both.
 */
export const buildDecisionSchema = z
  .strictObject({
    decision: caseInsensitiveEnum(['approve', 'reject', 'request_changes']),
    reviewer: z.string().trim().min(1).max(200).optional(),
    comment: z.string().max(10_000).optional(),
    round: z.number().int().min(0).max(100).optional(),
    checksum: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex').optional(),
  })
  .refine((d) => d.decision !== 'request_changes' || (d.comment?.trim().length ?? 0) > 0, {
    message: 'request_changes needs a comment saying what to change',
    path: ['comment'],
  });
export type BuildDecisionRequest = z.infer<typeof buildDecisionSchema>;
