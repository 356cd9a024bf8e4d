import type { ChildProcess } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { agentToolCalls } from '../../src/db/schema';
import { type FakeErp, startFakeErp } from '../../src/fakes/fake-erp';
import { installSkillLibrary } from '../../src/skills/library';
import { eventually } from '../support/harness';
import { type PipelineHarness, startPipelineHarness, startWorkerProcess } from '../support/pipeline';

/**
 * The worker is killed (SIGKILL) while a skill's ERP write is in flight; another worker
 * resumes the run. The write is retried with the same Idempotency-Key, so the ERP applies it
 * once, and completed model calls are not made again.
 */

jest.setTimeout(120_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('a worker crash during a skill run', () => {
  let h: PipelineHarness;
  let erp: FakeErp;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    h = await startPipelineHarness({ startWorker: false });
    erp = await startFakeErp();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await h.close();
    await erp.close();
  });

  it('resumes on another worker and the ERP write happens once', async () => {
    const { organizationId, apiKey } = await h.newOrganization({ erp: { apiUrl: erp.apiUrl, serviceKey: erp.serviceKey } });
    await installSkillLibrary(h.db.db, organizationId);
    erp.seed('clients', { id: 'c9', organizationId, name: 'Harbor Café' });
    const brief = { title: 'Menu site', objectives: ['Show the menu'], deliverables: ['A one-page site'], openQuestions: [] };
    h.fake.onTool(
      'submit_output',
      { calls: [{ name: 'create_brief', input: { fields: { clientId: 'c9', title: 'Menu site' } } }] },
      { tool: 'submit_output', input: brief },
    );
    erp.delayNext('POST', '/api/v1/briefs', 30_000); // the worker dies while this write is in flight

    child = await startWorkerProcess(h);
    const killed = new Promise<void>((resolve) => {
      erp.onRequest = (request) => {
        if (request.method === 'POST' && request.path === '/api/v1/briefs') {
          // Let the ERP apply the write first: the crash comes before the answer reaches us.
          setTimeout(() => {
            child?.kill('SIGKILL');
            resolve();
          }, 200);
        }
      };
    });
    const started = await h.post(apiKey, '/api/skills/brief-creator/invoke', { persona: 'operations-assistant', input: { clientId: 'c9', request: 'A site for the menu' } });
    expect(started.status).toBe(202);
    await killed;
    erp.onRequest = undefined;
    h.startWorker(); // the survivor

    const done = (await eventually(
      () => h.getJson(apiKey, `/api/invocations/${started.body['id'] as string}`),
      (view) => ['completed', 'failed'].includes((view as Json)['status']),
      90_000,
    )) as Json;
    expect(done).toMatchObject({ status: 'completed', output: brief });

    const posts = erp.requests.filter((request) => request.method === 'POST' && request.path === '/api/v1/briefs');
    expect(posts).toHaveLength(2); // the one that lost its worker, and the retry
    expect(new Set(posts.map((post) => post.headers['idempotency-key'])).size).toBe(1);
    const briefs = [...(erp.records.get('briefs')?.values() ?? [])].filter((record) => record['organizationId'] === organizationId);
    expect(briefs).toHaveLength(1);
    // One model call per turn: the first turn's answer was in history, not asked again.
    expect(h.fake.requests.filter((request) => request.key === 'submit_output')).toHaveLength(2);
    // Rows come back in no particular order: pick the ERP write by name.
    const toolCalls = await h.db.db.select().from(agentToolCalls).where(eq(agentToolCalls.invocationId, started.body['id'] as string));
    expect(toolCalls.find((call) => call.name === 'create_brief')).toMatchObject({ executions: 1 });
  });
});
