/**
 * `npm run admin -- <command>`: the operator's commands for organizations.
 *
 *   key:create   <org> <name> [--scopes a,b] [--reviewer <userId>]
 *                                                     issue an API key (shown once); scopes
 *                                                     issues:write (default), skills:run, review,
 *                                                     admin, act-as; --reviewer makes it personal
 *   key:list     <org>                                keys with their prefixes, scopes, reviewer
 *   key:revoke   <org> <keyId>                        stop accepting a key
 *   reviewer:add <org> <userId> <name> [reviewer|admin]  who may approve and answer
 *   settings:set <org> '<json>'                       replace the organization's settings (validated)
 *   settings:get <org>                                the settings with defaults applied
 *   skills:install <org>                              publish the shipped skills and the default persona
 *   skills:publish <org> <file.md|dir> [changelog]    publish skill files (a directory: every *.md in it)
 *
 * Every change is appended to the organization's audit trail (channel `cli`, the OS user).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { organizationSettingsSchema } from '../contracts/policy';
import { migrateDatabase } from '../db/client';
import { getOrganization, issueApiKey, listApiKeys, revokeApiKey } from '../db/organizations';
import { addReviewer } from '../db/people';
import { organizations } from '../db/schema';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { AppError, errorMessage, isAppError } from '../errors';
import { audited } from '../identity/audit';
import { parseScopes, ROLES, type Role } from '../identity/scopes';
import { installSkillLibrary } from '../skills/library';
import { publishSkill } from '../skills/publish';
import { openConfiguredDatabase } from './services';

function usage(): never {
  console.error(
    [
      'usage: npm run admin -- key:create <org> <name> [--scopes issues:write,skills:run,review,admin,act-as] [--reviewer <userId>]',
      '       npm run admin -- key:list <org>',
      '       npm run admin -- key:revoke <org> <keyId>',
      '       npm run admin -- reviewer:add <org> <userId> <name> [reviewer|admin]',
      "       npm run admin -- settings:set <org> '<json>'",
      '       npm run admin -- settings:get <org>',
      '       npm run admin -- skills:install <org>',
      '       npm run admin -- skills:publish <org> <file.md|dir> [changelog]',
    ].join('\n'),
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const [command, organizationId, ...rest] = process.argv.slice(2);
  if (!command || !organizationId) usage();
  const config = loadConfig();
  const db = await openConfiguredDatabase(config, createLogger('warn', 'admin'));
  try {
    await migrateDatabase(db);
    const organization = await getOrganization(db.db, organizationId);
    /** The operator's change, appended to the audit trail whatever its outcome. */
    const cliAudit = <T>(action: string, targetType: string, targetId: string | null, details: Record<string, unknown>, run: () => Promise<T>) =>
      audited(db.db, { organizationId, actor: null, channel: 'cli', channelRef: os.userInfo().username, action, targetType, targetId, details }, run);
    if (!organization) throw new Error(`no organization ${organizationId} (create it with npm run org:create)`);
    switch (command) {
      case 'key:create': {
        const { positional, flags } = parseFlags(rest, ['scopes', 'reviewer']);
        const name = positional[0];
        if (!name) usage();
        const scopes = parseScopes(flags.scopes ?? 'issues:write');
        const key = await cliAudit('key.create', 'api_key', null, { name, scopes, reviewer: flags.reviewer ?? null }, () =>
          issueApiKey(db.db, organizationId, name, { scopes, ...(flags.reviewer ? { reviewerUserId: flags.reviewer } : {}) }),
        );
        console.log(`api key: ${key.key}\nid: ${key.id}\nscopes: ${scopes.join(', ')}${flags.reviewer ? `\nacts as: ${flags.reviewer}` : ''}`);
        console.log('The key is shown once; only its hash is stored.');
        break;
      }
      case 'key:list':
        console.table(await listApiKeys(db.db, organizationId));
        break;
      case 'key:revoke': {
        if (!rest[0]) usage();
        const keyId = rest[0];
        const revoked = await cliAudit('key.revoke', 'api_key', keyId, {}, async () => {
          if (!(await revokeApiKey(db.db, organizationId, keyId))) throw new AppError('NOT_FOUND', 'no such active key');
          return true;
        }).catch((error: unknown) => (isAppError(error) && error.code === 'NOT_FOUND' ? false : Promise.reject(error)));
        console.log(revoked ? 'revoked' : 'no such active key');
        break;
      }
      case 'reviewer:add': {
        const [userId, name, role = 'reviewer'] = rest;
        if (!userId || !name || !(ROLES as readonly string[]).includes(role)) usage();
        const reviewer = await cliAudit('reviewer.add', 'reviewer', userId, { role }, () =>
          addReviewer(db.db, { organizationId, userId, name, role: role as Role }),
        );
        console.log(`reviewer ${reviewer.userId} (${reviewer.role}) added`);
        break;
      }
      case 'settings:set': {
        const parsed = organizationSettingsSchema.safeParse(JSON.parse(rest[0] ?? '{}'));
        if (!parsed.success) throw new Error(`invalid settings:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
        const settings = JSON.parse(rest[0] ?? '{}') as Record<string, unknown>;
        await cliAudit('settings.set', 'organization', organizationId, { keys: Object.keys(settings) }, () =>
          db.db.update(organizations).set({ settings }).where(eq(organizations.id, organizationId)),
        );
        console.log('settings saved');
        break;
      }
      case 'settings:get':
        console.log(JSON.stringify(organizationSettingsSchema.parse(organization.settings), null, 2));
        break;
      case 'skills:install': {
        const { published } = await installSkillLibrary(db.db, organizationId);
        console.log(published.length > 0 ? `published ${published.join(', ')}` : 'the shipped skills are already installed');
        break;
      }
      case 'skills:publish': {
        const [target, changelog = ''] = rest;
        if (!target) usage();
        const files = fs.statSync(target).isDirectory()
          ? fs.readdirSync(target).filter((name) => name.endsWith('.md')).sort().map((name) => path.join(target, name))
          : [target];
        for (const file of files) {
          try {
            const result = await cliAudit('skill.publish', 'skill', null, { file: path.basename(file) }, () =>
              publishSkill(db.db, organizationId, fs.readFileSync(file, 'utf8'), changelog, path.basename(file)),
            );
            const sync = result.erpSync ? `, ERP ${result.erpSync.status}` : '';
            console.log(`${result.version.slug}@${result.version.version}: ${result.created ? 'published' : 'already published'}${sync}`);
            for (const warning of result.warnings) console.log(`  warning: ${warning}`);
          } catch (error) {
            const details = isAppError(error) && Array.isArray(error.details) ? error.details : [];
            console.error(`${file}: ${errorMessage(error)}`);
            for (const detail of details as Array<{ path: string; line?: number; message: string }>) console.error(`  ${path.basename(file)}:${detail.line ?? '?'}: ${detail.path}: ${detail.message}`);
            process.exitCode = 1;
          }
        }
        break;
      }
      default:
        usage();
    }
  } finally {
    await db.close();
  }
}

/** `--name value` flags anywhere after the organization; the rest stay positional. */
function parseFlags(args: string[], known: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    const value = args[i + 1];
    if (!known.includes(name) || value === undefined) usage();
    flags[name] = value;
    i += 1;
  }
  return { positional, flags };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
