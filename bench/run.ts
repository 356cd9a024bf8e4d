/**
 * `npm run bench`: the orchestrator side by side with bare Temporal, in one run, on one
 * dev server and one Postgres, so every figure is a ratio against a baseline measured
 * seconds apart on the same noisy machine. Writes bench/results/<date>.json and prints a
 * Markdown table. Benchmarks are scripts, not tests: nothing here asserts.
 *
 * `npm run bench -- --cluster` then runs measures 1–6 again on the Temporal cluster of `npm run
 * cluster` (four services on PostgreSQL; databases temporal_bench*, recreated each run; port
 * BENCH_CLUSTER_PORT, default 17333) and prints them beside the dev server's, in the same file
 * (`cluster`). BENCH_QUICK=1 shortens both; BENCH_SQL=1 and BENCH_PROFILE=1 as below.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { Profiler } from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { type ActivityInterceptorsFactory, bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import autocannon from 'autocannon';
import { eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import postgres from 'postgres';
import { createActivities } from '../activities';
import { migrateDatabase, openDatabase } from '../src/db/client';
import { insertIssueIfAbsent } from '../src/db/issues';
import { createOrganization, issueApiKey } from '../src/db/organizations';
import { addReviewer } from '../src/db/people';
import { organizations } from '../src/db/schema';
import { startFakeAnthropic } from '../src/fakes/fake-anthropic';
import { buildApp, buildServices } from '../src/main/build';
import { listeningPeopleDirectory } from '../src/identity/people-directory';
import { listeningPrincipalCache } from '../src/identity/principal-cache';
import { createAnthropicClient } from '../src/llm/anthropic';
import { costUsd } from '../src/llm/pricing';
import { bestAvailableSandbox as benchSandbox } from '../src/sandbox';
import { measurePreparedStatements } from './prepared-statements';
import { measureSandboxOverhead } from './sandbox-overhead';
import { bookkeepingStepActivity, createModelStepTable, modelStepActivity } from './model-step';
import type { BookkeepingShape } from './workflows';
import { activityCpuMeter, busyByWindow, clockPair, nameThreadsSince, postgresCpuSeconds, processCpuSeconds, startMainThreadProfile, summarizeProfile, threadCpuSeconds, threadCpuNow, threadCpuSince, threadIds, type TimeWindow } from './cpu-profile';
import { floorCacheDir, measureStepFloor } from './dev-server-floor';
import { DEV_SERVER_DYNAMIC_CONFIG, startDevServer } from '../src/temporal/dev-server';
import { CLUSTER_SERVICES, clusterDatabaseFrom } from '../src/cluster/temporal-cluster';
import { LOCAL_CLUSTER_DYNAMIC_CONFIG, startTemporalCluster } from '../src/cluster/topology';
import { bundleWorkflows } from '../src/temporal/worker';
import { createWorkspaceWorkers, hostQueueName } from '../src/temporal/workspace-workers';
import { git } from '../src/workspace/git';
import { createTransferStore } from '../src/workspace/transfers';
import { issueWorkflowId, searchAttributes, statusQuery } from '../workflows/definitions';

const EventType = temporal.api.enums.v1.EventType;
const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, '.data', 'bench');
const MODELS = { small: 'claude-haiku-4-5', medium: 'claude-sonnet-4-6', large: 'claude-opus-4-6' };
const QUICK = process.env.BENCH_QUICK === '1';

type Stats = { n: number; p50: number; p95: number; p99: number; mean: number };
function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), mean };
}
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
const log = (message: string) => process.stderr.write(`[bench +${Math.round(process.uptime())}s] ${message}\n`);

/** CPU seconds of another process (the Temporal server), from /proc. */
const ownCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
type CpuSplit = { benchProcess: number; temporalServer: number; postgres: number; fakeClaude: number; total: number };
/** The Temporal server's processes (one dev server, or the cluster's four services). */
let temporalServerPids: () => Array<number | undefined> = () => [];
/** The fake Claude's process (bench/fake-claude-process.ts), while one runs. */
let fakeClaudePid: number | undefined;
const serverCpuSeconds = (): number => temporalServerPids().reduce<number>((sum, pid) => sum + processCpuSeconds(pid), 0);
const cpuNow = () => ({ own: ownCpuSeconds(), server: serverCpuSeconds(), postgres: postgresCpuSeconds(), fake: processCpuSeconds(fakeClaudePid) });
/** Milliseconds of CPU per issue since `before`, by process; `total` is all of them, the model's side included. */
function cpuSince(before: ReturnType<typeof cpuNow>, issues: number): CpuSplit {
  const now = cpuNow();
  const ms = (seconds: number) => (seconds * 1000) / issues;
  const known = (value: number) => (Number.isNaN(value) ? 0 : value);
  const split = { benchProcess: ms(now.own - before.own), temporalServer: ms(now.server - before.server), postgres: ms(now.postgres - before.postgres), fakeClaude: ms(now.fake - before.fake) };
  return { ...split, total: split.benchProcess + split.temporalServer + known(split.postgres) + known(split.fakeClaude) };
}

/**
 * The instant fake Claude in a child process, so its CPU is not the bench process's (worker,
 * API) and is measured on its own from /proc.
 */
async function startFakeClaudeProcess(): Promise<{ url: string; pid: number | undefined; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fake-claude-process.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"url":'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`the fake Claude process exited (${code}) before listening`)));
  });
  return {
    url,
    pid: child.pid,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin?.end();
      }),
  };
}

/**
 * A new, empty database for every run (BENCH_DATABASE_URL names one the benchmark owns): the
 * organizations and issue ids repeat from run to run, and rows left by the last run would turn
 * fresh pipelines into retries that find their model answers already stored.
 */
const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/agent_orchestrator_bench';
async function ensureBenchDatabase(): Promise<string> {
  const url = BENCH_DATABASE_URL;
  const target = new URL(url);
  const admin = postgres({ ...parseUrl(target, 'postgres'), max: 1, onnotice: () => undefined });
  try {
    const name = `"${target.pathname.slice(1).replace(/"/g, '')}"`;
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    throw new Error(`The benchmark needs PostgreSQL (${url}); start it (bash .ci/run does) or set BENCH_DATABASE_URL. ${String(error)}`, { cause: error });
  } finally {
    await admin.end();
  }
  return url;
}
function parseUrl(url: URL, database: string) {
  return { host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username || 'postgres'), password: decodeURIComponent(url.password) || undefined, database };
}

/** BENCH_EVENTS=1: a history's events by type, most frequent first (what the server stores per issue). */
function logEventTypes(what: string, events: temporal.api.history.v1.IHistoryEvent[]): void {
  const counts = new Map<string, number>();
  for (const event of events) {
    const name = EventType[event.eventType ?? 0] ?? String(event.eventType);
    const detail = event.markerRecordedEventAttributes?.markerName ?? event.activityTaskScheduledEventAttributes?.activityType?.name ?? '';
    const key = detail ? `${name} (${detail})` : name;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  log(`  events of ${what}: ${events.length}`);
  for (const [key, n] of [...counts].sort((a, b) => b[1] - a[1])) log(`    ${String(n).padStart(3)}  ${key.replace('EVENT_TYPE_', '')}`);
}

/** When the server recorded an event, ms since the epoch. */
function eventTimeMs(event: temporal.api.history.v1.IHistoryEvent): number {
  return Number(event.eventTime?.seconds) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;
}

/**
 * BENCH_EVENTS=1: where a run's time went, from its history's timestamps: inside activities
 * (scheduled → completed, dispatch included) and between them (a completion → the next
 * schedule: the workflow task that decides it, our workflow code included), by activity type.
 */
function logTimeSplit(what: string, events: temporal.api.history.v1.IHistoryEvent[]): void {
  const scheduled = new Map<number, { type: string; at: number }>();
  const inActivities = new Map<string, { n: number; ms: number }>();
  let between = 0;
  let lastCompleted: number | undefined;
  for (const event of events) {
    const schedule = event.activityTaskScheduledEventAttributes;
    if (schedule) {
      scheduled.set(Number(event.eventId), { type: schedule.activityType?.name ?? '?', at: eventTimeMs(event) });
      if (lastCompleted !== undefined) between += eventTimeMs(event) - lastCompleted;
      lastCompleted = undefined;
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const start = scheduled.get(Number(completed.scheduledEventId));
      if (start) {
        const sum = inActivities.get(start.type) ?? { n: 0, ms: 0 };
        inActivities.set(start.type, { n: sum.n + 1, ms: sum.ms + eventTimeMs(event) - start.at });
      }
      lastCompleted = eventTimeMs(event);
    }
  }
  const total = events.length > 1 ? eventTimeMs(events[events.length - 1]!) - eventTimeMs(events[0]!) : 0;
  const inside = [...inActivities.values()].reduce((sum, { ms }) => sum + ms, 0);
  log(`  time of ${what}: ${total.toFixed(0)} ms from start to end; ${inside.toFixed(0)} ms in activities, ${between.toFixed(0)} ms between them, ${(total - inside - between).toFixed(0)} ms before the first and after the last`);
  for (const [type, { n, ms }] of [...inActivities].sort((a, b) => b[1].ms - a[1].ms)) log(`    ${ms.toFixed(0).padStart(5)} ms  ${n} × ${type} (${(ms / n).toFixed(1)} ms each)`);
}

/** When each activity of a run was running (started → completed), by type. */
function activityWindows(events: temporal.api.history.v1.IHistoryEvent[]): TimeWindow[] {
  const types = new Map<number, string>();
  const started = new Map<number, number>();
  const windows: TimeWindow[] = [];
  for (const event of events) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) types.set(Number(event.eventId), scheduled.activityType?.name ?? '?');
    const start = event.activityTaskStartedEventAttributes;
    if (start) started.set(Number(start.scheduledEventId), eventTimeMs(event));
    const done = event.activityTaskCompletedEventAttributes;
    const from = done ? started.get(Number(done.scheduledEventId)) : undefined;
    if (done && from !== undefined) windows.push({ label: types.get(Number(done.scheduledEventId)) ?? '?', from, to: eventTimeMs(event) });
  }
  return windows;
}

