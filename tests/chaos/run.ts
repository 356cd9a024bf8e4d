/**
 * `npm run chaos`: the production-shaped topology (src/cluster) under injected faults, then a
 * table of what was kept and what was promised, from Postgres, the fake Claude and a marker
 * server the agents' commands call. Exits non-zero on any lost, failed or stuck issue, any
 * duplicate pull request or double-run command, and any 5xx other than 503 during a fault.
 *
 *   CHAOS_SCALE=reduced (default; what .ci/run runs) | full
 *
 * It owns everything it uses: two PostgreSQL servers of its own (Temporal's and the
 * orchestrator's, so it can stop them), the Temporal services, two workers, two APIs, a fake
 * Claude that makes the agents call tools, and a bare repository as the organization's remote.
 *
 * Besides the faults, a rolling upgrade (Worker Versioning): the workers start as build
 * chaos-a; mid-run two workers of chaos-b — whose issue workflow is history-incompatible —
 * start and chaos-b is promoted; issues in flight finish on chaos-a, new ones run on chaos-b,
 * and once chaos-a has drained its workers stop and it is retired. And duplicate ERP webhooks:
 * each delivery sent to both APIs at once, twice, and once more under a new delivery id.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { quietBundlerLogger } from '../../src/temporal/worker';
import postgres from 'postgres';
import { startPrivatePostgres, type PrivatePostgres } from '../../src/cluster/private-postgres';
import { CLUSTER_SERVICES, clusterDatabaseFrom } from '../../src/cluster/temporal-cluster';
import { startTopology, type Topology } from '../../src/cluster/topology';
import { freePort } from '../../src/temporal/dev-server';
import { type FakeReply, type RecordedRequest, startFakeAnthropic } from '../../src/fakes/fake-anthropic';
import { recordedStageReplies } from '../../src/fakes/recorded-stage-replies';
import { sign } from '../../src/erp/signature';
import { DEV_ORGANIZATION_ID } from '../../src/main/local-organization';
import { DeploymentError, describeDeployment, openPinnedRuns, promote, retire } from '../../src/temporal/deployments';
import { buildsOfRun } from '../support/versioning';
import { makeBareRepository } from '../support/git-fixture';

const ROOT = path.resolve(__dirname, '../..');
const WORK = path.join(ROOT, '.data', 'chaos');
const FULL = process.env.CHAOS_SCALE === 'full';
const SCALE = FULL
  ? { issues: 30, workerKills: 20, upgradeIssues: 6, webhookIssues: 10, orchestratorDbDownMs: 60_000, temporalDbDownMs: 30_000, temporalDownMs: 10_000, settleMs: 15 * 60_000 }
  : { issues: 10, workerKills: 4, upgradeIssues: 3, webhookIssues: 3, orchestratorDbDownMs: 30_000, temporalDbDownMs: 15_000, temporalDownMs: 8_000, settleMs: 8 * 60_000 };
/** Worker Versioning: the topology starts as OLD_BUILD; the run upgrades to NEW_BUILD (a changed issue workflow). */
const DEPLOYMENT = 'agent-orchestrator';
const OLD_BUILD = 'chaos-a';
const NEW_BUILD = 'chaos-b';
const ERP_SECRET = 'chaos-erp-webhook-secret-0123456789';
const started = Date.now();
const log = (message: string) => process.stderr.write(`[chaos +${Math.round((Date.now() - started) / 1000)}s] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts the calls the agents' commands (and the test command) make, by token. */
function startMarkerServer() {
  const hits = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const key = request.url ?? '';
    hits.set(key, (hits.get(key) ?? 0) + 1);
    response.end('ok\n');
  });
  return new Promise<{ port: number; hits: Map<string, number>; close(): void }>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as AddressInfo).port, hits, close: () => server.close() })),
  );
}

/**
 * The model: classify and triage as recorded; research reads a file, then submits; code runs
 * one command — a call to the marker server with a token of its own, so a command that runs
 * twice is seen twice — then submits; review approves.
 */
function chaosModel(markerPort: number) {
  return (request: RecordedRequest): FakeReply | undefined => {
    const afterTool = JSON.stringify(request.body.messages.at(-1)?.content ?? '').includes('tool_result');
    if (request.key === 'submit_research' && !afterTool) return { calls: [{ name: 'read_file', input: { path: 'src/invoice.js' } }] };
    if (request.key === 'submit_change' && !afterTool) {
      return { calls: [{ name: 'run_command', input: { argv: ['curl', '-s', `http://127.0.0.1:${markerPort}/mark/${randomUUID()}`] } }] };
    }
    return recordedStageReplies(request);
  };
}

