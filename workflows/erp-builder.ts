/**
 * ErpBuildWorkflow: the Form Generator (`form`) and the Workflow Designer (`workflow`) — README
 * "Builder agents". One durable build of records in the organization's ERP:
 *
 *   per round: the agent reads what exists (erp_list_* tools, run against the ERP) and proposes
 *   records (erp_create_* calls, checked against src/contracts/erp-records.ts and collected, not
 *   sent) → a reviewer sees the exact payloads: approve → each is created, exactly once ·
 *   request changes → the next round · reject → the end
 *
 * Creating is exactly once under retries and crashes: each record has its own Idempotency-Key
 * to the ERP (the build, the round, its index) and its entry in the side-effect ledger.
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and ./; everything else is types.
 */
import { ApplicationFailure, isCancellation, proxyActivities, setWorkflowOptions } from '@temporalio/workflow';
import type { BookkeepingActivities, ErpActivities, ModelActivities, ToolActivities } from '../activities';
import { BOOKKEEPING_OPTIONS, MODEL_RETRY, TOOL_RETRY } from './shared/activity-options';
import { type LoopGiveUp, runAgentLoop } from './shared/agent-loop';
import { runBuildRounds } from './shared/build-rounds';
import { pinnedWhenVersioned } from './shared/versioning';
import type { ErpBuildRequest, SkillBuildOutcome } from './definitions';

/** Turns per round: reads, proposals and repairs; the last ones are told to submit. */
const MAX_TURNS = 12;
const MAX_REPAIRS = 4;

const TITLES: Record<ErpBuildRequest['kind'], string> = { form: 'Form Generator', workflow: 'Workflow Designer' };

export async function erpBuildWorkflow(request: ErpBuildRequest): Promise<SkillBuildOutcome> {
  const { buildId, organizationId } = request;
  const bookkeeping = proxyActivities<BookkeepingActivities>(BOOKKEEPING_OPTIONS);
  const models = proxyActivities<ModelActivities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout: '1 minute', retry: MODEL_RETRY });
  // Both heartbeat while the ERP answers: a worker that dies mid-call is noticed in seconds.
  const tools = proxyActivities<ToolActivities>({ startToCloseTimeout: '2 minutes', heartbeatTimeout: '15 seconds', retry: TOOL_RETRY });
  // The ERP may be down for a while: creating waits it out (the same key on every attempt).
  const erp = proxyActivities<ErpActivities>({
    startToCloseTimeout: '1 minute',
    heartbeatTimeout: '15 seconds',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 15 },
  });
  const title = TITLES[request.kind];

  return runBuildRounds<{ records: number; checksum: string }>(request, bookkeeping, {
    title,
    describe: (progress) => (progress.proposed ? `${progress.proposed} record(s) proposed${progress.created ? `, ${progress.created} created` : ''}` : ''),

    draft: async (round, build) =>
      runAgentLoop<{ records: number; checksum: string }, { toolUseId: string; name: string }>(
        { forceFinalFrom: MAX_TURNS - 2, turnLimit: MAX_TURNS, maxRepairs: MAX_REPAIRS, stopAtForcedTurnWithoutTools: false },
        {
          beforeTurn: async () => undefined,
          takeTurn: async (turn, forceFinal) => {
            build.show(`designing, turn ${turn + 1}`);
            const result = await models.erpBuilderTurn.executeWithOptions({ summary: `build · design turn ${turn + 1} (round ${round + 1})` }, [
              { organizationId, buildId, round, turn, forceFinal },
            ]);
            if (result.kind === 'final') {
              build.progress.proposed = result.records;
              build.progress.checksum = result.checksum;
              return { kind: 'final', final: { records: result.records, checksum: result.checksum } };
            }
            return result;
          },
          runTool: async (call) => {
            build.show(`reading the ERP (${call.name})`);
            await tools.runErpBuilderTool.executeWithOptions({ summary: `build · ${call.name}` }, [{ organizationId, buildId, round, toolUseId: call.toolUseId }]);
          },
          giveUp: async (why: LoopGiveUp) => {
            throw ApplicationFailure.create({
              type: 'BuildFailed',
              message: `the ${title} did not submit a proposal within ${MAX_TURNS} turns${why.reason !== 'out_of_turns' && why.problem ? `: ${why.problem}` : ''}`,
              nonRetryable: true,
            });
          },
        },
      ),

    apply: async (drafted, decided, build) => {
      await build.record('creating');
      const created: string[] = [];
      try {
        for (let index = 0; index < drafted.records; index++) {
          build.show(`creating ${index + 1} of ${drafted.records}`);
          const record = await erp.createErpBuildRecord.executeWithOptions({ summary: `build · create record ${index + 1} of ${drafted.records}` }, [{ organizationId, buildId, index, checksum: drafted.checksum }]);
          created.push(`${record.collection} ${record.name} (${record.id})`);
          build.progress.created = index + 1;
        }
      } catch (err) {
        if (isCancellation(err)) throw err;
        // Say what is in the ERP already: the build's `created` lists it too.
        const why = err instanceof Error ? ((err as { cause?: Error }).cause?.message ?? err.message) : String(err);
        throw ApplicationFailure.create({ type: 'BuildFailed', message: `${created.length > 0 ? `created ${created.join(', ')}, then` : 'nothing was created:'} ${why}`, nonRetryable: true });
      }
      await build.record('created');
      return { status: 'created', version: null, summary: `created ${created.join(', ')}; approved by ${decided.reviewer}` };
    },

    reset: (progress) => {
      progress.proposed = 0;
      progress.created = 0;
      delete progress.checksum;
    },
  });
}

setWorkflowOptions(pinnedWhenVersioned, erpBuildWorkflow);
