import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../db/client';
import { eq } from 'drizzle-orm';
import { settingsOf } from '../contracts/policy';
import { createOrganization, findPrincipalByApiKey, getOrganization, issueApiKey } from '../db/organizations';
import { organizations } from '../db/schema';
import type { FakeErp } from '../fakes/fake-erp';
import { listSkills } from '../db/skills';
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

/**
 * Offline (`npm run dev` with recorded model replies), the local organization's ERP is the
 * in-memory fake (src/fakes/fake-erp.ts), with a client, a form template and the shipped skills
 * in it, so skills read and write something and the builders have an ERP to read and create in.
 * An ERP the organization was given is kept; an earlier run's fake (loopback, the fake's key) is replaced.
 */
export async function connectDevErp(db: Database, erp: FakeErp): Promise<boolean> {
  const organization = await getOrganization(db, DEV_ORGANIZATION_ID);
  const settings = (organization?.settings ?? {}) as Record<string, unknown>;
  const current = settingsOf(settings).erp;
  // Replaced only when unset or an earlier run's fake (a loopback URL with the fake's key): a real local ERP is kept.
  if (current.apiUrl && !(current.apiUrl.startsWith('http://127.0.0.1:') && current.serviceKey === erp.serviceKey)) return false;
  const erpSettings = { ...((settings['erp'] as Record<string, unknown> | undefined) ?? {}), apiUrl: erp.apiUrl, serviceKey: erp.serviceKey };
  await db.update(organizations).set({ settings: { ...settings, erp: erpSettings } }).where(eq(organizations.id, DEV_ORGANIZATION_ID));
  const organizationId = DEV_ORGANIZATION_ID;
  erp.seed('clients', { id: 'c1', organizationId, name: 'Acme Bakery', tier: 'gold' });
  erp.seed('form-templates', { id: 'form-intake', organizationId, name: 'Client intake', purpose: 'What a new client tells us', fields: [{ name: 'companyName', label: 'Company name', type: 'text', required: true }] });
  for (const skill of await listSkills(db, organizationId)) {
    erp.seed('agent-skills', { id: `skill-${skill.slug}`, organizationId, slug: skill.slug, name: skill.slug, isEnabled: skill.enabled === 1 });
  }
  return true;
}
