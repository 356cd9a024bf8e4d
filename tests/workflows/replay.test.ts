import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows } from '../../src/temporal/worker';
import { testEnv } from '../support/env';

/**
 * Replays recorded histories against today's workflow code. A change that would break
 * runs already in flight (a non-deterministic change without `patched()`) fails here.
 *
 * Record new histories with `RECORD_HISTORIES=1 npm test`; keep the old ones.
 */
const HISTORIES_DIR = path.resolve(__dirname, 'histories');
const files = fs.readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json')).sort();

describe('replay of recorded workflow histories', () => {
  it('has recorded histories to replay', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'issue-completed.json',
        'issue-stage-failed.json',
        'pipeline-happy-path.json',
        'pipeline-review-rounds.json',
        'pipeline-clarification-autonomous.json',
        'pipeline-clarification-supervised.json',
        'pipeline-clarification-human.json',
        'pipeline-question-expired.json',
        'pipeline-budget.json',
        'pipeline-cancelled.json',
        'pipeline-worker-crash.json',
        'pipeline-pull-request.json',
        'pipeline-erp-callbacks.json',
        'pipeline-queued.json',
        'skill-invoked-completed.json',
        'skill-invoked-erp-synced.json',
        'skill-question-answered.json',
        'skill-review-rejected.json',
        'skill-scheduled-run.json',
        'pipeline-signals-audited.json',
        'skill-run-limited.json',
        // Bookkeeping on a person's path as local activities (patched 'local-bookkeeping').
        'pipeline-happy-path-local.json',
        'pipeline-budget-local.json',
        'pipeline-signals-audited-local.json',
        'pipeline-clarification-human-local.json',
        // A finished skill run sent to the callback URL (patched 'invocation-finished-event').
        'skill-run-finished-event.json',
        // Search attributes upserted only when they change (patched 'search-attributes-on-change').
        'pipeline-happy-path-on-change.json',
        'pipeline-slot-released-on-change.json',
        'pipeline-clarification-human-on-change.json',
        // Notices to the organization's channels (patched 'notice-when-waiting', 'notification-channels').
        'pipeline-notifications.json',
        // A skill run offered an organization's MCP tools (patched 'skill-mcp-tools').
        'skill-mcp-tools.json',
        // The triage's worker type: a docs change, and a review that ends after research (patched 'worker-types').
        'issue-worker-type-docs.json',
        'issue-worker-type-review.json',
        // Repository work on the workspace pool (policy.workspacePool), and a workspace opened again on another host.
        'issue-workspace-pool.json',
        'issue-workspace-pool-reopened.json',
        // A dry run of a skill: its review recorded and taken as approved, nothing synced.
        'skill-dry-run.json',
        // The Skill Builder: a draft repaired, dry-run, sent back once, approved and published.
        'skill-build-created.json',
        // The Form Generator: a proposal approved, its form created with the worker killed between create and record.
        'erp-build-form-created.json',
        // The Workflow Designer: a chain refused for looping, a round of changes, two triggers created.
        'erp-build-workflow-changed.json',
        // The Feature Builder: a draft without a capability repaired, a minor version published as a canary.
        'skill-build-feature.json',
        // A gate decision's check and records as one local activity (patched 'gate-decision-in-one-step'):
        // approved, refused at the plan gate, changes requested, and approved with the slot to wait for again.
        'pipeline-happy-path-one-step.json',
        'pipeline-signals-audited-one-step.json',
        'pipeline-review-rounds-one-step.json',
        'pipeline-slot-released-one-step.json',
        // A loop opened by its first model turn (patched 'loop-opens-in-first-turn'); one that
        // waits for a budget raise before that turn opens with startAgentLoop, as before.
        'pipeline-happy-path-first-turn.json',
        'pipeline-review-rounds-first-turn.json',
        'pipeline-clarification-human-first-turn.json',
        'pipeline-cancelled-first-turn.json',
        'issue-workspace-pool-first-turn.json',
        'issue-interrupted-and-messaged-first-turn.json',
        'pipeline-budget-before-first-turn.json',
        // Runs of the issue shape (workflows/issue/patches.ts): one marker for every patch.
        'pipeline-happy-path-shape.json',
        'pipeline-review-rounds-shape.json',
        'pipeline-clarification-human-shape.json',
        'pipeline-question-expired-shape.json',
        'pipeline-budget-shape.json',
        'pipeline-cancelled-shape.json',
        'pipeline-slot-released-shape.json',
        'pipeline-signals-audited-shape.json',
        'pipeline-notifications-shape.json',
        'pipeline-erp-callbacks-shape.json',
        'issue-worker-type-review-shape.json',
        'issue-workspace-pool-shape.json',
        'issue-commands-denied-and-approved-shape.json',
        'issue-interrupted-and-messaged-shape.json',
        // The second shape: a gate decision's audit entry written by its local activity (patched 'audit-with-gate-decision').
        'pipeline-happy-path-shape-2.json',
        'pipeline-review-rounds-shape-2.json',
        'pipeline-signals-audited-shape-2.json',
        'pipeline-slot-released-shape-2.json',
        'pipeline-budget-shape-2.json',
      ]),
    );
  });

  it.each(files)('replays %s deterministically', async (file) => {
    // fromObject, not @temporalio/common's historyFromJSON: npm nests two protobufjs copies
    // under @temporalio/{common,proto} here, and protojson then rejects proto's types.
    const history = temporal.api.history.v1.History.fromObject(
      JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')),
    );
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: testEnv('workflowBundle') } }, history, file),
    ).resolves.toBeUndefined();
  });
});

/**
 * A worker with tracing on runs the bundle with the OpenTelemetry workflow interceptors. They
 * add headers and spans, never a command, so every history — recorded without them, as runs in
 * flight when tracing is turned on were — replays on that bundle too.
 */
describe('replay with the tracing interceptors', () => {
  let traced: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    traced = await bundleWorkflows({ tracing: true });
  });

  it.each(files)('replays %s deterministically', async (file) => {
    const history = temporal.api.history.v1.History.fromObject(JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
    // The sink the workflow spans leave by; a replay calls it for none of them.
    const sinks = { exporter: { export: { fn: () => undefined } } };
    await expect(Worker.runReplayHistory({ workflowBundle: traced, sinks }, history, file)).resolves.toBeUndefined();
  });
});
