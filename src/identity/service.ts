import type { ListAuditQuery } from '../contracts/audit';
import { listAuditEvents, type NewAuditEvent, recordAuditEvent } from '../db/audit';
import type { Database } from '../db/client';
import { findPrincipalByApiKey, type Principal } from '../db/organizations';
import { resolveActingPerson } from './acting';
import { type PeopleDirectory, uncachedPeopleDirectory } from './people-directory';
import type { PrincipalCache } from './principal-cache';

/**
 * Who acts, and the record of what they did: what the API needs beyond the domain services.
 * With `principals`, keys are authenticated from that cache, and with `people` the person a
 * request acts for is found in that directory's (organization-cache.ts says how both stay
 * current); without them, every request reads the key and the person.
 */
export function createAccessService(db: Database, options: { principals?: PrincipalCache; people?: PeopleDirectory } = {}) {
  const load = (apiKey: string) => findPrincipalByApiKey(db, apiKey);
  const { principals } = options;
  const people = options.people ?? uncachedPeopleDirectory(db);
  return {
    /** The principal of a bearer key; undefined for unknown and revoked keys. */
    authenticate: (apiKey: string) => (principals ? principals.get(apiKey, load) : load(apiKey)),
    resolvePerson: (principal: Principal, claimed: { header?: string | undefined; body?: string | undefined }) =>
      resolveActingPerson(people, principal, claimed),
    record: (event: NewAuditEvent) => recordAuditEvent(db, event),
    listAudit: (organizationId: string, query: ListAuditQuery) => listAuditEvents(db, organizationId, query),
  };
}

export type AccessService = ReturnType<typeof createAccessService>;
