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
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { startPrivatePostgres, type PrivatePostgres } from '../../src/cluster/private-postgres';
import { CLUSTER_SERVICES, clusterDatabaseFrom } from '../../src/cluster/temporal-cluster';
import { startTopology, type Topology } from '../../src/cluster/topology';
import { freePort } from '../../src/temporal/dev-server';
import { type FakeReply, type RecordedRequest, startFakeAnthropic } from '../../src/fakes/fake-anthropic';
import { recordedStageReplies } from '../../src/fakes/recorded-stage-replies';
import { DEV_ORGANIZATION_ID } from '../../src/main/local-organization';
import { makeBareRepository } from '../support/git-fixture';

const ROOT = path.resolve(__dirname, '../..');
const WORK = path.join(ROOT, '.data', 'chaos');
const FULL = process.env.CHAOS_SCALE === 'full';
const SCALE = FULL
  ? { issues: 30, workerKills: 20, orchestratorDbDownMs: 60_000, temporalDbDownMs: 30_000, temporalDownMs: 10_000, settleMs: 15 * 60_000 }
  : { issues: 10, workerKills: 4, orchestratorDbDownMs: 30_000, temporalDbDownMs: 15_000, temporalDownMs: 8_000, settleMs: 8 * 60_000 };
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
    const [temporalPgPort, orchestratorPgPort, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);
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

    log('starting the topology (Temporal on PostgreSQL as four services, 2 workers, 2 APIs)');
    const topology = await startTopology({
      projectRoot: ROOT,
      workDir: WORK,
      temporalDatabase: clusterDatabaseFrom(temporalPg.url, 'temporal'),
      databaseUrl,
      temporalPort,
      apiPort,
      apis: 2,
      workers: 2,
      namespace: 'default',
      env: {
        ANTHROPIC_API_KEY: 'sk-chaos',
        ANTHROPIC_BASE_URL: fake.url,
        LLM_MODE: 'anthropic',
        LOG_LEVEL: 'warn',
        DATA_DIR: path.join(WORK, 'data'),
        WORKSPACES_DIR: path.join(WORK, 'workspaces'),
        GIT_MIRRORS_DIR: path.join(WORK, 'mirrors'),
        SANDBOX_EGRESS_ALLOW_PRIVATE: '1',
      },
      log,
      onUnexpectedExit: (name, code) => log(`${name} exited (code ${code})`),
    });
    cleanups.unshift(() => topology.supervisor.stopAll());
    await configureOrganization(databaseUrl, remote, marker.port);

    const report = await runScenario(topology, { temporalPg, orchestratorPg }, SCALE);
    const counts = await tally(databaseUrl, fake.requests, marker.hits, report.submitted);
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
}

/** Submits the issues, injects the faults one after the other while they run, probes the APIs throughout. */
async function runScenario(topology: Topology, databases: { temporalPg: PrivatePostgres; orchestratorPg: PrivatePostgres }, scale: typeof SCALE): Promise<Scenario> {
  const submitted = new Set<string>();
  const probes: Probe[] = [];
  let current: Probe = { fault: 'none', statuses: new Map(), slowestMs: 0 };
  probes.push(current);
  const count = (status: number) => current.statuses.set(status, (current.statuses.get(status) ?? 0) + 1);
  const headers = { authorization: `Bearer ${topology.apiKey}`, 'content-type': 'application/json' };
  let sequence = 0;
  const submit = async (apiUrl: string) => {
    const externalId = `CHAOS-${++sequence}`;
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
    current = { fault, statuses: new Map(), slowestMs: 0 };
    probes.push(current);
    const submission = submit(topology.apiUrls[sequence % topology.apiUrls.length] as string);
    await inject();
    await submission;
    current = { fault: `after ${fault}`, statuses: new Map(), slowestMs: 0 };
    probes.push(current);
    await sleep(3_000);
  };

  for (let i = 0; i < scale.issues; i += 1) await submit(topology.apiUrls[i % topology.apiUrls.length] as string);
  log(`submitted ${submitted.size} issues`);
  const { supervisor } = topology;
  await during(`${scale.workerKills} × kill -9 of a worker`, async () => {
    for (let i = 0; i < scale.workerKills; i += 1) {
      const name = topology.workerNames[i % topology.workerNames.length] as string;
      await supervisor.kill(name);
      await sleep(1_500);
      supervisor.start({ ...supervisorSpec(supervisor, name) });
      await sleep(2_500);
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
  return { submitted, probes };
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
}

async function tally(databaseUrl: string, requests: RecordedRequest[], hits: Map<string, number>, submitted: Set<string>): Promise<Counts> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<Array<{ external_id: string; status: string; prs: number }>>`
      select i.external_id, i.status,
        (select count(*)::int from local_pull_requests p where p.head = 'agent/org-' || i.organization_id || '/' || i.id) as prs
      from issues i where i.organization_id = ${DEV_ORGANIZATION_ID}`;
    const byExternal = new Map(rows.map((row) => [row.external_id, row]));
    const mine = [...submitted].map((id) => byExternal.get(id));
    const stored = mine.filter((row) => row !== undefined);
    const sameRequest = new Map<string, number>();
    for (const request of requests) {
      const key = createHash('sha256').update(JSON.stringify([request.key, request.body.system, request.body.messages])).digest('hex');
      sameRequest.set(key, (sameRequest.get(key) ?? 0) + 1);
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
    '| during | API status codes (0 = no answer within 10 s) | slowest read |',
    '| --- | --- | --- |',
    ...probes.map((probe) => `| ${probe.fault} | ${[...probe.statuses].sort((a, b) => a[0] - b[0]).map(([status, n]) => `${status}×${n}`).join(', ') || '—'} | ${probe.slowestMs} ms |`),
    '',
  ];
  const bad5xx = probes.some((probe) => [...probe.statuses.keys()].some((status) => status >= 500 && status !== 503));
  const problems = [
    counts.lost > 0 && `${counts.lost} submitted issue(s) lost`,
    counts.failed > 0 && `${counts.failed} issue(s) failed`,
    counts.stuck > 0 && `${counts.stuck} issue(s) stuck`,
    counts.duplicatePullRequests > 0 && `${counts.duplicatePullRequests} duplicate pull request(s)`,
    counts.doubleRunCommands > 0 && `${counts.doubleRunCommands} command(s) ran twice`,
    bad5xx && 'a 5xx other than 503 during a fault',
  ].filter(Boolean);
  lines.push(problems.length === 0 ? 'PASS: nothing lost, nothing failed or stuck, no duplicate pull request or command, only 503s.' : `FAIL: ${problems.join('; ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return problems.length === 0 ? 0 : 1;
}

void main();
