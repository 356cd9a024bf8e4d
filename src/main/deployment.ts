/**
 * `npm run deployment -- <command>`: rolling upgrades of the workers (Worker Versioning; see
 * src/temporal/deployments.ts and the README's "Rolling upgrades").
 *
 *   status                        the deployment's current and ramping builds, every build's
 *                                 state and its open pinned runs
 *   promote <buildId>             new runs start on this build; runs in flight stay on theirs
 *   ramp    <buildId> <percent>   send a share of new runs to this build (0 ends the ramp)
 *   retire  <buildId>             delete a drained build whose workers have stopped
 *   unversioned                   leave versioning: new runs go to unversioned workers
 *
 * Talks to TEMPORAL_ADDRESS (namespace TEMPORAL_NAMESPACE) about WORKER_DEPLOYMENT_NAME.
 */
import os from 'node:os';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../config';
import { errorMessage } from '../errors';
import { connectClient } from '../temporal/connection';
import { DeploymentError, describeDeployment, openPinnedRuns, promote, ramp, retire, routeToUnversioned } from '../temporal/deployments';
import { operatorName } from './operator';
import { requireTemporalAddress } from './require-temporal';

const USAGE = [
  'usage: npm run deployment -- status',
  '       npm run deployment -- promote <buildId>',
  '       npm run deployment -- ramp <buildId> <percent 0-100>',
  '       npm run deployment -- retire <buildId>',
  '       npm run deployment -- unversioned',
].join('\n');

async function main(): Promise<number> {
  const [command, buildId, percent, ...extra] = process.argv.slice(2);
  const arity: Record<string, number> = { status: 0, promote: 1, ramp: 2, retire: 1, unversioned: 0 };
  const given = [buildId, percent].filter((value) => value !== undefined).length;
  if (!command || !(command in arity) || given !== arity[command] || extra.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const name = config.temporal.deployment.name;
  const client = await connectClient(config.temporal, requireTemporalAddress(config, 'deployment'));
  const identity = `deployment-cli ${operatorName()}@${os.hostname()}`;
  try {
    switch (command) {
      case 'status':
        await printStatus(client, name);
        break;
      case 'promote':
        await promote(client, name, buildId!, identity);
        console.log(`${buildId} is now the current build of ${name}: new runs start on it; runs in flight stay on their build.`);
        break;
      case 'ramp': {
        // Whole numbers only: Number('') is 0 and would end the ramp.
        const percentage = /^\d{1,3}$/.test(percent!) ? Number(percent) : Number.NaN;
        await ramp(client, name, buildId!, percentage, identity);
        console.log(percentage === 0 ? `Ramp of ${name} ended.` : `${percentage}% of new runs of ${name} now start on ${buildId}.`);
        break;
      }
      case 'retire':
        await retire(client, name, buildId!, identity);
        console.log(`${buildId} removed from ${name}.`);
        break;
      case 'unversioned':
        await routeToUnversioned(client, name, identity);
        console.log(`New runs of ${name} now go to unversioned workers; pinned runs finish on their builds (watch \`status\`).`);
        break;
    }
    return 0;
  } catch (error) {
    console.error(error instanceof DeploymentError ? error.message : `deployment ${command} failed: ${errorMessage(error)}`);
    return 1;
  } finally {
    await client.connection.close();
  }
}

async function printStatus(client: Client, name: string): Promise<void> {
  const state = await describeDeployment(client, name);
  if (!state) {
    console.log(`No worker deployment named ${name} in namespace ${client.options.namespace}: no worker with WORKER_BUILD_ID has polled yet.`);
    return;
  }
  console.log(`Deployment ${name} (namespace ${client.options.namespace})`);
  console.log(`  current: ${state.current ?? '(none: new runs wait for an unversioned worker)'}`);
  if (state.ramping) console.log(`  ramping: ${state.ramping.buildId} at ${state.ramping.percentage}%`);
  const rows = await Promise.all(
    state.versions.map(async (version) => [version.buildId, version.status, String(await openPinnedRuns(client, name, version.buildId)), version.createdAt?.toISOString() ?? '']),
  );
  const table = [['build', 'state', 'open pinned runs', 'first seen'], ...rows];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  for (const row of table) console.log(`  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(errorMessage(error));
    process.exit(1);
  },
);