/**
 * The main thread's CPU per run during runs one at a time (exact, from the scheduler), and
 * the part spent while each activity type ran; the rest is workflow-task plumbing, the API
 * and polling (this bench reading histories is taken out).
 */
function logActivityCpu(
  what: string,
  byType: Map<string, { calls: number; cpuMs: number; waitMs: number }>,
  now: ReturnType<typeof threadCpuNow>,
  before: ReturnType<typeof threadCpuNow>,
  benchReadingMs: number,
  runs: number,
): Record<string, { cpuMsPerRun: number; callsPerRun: number }> {
  const total = now.cpuMs - before.cpuMs - benchReadingMs;
  const inActivities = [...byType.values()].reduce((sum, { cpuMs }) => sum + cpuMs, 0);
  log(`  main thread CPU per run during ${what}: ${round(total / runs, 1)} ms (waiting for a core ${round((now.waitMs - before.waitMs) / runs, 1)} ms); ${round((total - inActivities) / runs, 1)} ms outside activities`);
  const out: Record<string, { cpuMsPerRun: number; callsPerRun: number }> = { outside: { cpuMsPerRun: (total - inActivities) / runs, callsPerRun: 0 } };
  for (const [type, { calls, cpuMs }] of [...byType].sort((a, b) => b[1].cpuMs - a[1].cpuMs)) {
    out[type] = { cpuMsPerRun: cpuMs / runs, callsPerRun: calls / runs };
    log(`    ${round(cpuMs / runs, 1).toString().padStart(6)} ms  ${round(calls / runs, 1)} × ${type} (${round(cpuMs / calls, 2)} ms each)`);
  }
  return out;
}

/**
 * BENCH_PROFILE=1: the main thread's busy time per run during runs one at a time, by the
 * activity running then (the rest — workflow tasks with their local activities, the API,
 * polling, this bench reading histories — is "outside activities").
 */
function logBusyByActivity(what: string, profile: Profiler.Profile, clock: ReturnType<typeof clockPair>, windows: TimeWindow[], runs: number): Record<string, { msPerRun: number; callsPerRun: number }> {
  const busy = busyByWindow(profile, clock, windows, ROOT);
  const calls = new Map<string, number>();
  for (const window of windows) calls.set(window.label, (calls.get(window.label) ?? 0) + 1);
  const total = [...busy.values()].reduce((sum, { ms }) => sum + ms, 0);
  log(`  main thread busy per run during ${what} (BENCH_PROFILE=1): ${round(total / runs, 1)} ms; by the activity running then, and its top owners`);
  const out: Record<string, { msPerRun: number; callsPerRun: number }> = {};
  for (const [label, { ms, byOwner }] of [...busy].sort((a, b) => b[1].ms - a[1].ms)) {
    const perRun = (calls.get(label) ?? 0) / runs;
    out[label] = { msPerRun: ms / runs, callsPerRun: perRun };
    const owners = [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([owner, ownerMs]) => `${owner} ${round(ownerMs / runs, 1)}`).join(', ');
    log(`    ${round(ms / runs, 1).toString().padStart(6)} ms  ${label === 'outside' ? 'outside activities' : `${round(perRun, 1)} × ${label}`}: ${owners}`);
  }
  return out;
}

/** BENCH_EVENTS=1: the events from `after` on, in ms since then (where a resume's time goes). */
function logTimeline(what: string, events: temporal.api.history.v1.IHistoryEvent[], after: number): void {
  log(`  events after ${what} was sent:`);
  for (const event of events) {
    const at = eventTimeMs(event) - after;
    if (at < 0) continue;
    const name = (EventType[event.eventType ?? 0] ?? String(event.eventType)).replace('EVENT_TYPE_', '');
    const detail = event.markerRecordedEventAttributes?.markerName ?? event.activityTaskScheduledEventAttributes?.activityType?.name ?? '';
    log(`    +${at.toFixed(1).padStart(7)} ms  ${name}${detail ? ` (${detail})` : ''}`);
    if (at > 1000) break;
  }
}

/**
 * Where a resume's time went: from sending to the server scheduling the workflow task, the
 * task waiting for the worker, the task itself (the handler and its local activity), and from
 * its completion to the next step starting. Milliseconds, from the run's history.
 */
