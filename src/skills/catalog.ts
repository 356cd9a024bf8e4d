import { pageInMemory, type PageQuery } from '../contracts/pages';
import type { Rollout } from '../contracts/skills';
import type { Database } from '../db/client';
import { getSkill, getSkillVersion, listSkills, listSkillVersions, type SkillRecord, type SkillVersionRecord, updateSkill } from '../db/skills';
import { AppError } from '../errors';
import { toIso } from '../time';
import { IsolatedSkillCompiler } from './isolated-compiler';
import { publishSkill, syncSkillToErp } from './publish';
import { candidatesOf, currentVersionOf, rollbackTarget, versionsNamed } from './rollout';

/** The catalog: publishing skill versions, enabling, rollout and rollback. */

export async function requireSkillOf(db: Database, organizationId: string, slug: string): Promise<SkillRecord> {
  const skill = await getSkill(db, organizationId, slug);
  if (!skill) throw new AppError('NOT_FOUND', `Skill ${slug} not found`);
  return skill;
}

export function createSkillCatalog(deps: { db: Database; compiler?: Pick<IsolatedSkillCompiler, 'compile'> }) {
  const { db } = deps;
  const compiler = deps.compiler ?? new IsolatedSkillCompiler();
  const requireSkill = (organizationId: string, slug: string) => requireSkillOf(db, organizationId, slug);

  async function skillView(skill: SkillRecord, versions?: SkillVersionRecord[]) {
    const all = versions ?? (await listSkillVersions(db, skill.organizationId, skill.slug));
    const newest = currentVersionOf(all);
    return {
      slug: skill.slug,
      name: newest?.compiled.title ?? skill.slug,
      category: newest?.compiled.category ?? null,
      enabled: skill.enabled === 1,
      rollout: skill.rollout,
      events: skill.events,
      latestVersion: newest?.version ?? null,
      versions: all.map((version) => ({
        version: version.version,
        checksum: version.checksum,
        changelog: version.changelog,
        status: version.compiled.status,
        publishedAt: toIso(version.publishedAt),
      })),
      updatedAt: toIso(skill.updatedAt),
    };
  }

  return {
    /** Compiles and records a version; 422 with located errors when the file is bad. */
    async publish(organizationId: string, body: { source: string; changelog: string }) {
      const published = await publishSkill(db, organizationId, body.source, body.changelog, `${organizationId}/skill.md`, (file, source) => compiler.compile(file, source));
      return {
        created: published.created,
        version: published.version.version,
        checksum: published.version.checksum,
        skill: await skillView(published.skill),
        ...(published.erpSync ? { erpSync: published.erpSync } : {}),
        warnings: published.warnings,
      };
    },
    /** A page of skills by slug. */
    async list(organizationId: string, query: PageQuery) {
      const page = pageInMemory(await listSkills(db, organizationId), query, (skill) => skill.slug);
      return { ...page, items: await Promise.all(page.items.map((skill) => skillView(skill))) };
    },
    async get(organizationId: string, slug: string) {
      return skillView(await requireSkill(organizationId, slug));
    },
    async getVersion(organizationId: string, slug: string, version: string) {
      const record = await getSkillVersion(db, organizationId, slug, version);
      if (!record) throw new AppError('NOT_FOUND', `${slug}@${version} not found`);
      return { version: record.version, checksum: record.checksum, changelog: record.changelog, source: record.source, compiled: record.compiled, publishedAt: toIso(record.publishedAt) };
    },
    /** Enable/disable, or change the rollout (every version it names must be published). */
    async update(organizationId: string, slug: string, update: { enabled?: boolean; rollout?: Rollout }) {
      await requireSkill(organizationId, slug);
      if (update.rollout) {
        const published = new Set((await listSkillVersions(db, organizationId, slug)).map((version) => version.version));
        const missing = versionsNamed(update.rollout).filter((version) => !published.has(version));
        if (missing.length > 0) throw new AppError('VALIDATION_FAILED', `Not published: ${missing.map((v) => `${slug}@${v}`).join(', ')}`);
      }
      const row = (await updateSkill(db, organizationId, slug, update)) as SkillRecord;
      const versions = await listSkillVersions(db, organizationId, slug);
      const newest = candidatesOf(versions).length > 0 ? currentVersionOf(versions) : undefined; // drafts are not synced
      // The ERP's AgentSkill.isEnabled follows ours.
      const erpSync = update.enabled !== undefined && newest ? await syncSkillToErp(db, organizationId, newest.compiled, row.enabled === 1, `enabled:${row.enabled}:${row.updatedAt}`) : undefined;
      return { ...(await skillView(row)), ...(erpSync ? { erpSync } : {}) };
    },
    /** Pins the version that served before the current one; the next invocation uses it. */
    async rollback(organizationId: string, slug: string) {
      const skill = await requireSkill(organizationId, slug);
      const versions = await listSkillVersions(db, organizationId, slug);
      const target = rollbackTarget(skill.rollout, candidatesOf(versions));
      if (!target) throw new AppError('CONFLICT', `${slug} has no earlier version to roll back to`);
      const row = await updateSkill(db, organizationId, slug, { rollout: { mode: 'pinned', version: target } });
      return { rolledBackFrom: skill.rollout, ...(await skillView(row as SkillRecord, versions)) };
    },
  };
}
