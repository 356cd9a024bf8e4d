import { settingsOf } from '../contracts/policy';
import type { Database } from '../db/client';
import { getOrganization } from '../db/organizations';
import { getSkill, listSkillVersions, publishSkillVersion, type SkillRecord, type SkillVersionRecord } from '../db/skills';
import { versionProblem } from './versioning';
import { createErpClient } from '../erp/client';
import { AppError, errorMessage } from '../errors';
import { type CompiledSkill, compileSkill, SkillCompileError } from './compiler';

/**
 * Publishing a skill version, shared by the API (POST /api/skills) and the operator's
 * `npm run admin -- skills:publish`: compile (422 with located errors), hold the version to the
 * change (versioning.ts: 422 when a breaking change is not a major version), record (immutable
 * versions), sync to the ERP's AgentSkill endpoint, and report unpublished dependencies.
 */

export type ErpSyncResult = { status: 'synced' | 'skipped' | 'failed'; detail?: string };

export interface PublishResult {
  created: boolean;
  skill: SkillRecord;
  version: SkillVersionRecord;
  erpSync?: ErpSyncResult;
  warnings: string[];
}

/** How a skill file becomes a CompiledSkill: in-process for trusted files, isolated for callers'. */
export type CompileSkill = (file: string, source: string) => Promise<CompiledSkill>;

const compileInProcess: CompileSkill = async (file, source) => compileSkill(file, source);

export async function publishSkill(
  db: Database,
  organizationId: string,
  source: string,
  changelog: string,
  file = 'skill.md',
  compile: CompileSkill = compileInProcess,
): Promise<PublishResult> {
  let compiled: CompiledSkill;
  try {
    compiled = await compile(file, source);
  } catch (error) {
    if (error instanceof SkillCompileError) {
      throw new AppError('VALIDATION_FAILED', 'The skill file does not compile', {
        details: error.issues.map((issue) => ({ path: issue.field, line: issue.line, message: issue.message })),
      });
    }
    throw error;
  }
  // The version says what changed: a breaking change under a minor or patch version is refused.
  const problem = versionProblem(await listSkillVersions(db, organizationId, compiled.id), compiled);
  if (problem) throw new AppError('VALIDATION_FAILED', problem, { details: [{ path: 'version', message: problem }] });
  const published = await publishSkillVersion(db, organizationId, compiled, source, changelog);
  // The ERP's AgentSkill describes what runs: drafts and disabled versions are not synced.
  const erpSync = !published.created
    ? undefined
    : compiled.status === 'active' || compiled.status === 'deprecated'
      ? await syncSkillToErp(db, organizationId, compiled, published.skill.enabled === 1, `publish:${published.version.id}`)
      : { status: 'skipped' as const, detail: `${compiled.status} versions are not synced` };
  // Dependencies are the ERP's documentation of which skills work together; one that is not
  // published here is reported, not refused (it may be published next).
  const missing: string[] = [];
  for (const dependency of compiled.dependencies) if (!(await getSkill(db, organizationId, dependency))) missing.push(dependency);
  return {
    created: published.created,
    skill: published.skill,
    version: published.version,
    ...(erpSync ? { erpSync } : {}),
    warnings: missing.map((dependency) => `depends on ${dependency}, which is not published for this organization`),
  };
}

/** Upserts the ERP's AgentSkill; `change` names this change, so an ERP-side retry applies it once. */
export async function syncSkillToErp(db: Database, organizationId: string, compiled: CompiledSkill, enabled: boolean, change: string): Promise<ErpSyncResult> {
  const organization = await getOrganization(db, organizationId);
  const erp = settingsOf(organization?.settings).erp;
  if (!erp.apiUrl) return { status: 'skipped', detail: 'settings.erp.apiUrl is not set' };
  try {
    await createErpClient({ apiUrl: erp.apiUrl, serviceKey: erp.serviceKey }, organizationId).request({
      method: 'POST',
      path: '/agent-skills',
      idempotencyKey: `${organizationId}:${compiled.id}:${change}`,
      body: {
        organizationId,
        slug: compiled.id,
        name: compiled.title,
        category: compiled.category,
        triggers: compiled.triggers,
        inputs: compiled.inputs,
        outputs: compiled.outputs,
        isEnabled: enabled,
        version: compiled.version,
        checksum: compiled.checksum,
      },
    });
    return { status: 'synced' };
  } catch (error) {
    return { status: 'failed', detail: errorMessage(error) };
  }
}
