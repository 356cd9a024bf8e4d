import type { Database, DatabaseHandle } from '../db/client';
import { findPersonWithSettings, type ReviewerRecord } from '../db/people';
import { listeningOrganizationCache, type OrganizationCacheOptions } from './organization-cache';

/** A registered person and what their organization's settings let each role do. */
export interface OrganizationPerson {
  reviewer: ReviewerRecord;
  /** The organization's settings (its `permissions` say what each role may do). */
  settings: Record<string, unknown>;
}

/**
 * Who an organization's people are, for every check of a person's action: the API's (who
 * acts) and the workflow's (the reviewer check activities). Reads one statement per lookup,
 * or none while a notification-fed cache holds the answer (organization-cache.ts: a person
 * removed or given another role, or new settings, is seen within a NOTIFY's time).
 */
export interface PeopleDirectory {
  find(organizationId: string, userId: string): Promise<OrganizationPerson | undefined>;
  /** Stops its listening (a directory without a cache has nothing to stop). */
  close(): Promise<void>;
}

/** Every lookup reads Postgres. */
export function uncachedPeopleDirectory(db: Database): PeopleDirectory {
  return { find: (organizationId, userId) => findPersonWithSettings(db, organizationId, userId), close: async () => undefined };
}

/** Lookups answered from a cache that the database's change notifications keep current. */
export async function listeningPeopleDirectory(database: Pick<DatabaseHandle, 'db' | 'listen'>, options: OrganizationCacheOptions = {}): Promise<PeopleDirectory> {
  const cache = await listeningOrganizationCache<OrganizationPerson>(database, (person) => person.reviewer.organizationId, options);
  return {
    // JSON: no organization and name pair can spell another's key.
    find: (organizationId, userId) => cache.get(JSON.stringify([organizationId, userId]), () => findPersonWithSettings(database.db, organizationId, userId)),
    close: () => cache.close(),
  };
}