type FaultName = string;
interface Probe {
  fault: FaultName;
  statuses: Map<number, number>;
  /** The slowest answer to a read probe in this window. */
  slowestMs: number;
  startedAt: number;
  /** Model requests repeated in this window (the same request again), and how many of those repeated one the worker hung up on. */
  repeatedModelCalls?: { total: number; afterHangUp: number };
}

async function main(): Promise<void> {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  let exitCode = 1;
  // Ctrl-C (or CI's timeout) still stops every process and database this run started.
  const interrupted = async () => {
    log('interrupted: stopping everything');
    for (const cleanup of cleanups) await cleanup();
    process.exit(130);
  };
  process.once('SIGINT', () => void interrupted());
  process.once('SIGTERM', () => void interrupted());
  try {
    log(`scale ${FULL ? 'full' : 'reduced'}: ${SCALE.issues} issues`);
    const [temporalPgPort, orchestratorPgPort] = await Promise.all([freePort(), freePort()]);
    // Fixed: Temporal keeps membership ports in a smallint column, so they must stay under 32768.
    const temporalPort = Number(process.env.CHAOS_TEMPORAL_PORT ?? 17_233);
    const temporalPg = await startPrivatePostgres(path.join(WORK, 'pg-temporal'), temporalPgPort);
    cleanups.push(() => temporalPg.stop().catch(() => undefined));
    const orchestratorPg = await startPrivatePostgres(path.join(WORK, 'pg-orchestrator'), orchestratorPgPort);
    cleanups.push(() => orchestratorPg.stop().catch(() => undefined));
    const marker = await startMarkerServer();
    cleanups.push(() => marker.close());
    const fake = await startFakeAnthropic({ fallback: chaosModel(marker.port) });
    cleanups.push(() => fake.close());
    const { remote, cleanup: removeRemote } = await makeBareRepository(path.join(ROOT, 'examples', 'invoice-service'));
    cleanups.push(removeRemote);
    const databaseUrl = `${orchestratorPg.url}/agent_orchestrator`;
    const nextBuildBundle = path.join(WORK, 'workflow-bundle-next.js');
    const { code } = await bundleWorkflowCode({ workflowsPath: path.join(ROOT, 'tests/support/workflows-next-build.ts'), logger: quietBundlerLogger(log) });
    fs.writeFileSync(nextBuildBundle, code);

    // Chosen last, after every other local server here listens, so none of them takes an API's port.
    const [webUiPort, ...apiPorts] = await Promise.all([freePort(), freePort(), freePort()]);
    log('starting the topology (Temporal on PostgreSQL as four services, 2 orchestration and 2 workspace workers, 2 APIs)');
    const topology = await startTopology({
      projectRoot: ROOT,
      workDir: WORK,
      temporalDatabase: clusterDatabaseFrom(temporalPg.url, 'temporal'),
      databaseUrl,
      temporalPort,
      apiPorts,
      workers: 2,
      // The production shape: repository work on workspace workers that hold no secrets.
      workspaceWorkers: 2,
      namespace: 'default',
      webUiPort,
      env: {
        ANTHROPIC_API_KEY: 'sk-chaos',
        ANTHROPIC_BASE_URL: fake.url,
        LLM_MODE: 'anthropic',
        LOG_LEVEL: 'warn',
        DATA_DIR: path.join(WORK, 'data'),
        WORKSPACES_DIR: path.join(WORK, 'workspaces'),
        GIT_MIRRORS_DIR: path.join(WORK, 'mirrors'),
        SANDBOX_EGRESS_ALLOW_PRIVATE: '1',
        // A killed workspace worker's issues open their workspace again on another within this.
        WORKSPACE_HOST_PICKUP_SECONDS: '15',
        WORKER_DEPLOYMENT_NAME: DEPLOYMENT,
        WORKER_BUILD_ID: OLD_BUILD,
      },
      // A build reads as drained, and a stopped one may be deleted, within seconds.
      dynamicConfig: {
        'matching.wv.VersionDrainageStatusRefreshInterval': '2s',
        'matching.wv.VersionDrainageStatusVisibilityGracePeriod': '2s',
        'matching.PollerHistoryTTL': '10s',
      },
      log,
      onUnexpectedExit: (name, code, tail) => log(`${name} exited (code ${code}); its log ends:\n${tail}`),
    });
    cleanups.unshift(() => topology.supervisor.stopAll());
    await configureOrganization(databaseUrl, remote, marker.port);
    const connection = await Connection.connect({ address: topology.address });
    cleanups.unshift(() => connection.close());
    const temporalClient = new Client({ connection, namespace: 'default' });
    // The first build of the deployment promotes itself; issues submitted before that would wait.
    await until(`${OLD_BUILD} to become current`, 90_000, async () => (await describeDeployment(temporalClient, DEPLOYMENT))?.current === OLD_BUILD);
    log(`build ${OLD_BUILD} is current in worker deployment ${DEPLOYMENT}`);

    const report = await runScenario(topology, temporalClient, { temporalPg, orchestratorPg }, { nextBuildBundle }, SCALE);
    const retired = await retireOldBuild(topology, temporalClient);
    const counts = await tally(databaseUrl, temporalClient, fake.requests, marker.hits, report, retired, topology.webUiUrl);
    exitCode = printReport(counts, report.probes);
  } catch (error) {
    log(`chaos run failed to run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
  log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  process.exit(exitCode);
}

/** The local organization: a repository on the bare remote, the marker server allowed, no final gate. */
async function configureOrganization(databaseUrl: string, remote: string, markerPort: number): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const settings = {
      finalApproval: 'never',
      budgetUsd: 100,
      limits: { issuesPerHour: 10_000, issuesPerDay: 100_000 },
      erp: { webhookSecret: ERP_SECRET },
      repository: {
        remote,
        baseBranch: 'main',
        host: 'local',
        allowedCommands: [['curl', '-s']],
        // The end-of-stage tests call the marker too, named by the issue's branch.
        testCommand: ['sh', '-c', `curl -s http://127.0.0.1:${markerPort}/test/$(git rev-parse --abbrev-ref HEAD | tr / _)`],
      },
      sandbox: { allowedHosts: [`127.0.0.1:${markerPort}`] },
    };
    await sql`update organizations set settings = ${sql.json(settings)} where id = ${DEV_ORGANIZATION_ID}`;
  } finally {
    await sql.end();
  }
}

