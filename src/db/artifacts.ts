import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from './client';
import { compiledWrite, placeholdersFor } from './compiled';
import { writeTogether } from './together';
import { artifacts, type ArtifactType } from './schema';

export type ArtifactRecord = typeof artifacts.$inferSelect;

export interface NewArtifact {
  organizationId: string;
  issueId: string;
  stepId: string;
  type: ArtifactType;
  name: string;
  content: string;
  filePath?: string | null;
  diffPatch?: string | null;
  metadata?: Record<string, unknown>;
}

/** Idempotent per (step, name): a retried activity replaces its artifact, never duplicates it. */
export async function saveArtifact(db: Database, artifact: NewArtifact): Promise<string> {
  const { artifact: row } = await writeTogether(db, [], { artifact: artifactWrite(db, artifact) });
  if (!row) throw new Error('artifact upsert returned no row');
  return String(row['id']);
}

/** The artifact's upsert returning its id, unsent: for PendingWrites (together.ts). */
export function artifactWrite(db: Database, artifact: NewArtifact) {
  return artifactUpsert(db, {
    organizationId: artifact.organizationId,
    issueId: artifact.issueId,
    stepId: artifact.stepId,
    type: artifact.type,
    name: artifact.name,
    content: artifact.content,
    filePath: artifact.filePath ?? null,
    diffPatch: artifact.diffPatch ?? null,
    metadata: artifact.metadata ?? {},
  });
}

const ARTIFACT_COLUMNS = ['organizationId', 'issueId', 'stepId', 'type', 'name', 'content', 'filePath', 'diffPatch', 'metadata'] as const satisfies ReadonlyArray<keyof NewArtifact>;
const artifactUpsert = compiledWrite<Required<NewArtifact>>((value, db) =>
  db
    .insert(artifacts)
    .values(placeholdersFor(value, ARTIFACT_COLUMNS))
    .onConflictDoUpdate({
      target: [artifacts.stepId, artifacts.name],
      set: { type: sql`excluded.type`, content: sql`excluded.content`, filePath: sql`excluded.file_path`, diffPatch: sql`excluded.diff_patch`, metadata: sql`excluded.metadata` },
    })
    .returning({ id: artifacts.id }),
);

export async function listArtifacts(db: Database, organizationId: string, issueId: string): Promise<ArtifactRecord[]> {
  return db
    .select()
    .from(artifacts)
    .where(and(eq(artifacts.organizationId, organizationId), eq(artifacts.issueId, issueId)))
    .orderBy(asc(artifacts.createdAt));
}

/** The newest artifact of a type for an issue (e.g. the research analysis code builds on). */
export async function latestArtifact(
  db: Database,
  organizationId: string,
  issueId: string,
  type: ArtifactType,
): Promise<ArtifactRecord | undefined> {
  const rows = await listArtifacts(db, organizationId, issueId);
  return rows.filter((row) => row.type === type).at(-1);
}
