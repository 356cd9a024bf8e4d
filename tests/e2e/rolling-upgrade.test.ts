/**
 * Rolling upgrade with Worker Versioning, on the real dev server: an issue started on build
 * v1 waits at its plan gate while build v2 — a changed, history-incompatible issue workflow —
 * is promoted; new issues start on v2, the waiting one finishes on v1, v1 drains, its worker
 * stops, and it is retired. Every versioned worker here comes from the production factory
 * (createIssueWorker with a deployment), and every routing change from src/temporal/deployments.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { temporal } from '@temporalio/proto';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflowCode } from '@temporalio/worker';
import { buildIdOfBundle, DeploymentError, describeDeployment, openPinnedRuns, promote, promoteIfNoCurrent, ramp, retire, routeToUnversioned } from '../../src/temporal/deployments';
import { acquireSlotSignal, concurrencyLimiterWorkflow, limiterStateQuery } from '../../workflows/limiter';
import { createIssueWorker, quietBundlerLogger } from '../../src/temporal/worker';
import { eventually, uniqueId } from '../support/harness';
import { type PipelineHarness, reply, REVIEWER, startPipelineHarness } from '../support/pipeline';
import { testEnv } from '../support/env';
import { buildsOfRun } from '../support/versioning';

const IDENTITY = 'rolling-upgrade test';

describe('rolling upgrades (Worker Versioning)', () => {
  let h: PipelineHarness;
  const running: Array<{ worker: Worker; run: Promise<void> }> = [];
  const servers: http.Server[] = [];

  beforeAll(async () => {
    h = await startPipelineHarness({ ownWorkers: true });
  });

  afterAll(async () => {
    for (const { worker, run } of running) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run.catch(() => undefined);
    }
    await h.close();
    for (const server of servers) server.close();
  });

  async function startBuild(deployment: string | undefined, buildId: string, workflowBundle: WorkflowBundleWithSourceMap | { codePath: string }, taskQueue = h.taskQueue) {
    const { worker, version } = await createIssueWorker({
      connection: h.temporal.nativeConnection,
      namespace: 'default',
      taskQueue,
      activities: h.activities,
      workflowBundle,
      ...(deployment ? { deployment: { name: deployment, buildId } } : {}),
      shutdownGraceTime: '2 seconds',
    });
    const entry = { worker, run: worker.run() };
    running.push(entry);
    return { ...entry, version };
  }

  async function behaviorOf(workflowId: string) {
    return (await h.temporal.client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo?.versioningInfo?.behavior;
  }

  async function issueAtPlanGate(apiKey: string) {
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    const issue = await h.submit(apiKey);
    await h.waitFor(apiKey, issue.id, (view) => view.pending?.kind === 'approval');
    return issue;
  }

  it('new issues take the promoted build, the issue in flight finishes on its own, and the old build drains and is retired', async () => {
    const deployment = uniqueId('deploy').replace(/[^A-Za-z0-9_-]/g, '-');
    // Status callbacks on: their workflow follows the current build instead of pinning one.
    const erp = http.createServer((_request, response) => response.end('{}'));
    await new Promise<void>((resolve) => erp.listen(0, '127.0.0.1', resolve));
    servers.push(erp);
    const callbackUrl = `http://127.0.0.1:${(erp.address() as AddressInfo).port}/callbacks`;
    const { apiKey } = await h.newOrganization({ planApproval: 'required', erp: { callbackUrl, webhookSecret: 'rolling-upgrade-secret-0123456789' } });

    // v1: the shipped workflows. The first build of a new deployment promotes itself.
    const v1 = await startBuild(deployment, 'v1', { codePath: testEnv('workflowBundle') });
    expect(await promoteIfNoCurrent(h.temporal.client, deployment, 'v1', IDENTITY)).toBe('promoted');
    expect(await promoteIfNoCurrent(h.temporal.client, deployment, 'v1', IDENTITY)).toBe('already-current');
    const onV1 = await issueAtPlanGate(apiKey);

    // v2: a changed issue workflow (an extra timer first), promoted while onV1 waits.
    const next = await bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, '../support/workflows-next-build.ts'), logger: quietBundlerLogger() });
    // WORKER_BUILD_ID=auto: the build id follows the workflow code.
    const v2Build = (await startBuild(deployment, 'auto', next)).version!.buildId;
    expect(v2Build).toBe(buildIdOfBundle(next.code));
    expect(v2Build).not.toBe(buildIdOfBundle(fs.readFileSync(testEnv('workflowBundle'), 'utf8')));
    await eventually(() => describeDeployment(h.temporal.client, deployment), (state) => state?.versions.some((v) => v.buildId === v2Build) ?? false);
    // The first-build bootstrap leaves a deployment that has a current build alone.
    expect(await promoteIfNoCurrent(h.temporal.client, deployment, v2Build, IDENTITY)).toBe('other-current');
    await expect(ramp(h.temporal.client, deployment, v2Build, 101, IDENTITY)).rejects.toThrow('percentage must be a whole number 0–100');
    await ramp(h.temporal.client, deployment, v2Build, 50, IDENTITY);
    expect(await describeDeployment(h.temporal.client, deployment)).toMatchObject({ current: 'v1', ramping: { buildId: v2Build, percentage: 50 } });
    await ramp(h.temporal.client, deployment, v2Build, 0, IDENTITY);
    expect(await describeDeployment(h.temporal.client, deployment)).toMatchObject({ current: 'v1', ramping: null });
    await promote(h.temporal.client, deployment, v2Build, IDENTITY);
    const promoted = await describeDeployment(h.temporal.client, deployment);
    expect(promoted).toMatchObject({ current: v2Build, ramping: null });
    expect(promoted!.versions.find((v) => v.buildId === 'v1')?.status).toBe('draining');
    expect(await openPinnedRuns(h.temporal.client, deployment, 'v1')).toBe(1);

    // Bad operator input is refused with what to do.
    await expect(promote(h.temporal.client, deployment, 'v3', IDENTITY)).rejects.toThrow(`build v3 is not in deployment ${deployment} (start its workers first); known builds:`);
    await expect(promote(h.temporal.client, deployment, "v1' OR 1=1", IDENTITY)).rejects.toThrow('build id must be 1–64 letters');
    await expect(retire(h.temporal.client, deployment, v2Build, IDENTITY)).rejects.toThrow(`${v2Build} is current: promote another build first`);
    await expect(retire(h.temporal.client, deployment, 'v1', IDENTITY)).rejects.toThrow('1 pinned run(s) are still open on v1');
    expect(await describeDeployment(h.temporal.client, 'no-such-deployment')).toBeNull();

    // A new issue starts on v2 (its changed code runs: one more timer).
    const onV2 = await issueAtPlanGate(apiKey);
    for (const issue of [onV1, onV2]) {
      const decided = await h.post(apiKey, `/api/issues/${issue.id}/approval`, { decision: 'reject', reviewer: REVIEWER, comment: 'not now' });
      expect(decided.status).toBe(200);
      expect((await h.waitForEnd(apiKey, issue.id)).status).toBe('rejected');
    }
    const v1Run = await buildsOfRun(h.temporal.client, onV1.workflowId);
    const v2Run = await buildsOfRun(h.temporal.client, onV2.workflowId);
    expect(v1Run).toMatchObject({ builds: ['v1'], nonDeterminismFailures: 0 });
    expect(v2Run).toMatchObject({ builds: [v2Build], nonDeterminismFailures: 0 });
    expect(v2Run.timers).toBe(v1Run.timers + 1);
    expect(await behaviorOf(onV1.workflowId)).toBe(VersioningBehavior.VERSIONING_BEHAVIOR_PINNED);
    const callbacks: string[] = [];
    for await (const execution of h.temporal.client.workflow.list({ query: `WorkflowType = 'statusCallbackWorkflow' AND WorkflowId STARTS_WITH 'callback:${onV2.id}'` })) callbacks.push(execution.workflowId);
    expect(callbacks.length).toBeGreaterThan(0);
    for (const workflowId of callbacks) {
      expect(await h.temporal.client.workflow.getHandle(workflowId).result()).toBe('delivered');
      expect(await behaviorOf(workflowId)).toBe(VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE);
    }

    // v1 drains; its worker stops; it is retired.
    await eventually(() => describeDeployment(h.temporal.client, deployment), (state) => state?.versions.find((v) => v.buildId === 'v1')?.status === 'drained', 30_000);
    v1.worker.shutdown();
    await v1.run;
    await eventually(
      async () => retire(h.temporal.client, deployment, 'v1', IDENTITY).then(() => 'retired', (error: Error) => (error instanceof DeploymentError ? error.code : error.message)),
      (outcome) => outcome !== 'workers-still-polling',
      30_000,
    ).then((outcome) => expect(outcome).toBe('retired'));
    const after = await describeDeployment(h.temporal.client, deployment);
    expect(after?.versions.map((v) => [v.buildId, v.status])).toEqual([[v2Build, 'current']]);

    // The operator's command line says the same, and refuses what it cannot do.
    const status = await deploymentCli(deployment, ['status']);
    expect(status).toMatchObject({ code: 0, stdout: expect.stringContaining(`current: ${v2Build}`) });
    expect(status.stdout).toMatch(new RegExp(`${v2Build}\\s+current\\s+0\\s`));
    expect(await deploymentCli(deployment, ['retire', 'v1'])).toMatchObject({ code: 1, stderr: expect.stringContaining(`build v1 is not in deployment ${deployment}`) });
    expect(await deploymentCli(deployment, ['promote'])).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run deployment') });
  });

  it('routes back to unversioned workers: the limiter follows them and keeps working, and the old build does not take over again', async () => {
    const deployment = uniqueId('deploy').replace(/[^A-Za-z0-9_-]/g, '-');
    const taskQueue = uniqueId('rollback');
    const bundle = { codePath: testEnv('workflowBundle') };
    const a = await startBuild(deployment, 'a', bundle, taskQueue);
    expect(await promoteIfNoCurrent(h.temporal.client, deployment, 'a', IDENTITY)).toBe('promoted');
    await expect(routeToUnversioned(h.temporal.client, uniqueId('none').replace(/[^A-Za-z0-9_-]/g, '-'), IDENTITY)).rejects.toThrow('new runs already go to unversioned workers');

    // A limiter (it never ends) begins on the versioned build and follows the current build.
    const limiterId = uniqueId('limiter');
    const limiter = await h.temporal.client.workflow.start(concurrencyLimiterWorkflow, { workflowId: limiterId, taskQueue, args: [] });
    const ask = (globalLimit: number) => limiter.signal(acquireSlotSignal, { workflowId: uniqueId('gone'), organizationId: 'org', organizationLimit: 1, globalLimit });
    await ask(7);
    await eventually(() => limiter.query(limiterStateQuery), (state) => state.globalLimit === 7, 20_000);
    expect(await behaviorOf(limiterId)).toBe(VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE);

    // The operator leaves versioning: unversioned workers start, new runs go to them, build a stops.
    await startBuild(undefined, '', bundle, taskQueue);
    expect(await deploymentCli(deployment, ['unversioned'])).toMatchObject({ code: 0, stdout: expect.stringContaining('now go to unversioned workers') });
    expect(await describeDeployment(h.temporal.client, deployment)).toMatchObject({ current: null, currentChangedAt: expect.any(Date) });
    a.worker.shutdown();
    await a.run;

    // The limiter's next task runs on an unversioned worker that has never seen it (a replay of
    // history a versioned worker wrote). A behavior declared from that history would be
    // refused by the server on every attempt, and the limiter would never move again.
    await ask(9);
    await eventually(() => limiter.query(limiterStateQuery), (state) => state.globalLimit === 9, 30_000);
    const history = await limiter.fetchHistory();
    expect(history.events?.filter((event) => event.workflowTaskFailedEventAttributes || event.workflowTaskTimedOutEventAttributes)).toEqual([]);
    expect((await buildsOfRun(h.temporal.client, limiterId)).builds).toEqual(['a', '(unversioned)']);

    // Build a's workers restarting do not route new runs back to it: that was a decision.
    expect(await promoteIfNoCurrent(h.temporal.client, deployment, 'a', IDENTITY)).toBe('routed-to-unversioned');
    expect(await deploymentCli(deployment, ['unversioned'])).toMatchObject({ code: 1, stderr: expect.stringContaining('has no current build') });
    await limiter.terminate('test over');
  });

  it("refuses ramp requests that would end another build's ramp, or read a blank or a fraction", async () => {
    const deployment = uniqueId('deploy').replace(/[^A-Za-z0-9_-]/g, '-');
    const taskQueue = uniqueId('refusals');
    const bundle = { codePath: testEnv('workflowBundle') };
    await startBuild(deployment, 'r1', bundle, taskQueue);
    expect(await promoteIfNoCurrent(h.temporal.client, deployment, 'r1', IDENTITY)).toBe('promoted');
    await startBuild(deployment, 'r2', bundle, taskQueue);
    await startBuild(deployment, 'r3', bundle, taskQueue);
    await eventually(() => describeDeployment(h.temporal.client, deployment), (state) => (state?.versions.length ?? 0) === 3);
    await ramp(h.temporal.client, deployment, 'r2', 20, IDENTITY);
    // Ending r3's ramp must not end r2's; an empty or fractional percentage is not 0.
    await expect(ramp(h.temporal.client, deployment, 'r3', 0, IDENTITY)).rejects.toThrow('r3 is not ramping');
    await expect(ramp(h.temporal.client, deployment, 'r2', 12.5, IDENTITY)).rejects.toThrow('whole number 0–100');
    expect(await deploymentCli(deployment, ['ramp', 'r2', ''])).toMatchObject({ code: 1, stderr: expect.stringContaining('whole number 0–100, not NaN') });
    expect(await describeDeployment(h.temporal.client, deployment)).toMatchObject({ ramping: { buildId: 'r2', percentage: 20 } });
    await ramp(h.temporal.client, deployment, 'r2', 0, IDENTITY);
    expect(await describeDeployment(h.temporal.client, deployment)).toMatchObject({ current: 'r1', ramping: null });
  });
});

/** `npm run deployment -- …` as an operator runs it, against the test server. */
async function deploymentCli(deployment: string, args: string[]) {
  const env = { ...process.env, TEMPORAL_ADDRESS: testEnv('temporalAddress'), WORKER_DEPLOYMENT_NAME: deployment };
  return promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), 'src/main/deployment.ts', ...args], { cwd: path.join(__dirname, '../..'), env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

const { VersioningBehavior } = temporal.api.enums.v1;

