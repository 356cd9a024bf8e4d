import type { ListAuditQuery } from '../contracts/audit';
import { listAuditEvents, type NewAuditEvent, recordAuditEvent } from '../db/audit';
import type { Database } from '../db/client';
import { findPrincipalByApiKey, type Principal } from '../db/organizations';
import { resolveActingPerson } from './acting';

/** Who acts, and the record of what they did: what the API needs beyond the domain services. */
export function createAccessService(db: Database) {
  return {
    /** The principal of a bearer key; undefined for unknown and revoked keys. */
    authenticate: (apiKey: string) => findPrincipalByApiKey(db, apiKey),
    resolvePerson: (principal: Principal, claimed: { header?: string | undefined; body?: string | undefined }) =>
      resolveActingPerson(db, principal, claimed),
    record: (event: NewAuditEvent) => recordAuditEvent(db, event),
    listAudit: (organizationId: string, query: ListAuditQuery) => listAuditEvents(db, organizationId, query),
  };
}

export type AccessService = ReturnType<typeof createAccessService>;
