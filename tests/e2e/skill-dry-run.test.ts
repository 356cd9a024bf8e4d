import fs from 'node:fs';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import { organizations } from '../../src/db/schema';
import path from 'node:path';
import { startFakeErp, type FakeErp } from '../../src/fakes/fake-erp';
import type { FakeReply } from '../../src/fakes/fake-anthropic';
import { SKILL_LIBRARY_DIR } from '../../src/skills/library';
import { listToolCalls } from '../../src/db/agent-transcripts';
import { eventually, recordHistoryIfAsked } from '../support/harness';
import { type PipelineHarness, startPipelineHarness } from '../support/pipeline';
import { startMcpHttpServer } from '../support/mcp-http-server';

/**
 * Dry runs of a skill (README "Dry runs"): a version — a draft included — runs against a real
 * input; its reads reach the ERP, its writes are recorded as `wouldWrite` and never sent, a
 * review it asks for is recorded and taken as approved, and nothing of the run reaches the
 * ERP's AgentInvocation records or the callback URL.
 */

jest.setTimeout(120_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const briefCreator = fs.readFileSync(path.join(SKILL_LIBRARY_DIR, 'brief-creator.md'), 'utf8');
const draft = briefCreator.replace('version: 1.0.0', 'version: 1.1.0').replace('status: active', 'status: draft');
const PERSONA = 'account-manager';
const brief = { title: 'Spring landing page', objectives: ['Collect sign-ups'], deliverables: ['A landing page'], openQuestions: [] };

describe('skill dry runs', () => {
  let h: PipelineHarness;
  let erp: FakeErp;
  let org: { organizationId: string; apiKey: string };

  const post = async (urlPath: string, body?: unknown) => (await h.post(org.apiKey, urlPath, body)) as { status: number; body: Json };
  const view = async (id: string) => (await h.getJson(org.apiKey, `/api/invocations/${id}`)) as Json;
  const setSettings = async (change: Record<string, unknown>) => {
    const [row] = await h.db.db.select().from(organizations).where(eq(organizations.id, org.organizationId));
    await h.db.db.update(organizations).set({ settings: { ...(row?.settings as object), ...change } }).where(eq(organizations.id, org.organizationId));
  };
  const ended = (id: string) => eventually(() => view(id), (v) => ['completed', 'failed'].includes(v['status']), 60_000);

  beforeAll(async () => {
    h = await startPipelineHarness();
    erp = await startFakeErp();
    org = await h.newOrganization({ erp: { apiUrl: erp.apiUrl, serviceKey: erp.serviceKey, callbackUrl: `${erp.apiUrl}/callbacks` } });
    erp.seed('clients', { id: 'c1', organizationId: org.organizationId, name: 'Acme Bakery' });
    expect((await post('/api/skills', { source: briefCreator, changelog: 'first' })).status).toBe(201);
    expect((await post('/api/skills', { source: draft, changelog: 'a draft to try' })).status).toBe(201);
    expect((await post('/api/personas', { slug: PERSONA, name: 'Account Manager', systemPrompt: 'You are careful.', allowedSkills: ['brief-creator'] })).status).toBe(201);
  });

  afterAll(async () => {
    await h.close();
    await erp.close();
  });

  it('runs a draft version: reads reach the ERP, writes are recorded and not sent, a review is taken as approved', async () => {
    const writesBefore = erp.requests.filter((request) => request.method !== 'GET').length;
    h.fake.onTool(
      'submit_output',
      { calls: [{ name: 'read_client', input: { id: 'c1' } }] } satisfies FakeReply,
      { calls: [{ name: 'create_brief', input: { fields: { clientId: 'c1', title: brief.title, status: 'draft' } } }] } satisfies FakeReply,
      { calls: [{ name: 'flag_for_review', input: { reason: 'The request may exceed the contract scope' } }] } satisfies FakeReply,
      { tool: 'submit_output', input: brief } satisfies FakeReply,
    );
    const started = await post('/api/skills/brief-creator/invoke', { persona: PERSONA, input: { clientId: 'c1', request: 'A landing page for spring' }, version: '1.1.0', dryRun: true });
    expect(started).toMatchObject({ status: 202, body: { version: '1.1.0', dryRun: true } });
    const done = await ended(started.body['id']);
    await recordHistoryIfAsked(h.temporal.client, started.body['workflowId'], 'skill-dry-run');
    expect(done).toMatchObject({
      status: 'completed',
      version: '1.1.0',
      dryRun: true,
      output: brief,
      wouldWrite: [{ tool: 'create_brief', method: 'POST', path: '/briefs', body: { clientId: 'c1', title: brief.title, status: 'draft' } }],
      requests: [{ kind: 'review', prompt: 'The request may exceed the contract scope', status: 'approved', respondedBy: 'dry run' }],
    });
    // The read went to the ERP; nothing was written there: no brief, no AgentInvocation, no callback (all POSTs).
    expect(erp.requests.some((request) => request.method === 'GET' && request.path.includes('/clients/c1'))).toBe(true);
    expect(erp.requests.filter((request) => request.method !== 'GET').length).toBe(writesBefore);
    expect([...(erp.records.get('briefs')?.values() ?? [])]).toEqual([]);
    const calls = await listToolCalls(h.db.db, { organizationId: org.organizationId, invocationId: started.body['id'] });
    expect(calls.find((call) => call.name === 'create_brief')?.output).toContain('(dry run: not sent) would write POST /briefs');
    // The console's page of the run says so, with the writes it did not send.
    const signIn = await h.request('/console/sign-in', { method: 'POST', headers: { origin: 'http://localhost:3000', 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ key: org.apiKey }).toString() });
    expect(signIn.status).toBe(303);
    const cookie = /console_session=[^;]+/.exec(signIn.headers.get('set-cookie') ?? '')?.[0] ?? '';
    const page = await (await h.request(`/console/invocations/${started.body['id']}`, { headers: { cookie } })).text();
    expect(page).toContain('Would write (not sent)');
    expect(page).toContain('POST /briefs');
    expect(page).toContain('its writes were not sent');
    // Listed as a dry run too.
    const list = (await h.getJson(org.apiKey, '/api/invocations')) as Json;
    expect(list['items'].find((item: Json) => item['id'] === started.body['id'])).toMatchObject({ dryRun: true });
  });

  it("offers a dry run no MCP tool, and calls none it names (an MCP tool may write)", async () => {
    // A server that offers its tools to every skill, and counts what is called.
    const calls: string[] = [];
    const server = await startMcpHttpServer('tickets', (mcp) => {
      mcp.registerTool('create_ticket', { description: 'Open a ticket', inputSchema: { title: z.string() } }, async ({ title }) => {
        calls.push(title);
        return { content: [{ type: 'text', text: 'opened' }] };
      });
    });
    try {
      const { url } = server;
      await setSettings({ mcp: { servers: [{ name: 'tickets', url, stages: [], skills: ['*'] }] } });
      h.fake.onTool(
        'submit_output',
        { calls: [{ name: 'mcp__tickets__create_ticket', input: { title: 'from a dry run' } }] } satisfies FakeReply,
        { tool: 'submit_output', input: brief } satisfies FakeReply,
      );
      const started = await post('/api/skills/brief-creator/invoke', { persona: PERSONA, input: { clientId: 'c1', request: 'x' }, dryRun: true });
      expect(await ended(started.body['id'])).toMatchObject({ status: 'completed', dryRun: true });
      const offered = (h.fake.requests.filter((request) => request.key === 'submit_output').at(-2)?.body.tools ?? []).map((tool) => tool.name);
      expect(offered.some((name) => name.startsWith('mcp__'))).toBe(false);
      const refused = (await listToolCalls(h.db.db, { organizationId: org.organizationId, invocationId: started.body['id'] })).find((call) => call.name.startsWith('mcp__'));
      // Refused as a tool the run was not given (runSkillTool refuses MCP calls of a dry run too, behind it).
      expect(refused).toMatchObject({ isError: 1, executions: 0, output: 'mcp__tickets__create_ticket is not available to this run' });
      expect(calls).toEqual([]);
    } finally {
      await setSettings({ mcp: { servers: [] } });
      await server.close();
    }
  });

  it('writes for real without dryRun, and refuses a dryRun that is not a boolean', async () => {
    h.fake.onTool(
      'submit_output',
      { calls: [{ name: 'create_brief', input: { fields: { clientId: 'c1', title: 'Real brief' } } }] } satisfies FakeReply,
      { tool: 'submit_output', input: brief } satisfies FakeReply,
    );
    const started = await post('/api/skills/brief-creator/invoke', { persona: PERSONA, input: { clientId: 'c1', request: 'Real work' } });
    expect(started).toMatchObject({ status: 202, body: { version: '1.0.0', dryRun: false } });
    expect(await ended(started.body['id'])).toMatchObject({ status: 'completed', dryRun: false, wouldWrite: [] });
    expect([...(erp.records.get('briefs')?.values() ?? [])]).toEqual([expect.objectContaining({ title: 'Real brief' })]);

    const refused = await post('/api/skills/brief-creator/invoke', { persona: PERSONA, input: { clientId: 'c1', request: 'x' }, dryRun: 'yes' });
    expect(refused.status).toBe(422);
  });
});
