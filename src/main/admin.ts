/**
 * `npm run admin -- <command>`: the operator's commands for organizations.
 *
 *   key:create   <org> <name> [--scopes a,b] [--reviewer <userId>]
 *                                                     issue an API key (shown once); scopes
 *                                                     issues:write (default), skills:run, review,
 *                                                     admin, act-as; --reviewer makes it personal
 *   key:list     <org>                                keys with their prefixes, scopes, reviewer
 *   key:revoke   <org> <keyId>                        stop accepting a key
 *   org:list                                          organizations: id, name, tier
 *   reviewer:add <org> <userId> <name> [reviewer|admin]  who may approve and answer
 *   reviewer:list <org>                               the registered people and their roles
 *   reviewer:remove <org> <userId>                    remove one (and revoke keys acting as them)
 *   settings:patch <org> '<json>'                     merge into the settings (null removes a key);
 *                                                     validated strictly, prints what changed
 *   settings:set <org> '<json>'                       replace the settings (validated strictly)
 *   settings:get <org>                                the settings with defaults applied, secrets masked
 *   skills:install <org>                              publish the shipped skills and the default persona
 *   skills:publish <org> <file.md|dir> [changelog]    publish skill files (a directory: every *.md in it)
 *   agents:state  <org|--all>                         the kill switch and stage flags (README "Pausing agents")
 *   agents:pause  <org|--all> [--stages code,review] [--reason "…"]
 *                                                     hold every stage (or those) of one organization's
 *                                                     issues, or of all (--all: the installation's switch)
 *   agents:resume <org|--all> [--stages code,review]  let them continue where they stopped
 *
 * Every change is appended to the organization's audit trail (channel `cli`, the OS user).
 */
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { type AgentControls, controlsChangeSchema } from '../contracts/controls';
import { STAGES } from '../contracts/issue';
import { organizationSettingsSchema } from '../contracts/policy';
import { maskSecrets, mergeSettings, settingsDiff, settingsProblems } from '../contracts/settings-edit';
import { type Database, migrateDatabase } from '../db/client';
import { readControls, readInstallationControls, type StoredControls } from '../db/controls';
import { createControlsService } from '../controls/service';
import { connectClient } from '../temporal/connection';
import { temporalRuns } from '../temporal/runs';
import { getOrganization, issueApiKey, listApiKeys, listOrganizations, revokeApiKey } from '../db/organizations';
import { addReviewer, listReviewers, removeReviewer } from '../db/people';
import { organizations } from '../db/schema';
import { type Config, loadConfig } from '../config';
import { createLogger } from '../logger';
import { AppError, errorMessage, isAppError } from '../errors';
import { audited } from '../identity/audit';
import { parseScopes, ROLES, type Role } from '../identity/scopes';
import { installSkillLibrary } from '../skills/library';
import { publishSkill } from '../skills/publish';
import { openConfiguredDatabase } from './services';
import { FlagError, parseFlags as parseCliFlags } from './cli-flags';
import { operatorName } from './operator';
import { requireTemporalAddress } from './require-temporal';

