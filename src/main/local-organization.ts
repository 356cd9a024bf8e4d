import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../db/client';
import { createOrganization, findPrincipalByApiKey, issueApiKey } from '../db/organizations';
import { addReviewer } from '../db/people';
import { installSkillLibrary } from '../skills/library';

/** The organization and reviewer `npm run dev` and `npm run cluster` set up for local use. */
export const DEV_ORGANIZATION_ID = 'local';
export const DEV_REVIEWER = 'dev';

/**
 * The local organization (with its reviewer and the shipped skills) and a personal admin key
 * of that reviewer, kept in `keyFile` (mode 0600) so it survives restarts. Idempotent.
 */
export async function ensureDevApiKey(db: Database, keyFile: string, keyName: string): Promise<string> {
  await createOrganization(db, { id: DEV_ORGANIZATION_ID, name: 'Local development', tier: 'enterprise' });
  // The reviewer who approves and answers in the README's walkthrough.
  await addReviewer(db, { organizationId: DEV_ORGANIZATION_ID, userId: DEV_REVIEWER, name: 'Local developer', role: 'admin' });
  await installSkillLibrary(db, DEV_ORGANIZATION_ID);
  if (fs.existsSync(keyFile)) {
    const saved = fs.readFileSync(keyFile, 'utf8').trim();
    const principal = await findPrincipalByApiKey(db, saved);
    if (principal?.organization.id === DEV_ORGANIZATION_ID && principal.key.reviewerUserId === DEV_REVIEWER) return saved;
  }
  // A personal admin key of the local reviewer: it submits, reads and decides as that person.
  const { key } = await issueApiKey(db, DEV_ORGANIZATION_ID, keyName, { scopes: ['admin'], reviewerUserId: DEV_REVIEWER });
  fs.mkdirSync(path.dirname(keyFile), { recursive: true });
  fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  return key;
}