function resumePhases(events: temporal.api.history.v1.IHistoryEvent[], sent: number, nextStart: number): number[] {
  const after = events.filter((e) => eventTimeMs(e) >= sent);
  const at = (type: temporal.api.enums.v1.EventType) => {
    const event = after.find((e) => e.eventType === type);
    return event ? eventTimeMs(event) : Number.NaN;
  };
  const scheduled = at(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  const started = at(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
  const completed = at(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  return [scheduled - sent, started - scheduled, completed - started, nextStart - completed];
}

const RESUME_PHASES = ['sent → task scheduled', 'scheduled → started', 'task', 'completed → next step'];

type Row = (measure: string, ours: string, baseline: string, ratio: number | string, target: string) => void;
const rowsInto = (table: string[][]): Row => (measure, ours, baseline, ratio, target) =>
  void table.push([measure, ours, baseline, typeof ratio === 'number' ? `${round(ratio)}×` : ratio, target]);

async function main(): Promise<void> {
  const benchStarted = Date.now();
  const onCluster = process.argv.slice(2).includes('--cluster');
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });

  log('bundling workflows');
  const [pipelineBundle, bareBundle] = await Promise.all([
    bundleWorkflows(),
    bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'workflows.ts'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never }),
  ]);
  fs.writeFileSync(path.join(WORK, 'pipeline-bundle.js'), pipelineBundle.code);
  fs.writeFileSync(path.join(WORK, 'bare-bundle.js'), bareBundle.code);
  const bundles = { pipelineBundle, bareBundle };

  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    temporal: { server: 'temporal server start-dev (CLI v1.5.1)', persistence: 'SQLite file', sqlitePragmas: ['journal_mode=wal', 'synchronous=normal'], dynamicConfig: DEV_SERVER_DYNAMIC_CONFIG },
    postgres: BENCH_DATABASE_URL.replace(/:[^:@/]*@/, ':***@'),
  };
  const table: string[][] = [];
  const row = rowsInto(table);

  // ---- 1–6 on the dev server --------------------------------------------------------------
  log('starting the Temporal dev server (persisted SQLite, WAL) and Postgres');
  const server = await startDevServer({ port: 0, uiPort: null, namespace: 'default', dbFile: path.join(WORK, 'temporal.sqlite'), cacheDir: path.join(ROOT, '.data', 'bin'), cliPath: process.env.TEMPORAL_CLI_PATH, log });
  temporalServerPids = () => [server.pid];
  try {
    await measureTopology({ address: server.address }, bundles, results, row);
  } finally {
    await server.stop();
  }

  // ---- 1–6 again on the Temporal cluster (npm run bench -- --cluster) ----------------------
  const clusterTable: string[][] = [];
  if (onCluster) {
    const cluster = await startBenchCluster();
    temporalServerPids = cluster.pids;
    const clusterResults: Record<string, unknown> = { temporal: cluster.description };
    try {
      await measureTopology({ address: cluster.address }, bundles, clusterResults, rowsInto(clusterTable));
    } finally {
      await cluster.stop();
    }
    results.cluster = clusterResults;
  }

  // ---- 7. Token efficiency ------------------------------------------------------------------
  log('7. token efficiency: a recorded 8-turn agent trace with and without prompt caching');
  const trace = recordedTrace();
  const replay = async (caching: boolean) => {
    const traceFake = await startFakeAnthropic({ fallback: () => ({ calls: [{ name: 'read_file', input: { path: 'src/invoice.js' } }] }) });
    const client2 = createAnthropicClient({ apiKey: undefined, baseUrl: traceFake.url, timeoutMs: 10_000, promptCaching: caching });
    let cost = 0;
    let inputFromTurn2 = 0;
    let readFromTurn2 = 0;
    for (let turn = 1; turn <= trace.length; turn++) {
      const response = await client2.createMessage({ model: MODELS.medium, system: trace.system, tools: trace.tools, toolChoice: { type: 'any' }, maxTokens: 1024, messages: trace.messages(turn) });
      cost += costUsd(MODELS.medium, response.usage);
      if (turn >= 2) {
        inputFromTurn2 += response.usage.inputTokens + response.usage.cacheReadTokens + response.usage.cacheWriteTokens;
        readFromTurn2 += response.usage.cacheReadTokens;
      }
    }
    await traceFake.close();
    return { costUsd: cost, cacheReadShareFromTurn2: readFromTurn2 / inputFromTurn2 };
  };
  const cached = await replay(true);
  const uncached = await replay(false);
  results.tokenEfficiency = { turns: trace.length, cached, uncached };
  row('Cache-read share of input tokens, turns 2+', `${round(cached.cacheReadShareFromTurn2 * 100, 1)} %`, `${round(uncached.cacheReadShareFromTurn2 * 100, 1)} % caching off`, '—', '≥ 80 %');
  row('Model cost per issue (recorded trace)', `$${round(cached.costUsd, 4)}`, `$${round(uncached.costUsd, 4)} caching off`, cached.costUsd / uncached.costUsd, '≤ 0.5×');

  // ---- 8. Sandbox start overhead ------------------------------------------------------------
  log('8. sandbox start overhead: /bin/true in bubblewrap vs a plain spawn');
  const sandboxed = await measureSandboxOverhead(QUICK ? 30 : 100);
  if (sandboxed) {
    const plain = stats(sandboxed.plainMs);
    const boxed = stats(sandboxed.sandboxMs);
    const rlimitsOnly = stats(sandboxed.sandboxWithoutCgroupsMs);
    results.sandboxOverhead = { runs: sandboxed.runs, resourceControl: sandboxed.resourceControl, plainSpawn: plain, sandbox: boxed, sandboxRlimitsOnly: rlimitsOnly };
    row('Sandbox start per command (p50)', `${round(boxed.p50, 1)} ms (+${round(boxed.p50 - plain.p50, 1)} ms; ${round(rlimitsOnly.p50, 1)} ms without cgroups)`, `${round(plain.p50, 1)} ms plain spawn`, boxed.p50 / plain.p50, '≤ +50 ms');
  } else {
    row('Sandbox start per command (p50)', 'bubblewrap not installed', '—', '—', '≤ +50 ms');
  }

  log('9. Temporal\'s floor: one bare activity step on a fresh dev server, stock vs ours');
  const floorOptions = { runs: QUICK ? 4 : 8, bareBundlePath: path.join(WORK, 'bare-bundle.js'), cacheDir: floorCacheDir(ROOT), ...(process.env.TEMPORAL_CLI_PATH ? { cliPath: process.env.TEMPORAL_CLI_PATH } : {}) };
  const stockFloor = await measureStepFloor({ ...floorOptions, stock: true });
  const ourFloor = await measureStepFloor({ ...floorOptions, stock: false });
  results.stepFloor = { stock: stockFloor, ours: ourFloor, dynamicConfig: DEV_SERVER_DYNAMIC_CONFIG };
  row('One bare activity step (dev server)', `${round(ourFloor.msPerStep, 1)} ms (queue read limits lifted, eager activities)`, `${round(stockFloor.msPerStep, 1)} ms stock dev server`, ourFloor.msPerStep / stockFloor.msPerStep, '—');

  log('10. one hot statement (an agent loop\'s stage entry) prepared per connection vs not');
  const statementCost = await measurePreparedStatements(await ensureBenchDatabase(), QUICK ? 500 : 2000);
  results.preparedStatements = statementCost;
  const costOf = (cost: typeof statementCost.prepared) => `${round(cost.wallMs, 2)} ms (Postgres CPU ${round(cost.postgresCpuMs, 2)} ms, client CPU ${round(cost.clientCpuMs, 2)} ms)`;
  row('Stage-entry statement, prepared', costOf(statementCost.prepared), `${costOf(statementCost.unprepared)} unprepared`, statementCost.prepared.wallMs / statementCost.unprepared.wallMs, '—');
  row('Its Postgres CPU, prepared', `${round(statementCost.prepared.postgresCpuMs, 2)} ms`, `${round(statementCost.unprepared.postgresCpuMs, 2)} ms unprepared`, statementCost.prepared.postgresCpuMs / statementCost.unprepared.postgresCpuMs, '—');

  // ---- report -------------------------------------------------------------------------------
  results.durationSeconds = Math.round((Date.now() - benchStarted) / 1000);
  const file = path.join(ROOT, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}.json`);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const markdown = (header: string[], cells: string[][]) => [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...cells.map((c) => `| ${c.join(' | ')} |`)];
  const lines = [
    `\nBenchmarks (${results.date}; ${os.cpus().length} cores; Temporal dev server with SQLite WAL, synchronous=normal; Postgres ${String(results.postgres)})\n`,
    ...markdown(['Measure', 'Orchestrator', 'Baseline (same run)', 'Ratio', 'Target'], table),
  ];
  if (onCluster) {
    // The same measures on the cluster, each beside its dev-server figure from this run.
    const devByMeasure = new Map(table.map((cells) => [cells[0], cells]));
    lines.push(
      `\nThe same on the Temporal cluster (${CLUSTER_DESCRIPTION})\n`,
      ...markdown(
        ['Measure', 'Orchestrator (cluster)', 'Baseline (cluster)', 'Ratio (cluster)', 'Orchestrator (dev server)', 'Ratio (dev server)'],
        clusterTable.map(([measure, ours, baseline, ratio]) => [measure ?? '', ours ?? '', baseline ?? '', ratio ?? '', devByMeasure.get(measure)?.[1] ?? '—', devByMeasure.get(measure)?.[3] ?? '—']),
      ),
    );
  }
  lines.push(`\nWrote ${path.relative(ROOT, file)} in ${results.durationSeconds as number} s.\n`);
  process.stdout.write(lines.join('\n'));
}

/**
 * Measures 1–6 against one Temporal server: a fresh orchestrator database, an in-process
 * worker (pipeline and bare task queues) and API, the instant fake model. Writes its figures
 * into `results` and its table rows through `row`.
 */
async function measureTopology(
  target: { address: string },
  { pipelineBundle, bareBundle }: { pipelineBundle: WorkflowBundleWithSourceMap; bareBundle: WorkflowBundleWithSourceMap },
  results: Record<string, unknown>,
  row: Row,
): Promise<void> {
  const databaseUrl = await ensureBenchDatabase();
  let statements = 0;
  // BENCH_SQL=1: which statements the sequential pipelines send, most frequent first.
  const statementTexts = new Map<string, number>();
  // Whole texts too: each new text is prepared anew on every connection (postgres.js prepares by text).
  const wholeTexts = new Set<string>();
  let countTexts = false;
  const db = await openDatabase({
    url: databaseUrl,
    pgliteDir: '',
    poolSize: 20,
    onQuery: (query) => {
      statements += 1;
      if (!countTexts) return;
      statementTexts.set(query.slice(0, 110), (statementTexts.get(query.slice(0, 110)) ?? 0) + 1);
      wholeTexts.add(query);
    },
  });
  await migrateDatabase(db);
  const connection = await Connection.connect({ address: target.address });
  const client = new Client({ connection, namespace: 'default' });
  const native = await NativeConnection.connect({ address: target.address });

  const fake = await startFakeClaudeProcess();
  fakeClaudePid = fake.pid;
  const anthropic = createAnthropicClient({ apiKey: undefined, baseUrl: fake.url, timeoutMs: 30_000 });
  // Counts the pipeline's model calls: the same-I/O baseline makes as many.
  let modelCalls = 0;
  const llm: typeof anthropic = {
    ...anthropic,
    createMessage: (request) => {
      modelCalls += 1;
      return anthropic.createMessage(request);
    },
  };
  // As in production (src/main/worker.ts, api.ts): people found in the notification-fed cache.
  const people = await listeningPeopleDirectory(db);
  const activities = createActivities({
    db: db.db,
    people,
    llm,
    models: MODELS,
    maxOutputTokens: 1024,
    workspacesDir: path.join(WORK, 'workspaces'),
    mirrorsDir: path.join(WORK, 'git-mirrors'),
    sandbox: benchSandbox(),
    github: { token: undefined, apiUrl: 'https://api.github.com' },
    publicBaseUrl: 'http://127.0.0.1',
    transfers: createTransferStore(path.join(WORK, 'transfers')),
  });
  // Main-thread CPU by activity type, read during the sequential runs of section 2.
  const activityCpu = activityCpuMeter();
  const interceptors = { activity: [activityCpu.interceptor as unknown as ActivityInterceptorsFactory] };
  let threadsBefore = threadIds();
  const pipelineWorker = await Worker.create({ connection: native, taskQueue: 'bench-pipeline', activities, workflowBundle: pipelineBundle, maxHeartbeatThrottleInterval: '2 seconds', interceptors });
  nameThreadsSince(threadsBefore, 'workflow threads (pipeline worker)');
  await createModelStepTable(db.db);
  const modelStepOptions = { db: db.db, fakeUrl: fake.url, model: MODELS.small, root: ROOT };
  const bareActivities = { noop: async () => undefined, modelStep: modelStepActivity(modelStepOptions), bookkeepingStep: bookkeepingStepActivity(modelStepOptions) };
  threadsBefore = threadIds();
  const bareWorker = await Worker.create({ connection: native, taskQueue: 'bench-bare', activities: bareActivities, workflowBundle: bareBundle, interceptors });
  nameThreadsSince(threadsBefore, 'workflow threads (bare worker)');
  // The workspace pool (README "Worker pools"): one workspace worker in this process, as a host of its own.
  const workspacePool = { taskQueue: 'bench-workspace', capabilities: [] };
  const workspaceWorkers = await createWorkspaceWorkers({
    connection: native,
    namespace: 'default',
    queues: [workspacePool.taskQueue],
    hostQueue: hostQueueName(workspacePool.taskQueue),
    deps: { sandbox: benchSandbox(), workspacesDir: path.join(WORK, 'pool-workspaces'), transfers: createTransferStore(path.join(WORK, 'transfers')) },
  });
  const runs = [pipelineWorker.run(), bareWorker.run(), workspaceWorkers.run()];

  // Organizations: one whose pipeline runs (no final approval), one with approval, one idle.
  const org = async (id: string, settings: Record<string, unknown>) => {
    await createOrganization(db.db, { id, name: id, tier: 'enterprise' });
    // Benchmarks submit thousands of issues: lift the submission limits.
    await db.db.update(organizations).set({ settings: { ...settings, limits: { issuesPerHour: 100_000, issuesPerDay: 1_000_000 } } }).where(eq(organizations.id, id));
    await addReviewer(db.db, { organizationId: id, userId: 'bench', name: 'Bench' });
    return (await issueApiKey(db.db, id, 'bench', { scopes: ['issues:write', 'review'], reviewerUserId: 'bench' })).key;
  };
  const repository = { path: path.join(ROOT, 'examples', 'invoice-service') };
  const runKey = await org('bench-run', { finalApproval: 'never', budgetUsd: 1000, repository });
  const approvalKey = await org('bench-approval', { finalApproval: 'required', budgetUsd: 1000, repository });
  const idleKey = await org('bench-idle', { finalApproval: 'never', budgetUsd: 1000 });
  // Issues with a workspace (a clone, a commit, a pull request): in the worker, or on the pool.
  const remote = await benchRemote(path.join(ROOT, 'examples', 'invoice-service'), path.join(WORK, `remote-${Date.now()}.git`));
  const workspaceKey = await org('bench-workspace', { finalApproval: 'never', budgetUsd: 1000, repository: { remote, baseBranch: 'main', host: 'local' } });

  // As in production (src/main/api.ts): keys authenticated from the notification-fed cache.
  const principals = await listeningPrincipalCache(db);
  const appFor = (taskQueue: string, pool?: typeof workspacePool) =>
    buildApp(buildServices({ db: db.db, temporal: client, taskQueue, publicBaseUrl: 'http://127.0.0.1', namespace: 'default', principals, people, ...(pool ? { workspacePool: pool } : {}) }), { db: db.db, health: async () => ({}) });
  const idleApp = appFor('bench-no-worker');
  const runApp = appFor('bench-pipeline');
  const root = new Hono();
  root.get('/noop', (c) => c.json({ ok: true }));
  root.route('/idle', idleApp);
  root.route('/pooled', appFor('bench-pipeline', workspacePool));
  root.route('/', runApp);
  const http = serve({ fetch: root.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => http.once('listening', () => resolve()));
  const port = (http.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}`;
  let seq = 0;
  const issueBody = (prefix: string) => JSON.stringify({ source: 'erp', externalId: `${prefix}-${++seq}`, type: 'bug', priority: 'high', title: 'Bench issue', description: 'bench' });


  // ---- 1. API start latency ---------------------------------------------------------------
  const concurrencies = QUICK ? [1, 10] : [1, 10, 50];
  const amount = QUICK ? 100 : 300;
  const api: Record<string, unknown> = {};
  async function loadTest(urlPath: string, connections: number, body?: () => string, key?: string): Promise<Stats> {
    const latencies: number[] = [];
    // Without a callback autocannon returns its instance, which is also a promise of the result.
    const instance = autocannon({
      url: `${base}${urlPath}`,
      connections,
      amount,
      method: body ? 'POST' : 'GET',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      requests: body ? [{ setupRequest: (request) => ({ ...request, body: body() }) }] : undefined,
    }) as unknown as Promise<autocannon.Result> & {
      on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void;
    };
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode < 300) latencies.push(responseTime);
    });
    await instance;
    return stats(latencies);
  }
  /** The search attributes the API starts an issue's run with (src/issues/service.ts). */
  const apiStartAttributes = [
    { key: searchAttributes.organizationId, value: 'bench-idle' },
    { key: searchAttributes.issueType, value: 'bug' },
    { key: searchAttributes.issuePriority, value: 'high' },
    { key: searchAttributes.issueStage, value: 'queued' },
    { key: searchAttributes.awaitingHuman, value: false },
  ];
  /**
   * `asTheApi`: the start request the API sends (its search attributes, which the dev server's
   * visibility store indexes, summary and details), so the comparison isolates what the API
   * adds around the start; without it, a minimal start. `durable`: the same, after one
   * single-row insert of the request — the least a durable intake does (nothing accepted is
   * lost if the start fails), so against it the API shows what its HTTP, checks and bookkeeping
   * add beyond that work.
   */
  async function directStarts(connections: number, asTheApi = false, durable = false): Promise<Stats> {
    const latencies: number[] = [];
    let remaining = amount;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (remaining-- > 0) {
          const started = performance.now();
          const workflowId = `direct-${++seq}`;
          if (durable) {
            await db.db.execute(sql`insert into bench_model_steps (workflow_id, step, answer, usage) values (${workflowId}, 0, ${issueBody('durable')}::jsonb, '{}'::jsonb)`);
          }
          await client.workflow.start('issueWorkflow', {
            taskQueue: 'bench-no-worker',
            workflowId,
            args: [{ issueId: 'x', organizationId: 'bench-idle', title: 'x', policy: {} as never }],
            workflowIdConflictPolicy: 'USE_EXISTING',
            ...(asTheApi
              ? {
                  workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
                  typedSearchAttributes: apiStartAttributes,
                  staticSummary: 'bug: Bench issue',
                  staticDetails: '**Bench issue**\n\n- organization: `bench-idle`\n- source: `erp`',
                }
              : {}),
          });
          latencies.push(performance.now() - started);
        }
      }),
    );
    return stats(latencies);
  }
  for (const c of concurrencies) {
    log(`1. API start latency at concurrency ${c}`);
    await loadTest('/noop', c); // warm-up
    let cpuAt = cpuNow();
    const noop = await loadTest('/noop', c);
    const noopCpu = cpuSince(cpuAt, amount); // what serving any request costs: the client's and Hono's
    const direct = await directStarts(c);
    cpuAt = cpuNow();
    const directAsTheApi = await directStarts(c, true);
    const directCpu = cpuSince(cpuAt, amount);
    cpuAt = cpuNow();
    const durable = await directStarts(c, true, true);
    const durableCpu = cpuSince(cpuAt, amount);
    // BENCH_PROFILE=1: where the bench process's main thread (the API here) spends the busiest load.
    const profiling = process.env.BENCH_PROFILE === '1' && c === concurrencies[concurrencies.length - 1] ? await startMainThreadProfile() : undefined;
    cpuAt = cpuNow();
    const viaApi = await loadTest('/idle/api/issues', c, () => issueBody('lat'), idleKey);
    const apiCpu = cpuSince(cpuAt, amount);
    const profile = await profiling?.();
    log(`  CPU per start (ms): API ${round(apiCpu.benchProcess, 2)} bench process (client and API), ${round(apiCpu.temporalServer, 2)} Temporal, ${round(apiCpu.postgres, 2)} Postgres; the same start request sent directly ${round(directCpu.benchProcess, 2)}, ${round(directCpu.temporalServer, 2)}, ${round(directCpu.postgres, 2)}; after a one-row insert ${round(durableCpu.benchProcess, 2)}, ${round(durableCpu.temporalServer, 2)}, ${round(durableCpu.postgres, 2)}; a request to the no-op route ${round(noopCpu.benchProcess, 2)} bench process`);
    if (profile) {
      const file = path.join(ROOT, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-api-starts-c${c}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(profile));
      log(`  bench process main thread during the API starts at concurrency ${c}, by owner (BENCH_PROFILE=1; the whole profile: ${file}):`);
      for (const { owner, seconds, share } of summarizeProfile(profile, ROOT).slice(0, 15)) log(`    ${(share * 100).toFixed(1).padStart(5)} %  ${seconds.toFixed(2)} s  ${owner}`);
    }
    api[`c${c}`] = { api: viaApi, directStart: direct, directStartAsTheApi: directAsTheApi, directStartAfterInsert: durable, honoNoop: noop, cpuPerStart: { api: apiCpu, directStartAsTheApi: directCpu, directStartAfterInsert: durableCpu, honoNoopRequest: noopCpu } };
    row(`API start p95 @${c}`, `${round(viaApi.p95, 1)} ms`, `${round(direct.p95, 1)} ms direct start (no-op route ${round(noop.p95, 1)} ms)`, viaApi.p95 / direct.p95, '≤ 1.2× and < 25 ms');
    row(`API start p95 @${c} vs the same start request`, `${round(viaApi.p95, 1)} ms`, `${round(directAsTheApi.p95, 1)} ms direct start with the API's search attributes`, viaApi.p95 / directAsTheApi.p95, '—');
    row(`API start p95 @${c} vs the same work`, `${round(viaApi.p95, 1)} ms`, `${round(durable.p95, 1)} ms the same start after a one-row insert`, viaApi.p95 / durable.p95, '—');
  }
  results.apiStartLatency = api;

  // Helpers: a pipeline run through the API, and its history.
  const submit = async (key: string, prefix: string, pathPrefix = '') => {
    const response = await fetch(`${base}${pathPrefix}/api/issues`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: issueBody(prefix) });
    return (await response.json()) as { id: string; workflowId: string };
  };
  // The main thread's CPU spent reading histories here, kept out of the runs' own figures.
  let historyReadingMs = 0;
  const historyOf = async (handle: WorkflowHandle) => {
    const before = threadCpuNow().cpuMs;
    try {
      return (await handle.fetchHistory()).events ?? [];
    } finally {
      historyReadingMs += threadCpuNow().cpuMs - before;
    }
  };
  /**
   * BENCH_PROFILE=1: runs one at a time under the profiler, each sample charged to the activity
   * running then; the profile and the activities' windows are saved for a closer look.
   */
  async function profileRunsByActivity(what: string, name: string, start: () => Promise<WorkflowHandle>) {
    const runs = Number(process.env.BENCH_PROFILE_RUNS ?? (QUICK ? 3 : 5));
    const clock = clockPair();
    const stop = await startMainThreadProfile();
    const windows: TimeWindow[] = [];
    for (let i = 0; i < runs; i++) {
      const handle = await start();
      await handle.result();
      windows.push(...activityWindows(await historyOf(handle)));
    }
    const profile = await stop();
    const file = path.join(ROOT, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-sequential-${name}`);
    fs.writeFileSync(`${file}.cpuprofile`, JSON.stringify(profile));
    fs.writeFileSync(`${file}-windows.json`, JSON.stringify({ clock, windows }));
    return logBusyByActivity(what, profile, clock, windows, runs);
  }
  const activityCount = (events: Awaited<ReturnType<typeof historyOf>>) => events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).length;

  // ---- 2 + 5. Orchestration overhead and write amplification ----------------------------
  log('2. orchestration overhead (sequential pipelines vs bare workflows with as many steps)');
  const sequentialRuns = QUICK ? 3 : 10;
  await submit(runKey, 'warm').then((s) => client.workflow.getHandle(s.workflowId).result());
  const pipelineTimes: number[] = [];
  let pipelineSteps = 0;
  let pipelineEvents = 0;
  let pipelineUpserts = 0;
  const cpuBefore = { own: ownCpuSeconds(), server: serverCpuSeconds(), fake: processCpuSeconds(fakeClaudePid) };
  const statementsBefore = statements;
  const modelCallsBefore = modelCalls;
  countTexts = process.env.BENCH_SQL === '1';
  let mainThreadAt = threadCpuNow();
  let readingAt = historyReadingMs;
  let stopActivityCpu = activityCpu.start();
  for (let i = 0; i < sequentialRuns; i++) {
    const started = performance.now();
    const { workflowId } = await submit(runKey, 'seq');
    const handle = client.workflow.getHandle(workflowId);
    await handle.result();
    pipelineTimes.push(performance.now() - started);
    const events = await historyOf(handle);
    pipelineSteps += activityCount(events);
    pipelineEvents += events.length;
    pipelineUpserts += events.filter((e) => e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES).length;
    if (process.env.BENCH_EVENTS === '1' && i === sequentialRuns - 1) {
      logEventTypes('a pipeline', events);
      logTimeSplit('a pipeline', events);
    }
  }
  const pipelineStatements = statements - statementsBefore;
  countTexts = false;
  const mainThreadCpu: Record<string, unknown> = { pipeline: logActivityCpu('the pipelines', stopActivityCpu(), threadCpuNow(), mainThreadAt, historyReadingMs - readingAt, sequentialRuns) };
  if (process.env.BENCH_SQL === '1') {
    for (const [text, n] of [...statementTexts].sort((a, b) => b[1] - a[1])) log(`  ${(n / sequentialRuns).toFixed(1)} per pipeline  ${text.replace(/\s+/g, ' ')}`);
    log(`  ${wholeTexts.size} distinct statement texts in ${pipelineStatements} statements`);
  }
  const cpuPipeline = { own: ownCpuSeconds() - cpuBefore.own, server: serverCpuSeconds() - cpuBefore.server, fake: processCpuSeconds(fakeClaudePid) - cpuBefore.fake };
  const stepsPerRun = Math.round(pipelineSteps / sequentialRuns);
  const modelCallsPerRun = Math.round((modelCalls - modelCallsBefore) / sequentialRuns);
  const bareTimes: number[] = [];
  let bareEvents = 0;
  const bareCpuBefore = { own: ownCpuSeconds(), server: serverCpuSeconds() };
  for (let i = 0; i < sequentialRuns; i++) {
    const started = performance.now();
    const handle = await client.workflow.start('bareStepsWorkflow', { taskQueue: 'bench-bare', workflowId: `bare-seq-${++seq}`, args: [stepsPerRun] });
    await handle.result();
    bareTimes.push(performance.now() - started);
    const events = await historyOf(handle);
    bareEvents += events.length;
    if (process.env.BENCH_EVENTS === '1' && i === sequentialRuns - 1) logEventTypes('a bare workflow', events);
  }
  const cpuBare = { own: ownCpuSeconds() - bareCpuBefore.own, server: serverCpuSeconds() - bareCpuBefore.server };
  // The same-I/O baseline: as many steps, as many model calls, each answer inserted.
  const sameIoTimes: number[] = [];
  for (let i = 0; i < sequentialRuns; i++) {
    const started = performance.now();
    const handle = await client.workflow.start('bareModelStepsWorkflow', { taskQueue: 'bench-bare', workflowId: `bare-io-seq-${++seq}`, args: [stepsPerRun, modelCallsPerRun] });
    await handle.result();
    sameIoTimes.push(performance.now() - started);
  }
  // The same-bookkeeping baseline: the same I/O plus as many statements and upserts.
  const bookkeeping: BookkeepingShape = { steps: stepsPerRun, modelSteps: modelCallsPerRun, statements: Math.round(pipelineStatements / sequentialRuns), upserts: Math.round(pipelineUpserts / sequentialRuns) };
  const startBookkeeping = (workflowId: string) =>
    client.workflow.start('bareBookkeepingWorkflow', { taskQueue: 'bench-bare', workflowId, args: [bookkeeping], typedSearchAttributes: apiStartAttributes, staticSummary: 'bug: Bench issue', staticDetails: '**Bench issue**\n\n- organization: `bench-idle`\n- source: `erp`' });
  const bookkeepingTimes: number[] = [];
  mainThreadAt = threadCpuNow();
  readingAt = historyReadingMs;
  stopActivityCpu = activityCpu.start();
  for (let i = 0; i < sequentialRuns; i++) {
    const started = performance.now();
    const handle = await startBookkeeping(`bare-books-seq-${++seq}`);
    await handle.result();
    bookkeepingTimes.push(performance.now() - started);
    if (process.env.BENCH_EVENTS === '1' && i === sequentialRuns - 1) logTimeSplit('a same-bookkeeping run', await historyOf(handle));
  }
  mainThreadCpu.sameBookkeeping = logActivityCpu('the same-bookkeeping runs', stopActivityCpu(), threadCpuNow(), mainThreadAt, historyReadingMs - readingAt, sequentialRuns);
  results.mainThreadCpuByActivity = mainThreadCpu;
  if (process.env.BENCH_PROFILE === '1') {
    // Profiled apart from the timed runs above (a profiler slows what it watches).
    results.mainThreadBusyByActivity = {
      pipeline: await profileRunsByActivity('the pipelines', 'pipeline', async () => client.workflow.getHandle((await submit(runKey, 'prof')).workflowId)),
      sameBookkeeping: await profileRunsByActivity('the same-bookkeeping runs', 'same-bookkeeping', () => startBookkeeping(`bare-books-prof-${++seq}`)),
    };
  }
  const p = stats(pipelineTimes);
  const b = stats(bareTimes);
  const io = stats(sameIoTimes);
  const books = stats(bookkeepingTimes);
  results.orchestrationOverhead = { runs: sequentialRuns, stepsPerRun, modelCallsPerRun, pipelineMs: p, bareMs: b, sameIoBareMs: io, extraMsPerStep: (p.mean - b.mean) / stepsPerRun, bookkeeping, sameBookkeepingBareMs: books };
  row('Pipeline end to end (instant model)', `${round(p.mean, 0)} ms for ${stepsPerRun} steps`, `${round(b.mean, 0)} ms bare`, p.mean / b.mean, '≤ 1.15×');
  row('Pipeline end to end vs the same I/O', `${round(p.mean, 0)} ms`, `${round(io.mean, 0)} ms bare with ${modelCallsPerRun} model calls + inserts`, p.mean / io.mean, '—');
  row(
    'Pipeline end to end vs the same bookkeeping',
    `${round(p.mean, 0)} ms`,
    `${round(books.mean, 0)} ms bare with ${modelCallsPerRun} model calls, ${bookkeeping.statements} statements, ${bookkeeping.upserts} upserts`,
    p.mean / books.mean,
    '—',
  );
  row('Extra time per step', `${round((p.mean - b.mean) / stepsPerRun, 1)} ms`, '—', '—', 'small');
  const statementsPerStep = pipelineStatements / pipelineSteps;
  results.writeAmplification = {
    statementsPerStep,
    historyEventsPerStep: pipelineEvents / pipelineSteps,
    bareHistoryEventsPerStep: bareEvents / (stepsPerRun * sequentialRuns),
  };
  row('Postgres statements per step', `${round(statementsPerStep, 1)}`, '0 (bare)', '—', '≤ 2');
  row('History events per step', `${round(pipelineEvents / pipelineSteps, 1)}`, `${round(bareEvents / (stepsPerRun * sequentialRuns), 1)} bare`, pipelineEvents / pipelineSteps / (bareEvents / (stepsPerRun * sequentialRuns)), '—');
  const perThousand = (cpu: number, steps: number) => round((cpu / steps) * 1000, 2);
  results.cpuSecondsPer1000Steps = {
    pipeline: { benchProcess: perThousand(cpuPipeline.own, pipelineSteps), temporalServer: perThousand(cpuPipeline.server, pipelineSteps), fakeClaude: perThousand(cpuPipeline.fake, pipelineSteps) },
    bare: { benchProcess: perThousand(cpuBare.own, stepsPerRun * sequentialRuns), temporalServer: perThousand(cpuBare.server, stepsPerRun * sequentialRuns) },
  };
  row('CPU s / 1000 steps: worker + API', `${perThousand(cpuPipeline.own, pipelineSteps)}`, `${perThousand(cpuBare.own, stepsPerRun * sequentialRuns)} bare worker`, cpuPipeline.own / pipelineSteps / (cpuBare.own / (stepsPerRun * sequentialRuns)), '—');
  row('CPU s / 1000 steps: Temporal server', `${perThousand(cpuPipeline.server, pipelineSteps)}`, `${perThousand(cpuBare.server, stepsPerRun * sequentialRuns)} bare`, cpuPipeline.server / pipelineSteps / (cpuBare.server / (stepsPerRun * sequentialRuns)), '—');

  // ---- 2b. The workspace pool --------------------------------------------------------------
  log('2b. the workspace pool (sequential workspace pipelines: in the worker vs on a workspace worker)');
  const poolRuns = QUICK ? 3 : 10;
  const workspaceTimes = { inWorker: [] as number[], pooled: [] as number[] };
  let handOffs = 0;
  for (const mode of ['inWorker', 'pooled'] as const) {
    const prefix = mode === 'pooled' ? '/pooled' : '';
    await submit(workspaceKey, `warm-${mode}`, prefix).then((s) => client.workflow.getHandle(s.workflowId).result());
    for (let i = 0; i < poolRuns; i++) {
      const started = performance.now();
      const { workflowId } = await submit(workspaceKey, `ws-${mode}`, prefix);
      const handle = client.workflow.getHandle(workflowId);
      await handle.result();
      workspaceTimes[mode].push(performance.now() - started);
      if (mode === 'pooled') {
        const events = await historyOf(handle);
        handOffs += events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && e.activityTaskScheduledEventAttributes?.taskQueue?.name?.startsWith(workspacePool.taskQueue)).length;
      }
    }
  }
  const inWorker = stats(workspaceTimes.inWorker);
  const pooled = stats(workspaceTimes.pooled);
  const handOffsPerRun = handOffs / poolRuns;
  results.workspacePool = { runs: poolRuns, inWorkerMs: inWorker, pooledMs: pooled, workspaceActivitiesPerRun: handOffsPerRun, extraMsPerWorkspaceActivity: (pooled.mean - inWorker.mean) / handOffsPerRun };
  row('Workspace pipeline on the workspace pool', `${round(pooled.mean, 0)} ms (${round(handOffsPerRun, 1)} calls on the pool)`, `${round(inWorker.mean, 0)} ms in the worker`, pooled.mean / inWorker.mean, '—');
  row('Extra time per call on the pool', `${round((pooled.mean - inWorker.mean) / handOffsPerRun, 1)} ms`, '—', '—', 'small');

  // ---- 3. Throughput ----------------------------------------------------------------------
  const throughput: Record<string, unknown> = {};
  for (const inFlight of QUICK ? [20] : [20, 100]) {
    log(`3. throughput with ${inFlight} in flight`);
    // Accepted: intake → workflow started, through the API.
    const acceptStarted = performance.now();
    const acceptCpuAt = cpuNow();
    const accepted = await loadTest('/idle/api/issues', inFlight, () => issueBody('acc'), idleKey);
    const acceptedPerMin = (accepted.n / ((performance.now() - acceptStarted) / 1000)) * 60;
    // What intake alone costs (the load generator runs in this process too).
    const acceptCpu = cpuSince(acceptCpuAt, accepted.n);
    // Completed: the whole pipeline vs bare workflows with as many steps. The CPU both use,
    // per completed issue, in each process: on 2 cores throughput follows the total.
    const profiling = process.env.BENCH_PROFILE === '1' && inFlight === 20 ? await startMainThreadProfile() : undefined;
    let cpuAt = cpuNow();
    let threadsAt = threadCpuSeconds();
    let started = performance.now();
    const submitted = await Promise.all(Array.from({ length: inFlight }, () => submit(runKey, 'thr')));
    await Promise.all(submitted.map((s) => client.workflow.getHandle(s.workflowId).result()));
    const completedPerMin = (inFlight / ((performance.now() - started) / 1000)) * 60;
    const pipelineCpu = cpuSince(cpuAt, inFlight);
    const pipelineThreads = threadCpuSince(threadsAt, inFlight);
    const profile = await profiling?.();
    cpuAt = cpuNow();
    started = performance.now();
    const bares = await Promise.all(
      Array.from({ length: inFlight }, () => client.workflow.start('bareStepsWorkflow', { taskQueue: 'bench-bare', workflowId: `bare-thr-${++seq}`, args: [stepsPerRun] })),
    );
    await Promise.all(bares.map((h) => h.result()));
    const bareCompletedPerMin = (inFlight / ((performance.now() - started) / 1000)) * 60;
    const bareCpu = cpuSince(cpuAt, inFlight);
    cpuAt = cpuNow();
    started = performance.now();
    const sameIo = await Promise.all(
      Array.from({ length: inFlight }, () =>
        client.workflow.start('bareModelStepsWorkflow', { taskQueue: 'bench-bare', workflowId: `bare-io-thr-${++seq}`, args: [stepsPerRun, modelCallsPerRun] }),
      ),
    );
    await Promise.all(sameIo.map((h) => h.result()));
    const sameIoCompletedPerMin = (inFlight / ((performance.now() - started) / 1000)) * 60;
    const sameIoCpu = cpuSince(cpuAt, inFlight);
    cpuAt = cpuNow();
    threadsAt = threadCpuSeconds();
    started = performance.now();
    const booked = await Promise.all(Array.from({ length: inFlight }, () => startBookkeeping(`bare-books-thr-${++seq}`)));
    await Promise.all(booked.map((h) => h.result()));
    const bookkeepingCompletedPerMin = (inFlight / ((performance.now() - started) / 1000)) * 60;
    const bookkeepingCpu = cpuSince(cpuAt, inFlight);
    const bookkeepingThreads = threadCpuSince(threadsAt, inFlight);
    throughput[`inFlight${inFlight}`] = { acceptedPerMin, acceptedCpuMsPerIssue: acceptCpu, completedPerMin, bareCompletedPerMin, sameIoBareCompletedPerMin: sameIoCompletedPerMin, cpuMsPerIssue: pipelineCpu, bareCpuMsPerIssue: bareCpu, sameIoBareCpuMsPerIssue: sameIoCpu, sameBookkeepingBareCompletedPerMin: bookkeepingCompletedPerMin, sameBookkeepingBareCpuMsPerIssue: bookkeepingCpu, benchThreadsCpuMsPerIssue: pipelineThreads, sameBookkeepingBenchThreadsCpuMsPerIssue: bookkeepingThreads };
    // The bench process's CPU by thread: the V8 profile below covers the main thread only.
    const threads = (split: Array<{ kind: string; ms: number }>) => split.map(({ kind, ms }) => `${kind} ${round(ms, 1)}`).join(', ');
    log(`  bench process CPU per issue by thread (ms): pipeline: ${threads(pipelineThreads)}`);
    log(`  bench process CPU per issue by thread (ms): same bookkeeping: ${threads(bookkeepingThreads)}`);
    row(`Accepted issues/min @${inFlight}`, `${round(acceptedPerMin, 0)} (CPU per issue: bench ${round(acceptCpu.benchProcess, 1)} ms, Temporal ${round(acceptCpu.temporalServer, 1)} ms)`, '—', '—', '≥ 3000');
    row(`Completed issues/min @${inFlight}`, `${round(completedPerMin, 0)}`, `${round(bareCompletedPerMin, 0)} bare`, completedPerMin / bareCompletedPerMin, '≥ 0.9×');
    row(`Completed issues/min @${inFlight} vs the same I/O`, `${round(completedPerMin, 0)}`, `${round(sameIoCompletedPerMin, 0)} bare with the same model calls + inserts`, completedPerMin / sameIoCompletedPerMin, '—');
    const split = (cpu: CpuSplit) =>
      `${round(cpu.total, 0)} ms (bench ${round(cpu.benchProcess, 0)}, Temporal ${round(cpu.temporalServer, 0)}, Postgres ${round(cpu.postgres, 0)}, fake Claude ${round(cpu.fakeClaude, 0)})`;
    row(`CPU per completed issue @${inFlight}`, split(pipelineCpu), `${split(bareCpu)} bare`, pipelineCpu.total / bareCpu.total, '—');
    row(`CPU per completed issue @${inFlight} vs the same I/O`, split(pipelineCpu), `${split(sameIoCpu)} same I/O`, pipelineCpu.total / sameIoCpu.total, '—');
    row(`Completed issues/min @${inFlight} vs the same bookkeeping`, `${round(completedPerMin, 0)}`, `${round(bookkeepingCompletedPerMin, 0)} bare with the same model calls, statements and upserts`, completedPerMin / bookkeepingCompletedPerMin, '—');
    row(`CPU per completed issue @${inFlight} vs the same bookkeeping`, split(pipelineCpu), `${split(bookkeepingCpu)} same bookkeeping`, pipelineCpu.total / bookkeepingCpu.total, '—');
    row(
      `Worker + API CPU per issue @${inFlight}`,
      `${round(pipelineCpu.benchProcess, 0)} ms`,
      `${round(bareCpu.benchProcess, 0)} ms bare worker; ${round(sameIoCpu.benchProcess, 0)} ms same I/O; ${round(bookkeepingCpu.benchProcess, 0)} ms same bookkeeping`,
      pipelineCpu.benchProcess / bareCpu.benchProcess,
      '≤ 1.3×',
    );
    row(
      `Temporal server CPU per issue @${inFlight}`,
      `${round(pipelineCpu.temporalServer, 0)} ms`,
      `${round(bareCpu.temporalServer, 0)} ms bare; ${round(sameIoCpu.temporalServer, 0)} ms same I/O; ${round(bookkeepingCpu.temporalServer, 0)} ms same bookkeeping`,
      pipelineCpu.temporalServer / bareCpu.temporalServer,
      '≤ 1.1×',
    );
    if (profile) {
      const owners = summarizeProfile(profile, ROOT);
      fs.writeFileSync(path.join(ROOT, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-throughput.cpuprofile`), JSON.stringify(profile));
      results.throughputProfile = owners.slice(0, 25);
      log(`  bench process main thread during the ${inFlight} pipelines, by owner (BENCH_PROFILE=1):`);
      for (const { owner, seconds, share } of owners.slice(0, 15)) log(`    ${(share * 100).toFixed(1).padStart(5)} %  ${seconds.toFixed(2)} s  ${owner}`);
    }
  }
  results.throughput = throughput;

  // ---- 4. Signal → resume -------------------------------------------------------------------
  log('4. approval via the API → next step, vs a bare signal');
  const resumeRuns = Number(process.env.BENCH_RESUME_RUNS ?? (QUICK ? 3 : 8));
  const ours: number[] = [];
  const bare: number[] = [];
  const bareGate: number[] = [];
  /** Per run, `resumePhases` of the approval and of the bare gate update (BENCH_EVENTS=1). */
  const phases: { api: number[][]; bareGate: number[][] } = { api: [], bareGate: [] };
  /**
   * When the workflow's next step started: the first activity started after `after`,
   * skipping the ones the approval update itself runs (reviewer check, recording the
   * decision), so we time the pipeline resuming, not the handler.
   */
  const HANDLER_ACTIVITIES = new Set(['verifyReviewer', 'recordGateDecision']);
  const nextActivityStart = async (handle: WorkflowHandle, after: number) => {
    for (;;) {
      const events = await historyOf(handle);
      const types = new Map(
        events
          .filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
          .map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes?.activityType?.name ?? '']),
      );
      const hit = events.find(
        (e) =>
          e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED &&
          !HANDLER_ACTIVITIES.has(types.get(String(e.activityTaskStartedEventAttributes?.scheduledEventId)) ?? '') &&
          eventTimeMs(e) >= after,
      );
      if (hit) return eventTimeMs(hit);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  /**
   * A bare workflow run to its wait (one step done, the same settling time as the pipeline's
   * gate gets), resumed by `send`: ms from sending to its next step's start.
   */
  const resumeBare = async (workflowType: string, what: string, send: (handle: WorkflowHandle) => Promise<unknown>, showTimeline: boolean, phasesInto?: number[][]) => {
    const handle = await client.workflow.start(workflowType, { taskQueue: 'bench-bare', workflowId: `${workflowType}-${++seq}` });
    while (activityCount(await historyOf(handle)) < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sent = Date.now();
    await send(handle);
    const next = await nextActivityStart(handle, sent);
    await handle.result();
    if (process.env.BENCH_EVENTS === '1') {
      const events = await historyOf(handle);
      phasesInto?.push(resumePhases(events, sent, next));
      if (showTimeline) logTimeline(what, events, sent);
    }
    return next - sent;
  };
  for (let i = 0; i < resumeRuns; i++) {
    const { id, workflowId } = await submit(approvalKey, 'sig');
    const handle = client.workflow.getHandle(workflowId);
    for (;;) {
      const progress = await handle.query(statusQuery);
      if (progress.status === 'awaiting_approval') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The same settling time as the bare workflow gets below: the gate's own workflow task
    // (its status write, its timers) finishes first, as it has long before a person answers.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sent = Date.now();
    await fetch(`${base}/api/issues/${id}/approval`, { method: 'POST', headers: { authorization: `Bearer ${approvalKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ decision: 'approve', reviewer: 'bench' }) });
    const next = await nextActivityStart(handle, sent);
    ours.push(next - sent);
    await handle.result();
    if (process.env.BENCH_EVENTS === '1') {
      const events = await historyOf(handle);
      phases.api.push(resumePhases(events, sent, next));
      if (i === resumeRuns - 1) logTimeline('the approval', events, sent);
    }

    bare.push(await resumeBare('bareSignalWorkflow', 'the bare signal', (handle) => handle.signal('go'), i === resumeRuns - 1));
    // The same-work baseline: an update (the caller learns the outcome) whose handler checks
    // and records in one local activity of one statement, sent straight to Temporal.
    bareGate.push(await resumeBare('bareGateWorkflow', 'the bare gate update', (handle) => handle.executeUpdate('decide'), i === resumeRuns - 1, phases.bareGate));
  }
  if (process.env.BENCH_EVENTS === '1') {
    const medians = (runs: number[][]) => RESUME_PHASES.map((name, k) => `${name} ${round(stats(runs.map((run) => run[k] as number)).p50, 1)}`).join(', ');
    log(`  approval phases, p50 ms: ${medians(phases.api)}`);
    log(`  bare gate update phases, p50 ms: ${medians(phases.bareGate)}`);
  }
  const o = stats(ours);
  const s2 = stats(bare);
  const g = stats(bareGate);
  results.signalToResume = { api: o, bareSignal: s2, bareGateUpdate: g };
  row('Approval → next pipeline step (p50)', `${round(o.p50, 1)} ms via API update`, `${round(s2.p50, 1)} ms bare signal`, o.p50 / s2.p50, '≤ 1.2×');
  row('Approval → next pipeline step vs the same work (p50)', `${round(o.p50, 1)} ms via API update`, `${round(g.p50, 1)} ms bare update, checked and recorded in one local activity`, o.p50 / g.p50, '—');

  // ---- 6. Worker cold start -----------------------------------------------------------------
  log('6. worker cold start (fresh processes, prebuilt bundles)');
  const coldRuns = QUICK ? 1 : 3;
  const cold = async (mode: 'orchestrator' | 'hello') => {
    const samples: number[] = [];
    for (let i = 0; i < coldRuns; i++) {
      const taskQueue = `cold-${mode}-${++seq}`;
      const issueId = mode === 'orchestrator'
        ? (await insertIssueIfAbsent(db.db, { organizationId: 'bench-run', source: 'erp', externalId: taskQueue, type: 'bug', priority: 'high', title: 'cold', description: '', module: null, context: {}, workflowId: issueWorkflowId('bench-run', 'erp', taskQueue) })).issue.id
        : '';
      const output = await new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'cold-start.ts'), mode], {
          env: {
            ...process.env,
            TEMPORAL_ADDRESS: target.address,
            TASK_QUEUE: taskQueue,
            BUNDLE_PATH: path.join(WORK, mode === 'orchestrator' ? 'pipeline-bundle.js' : 'bare-bundle.js'),
            DATABASE_URL: databaseUrl,
            FAKE_URL: fake.url,
            WORKFLOW_INPUT: JSON.stringify({ issueId, organizationId: 'bench-run', title: 'cold', policy: { budgetUsd: 1, planApproval: 'never', finalApproval: 'never', clarification: 'human', timers: { reminderSeconds: 60, escalationSeconds: 60, expirySeconds: 60 }, maxReviewRounds: 0, maxAgentTurns: 4, allowedTiers: ['small'], escalationContacts: [], historyEventThreshold: 10000, activityHeartbeatSeconds: 60, workspace: false } }),
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`cold start (${mode}) exited ${code}`))));
      });
      const line = output.split('\n').find((l) => l.startsWith('{"ms":'));
      if (!line) throw new Error(`cold start (${mode}) printed no measurement:\n${output.slice(-2000)}`);
      samples.push((JSON.parse(line) as { ms: number }).ms);
    }
    return stats(samples);
  };
  const coldOurs = await cold('orchestrator');
  const coldHello = await cold('hello');
  results.workerColdStart = { orchestrator: coldOurs, helloWorld: coldHello };
  row('Worker cold start → first workflow task (p50)', `${round(coldOurs.p50 / 1000, 2)} s`, `${round(coldHello.p50 / 1000, 2)} s hello-world`, coldOurs.p50 / coldHello.p50, '≤ 5 s and ≤ 1.2×');

  // ---- teardown ---------------------------------------------------------------------------
  http.close();
  pipelineWorker.shutdown();
  bareWorker.shutdown();
  workspaceWorkers.shutdown();
  await Promise.all(runs);
  await fake.close();
  fakeClaudePid = undefined;
  await native.close();
  await connection.close();
  await principals.close();
  await people.close();
  await db.close();
}

/** A bare repository holding a copy of `fromDir` on main: the workspace issues' remote. */
async function benchRemote(fromDir: string, remote: string): Promise<string> {
  const seed = `${remote}.seed`;
  fs.cpSync(fromDir, seed, { recursive: true });
  await git(seed, ['init', '--quiet', '--initial-branch', 'main']);
  await git(seed, ['add', '--all']);
  await git(seed, ['commit', '--quiet', '-m', 'bench'], { config: ['user.name=Bench', 'user.email=bench@example.com'] });
  await git(path.dirname(remote), ['clone', '--quiet', '--bare', seed, remote]);
  fs.rmSync(seed, { recursive: true, force: true });
  return remote;
}

const CLUSTER_DESCRIPTION = 'Temporal server v1.29.1 as frontend, history, matching and worker processes; 4 history shards; PostgreSQL persistence and visibility';

/**
 * The cluster of `npm run cluster` (src/cluster), on fresh `temporal_bench` databases in the
 * benchmark's PostgreSQL, without our workers and APIs: the benchmark brings its own.
 */
async function startBenchCluster() {
  const temporalDatabase = clusterDatabaseFrom(BENCH_DATABASE_URL, 'temporal_bench');
  const admin = postgres({ ...parseUrl(new URL(BENCH_DATABASE_URL), 'postgres'), max: 1, onnotice: () => undefined });
  try {
    for (const name of ['temporal_bench', 'temporal_bench_visibility']) await admin.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
  const temporalPort = Number(process.env.BENCH_CLUSTER_PORT ?? 17_333);
  log(`starting the Temporal cluster on port ${temporalPort} (PostgreSQL; four services)`);
  const { supervisor, address } = await startTemporalCluster({
    projectRoot: ROOT,
    workDir: path.join(WORK, 'cluster'),
    temporalDatabase,
    temporalPort,
    namespace: 'default',
    // The dev server's lifted queue read limits, so both topologies run with the same settings.
    dynamicConfig: DEV_SERVER_DYNAMIC_CONFIG,
    log,
  });
  return {
    address,
    // What the cluster runs with beyond the shared file, the testing-only search-attribute flag included.
    description: { server: CLUSTER_DESCRIPTION, dynamicConfig: { ...LOCAL_CLUSTER_DYNAMIC_CONFIG, ...DEV_SERVER_DYNAMIC_CONFIG } },
    pids: () => CLUSTER_SERVICES.map((service) => supervisor.view(`temporal-${service}`).pid),
    stop: () => supervisor.stopAll(),
  };
}

/** A recorded research loop: system prompt, tools, and eight turns of tool use. */
function recordedTrace() {
  const file = fs.readFileSync(path.join(ROOT, 'examples', 'invoice-service', 'src', 'invoice.js'), 'utf8');
  const system = fs.readFileSync(path.join(ROOT, 'src', 'prompts', 'research.v2.md'), 'utf8');
  const tools = [
    { name: 'list_files', description: 'List files', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } } } },
    { name: 'read_file', description: 'Read a file with line numbers', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } } } },
    { name: 'search_files', description: 'Search with a regular expression', input_schema: { type: 'object' as const, properties: { pattern: { type: 'string' } } } },
    { name: 'submit_research', description: 'Submit the analysis', input_schema: { type: 'object' as const, properties: { rootCause: { type: 'string' } } } },
  ];
  const issue = `Title: Invoice totals are off by one cent\n\n${'Customers report totals one cent short on multi-line invoices. '.repeat(30)}`;
  const length = 8;
  const messages = (turn: number) => {
    const out: Array<{ role: 'user' | 'assistant'; content: never }> = [{ role: 'user', content: issue as never }];
    for (let t = 1; t < turn; t++) {
      const id = `toolu_trace_${t}`;
      out.push({ role: 'assistant', content: [{ type: 'tool_use', id, name: 'read_file', input: { path: 'src/invoice.js' } }] as never });
      out.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: `${file}\n(turn ${t})` }] as never });
    }
    return out;
  };
  return { system, tools, length, messages };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
