import { and, asc, eq } from 'drizzle-orm';
import type { Database } from './client';
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
  const [row] = await artifactWrite(db, artifact);
  if (!row) throw new Error('artifact upsert returned no row');
  return row.id;
}

/** The artifact's upsert returning its id, unsent: for PendingWrites (together.ts). */
export function artifactWrite(db: Database, artifact: NewArtifact) {
  const values = {
    ...artifact,
    filePath: artifact.filePath ?? null,
    diffPatch: artifact.diffPatch ?? null,
    metadata: artifact.metadata ?? {},
  };
  return db
    .insert(artifacts)
    .values(values)
    .onConflictDoUpdate({
      target: [artifacts.stepId, artifacts.name],
      set: { type: values.type, content: values.content, filePath: values.filePath, diffPatch: values.diffPatch, metadata: values.metadata },
    })
    .returning({ id: artifacts.id });
}

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
