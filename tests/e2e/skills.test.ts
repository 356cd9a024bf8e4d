import fs from 'node:fs';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { agentToolCalls, llmCalls } from '../../src/db/schema';
import { startFakeErp, type FakeErp } from '../../src/fakes/fake-erp';
import type { FakeReply } from '../../src/fakes/fake-anthropic';
import { installSkillLibrary, SKILL_LIBRARY_DIR } from '../../src/skills/library';
import { chooseVersion } from '../../src/skills/rollout';
import { SKILL_WORKFLOW_TYPE, type SkillRunOutcome, skillWorkflowId } from '../../workflows/definitions';
import { eventually, recordHistoryIfAsked, uniqueId } from '../support/harness';
import { type PipelineHarness, REVIEWER, startPipelineHarness } from '../support/pipeline';
import { customSkill } from '../support/skills';

/**
 * Skills end to end: publishing, personas, invoking through the API and ERP events, the agent
 * loop with the skill's tools only, people in the loop, rollout and rollback. Real Temporal,
 * real Postgres; Claude and the ERP are local HTTP fakes.
 */

jest.setTimeout(120_000);

const briefCreatorSource = fs.readFileSync(path.join(SKILL_LIBRARY_DIR, 'brief-creator.md'), 'utf8');
const PERSONA = 'account-manager';