function usage(): never {
  console.error(
    [
      'usage: npm run admin -- key:create <org> <name> [--scopes issues:write,skills:run,review,admin,act-as] [--reviewer <userId>]',
      '       npm run admin -- key:list <org>',
      '       npm run admin -- key:revoke <org> <keyId>',
      '       npm run admin -- org:list',
      '       npm run admin -- reviewer:add <org> <userId> <name> [reviewer|admin]',
      '       npm run admin -- reviewer:list <org>',
      '       npm run admin -- reviewer:remove <org> <userId>',
      "       npm run admin -- settings:patch <org> '<json>'",
      "       npm run admin -- settings:set <org> '<json>'",
      '       npm run admin -- settings:get <org>',
      '       npm run admin -- skills:install <org>',
      '       npm run admin -- skills:publish <org> <file.md|dir> [changelog]',
      '       npm run admin -- agents:state <org|--all>',
      '       npm run admin -- agents:pause <org|--all> [--stages classify,triage,research,code,review] [--reason "…"]',
      '       npm run admin -- agents:resume <org|--all> [--stages …]',
    ].join('\n'),
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const [command, organizationId, ...rest] = process.argv.slice(2);
  if (!command || (!organizationId && command !== 'org:list')) usage();
  const config = loadConfig();
  const db = await openConfiguredDatabase(config, createLogger('warn', 'admin'));
  try {
    await migrateDatabase(db);
    if (command === 'org:list') {
      console.table((await listOrganizations(db.db)).map(({ id, name, tier, createdAt }) => ({ id, name, tier, createdAt })));
      return;
    }
    if (!organizationId) usage();
    if (command.startsWith('agents:')) {
      await agentsCommand(config, db.db, command, organizationId, rest);
      return;
    }
    const organization = await getOrganization(db.db, organizationId);
    /** The operator's change, appended to the audit trail whatever its outcome. */
    const cliAudit = <T>(action: string, targetType: string, targetId: string | null, details: Record<string, unknown>, run: () => Promise<T>) =>
      audited(db.db, { organizationId, actor: null, channel: 'cli', channelRef: operatorName(), action, targetType, targetId, details }, run);
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
      case 'reviewer:list':
        console.table((await listReviewers(db.db, organizationId)).map(({ userId, name, role, createdAt }) => ({ userId, name, role, createdAt })));
        break;
      case 'reviewer:remove': {
        const [userId] = rest;
        if (!userId) usage();
        const result = await cliAudit('reviewer.remove', 'reviewer', userId, {}, async () => {
          const outcome = await removeReviewer(db.db, organizationId, userId);
          if (!outcome.removed) throw new AppError('NOT_FOUND', `${userId} is not a reviewer of ${organizationId}`);
          return outcome;
        });
        console.log(`reviewer ${userId} removed${result.revokedKeys.length > 0 ? `; revoked their personal keys ${result.revokedKeys.join(', ')}` : ''}`);
        break;
      }
      case 'settings:set':
      case 'settings:patch': {
        const given = parseJsonObject(rest[0]);
        const before = organization.settings as Record<string, unknown>;
        const after = command === 'settings:patch' ? mergeSettings(before, given) : given;
        const problems = settingsProblems(after, config.outbound);
        if (problems.length > 0) throw new Error(`invalid settings (nothing saved):\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
        const changes = settingsDiff(before, after);
        if (changes.length === 0) {
          console.log('no change');
          break;
        }
        await cliAudit(command === 'settings:patch' ? 'settings.patch' : 'settings.set', 'organization', organizationId, { changed: changes.map((line) => line.split(':')[0]) }, () =>
          db.db.update(organizations).set({ settings: after }).where(eq(organizations.id, organizationId)),
        );
        console.log(`settings saved:\n${changes.map((line) => `  ${line}`).join('\n')}`);
        break;
      }
      case 'settings:get':
        console.log(JSON.stringify(maskSecrets(organizationSettingsSchema.parse(organization.settings)), null, 2));
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

/**
 * agents:state | agents:pause | agents:resume for one organization, or for the whole
 * installation (`--all`, audited under organization `*`). A change is stored, then sent to
 * running issues by the broadcast workflow, which needs Temporal (TEMPORAL_ADDRESS).
 */
async function agentsCommand(config: Config, db: Database, command: string, scope: string, rest: string[]): Promise<void> {
  const organizationId = scope === '--all' ? null : scope;
  if (organizationId !== null && !(await getOrganization(db, organizationId))) throw new Error(`no organization ${organizationId}`);
  const show = (label: string, controls: StoredControls | AgentControls) =>
    console.log(
      `${label}: ${controls.paused ? 'PAUSED' : 'running'}; disabled stages: ${controls.disabledStages.join(', ') || 'none'}${controls.reason ? `; reason: ${controls.reason}` : ''}${'changedBy' in controls && controls.changedBy ? ` (by ${controls.changedBy}, ${controls.changedAt})` : ''}`,
    );
  if (command === 'agents:state') {
    if (organizationId === null) show('installation', await readInstallationControls(db));
    else {
      const state = await readControls(db, organizationId);
      show('installation', state.installation);
      show(organizationId, state.organization);
      show('in effect', state.effective);
    }
    return;
  }
  if (command !== 'agents:pause' && command !== 'agents:resume') usage();
  const action = command === 'agents:pause' ? 'pause' : 'resume';
  const { positional, flags } = parseFlags(rest, ['stages', 'reason']);
  if (positional.length > 0) usage();
  const parsed = controlsChangeSchema.safeParse({ ...(flags.stages ? { stages: flags.stages.split(',').map((stage) => stage.trim()) } : {}), ...(flags.reason ? { reason: flags.reason } : {}) });
  if (!parsed.success) throw new Error(`invalid ${action}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ')} (stages: ${STAGES.join(', ')})`);
  const client = await connectClient(config.temporal, requireTemporalAddress(config, `admin ${command}`));
  try {
    const controls = createControlsService({ db, runs: temporalRuns(client), taskQueue: config.temporal.taskQueue });
    const who = `cli ${operatorName()}`;
    const changed = await audited(
      db,
      { organizationId: organizationId ?? '*', actor: null, channel: 'cli', channelRef: operatorName(), action: `agents.${action}`, targetType: 'agent_controls', targetId: organizationId, details: { ...parsed.data } },
      () => controls.change(organizationId, action, parsed.data, who),
    );
    show(organizationId ?? 'installation', changed.controls);
    console.log(`sent to running issues by workflow ${changed.broadcast}`);
  } finally {
    await client.connection.close();
  }
}

/** A JSON object argument, or a clear error. */
function parseJsonObject(text: string | undefined): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch (error) {
    throw new Error(`the settings are not JSON (${errorMessage(error)}); quote them: '{"budgetUsd": 10}'`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the settings must be a JSON object');
  return value as Record<string, unknown>;
}

/** `--name value` flags anywhere after the organization (cli-flags.ts); a bad one shows the usage. */
function parseFlags(args: string[], known: string[]): { positional: string[]; flags: Record<string, string> } {
  try {
    return parseCliFlags(args, known);
  } catch (error) {
    if (error instanceof FlagError) usage();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
