import type { ChildProcess } from 'node:child_process';
import { listToolCalls } from '../../src/db/agent-transcripts';
import { recordHistoryIfAsked } from '../support/harness';
import { type PipelineHarness, reply, startPipelineHarness, startWorkerProcess } from '../support/pipeline';

/**
 * The worker is killed (SIGKILL) during the code agent's loop; a new worker resumes the
 * issue. Completed model calls and tool calls are not repeated: they are in history, and
 * the tool results are in Postgres.
 */
describe('a worker crash during the code loop', () => {
  let h: PipelineHarness;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    h = await startPipelineHarness({ startWorker: false });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await h.close();
  });

  it('resumes on another worker without repeating completed model or tool calls', async () => {
    const { organizationId, apiKey } = await h.newOrganization({ finalApproval: 'never' });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    h.fake.onTool(
      'submit_change',
      reply.calls(['read_file', { path: 'src/invoice.js' }], ['list_files', { path: 'test' }]),
      reply.call('search_files', { pattern: 'invoiceTotal' }),
      { ...reply.change(), delayMs: 60_000 }, // the worker dies while this call is in flight
      reply.change(), // the retry, on the new worker
    );
    h.fake.onTool('submit_review', reply.review('approve'));

    child = await startWorkerProcess(h);
    const killed = new Promise<void>((resolve) => {
      h.fake.onRequest = (request) => {
        if (request.key === 'submit_change' && h.fake.requests.filter((r) => r.key === 'submit_change').length === 3) {
          child?.kill('SIGKILL');
          resolve();
        }
      };
    });
    const { id, workflowId } = await h.submit(apiKey);
    await killed;
    h.fake.onRequest = undefined;
    h.startWorker(); // the survivor

    const issue = await h.waitForEnd(apiKey, id, 60_000);
    expect(issue.status).toBe('completed');

    const codeRequests = h.fake.requests.filter((r) => r.key === 'submit_change');
    // turns 1 and 2 once each; turn 3 twice: the attempt that died with the worker and the retry
    expect(codeRequests).toHaveLength(4);
    expect(codeRequests[2]!.aborted).toBe(true);
    const toolCalls = (await listToolCalls(h.db.db, { organizationId, issueId: id })).filter((c) => c.loopId.endsWith(':code:0'));
    const executed = toolCalls.filter((c) => c.name !== 'submit_change');
    expect(executed.map((c) => c.name).sort()).toEqual(['list_files', 'read_file', 'search_files']);
    expect(executed.map((c) => c.executions)).toEqual([1, 1, 1]);
    await recordHistoryIfAsked(h.temporal.client, workflowId, 'pipeline-worker-crash');
  });
});