const validBrief = {
  title: 'Spring campaign landing page',
  objectives: ['Collect sign-ups for the spring campaign'],
  deliverables: ['A landing page with a sign-up form'],
  openQuestions: ['Which CRM receives the sign-ups?'],
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('skills', () => {
  let h: PipelineHarness;
  let erp: FakeErp;
  let org: { organizationId: string; apiKey: string };

  const submit = (input: Json): FakeReply => ({ tool: 'submit_output', input });
  const calls = (...list: Array<{ name: string; input: unknown }>): FakeReply => ({ calls: list });

  const post = async (apiKey: string, urlPath: string, body?: unknown) => (await h.post(apiKey, urlPath, body)) as { status: number; body: Json };
  const call = async (apiKey: string, method: string, urlPath: string, body?: unknown) => (await h.call(apiKey, method, urlPath, body)) as { status: number; body: Json };

  async function invocation(id: string): Promise<Json> {
    return (await h.getJson(org.apiKey, `/api/invocations/${id}`)) as Json;
  }
  async function waitForInvocation(id: string, done: (view: Json) => boolean = (view) => ['completed', 'failed'].includes(view['status'])): Promise<Json> {
    return eventually(() => invocation(id), done, 60_000);
  }
  async function invoke(skill: string, body: Json): Promise<{ status: number; body: Json }> {
    return post(org.apiKey, `/api/skills/${skill}/invoke`, body);
  }

  beforeAll(async () => {
    h = await startPipelineHarness();
    erp = await startFakeErp();
    org = await h.newOrganization({ erp: { apiUrl: erp.apiUrl, serviceKey: erp.serviceKey } });
    erp.seed('clients', { id: 'c1', organizationId: org.organizationId, name: 'Acme Bakery', contract: 'web work' });
    const created = await post(org.apiKey, '/api/personas', {
      slug: PERSONA,
      name: 'Account Manager',
      systemPrompt: 'You are a careful account manager.',
      allowedSkills: [],
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await h.close();
    await erp.close();
  });

  beforeEach(() => h.fake.reset());

  it('publishes a skill version once, refuses changed content under the same version, and syncs it to the ERP', async () => {
    const first = await post(org.apiKey, '/api/skills', { source: briefCreatorSource, changelog: 'first version' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ created: true, version: '1.0.0', erpSync: { status: 'synced' }, skill: { slug: 'brief-creator', enabled: true, rollout: { mode: 'latest' } } });
    expect(first.body['checksum']).toMatch(/^[0-9a-f]{64}$/);
    expect(first.body['warnings']).toEqual(['depends on client-analyzer, which is not published for this organization']);

    const again = await post(org.apiKey, '/api/skills', { source: briefCreatorSource });
    expect(again).toMatchObject({ status: 200, body: { created: false, version: '1.0.0' } });

    const changed = await post(org.apiKey, '/api/skills', { source: briefCreatorSource.replace('A brief is a promise.', 'A brief is a contract.') });
    expect(changed.status).toBe(409);
    expect(changed.body['error']).toMatchObject({ code: 'CONFLICT' });

    const broken = await post(org.apiKey, '/api/skills', { source: briefCreatorSource.replace('version: 1.0.0', 'version: one') });
    expect(broken.status).toBe(422);
    expect(broken.body['error']['details']).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'version', line: 4 })]));

    // A breaking change (an output removed) under a minor version is refused, naming the version to use.
    const breaking = await post(org.apiKey, '/api/skills', { source: briefCreatorSource.replace('version: 1.0.0', 'version: 1.1.0').replace('  - name: openQuestions\n    type: string[]\n', '') });
    expect(breaking).toMatchObject({
      status: 422,
      body: { error: { code: 'VALIDATION_FAILED', details: [{ path: 'version', message: '1.1.0 is a minor version after 1.0.0, but output openQuestions is removed: that is a major change — publish 2.0.0 (or later)' }] } },
    });

    const synced = [...(erp.records.get('agent-skills')?.values() ?? [])].filter((record) => record['organizationId'] === org.organizationId);
    expect(synced).toEqual([expect.objectContaining({ slug: 'brief-creator', name: 'Brief Creator', isEnabled: true, version: '1.0.0' })]);

    // A persona may only allow skills the organization has: a typo is not "allowed to run nothing".
    const unknown = await call(org.apiKey, 'PATCH', `/api/personas/${PERSONA}`, { allowedSkills: ['brief-creator', 'client-analyser'] });
    expect(unknown).toMatchObject({ status: 422, body: { error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('it has: brief-creator'), details: [{ path: 'allowedSkills.1', message: 'no skill client-analyser in this organization' }] } } });

    // The rest of the shipped library, as org:create installs it.
    await installSkillLibrary(h.db.db, org.organizationId);
    const list = (await h.getJson(org.apiKey, '/api/skills')) as Json;
    expect(list['items'].map((skill: Json) => skill['slug'])).toEqual(['brief-creator', 'client-analyzer', 'deadline-tracker', 'quality-checker', 'resource-scanner']);
    const allowed = await call(org.apiKey, 'PATCH', `/api/personas/${PERSONA}`, { allowedSkills: ['brief-creator', 'quality-checker', 'client-analyzer'] });
    expect(allowed).toMatchObject({ status: 200, body: { allowedSkills: ['brief-creator', 'quality-checker', 'client-analyzer'] } });
  });

  it('runs a skill invoked through the API to a validated output, recording the invocation, its tools and its cost', async () => {
    h.fake.onTool(
      'submit_output',
      calls({ name: 'read_client', input: { id: 'c1' } }),
      // Invalid: deliverables missing. The agent is told why and repairs it.
      submit({ title: validBrief.title, objectives: validBrief.objectives, openQuestions: [] }),
      calls({ name: 'create_brief', input: { fields: { clientId: 'c1', title: validBrief.title, status: 'draft' } } }),
      submit(validBrief),
    );
    const request = {
      persona: PERSONA,
      input: { clientId: 'c1', request: 'A landing page for the spring campaign' },
      entityType: 'Client',
      entityId: 'c1',
    };
    const idempotent = async (body: unknown = request) => {
      const response = await h.request('/api/skills/brief-creator/invoke', {
        method: 'POST',
        headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/json', 'idempotency-key': `erp-request-${org.organizationId}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, replayed: response.headers.get('idempotent-replayed'), body: (await response.json()) as Json };
    };
    const started = await idempotent();
    expect(started.status).toBe(202);
    // The ERP retries the same request: the first answer again, and no second run.
    const retried = await idempotent();
    expect(retried).toEqual({ status: 202, replayed: 'true', body: started.body });
    expect(started.body).toMatchObject({ status: 'pending', skill: 'brief-creator', version: '1.0.0', persona: PERSONA, created: true });
    // The same key for another request is a mistake, not a retry.
    const reused = await idempotent({ ...request, entityId: 'c2' });
    expect(reused).toMatchObject({ status: 422, body: { error: { code: 'IDEMPOTENCY_MISMATCH' } } });

    const done = await waitForInvocation(started.body['id']);
    expect(done).toMatchObject({
      status: 'completed',
      skill: 'brief-creator',
      version: '1.0.0',
      persona: PERSONA,
      triggeredBy: 'api',
      entityType: 'Client',
      entityId: 'c1',
      output: validBrief,
      error: null,
    });
    expect(done['durationMs']).toBeGreaterThan(0);
    // The ERP's AgentInvocation record of the run, sent once it finished.
    const erpInvocation = await eventually(
      async () => [...(erp.records.get('agent-invocations')?.values() ?? [])].find((record) => record['externalId'] === started.body['id']),
      (record) => record !== undefined,
    );
    await recordHistoryIfAsked(h.temporal.client, started.body['workflowId'], 'skill-invoked-erp-synced');
    expect(erpInvocation).toMatchObject({ organizationId: org.organizationId, skillId: 'brief-creator', skillVersion: '1.0.0', status: 'completed', output: validBrief, entityType: 'Client', entityId: 'c1' });


    // The ERP saw the read and exactly one create, with an idempotency key.
    // (agent-skills and agent-invocations are our records on the ERP, not the agent's tools.)
    const toolCalls = (request: { path: string }) => !/\/agent-(skills|invocations)$/.test(request.path);
    const erpCalls = erp.requests.filter((request) => request.query['organizationId'] === org.organizationId && toolCalls(request));
    expect(erpCalls.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /api/v1/clients/c1', 'POST /api/v1/briefs']);
    expect(erpCalls[1]!.headers['idempotency-key']).toContain(started.body['id']);

    // The agent was offered the skill's tools and nothing else; the system prompt is persona + skill.
    const lastModelRequest = h.fake.requests.at(-1)!.body;
    expect(lastModelRequest.tools!.map((tool) => tool.name)).toEqual(['read_client', 'create_brief', 'request_info', 'flag_for_review', 'submit_output']);
    expect(JSON.stringify(lastModelRequest.system)).toContain('You are a careful account manager.');
    expect(JSON.stringify(lastModelRequest.system)).toContain('# Skill: Brief Creator (brief-creator@1.0.0)');

    const tools = await h.db.db.select().from(agentToolCalls).where(eq(agentToolCalls.invocationId, started.body['id']));
    expect(tools.filter((call) => call.name !== 'submit_output').map((call) => [call.name, call.executions])).toEqual(
      expect.arrayContaining([
        ['read_client', 1],
        ['create_brief', 1],
      ]),
    );
    const [spent] = await h.db.db
      .select({ total: sql<string>`sum(${llmCalls.costUsd})`, count: sql<number>`count(*)::int` })
      .from(llmCalls)
      .where(and(eq(llmCalls.organizationId, org.organizationId), eq(llmCalls.invocationId, started.body['id'])));
    expect(spent!.count).toBe(4);
    expect(done['costUsd']).toBeCloseTo(Number(spent!.total), 6);
    expect(done['costUsd']).toBeGreaterThan(0);
  });

  it('refuses a persona that may not use the skill, bad input, unknown skills — before and inside the workflow', async () => {
    await post(org.apiKey, '/api/personas', { slug: 'intern', name: 'Intern', systemPrompt: 'You help.', allowedSkills: ['client-analyzer'] });
    const refused = await invoke('brief-creator', { persona: 'intern', input: { clientId: 'c1', request: 'x' } });
    expect(refused.status).toBe(403);
    expect(refused.body['error']['message']).toBe('Persona intern is not allowed to run brief-creator');

    const badInput = await invoke('brief-creator', { persona: PERSONA, input: { clientId: 'c1', deadline: 'someday' } });
    expect(badInput.status).toBe(422);
    expect(badInput.body['error']['details'].map((detail: Json) => detail['path']).sort()).toEqual(['input.deadline', 'input.request']);

    expect((await invoke('no-such-skill', { persona: PERSONA, input: {} })).status).toBe(404);
    expect((await invoke('brief-creator', { persona: 'nobody', input: {} })).status).toBe(404);

    // Schedules and events start the workflow without the API's checks: it refuses by itself.
    const modelCallsBefore = h.fake.requests.length;
    const invocationId = crypto.randomUUID();
    const outcome: SkillRunOutcome = await h.temporal.client.workflow.execute(SKILL_WORKFLOW_TYPE, {
      taskQueue: h.taskQueue,
      workflowId: skillWorkflowId(org.organizationId, invocationId),
      args: [{ organizationId: org.organizationId, skill: 'brief-creator', persona: 'intern', input: { clientId: 'c1', request: 'x' }, triggeredBy: 'api', invocationId }],
    });
    expect(outcome).toMatchObject({ status: 'failed', error: 'persona intern is not allowed to run brief-creator' });
    expect(await invocation(invocationId)).toMatchObject({ status: 'failed', error: 'persona intern is not allowed to run brief-creator' });
    expect(h.fake.requests.length).toBe(modelCallsBefore);
  });

  it('refuses a tool outside the skill permissions to the agent, and never calls the ERP for it', async () => {
    const agentToolRequests = () => erp.requests.filter((request) => !/\/agent-(skills|invocations)$/.test(request.path)).length;
    const before = agentToolRequests();
    h.fake.onTool(
      'submit_output',
      calls({ name: 'create_brief', input: { fields: { title: 'not mine to create' } } }, { name: 'run_command', input: { argv: ['rm', '-rf', '/'] } }),
      submit({ verdict: 'pass', findings: [], score: 9 }),
    );
    const started = await invoke('quality-checker', { persona: PERSONA, input: { deliverableId: 'd1', briefId: 'b1' } });
    expect(started.status).toBe(202);
    const done = await waitForInvocation(started.body['id']);
    expect(done).toMatchObject({ status: 'completed', output: { verdict: 'pass', findings: [], score: 9 } });

    const tools = await h.db.db.select().from(agentToolCalls).where(eq(agentToolCalls.invocationId, started.body['id']));
    const refusedCalls = tools.filter((call) => call.name !== 'submit_output');
    expect(refusedCalls).toHaveLength(2);
    for (const call of refusedCalls) {
      expect(call).toMatchObject({ isError: 1, executions: 0 });
      expect(call.output).toContain(`tool ${call.name} is not permitted for skill quality-checker`);
    }
    expect(agentToolRequests()).toBe(before);
    // What the agent read back: the refusal as the tool's result.
    const secondTurn = h.fake.requests.at(-1)!.body.messages.at(-1)!.content as Json[];
    expect(secondTurn.map((block) => block['is_error'])).toEqual([true, true]);
  });

  it('asks a person when the skill says "request additional info", and stops when a reviewer rejects a flagged run', async () => {
    h.fake.onTool(
      'submit_output',
      calls({ name: 'request_info', input: { question: 'Which page of the site is this for?' } }),
      submit(validBrief),
    );
    const asked = await invoke('brief-creator', { persona: PERSONA, input: { clientId: 'c1', request: 'Fix the page' } });
    const waiting = await waitForInvocation(asked.body['id'], (view) => view['liveStatus'] === 'awaiting_input');
    expect(waiting['pending']).toMatchObject({ kind: 'question', prompt: 'Which page of the site is this for?' });

    const stranger = await post(org.apiKey, `/api/invocations/${asked.body['id']}/answers`, { answeredBy: 'mallory', answer: 'all of them' });
    expect(stranger.status).toBe(403);
    const wrongKind = await post(org.apiKey, `/api/invocations/${asked.body['id']}/approval`, { reviewer: REVIEWER, decision: 'approve' });
    expect(wrongKind.status).toBe(409);
    const answered = await post(org.apiKey, `/api/invocations/${asked.body['id']}/answers`, { answeredBy: REVIEWER, answer: 'The pricing page' });
    expect(answered.status).toBe(200);

    const done = await waitForInvocation(asked.body['id']);
    expect(done).toMatchObject({
      status: 'completed',
      output: validBrief,
      requests: [expect.objectContaining({ kind: 'question', status: 'answered', response: 'The pricing page', respondedBy: REVIEWER })],
    });
    await recordHistoryIfAsked(h.temporal.client, asked.body['workflowId'], 'skill-question-answered');
    const lastTurn = h.fake.requests.at(-1)!.body.messages.at(-1)!.content as Json[];
    expect(lastTurn[0]).toMatchObject({ type: 'tool_result', content: `${REVIEWER} answered: The pricing page` });

    h.fake.onTool('submit_output', calls({ name: 'flag_for_review', input: { reason: 'The request asks for work outside the contract.' } }));
    const flagged = await invoke('brief-creator', { persona: PERSONA, input: { clientId: 'c1', request: 'Also build us an app' } });
    await waitForInvocation(flagged.body['id'], (view) => view['liveStatus'] === 'awaiting_review');
    const rejected = await post(org.apiKey, `/api/invocations/${flagged.body['id']}/approval`, { reviewer: REVIEWER, decision: 'reject', comment: 'out of scope' });
    expect(rejected.status).toBe(200);
    expect(await waitForInvocation(flagged.body['id'])).toMatchObject({
      status: 'failed',
      error: `rejected in review by ${REVIEWER}: out of scope`,
      requests: [expect.objectContaining({ kind: 'review', status: 'rejected', respondedBy: REVIEWER })],
    });
    await recordHistoryIfAsked(h.temporal.client, flagged.body['workflowId'], 'skill-review-rejected');
  });

  it('holds runs while the organization\'s agents are paused and continues them where they stopped on resume', async () => {
    const modelCalls = () => h.fake.requests.filter((request) => request.key === 'submit_output').length;
    const heldView = (view: Json) => view['held'] !== null && view['held'] !== undefined;
    // Paused before it starts: accepted, held before its first turn, no model call.
    expect((await post(org.apiKey, '/api/admin/pause', { reason: 'ERP maintenance' })).status).toBe(200);
    const before = modelCalls();
    const early = await invoke('brief-creator', { persona: PERSONA, input: { clientId: 'c1', request: 'A banner' } });
    expect(early.status).toBe(202);
    expect(await waitForInvocation(early.body['id'], heldView)).toMatchObject({ status: 'running', held: { reason: 'agents are paused: ERP maintenance', since: expect.any(String) } });
    expect(modelCalls()).toBe(before);

    // Paused mid-run: the answer to its question lands, its next turn waits.
    h.fake.onTool('submit_output', calls({ name: 'request_info', input: { question: 'Which banner size?' } }));
    expect((await post(org.apiKey, '/api/admin/resume', {})).status).toBe(200);
    await waitForInvocation(early.body['id'], (view) => view['liveStatus'] === 'awaiting_input');
    expect((await post(org.apiKey, '/api/admin/pause', { reason: 'again' })).status).toBe(200);
    const asked = modelCalls();
    expect((await post(org.apiKey, `/api/invocations/${early.body['id']}/answers`, { answeredBy: REVIEWER, answer: '728x90' })).status).toBe(200);
    expect(await waitForInvocation(early.body['id'], heldView)).toMatchObject({ held: { reason: 'agents are paused: again' } });
    expect(modelCalls()).toBe(asked);

    h.fake.onTool('submit_output', submit(validBrief));
    expect((await post(org.apiKey, '/api/admin/resume', {})).status).toBe(200);
    expect(await waitForInvocation(early.body['id'])).toMatchObject({ status: 'completed', output: validBrief, held: null });
    // One call per turn: nothing was repeated across the holds.
    expect(modelCalls()).toBe(before + 2);
  });

  it('cancels a run waiting for a person', async () => {
    h.fake.onTool('submit_output', calls({ name: 'request_info', input: { question: 'Which brand guide?' } }));
    const started = await invoke('brief-creator', { persona: PERSONA, input: { clientId: 'c1', request: 'A flyer' } });
    await waitForInvocation(started.body['id'], (view) => view['liveStatus'] === 'awaiting_input');
    expect((await post(org.apiKey, `/api/invocations/${started.body['id']}/cancel`)).status).toBe(202);
    expect(await waitForInvocation(started.body['id'])).toMatchObject({
      status: 'failed',
      error: 'cancelled',
      requests: [expect.objectContaining({ kind: 'question', status: 'expired' })],
    });
    expect((await post(org.apiKey, `/api/invocations/${started.body['id']}/cancel`)).status).toBe(409);
  });

  it('marks a run failed when its workflow was terminated without recording it', async () => {
    h.fake.onTool('submit_output', calls({ name: 'request_info', input: { question: 'Who signs off?' } }));
    const started = await invoke('brief-creator', { persona: PERSONA, input: { clientId: 'c1', request: 'A poster' } });
    await waitForInvocation(started.body['id'], (view) => view['liveStatus'] === 'awaiting_input');
    await h.temporal.client.workflow.getHandle(started.body['workflowId']).terminate('operator cleanup');
    expect(await invocation(started.body['id'])).toMatchObject({ status: 'failed', error: 'the workflow ended as terminated without recording a result' });
  });

  it('fans an ERP event out to every enabled subscribed skill, once per event id', async () => {
    for (const source of [customSkill('deal-summary', '1.0.0'), customSkill('deal-risks', '1.0.0'), customSkill('deal-muted', '1.0.0'), customSkill('lead-notes', '1.0.0', { event: 'lead_created' })]) {
      expect((await post(org.apiKey, '/api/skills', { source })).status).toBe(201);
    }
    const muted = await call(org.apiKey, 'PATCH', '/api/skills/deal-muted', { enabled: false });
    expect(muted).toMatchObject({ status: 200, body: { enabled: false, erpSync: { status: 'synced' } } });
    const erpRecord = [...(erp.records.get('agent-skills')?.values() ?? [])].find((record) => record['organizationId'] === org.organizationId && record['slug'] === 'deal-muted');
    expect(erpRecord).toMatchObject({ isEnabled: false });
    await post(org.apiKey, '/api/personas', {
      slug: 'sales-analyst',
      name: 'Sales Analyst',
      systemPrompt: 'You analyse deals.',
      allowedSkills: ['deal-summary', 'deal-muted', 'lead-notes'],
    });
    h.fake.onTool('submit_output', submit({ summary: 'Won: 12k ARR' }));

    const eventId = uniqueId('evt');
    const event = { eventId, type: 'deal_won', payload: { dealId: 'd-42' }, entityType: 'Deal', entityId: 'd-42' };
    const deliveries = await Promise.all(Array.from({ length: 5 }, () => post(org.apiKey, '/api/events', event)));
    const first = deliveries.filter((delivery) => delivery.status === 202);
    expect(first).toHaveLength(1);
    expect(deliveries.filter((delivery) => delivery.status === 200 && delivery.body['duplicate'] === true)).toHaveLength(4);
    const outcome = first[0]!.body;
    expect(outcome['invocations'].map((started: Json) => [started['skill'], started['persona']])).toEqual([['deal-summary', 'sales-analyst']]);
    expect(outcome['skipped']).toEqual([{ skill: 'deal-risks', reason: 'no enabled persona is allowed to run it' }]);

    const done = await waitForInvocation(outcome['invocations'][0]['id']);
    expect(done).toMatchObject({ status: 'completed', triggeredBy: 'event:deal_won', eventId, entityType: 'Deal', output: { summary: 'Won: 12k ARR' } });
    const later = await post(org.apiKey, '/api/events', event);
    expect(later).toMatchObject({ status: 200, body: { duplicate: true, invocations: outcome['invocations'] } });
    const fromEvent = ((await h.getJson(org.apiKey, '/api/invocations?skill=deal-summary')) as Json)['items'].filter((item: Json) => item['eventId'] === eventId);
    expect(fromEvent).toHaveLength(1);

    // A payload that does not match a subscribed skill's inputs starts nothing and does not use
    // up its event id: the corrected delivery runs.
    const fixedLater = uniqueId('evt');
    const invalid = await post(org.apiKey, '/api/events', { ...event, eventId: fixedLater, payload: { deal: 'd-43' } });
    expect(invalid).toMatchObject({ status: 422, body: { error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('deal-summary'), details: [{ path: 'payload.dealId' }] } } });
    h.fake.onTool('submit_output', submit({ summary: 'Won: 8k ARR' }));
    const corrected = await post(org.apiKey, '/api/events', { ...event, eventId: fixedLater, payload: { dealId: 'd-43' } });
    expect(corrected).toMatchObject({ status: 202, body: { duplicate: false, invocations: [{ skill: 'deal-summary' }] } });
    expect(await waitForInvocation(corrected.body['invocations'][0]['id'])).toMatchObject({ status: 'completed' });
  });

  it('routes a canary share by invocation id and rolls back for the next invocation', async () => {
    expect((await post(org.apiKey, '/api/skills', { source: customSkill('deal-summary', '1.1.0', { summary: 'Summarise a deal, with its risks.' }), changelog: 'adds risks' })).status).toBe(201);
    await call(org.apiKey, 'PATCH', '/api/personas/sales-analyst', { allowedSkills: ['deal-summary'] });

    const notPublished = await call(org.apiKey, 'PATCH', '/api/skills/deal-summary', { rollout: { mode: 'canary', stable: '1.0.0', canary: '2.0.0', percent: 50 } });
    expect(notPublished.status).toBe(422);
    const rollout = { mode: 'canary' as const, stable: '1.0.0', canary: '1.1.0', percent: 50 };
    expect((await call(org.apiKey, 'PATCH', '/api/skills/deal-summary', { rollout })).status).toBe(200);

    const runs = 6;
    h.fake.onTool('submit_output', ...Array.from({ length: runs }, () => submit({ summary: 'ok' })));
    const ids: string[] = [];
    for (let index = 0; index < runs; index++) {
      ids.push((await invoke('deal-summary', { persona: 'sales-analyst', input: { dealId: `d${index}` } })).body['id']);
    }
    const versions = await Promise.all(ids.map(async (id) => (await waitForInvocation(id))['version']));
    // Each run got the version its id selects — the same choice on every retry or replay.
    expect(versions).toEqual(ids.map((id) => chooseVersion(rollout, ['1.0.0', '1.1.0'], id)));
    const prompts = h.fake.requests.slice(-runs).map((request) => JSON.stringify(request.body.system));
    expect(prompts.filter((prompt) => prompt.includes('deal-summary@1.1.0')).length).toBe(versions.filter((version) => version === '1.1.0').length);

    // Follow latest → 1.1.0; roll back → pinned 1.0.0 for the very next invocation.
    await call(org.apiKey, 'PATCH', '/api/skills/deal-summary', { rollout: { mode: 'latest' } });
    h.fake.onTool('submit_output', submit({ summary: 'latest' }), submit({ summary: 'rolled back' }));
    const onLatest = await invoke('deal-summary', { persona: 'sales-analyst', input: { dealId: 'd-latest' } });
    expect((await waitForInvocation(onLatest.body['id']))['version']).toBe('1.1.0');
    const rolledBack = await post(org.apiKey, '/api/skills/deal-summary/rollback');
    expect(rolledBack).toMatchObject({ status: 200, body: { rollout: { mode: 'pinned', version: '1.0.0' }, rolledBackFrom: { mode: 'latest' } } });
    const next = await invoke('deal-summary', { persona: 'sales-analyst', input: { dealId: 'd-next' } });
    expect(next.body['version']).toBe('1.0.0');
    expect(await waitForInvocation(next.body['id'])).toMatchObject({ status: 'completed', version: '1.0.0', output: { summary: 'rolled back' } });
    expect((await post(org.apiKey, '/api/skills/deal-summary/rollback')).status).toBe(409);
  });

  it('manages personas: unique slugs, validated updates, 404 for another organization', async () => {
    const duplicate = await post(org.apiKey, '/api/personas', { slug: PERSONA, name: 'Again', systemPrompt: 'x' });
    expect(duplicate.status).toBe(409);
    expect((await post(org.apiKey, '/api/personas', { slug: 'Bad Slug', name: 'x', systemPrompt: 'x' })).status).toBe(422);
    expect((await call(org.apiKey, 'PATCH', `/api/personas/${PERSONA}`, {})).status).toBe(422);
    const disabled = await call(org.apiKey, 'PATCH', '/api/personas/intern', { enabled: false });
    expect(disabled).toMatchObject({ status: 200, body: { slug: 'intern', enabled: false } });
    expect((await invoke('client-analyzer', { persona: 'intern', input: { clientId: 'c1' } })).status).toBe(409);

    const other = await h.newOrganization();
    expect((await h.getJson(other.apiKey, `/api/personas/${PERSONA}`)) as Json).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(((await h.getJson(other.apiKey, '/api/skills')) as Json)['items']).toEqual([]);
    expect((await call(other.apiKey, 'DELETE', '/api/personas/intern')).status).toBe(404);
    expect((await call(org.apiKey, 'DELETE', '/api/personas/intern')).status).toBe(204);
    expect((await call(org.apiKey, 'GET', '/api/personas/intern')).status).toBe(404);
  });

  it("bounds a run's own budget: a minimum, and the plan's per-run maximum", async () => {
    const tiny = await invoke('client-analyzer', { persona: PERSONA, input: { clientId: 'c1' }, budgetUsd: 0.0001 });
    expect(tiny.status).toBe(422);
    expect(JSON.stringify(tiny.body)).toMatch(/at least 0.05/);
    // A free organization may give one run at most $5.
    const free = await h.newOrganization({}, 'free');
    const refused = await call(free.apiKey, 'POST', '/api/skills/client-analyzer/invoke', { persona: PERSONA, input: { clientId: 'c1' }, budgetUsd: 50 });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: { details: [{ path: 'budgetUsd', message: "budgetUsd 50 is over the free plan's maximum of 5 per request" }] } });
  });
});