interface Scenario {
  submitted: Set<string>;
  probes: Probe[];
  /** Submitted before the upgrade began: must run on the old build from start to end. */
  beforeUpgrade: Set<string>;
  /** Submitted after the new build was promoted: must run on it. */
  afterUpgrade: Set<string>;
  /** Per webhook-created external id, how many deliveries answered `created: true`. */
  webhookCreations: Map<string, number>;
}

/** Submits the issues, injects the faults one after the other while they run, probes the APIs throughout. */
async function runScenario(
  topology: Topology,
  temporalClient: Client,
  databases: { temporalPg: PrivatePostgres; orchestratorPg: PrivatePostgres },
  builds: { nextBuildBundle: string },
  scale: typeof SCALE,
): Promise<Scenario> {
  const submitted = new Set<string>();
  const beforeUpgrade = new Set<string>();
  const afterUpgrade = new Set<string>();
  const webhookCreations = new Map<string, number>();
  const probes: Probe[] = [];
  let current: Probe = { fault: 'none', statuses: new Map(), slowestMs: 0, startedAt: Date.now() };
  probes.push(current);
  const count = (status: number) => current.statuses.set(status, (current.statuses.get(status) ?? 0) + 1);
  const headers = { authorization: `Bearer ${topology.apiKey}`, 'content-type': 'application/json' };
  let sequence = 0;
  const submit = async (apiUrl: string, into?: Set<string>) => {
    const externalId = `CHAOS-${++sequence}`;
    into?.add(externalId);
    try {
      const response = await fetch(`${apiUrl}/api/issues`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': randomUUID() },
        body: JSON.stringify({ source: 'erp', externalId, type: 'bug', priority: 'high', title: `Chaos issue ${externalId}`, description: 'Invoice totals are off by one cent.' }),
        signal: AbortSignal.timeout(30_000),
      });
      count(response.status);
      if (response.status === 201 || response.status === 202 || response.status === 200) submitted.add(externalId);
    } catch {
      count(0); // no answer at all
    }
  };
  // Probes: a read through each API every 500 ms, and a submission per fault.
  let probing = true;
  const prober = (async () => {
    while (probing) {
      await Promise.all(
        topology.apiUrls.map(async (url) => {
          const probe = current;
          const sent = Date.now();
          try {
            count((await fetch(`${url}/api/issues?limit=1`, { headers, signal: AbortSignal.timeout(10_000) })).status);
          } catch {
            count(0);
          }
          probe.slowestMs = Math.max(probe.slowestMs, Date.now() - sent);
        }),
      );
      await sleep(500);
    }
  })();
  const during = async (fault: FaultName, inject: () => Promise<void>) => {
    log(`fault: ${fault}`);
    current = { fault, statuses: new Map(), slowestMs: 0, startedAt: Date.now() };
    probes.push(current);
    const submission = submit(topology.apiUrls[sequence % topology.apiUrls.length] as string);
    await inject();
    await submission;
    current = { fault: `after ${fault}`, statuses: new Map(), slowestMs: 0, startedAt: Date.now() };
    probes.push(current);
    await sleep(3_000);
  };

  for (let i = 0; i < scale.issues; i += 1) await submit(topology.apiUrls[i % topology.apiUrls.length] as string, beforeUpgrade);
  log(`submitted ${submitted.size} issues`);
  const { supervisor } = topology;
  // Orchestration and workspace workers in turn.
  const killable = [...topology.workerNames, ...topology.workspaceWorkerNames];
  await during(`${scale.workerKills} × kill -9 of a worker (orchestration and workspace in turn)`, async () => {
    for (let i = 0; i < scale.workerKills; i += 1) {
      const name = killable[i % killable.length] as string;
      await supervisor.kill(name);
      await sleep(1_500);
      supervisor.start({ ...supervisorSpec(supervisor, name) });
      await sleep(2_500);
    }
  });
  await during(`rolling upgrade: ${NEW_BUILD} (a changed issue workflow) started and promoted`, async () => {
    for (const name of ['worker-b1', 'worker-b2']) topology.startWorker(name, { WORKER_BUILD_ID: NEW_BUILD, WORKFLOW_BUNDLE_PATH: builds.nextBuildBundle });
    await until(`${NEW_BUILD}'s workers to poll`, 120_000, async () => (await describeDeployment(temporalClient, DEPLOYMENT))?.versions.some((v) => v.buildId === NEW_BUILD) ?? false);
    await promote(temporalClient, DEPLOYMENT, NEW_BUILD, 'chaos');
    log(`${NEW_BUILD} promoted; ${await openPinnedRuns(temporalClient, DEPLOYMENT, OLD_BUILD)} run(s) still pinned to ${OLD_BUILD}`);
    for (let i = 0; i < scale.upgradeIssues; i += 1) await submit(topology.apiUrls[i % topology.apiUrls.length] as string, afterUpgrade);
  });
  await during('duplicate ERP webhooks: each delivery to both APIs at once, twice, then under a new delivery id', async () => {
    const deliver = async (apiUrl: string, externalId: string, deliveryId: string) => {
      const body = JSON.stringify({ event: 'issue.created', data: { externalId, type: 'bug', priority: 'high', title: `Webhook issue ${externalId}`, description: 'Invoice totals are off by one cent.' } });
      const timestamp = Math.floor(Date.now() / 1000);
      try {
        const response = await fetch(`${apiUrl}/api/webhooks/erp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-organization-id': DEV_ORGANIZATION_ID, 'x-timestamp': String(timestamp), 'x-delivery-id': deliveryId, 'x-signature': sign(ERP_SECRET, timestamp, deliveryId, body) },
          body,
          signal: AbortSignal.timeout(30_000),
        });
        count(response.status);
        const answer = (await response.json().catch(() => ({}))) as { created?: boolean };
        if (response.ok) submitted.add(externalId);
        if (answer.created === true) webhookCreations.set(externalId, (webhookCreations.get(externalId) ?? 0) + 1);
      } catch {
        count(0);
      }
    };
    for (let i = 1; i <= scale.webhookIssues; i += 1) {
      const externalId = `CHAOS-WH-${i}`;
      const deliveryId = randomUUID();
      webhookCreations.set(externalId, 0); // every sent id counts, also one whose deliveries all failed
      await Promise.all([...topology.apiUrls, ...topology.apiUrls].map((url) => deliver(url, externalId, deliveryId)));
      await deliver(topology.apiUrls[1] ?? (topology.apiUrls[0] as string), externalId, randomUUID()); // the ERP's own retry
    }
  });
  await during('Temporal history service killed, restarted after 5 s', async () => {
    await supervisor.kill('temporal-history');
    await sleep(5_000);
    supervisor.start(supervisorSpec(supervisor, 'temporal-history'));
  });
  await during(`whole Temporal cluster killed for ${scale.temporalDownMs / 1000} s`, async () => {
    for (const service of [...CLUSTER_SERVICES].reverse()) await supervisor.kill(`temporal-${service}`);
    await sleep(scale.temporalDownMs);
    for (const service of CLUSTER_SERVICES) supervisor.start(supervisorSpec(supervisor, `temporal-${service}`));
  });
  await during(`orchestrator PostgreSQL down ${scale.orchestratorDbDownMs / 1000} s`, async () => {
    await databases.orchestratorPg.stop();
    await sleep(scale.orchestratorDbDownMs);
    await databases.orchestratorPg.start();
  });
  await during(`Temporal's PostgreSQL down ${scale.temporalDbDownMs / 1000} s`, async () => {
    await databases.temporalPg.stop();
    await sleep(scale.temporalDbDownMs);
    await databases.temporalPg.start();
  });
  probing = false;
  await prober;

  log(`waiting up to ${scale.settleMs / 60_000} min for every issue to end`);
  const deadline = Date.now() + scale.settleMs;
  for (;;) {
    const open = await openIssues(topology, headers);
    if (open === 0 || Date.now() > deadline) break;
    await sleep(3_000);
  }
  return { submitted, probes, beforeUpgrade, afterUpgrade, webhookCreations };
}

/** Once every issue has ended: the old build drains, its workers stop, and it is retired. */
async function retireOldBuild(topology: Topology, temporalClient: Client): Promise<boolean> {
  try {
    // Two waits, so a failure says which side is slow: our runs still open on the old build
    // (a defect of ours), or the server's own drainage status lagging behind visibility (its
    // refresh backs off after the cluster and its database were down; not ours).
    try {
      // An issue's row says it ended before its run does: the run still removes its pooled
      // workspace and gives back its slot, and an activity whose completion the outage lost
      // is retried only after its heartbeat or start-to-close timeout (5 min at most).
      const endingSince = Date.now();
      await until(`the runs pinned to ${OLD_BUILD} to end`, 360_000, async () => (await openPinnedRuns(temporalClient, DEPLOYMENT, OLD_BUILD)) === 0);
      log(`${OLD_BUILD}: its last pinned run ended ${((Date.now() - endingSince) / 1000).toFixed(0)} s after every issue had`);
    } catch (error) {
      const open = await pinnedRunsOf(temporalClient, OLD_BUILD);
      throw new Error(`${error instanceof Error ? error.message : String(error)}; still open: ${open.join(', ') || 'none listed'}`, { cause: error });
    }
    const drainedBy = Date.now();
    await until(`the server to read ${OLD_BUILD} as drained`, 300_000, async () => (await describeDeployment(temporalClient, DEPLOYMENT))?.versions.find((v) => v.buildId === OLD_BUILD)?.status === 'drained');
    log(`${OLD_BUILD}: no pinned run open; the server read it as drained ${((Date.now() - drainedBy) / 1000).toFixed(0)} s later`);
    for (const name of topology.workerNames) await topology.supervisor.stop(name);
    await until(`${OLD_BUILD} to be retired`, 120_000, async () => {
      try {
        await retire(temporalClient, DEPLOYMENT, OLD_BUILD, 'chaos');
        return true;
      } catch (error) {
        if (error instanceof DeploymentError && error.code === 'workers-still-polling') return false;
        throw error;
      }
    });
    log(`${OLD_BUILD} drained, its workers stopped, and it was retired`);
    return true;
  } catch (error) {
    log(`retiring ${OLD_BUILD} failed: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

/** `workflowId (type)` of every run still open and pinned to `buildId`, for a failure message. */
async function pinnedRunsOf(client: Client, buildId: string): Promise<string[]> {
  const query = `TemporalWorkerDeploymentVersion = '${DEPLOYMENT}:${buildId}' AND TemporalWorkflowVersioningBehavior = 'Pinned' AND ExecutionStatus = 'Running'`;
  const runs: string[] = [];
  for await (const run of client.workflow.list({ query })) runs.push(`${run.workflowId} (${run.type})`);
  return runs;
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(1_000);
  }
}

function supervisorSpec(supervisor: Topology['supervisor'], name: string) {
  const spec = supervisor.specOf(name);
  if (!spec) throw new Error(`no process ${name}`);
  return spec;
}

async function openIssues(topology: Topology, headers: Record<string, string>): Promise<number> {
  try {
    const response = await fetch(`${topology.apiUrls[0]}/api/issues?limit=100`, { headers, signal: AbortSignal.timeout(10_000) });
    const page = (await response.json()) as { items: Array<{ status: string }> };
    return page.items.filter((issue) => !['completed', 'failed', 'rejected', 'cancelled', 'needs_info', 'approval_expired'].includes(issue.status)).length;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

interface Counts {
  submitted: number;
  stored: number;
  completed: number;
  failed: number;
  stuck: number;
  lost: number;
  duplicateModelCalls: number;
  commandRuns: number;
  doubleRunCommands: number;
  testRuns: number;
  doubleTestRuns: number;
  pullRequests: number;
  duplicatePullRequests: number;
  webhookIssues: number;
  webhookIssuesNotCreatedOnce: number;
  runsOnOldBuild: number;
  runsOnNewBuild: number;
  runsOnTwoBuilds: number;
  newIssuesOnOldBuild: number;
  oldIssuesOnNewBuild: number;
  nonDeterminismFailures: number;
  oldBuildRetired: number;
  /** Stored issues whose workflow the cluster's Web UI could not show (all of them when it did not start). */
  issuesMissingFromWebUi: number;
}

async function tally(
  databaseUrl: string,
  temporalClient: Client,
  requests: RecordedRequest[],
  hits: Map<string, number>,
  scenario: Scenario,
  retired: boolean,
  webUiUrl: string | undefined,
): Promise<Counts> {
  const { submitted } = scenario;
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<Array<{ external_id: string; status: string; workflow_id: string; prs: number }>>`
      select i.external_id, i.status, i.workflow_id,
        (select count(*)::int from local_pull_requests p where p.head = 'agent/org-' || i.organization_id || '/' || i.id) as prs
      from issues i where i.organization_id = ${DEV_ORGANIZATION_ID}`;
    const byExternal = new Map(rows.map((row) => [row.external_id, row]));
    const mine = [...submitted].map((id) => byExternal.get(id));
    const stored = mine.filter((row) => row !== undefined);
    const sameRequest = new Map<string, number>();
    const firstOf = new Map<string, RecordedRequest>();
    for (const request of requests) {
      const key = createHash('sha256').update(JSON.stringify([request.key, request.body.system, request.body.messages])).digest('hex');
      sameRequest.set(key, (sameRequest.get(key) ?? 0) + 1);
      const first = firstOf.get(key);
      if (!first) {
        firstOf.set(key, request);
        continue;
      }
      // Where a repeat happened, and whether the worker had hung up on the first (killed mid-call).
      const window = [...scenario.probes].reverse().find((probe) => probe.startedAt <= request.receivedAt) ?? scenario.probes[0];
      if (window) {
        window.repeatedModelCalls ??= { total: 0, afterHangUp: 0 };
        window.repeatedModelCalls.total += 1;
        if (first.aborted) window.repeatedModelCalls.afterHangUp += 1;
      }
    }
    const runs = new Map<string, Awaited<ReturnType<typeof buildsOfRun>>>();
    for (const row of stored) if (row) runs.set(row.external_id, await buildsOfRun(temporalClient, row.workflow_id));
    const onlyOn = (build: string, ids: Iterable<string>) => [...ids].filter((id) => runs.get(id)?.builds.join() === build).length;
    // The Web UI as an operator opens it: each issue's workflow through the UI server's HTTP API.
    let inWebUi = 0;
    for (const row of stored) {
      if (!row || !webUiUrl) continue;
      const response = await fetch(`${webUiUrl}/api/v1/namespaces/default/workflows/${encodeURIComponent(row.workflow_id)}`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
      const body = response?.ok ? ((await response.json()) as { workflowExecutionInfo?: { execution?: { workflowId?: string } } }) : undefined;
      if (body?.workflowExecutionInfo?.execution?.workflowId === row.workflow_id) inWebUi += 1;
    }
    const marks = [...hits].filter(([url]) => url.startsWith('/mark/'));
    const tests = [...hits].filter(([url]) => url.startsWith('/test/'));
    return {
      submitted: submitted.size,
      stored: stored.length,
      completed: stored.filter((row) => row?.status === 'completed').length,
      failed: stored.filter((row) => row && ['failed', 'rejected', 'cancelled', 'approval_expired', 'needs_info'].includes(row.status)).length,
      stuck: stored.filter((row) => row && !['completed', 'failed', 'rejected', 'cancelled', 'approval_expired', 'needs_info'].includes(row.status)).length,
      lost: submitted.size - stored.length,
      duplicateModelCalls: [...sameRequest.values()].reduce((sum, n) => sum + (n - 1), 0),
      commandRuns: marks.reduce((sum, [, n]) => sum + n, 0),
      doubleRunCommands: marks.filter(([, n]) => n > 1).length,
      testRuns: tests.reduce((sum, [, n]) => sum + n, 0),
      doubleTestRuns: tests.filter(([, n]) => n > 1).length,
      pullRequests: stored.reduce((sum, row) => sum + (row?.prs ?? 0), 0),
      duplicatePullRequests: stored.filter((row) => (row?.prs ?? 0) > 1).length,
      webhookIssues: scenario.webhookCreations.size,
      webhookIssuesNotCreatedOnce: [...scenario.webhookCreations.values()].filter((n) => n !== 1).length,
      runsOnOldBuild: onlyOn(OLD_BUILD, runs.keys()),
      runsOnNewBuild: onlyOn(NEW_BUILD, runs.keys()),
      runsOnTwoBuilds: [...runs.values()].filter((run) => run.builds.length > 1).length,
      newIssuesOnOldBuild: scenario.afterUpgrade.size - onlyOn(NEW_BUILD, scenario.afterUpgrade),
      oldIssuesOnNewBuild: scenario.beforeUpgrade.size - onlyOn(OLD_BUILD, scenario.beforeUpgrade),
      nonDeterminismFailures: [...runs.values()].reduce((sum, run) => sum + run.nonDeterminismFailures, 0),
      oldBuildRetired: retired ? 1 : 0,
      issuesMissingFromWebUi: stored.length - inWebUi,
    };
  } finally {
    await sql.end();
  }
}

function printReport(counts: Counts, probes: Probe[]): number {
  const lines = [
    '',
    `Chaos run (${FULL ? 'full' : 'reduced'} scale)`,
    '',
    '| measure | count |',
    '| --- | --- |',
    ...Object.entries(counts).map(([measure, value]) => `| ${measure} | ${value} |`),
    '',
    '| during | API status codes (0 = no answer within 10 s) | slowest read | repeated model calls (first cut off by the worker) |',
    '| --- | --- | --- | --- |',
    ...probes.map(
      (probe) =>
        `| ${probe.fault} | ${[...probe.statuses].sort((a, b) => a[0] - b[0]).map(([status, n]) => `${status}×${n}`).join(', ') || '—'} | ${probe.slowestMs} ms | ${probe.repeatedModelCalls ? `${probe.repeatedModelCalls.total} (${probe.repeatedModelCalls.afterHangUp})` : '0'} |`,
    ),
    '',
  ];
  const bad5xx = probes.some((probe) => [...probe.statuses.keys()].some((status) => status >= 500 && status !== 503));
  const problems = [
    counts.lost > 0 && `${counts.lost} submitted issue(s) lost`,
    counts.failed > 0 && `${counts.failed} issue(s) failed`,
    counts.stuck > 0 && `${counts.stuck} issue(s) stuck`,
    counts.duplicatePullRequests > 0 && `${counts.duplicatePullRequests} duplicate pull request(s)`,
    counts.doubleRunCommands > 0 && `${counts.doubleRunCommands} command(s) ran twice`,
    counts.webhookIssuesNotCreatedOnce > 0 && `${counts.webhookIssuesNotCreatedOnce} webhook issue(s) not created exactly once`,
    counts.runsOnTwoBuilds + counts.newIssuesOnOldBuild + counts.oldIssuesOnNewBuild > 0 && 'a run not on the build it should be pinned to',
    counts.nonDeterminismFailures > 0 && `${counts.nonDeterminismFailures} non-determinism failure(s)`,
    counts.oldBuildRetired === 0 && `${OLD_BUILD} was not retired`,
    counts.issuesMissingFromWebUi > 0 && `${counts.issuesMissingFromWebUi} issue(s) not shown by the Web UI`,
    bad5xx && 'a 5xx other than 503 during a fault',
  ].filter(Boolean);
  lines.push(
    problems.length === 0
      ? 'PASS: nothing lost, nothing failed or stuck, no duplicate pull request, command or webhook issue, only 503s; every run stayed on its build, the old build was retired, and the Web UI shows every issue.'
      : `FAIL: ${problems.join('; ')}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return problems.length === 0 ? 0 : 1;
}

void main();
