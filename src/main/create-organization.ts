/**
 * `npm run org:create -- <id> "<name>" [free|pro|enterprise]`: creates an organization (or
 * finds it) and issues an admin API key, printed once.
 */
import { loadConfig } from '../config';
import { migrateDatabase } from '../db/client';
import { createOrganization, issueApiKey, ORGANIZATION_ID_PATTERN } from '../db/organizations';
import { createLogger } from '../logger';
import { DEFAULT_PERSONA, installSkillLibrary } from '../skills/library';
import { openConfiguredDatabase } from './services';

const TIERS = ['free', 'pro', 'enterprise'] as const;

async function main(): Promise<void> {
  const [id, name, tier = 'free'] = process.argv.slice(2);
  if (!id || !name || !ORGANIZATION_ID_PATTERN.test(id) || !(TIERS as readonly string[]).includes(tier)) {
    console.error(`usage: npm run org:create -- <id matching ${ORGANIZATION_ID_PATTERN}> "<name>" [${TIERS.join('|')}]`);
    process.exit(2);
  }
  const config = loadConfig();
  const db = await openConfiguredDatabase(config, createLogger('warn', 'org'));
  try {
    await migrateDatabase(db);
    const organization = await createOrganization(db.db, { id, name, tier: tier as (typeof TIERS)[number] });
    // The organization's administrator key: every endpoint, but it speaks for no person.
    const key = await issueApiKey(db.db, organization.id, 'created by org:create', { scopes: ['admin'] });
    const { published } = await installSkillLibrary(db.db, organization.id);
    console.log(`organization: ${organization.id} (${organization.tier})`);
    console.log(`api key:      ${key.key}`);
    console.log(`skills:       ${published.length > 0 ? published.join(', ') : 'already installed'} (persona ${DEFAULT_PERSONA.slug})`);
    console.log('scopes:       admin (add reviewers with `npm run admin -- reviewer:add`, then personal keys or an act-as key for the ERP)');
    console.log('The key is shown once; only its hash is stored.');
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
