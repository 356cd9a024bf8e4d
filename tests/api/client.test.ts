import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createApp } from '../../src/api/app';
import { createOrchestratorClient } from '../../src/client';
import type { DatabaseHandle } from '../../src/db/client';
import { createAccessService } from '../../src/identity/service';
import { createIssueService } from '../../src/issues/service';
import { checked, fetchThrough } from '../support/contract';
import { createTestOrganization, openTestDatabase, uniqueId } from '../support/harness';
import { InMemoryRuns } from '../support/in-memory-runs';

/** The typed client: generated from the document it ships with, and working against the API. */
describe('typed client', () => {
  let db: DatabaseHandle;
  let api: ReturnType<typeof createOrchestratorClient>;

  beforeAll(async () => {
    db = await openTestDatabase();
    const { apiKey } = await createTestOrganization(db);
    const issues = createIssueService({ db: db.db, runs: new InMemoryRuns(), taskQueue: uniqueId('tq'), publicBaseUrl: 'https://o.example', temporalUiUrl: 'http://localhost:8233', namespace: 'default' });
    const app = checked(createApp({ issues, access: createAccessService(db.db), idempotencyStore: db.db, health: async () => ({}), logError: () => undefined }));
    api = createOrchestratorClient({ baseUrl: 'http://127.0.0.1:3000', apiKey, fetch: fetchThrough(app) });
  });
  afterAll(() => db.close());

  it('is generated from the current document (run npm run client:generate after changing the API)', async () => {
    // A child process: openapi-typescript is an ES module Jest's CommonJS runtime cannot load.
    const root = path.join(__dirname, '../..');
    const check = await promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), 'src/main/generate-client.ts', '--check'], { cwd: root }).then(
      () => 'current',
      (error: { stderr: string }) => error.stderr.trim(),
    );
    expect(check).toBe('current');
  }, 60_000);

  it('submits, reads and pages issues with typed bodies and answers, and types the errors', async () => {
    const externalId = uniqueId('ERP');
    const submitted = await api.POST('/api/issues', {
      body: { source: 'erp', externalId, type: 'bug', priority: 'high', title: 'Export crashes', description: 'It throws' },
      params: { header: { 'Idempotency-Key': uniqueId('key') } },
    });
    expect(submitted.response.status).toBe(201);
    const id = submitted.data!.id;
    const { data: issue } = await api.GET('/api/issues/{id}', { params: { path: { id } } });
    expect(issue).toMatchObject({ id, externalId, status: 'queued', erpStatus: 'QUEUED', type: 'bug' });

    await api.POST('/api/issues', { body: { type: 'task', title: 'Second' } });
    const first = await api.GET('/api/issues', { params: { query: { limit: 1 } } });
    expect(first.data).toMatchObject({ hasMore: true, nextCursor: expect.any(String) });
    const second = await api.GET('/api/issues', { params: { query: { limit: 1, cursor: first.data!.nextCursor! } } });
    expect(second.data!.items[0]!.id).not.toBe(first.data!.items[0]!.id);

    const refused = await api.POST('/api/issues', { body: { type: 'wish' as never, title: 'x' } });
    expect(refused.response.status).toBe(422);
    expect(refused.error?.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'type' }] });
  });
});
