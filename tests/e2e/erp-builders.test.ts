import type { ChildProcess } from 'node:child_process';
import { issueApiKey } from '../../src/db/organizations';
import { listSkillVersions } from '../../src/db/skills';
import { startFakeErp, type FakeErp } from '../../src/fakes/fake-erp';
import type { FakeReply } from '../../src/fakes/fake-anthropic';
import { installSkillLibrary } from '../../src/skills/library';
import { searchAttributes } from '../../workflows/definitions';
import { eventually, recordHistoryIfAsked } from '../support/harness';
import { ADMIN_REVIEWER, type PipelineHarness, REVIEWER, startPipelineHarness, startWorkerProcess } from '../support/pipeline';

/**
 * The Form Generator, the Workflow Designer and the Feature Builder (README "Builder agents")
 * on the real Temporal server and Postgres, Claude and the ERP faked over HTTP. The agents read
 * what the ERP has, their proposals are checked (the ERP's shapes, the skills a trigger
 * invokes, chains that loop), a reviewer sees the exact payloads, and only an approval creates
 * them — once each, even when the worker is killed between the ERP's create and our record of
 * it. The Feature Builder's draft must add a capability, and takes the version it needs.
 */

jest.setTimeout(150_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const intakeForm = {
  name: 'Campaign request',
  purpose: 'What a client asks for when they want a campaign',
  fields: [
    { name: 'companyName', label: 'Company name', type: 'text', required: true },
    { name: 'channels', label: 'Channels', type: 'multiselect', required: true, options: ['Web', 'Print', 'Social'] },
    { name: 'budget', label: 'Budget (USD)', type: 'number' },
    { name: 'launchDate', label: 'Launch date', type: 'date' },
  ],
};

describe('builder agents that write to the ERP, and the Feature Builder', () => {
  let h: PipelineHarness;
  let erp: FakeErp;
  let org: { organizationId: string; apiKey: string };
  let child: ChildProcess | undefined;

  const post = async (urlPath: string, body?: unknown, key = org.apiKey) => (await h.post(key, urlPath, body)) as { status: number; body: Json };
  const getBuild = async (id: string) => (await h.getJson(org.apiKey, `/api/builds/${id}`)) as Json;
  const waitForBuild = (id: string, done: (build: Json) => boolean) => eventually(() => getBuild(id), done, 90_000);
  const erpRecords = (collection: string) => [...(erp.records.get(collection)?.values() ?? [])].filter((record) => record['organizationId'] === org.organizationId);
  const proposal = (summary: string): FakeReply => ({ tool: 'submit_proposal', input: { summary, rationale: 'Follows the organization’s existing records' } });

  beforeAll(async () => {
    h = await startPipelineHarness({ startWorker: false });
    erp = await startFakeErp();
    org = await h.newOrganization({ erp: { apiUrl: erp.apiUrl, serviceKey: erp.serviceKey } });
    await installSkillLibrary(h.db.db, org.organizationId);
    erp.seed('form-templates', { id: 'f1', organizationId: org.organizationId, name: 'Client intake', purpose: 'New clients', fields: [{ name: 'companyName', label: 'Company name', type: 'text', required: true }] });
    erp.seed('agent-skills', { id: 's1', organizationId: org.organizationId, slug: 'brief-creator', name: 'Brief Creator', isEnabled: true });
    // An existing link of a chain: a created brief asks the client for a review.
    erp.seed('content-triggers', { id: 't0', organizationId: org.organizationId, name: 'Review request', event: 'brief.created', conditions: [], action: { type: 'emit_event', event: 'client.review_requested', payloadMapping: {} } });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await h.close();
    await erp.close();
  });

  it('the Form Generator reads the forms, proposes exact payloads, and creates the form once on approval — even with the worker killed between create and record', async () => {
    h.fake.onTool(
      'submit_proposal',
      { calls: [{ name: 'erp_list_form_templates', input: {} }] },
      // A select without options, and a second call after the repair.
      { calls: [{ name: 'erp_create_form_template', input: { ...intakeForm, fields: [{ name: 'channel', label: 'Channel', type: 'select' }] } }] },
      { calls: [{ name: 'erp_create_form_template', input: intakeForm }] },
      proposal('One form: the campaign request'),
    );
    child = await startWorkerProcess(h);
    const started = await post('/api/builders/form', { description: 'A form clients fill in when they want a campaign' });
    expect(started).toMatchObject({ status: 202, body: { kind: 'form', builder: 'Form Generator', status: 'drafting', persona: null } });
    const id = started.body['id'] as string;

    const waiting = await waitForBuild(id, (build) => build['status'] === 'awaiting_approval');
    // Its model calls are counted (the fake Claude prices them as the real one would).
    expect(waiting['costUsd']).toBeGreaterThan(0);
    expect(waiting['proposal']).toMatchObject({ round: 0, summary: 'One form: the campaign request', records: [{ collection: 'form-templates', payload: intakeForm }], checksum: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // It read the existing forms (scoped to the organization), and its invalid payload went back to it.
    const turns = h.fake.requests.filter((request) => request.key === 'submit_proposal');
    expect(JSON.stringify(turns[1]?.body.messages.at(-1))).toContain('Client intake');
    expect(JSON.stringify(turns[2]?.body.messages.at(-1))).toContain('a select field lists its options');
    expect(turns[0]?.body.tools?.map((tool: { name: string }) => tool.name)).toEqual(['erp_list_form_templates', 'erp_create_form_template', 'withdraw_record', 'submit_proposal']);
    // Nothing is created before a decision; a reviewer who may not decide builds is refused.
    expect(erpRecords('form-templates')).toHaveLength(1);
    expect((await post(`/api/builds/${id}/approval`, { decision: 'approve', reviewer: REVIEWER })).status).toBe(403);
    // The Web UI finds it among what waits for a person, as it finds issues.
    const described = await h.temporal.client.workflow.getHandle(waiting['workflowId']).describe();
    expect(described.typedSearchAttributes.get(searchAttributes.awaitingHuman)).toBe(true);

    // The worker dies after the ERP created the form and before the ledger heard of it.
    const killed = new Promise<void>((resolve) => {
      erp.onRequest = (request) => {
        if (request.method === 'POST' && request.path === '/api/v1/form-templates') {
          setTimeout(() => {
            child?.kill('SIGKILL');
            resolve();
          }, 200);
        }
      };
    });
    erp.delayNext('POST', '/api/v1/form-templates', 30_000);
    expect((await post(`/api/builds/${id}/approval`, { decision: 'approve', reviewer: ADMIN_REVIEWER, comment: 'Good' })).status).toBe(200);
    await killed;
    erp.onRequest = undefined;
    h.startWorker(); // the survivor

    const created = await waitForBuild(id, (build) => ['created', 'failed'].includes(build['status']));
    await recordHistoryIfAsked(h.temporal.client, created['workflowId'], 'erp-build-form-created');
    expect((await h.temporal.client.workflow.getHandle(created['workflowId']).describe()).typedSearchAttributes.get(searchAttributes.awaitingHuman)).toBe(false);
    expect(created).toMatchObject({ status: 'created', created: [{ index: 0, collection: 'form-templates', name: 'Campaign request' }], decisions: [{ round: 0, decision: 'approve', reviewer: ADMIN_REVIEWER }] });
    const posts = erp.requests.filter((request) => request.method === 'POST' && request.path === '/api/v1/form-templates');
    expect(posts).toHaveLength(2); // the one that lost its worker, and the retry
    expect(new Set(posts.map((request) => request.headers['idempotency-key'])).size).toBe(1);
    const forms = erpRecords('form-templates').filter((form) => form['name'] === 'Campaign request');
    expect(forms).toHaveLength(1);
    expect(created['created'][0].id).toBe(forms[0]?.['id']);
    expect(forms[0]).toMatchObject(intakeForm);
    // Each model turn was paid for once: the first worker's answers were not asked again.
    expect(h.fake.requests.filter((request) => request.key === 'submit_proposal')).toHaveLength(4);
  });

  it('the Workflow Designer proposes a chain of triggers; one that loops or misses a skill input goes back to it; a round of changes; created once each, in order', async () => {
    const intake = { name: 'Route client requests', event: 'client_request_received', conditions: [{ field: 'client.tier', operator: 'equals', value: 'gold' }], action: { type: 'emit_event', event: 'brief.requested', payloadMapping: { clientId: 'client.id', request: 'request.text' } } };
    const brief = { name: 'Draft the brief', event: 'brief.requested', action: { type: 'invoke_skill', skill: 'brief-creator', inputMapping: { clientId: 'clientId', request: 'request' } } };
    h.fake.onTool(
      'submit_proposal',
      { calls: [{ name: 'erp_list_content_triggers', input: {} }, { name: 'erp_list_agent_skills', input: {} }] },
      {
        calls: [
          // A skill input left unmapped, and a skill the organization does not have.
          { name: 'erp_create_content_trigger', input: { ...brief, action: { type: 'invoke_skill', skill: 'brief-creator', inputMapping: { clientId: 'clientId' } } } },
          { name: 'erp_create_content_trigger', input: { ...brief, name: 'Other', action: { type: 'invoke_skill', skill: 'no-such-skill', inputMapping: {} } } },
          { name: 'erp_create_content_trigger', input: intake },
          // Loops through the existing trigger: brief.created → client.review_requested → brief.created.
          { name: 'erp_create_content_trigger', input: { name: 'Loop', event: 'client.review_requested', action: { type: 'emit_event', event: 'brief.created' } } },
        ],
      },
      proposal('A loop'),
      // The loop's trigger withdrawn, and the chain's second link proposed.
      { calls: [{ name: 'withdraw_record', input: { name: 'Loop' } }, { name: 'erp_create_content_trigger', input: brief }] },
      proposal('Gold clients’ requests become briefs'),
    );
    const started = await post('/api/builders/workflow', { description: 'When a gold client sends a request, draft a brief' });
    expect(started).toMatchObject({ status: 202, body: { kind: 'workflow', builder: 'Workflow Designer' } });
    const id = started.body['id'] as string;

    const first = await waitForBuild(id, (build) => build['status'] === 'awaiting_approval');
    expect(first['proposal']).toMatchObject({ round: 0, records: [{ payload: intake }, { payload: brief }] });
    const turns = h.fake.requests.filter((request) => request.key === 'submit_proposal').slice(4);
    expect(turns[0]?.body.tools?.map((tool: { name: string }) => tool.name)).toEqual(['erp_list_content_triggers', 'erp_list_agent_skills', 'erp_create_content_trigger', 'withdraw_record', 'submit_proposal']);
    const results = JSON.stringify(turns[2]?.body.messages.at(-1));
    expect(results).toContain('map the required input(s) request of brief-creator');
    expect(results).toContain('no enabled skill no-such-skill');
    // The loop through the organization's own triggers was refused when the proposal was submitted.
    expect(JSON.stringify(turns[3]?.body.messages.at(-1))).toContain('the chain would loop: brief.created → client.review_requested → brief.created');

    const gold = { ...intake, conditions: [...intake.conditions, { field: 'request.budget', operator: 'exists' }] };
    h.fake.onTool(
      'submit_proposal',
      { calls: [{ name: 'erp_create_content_trigger', input: gold }, { name: 'erp_create_content_trigger', input: brief }] },
      proposal('Two triggers, chained'),
    );
    expect((await post(`/api/builds/${id}/approval`, { decision: 'request_changes', reviewer: ADMIN_REVIEWER, comment: 'Only requests that name a budget' })).status).toBe(200);
    const second = await waitForBuild(id, (build) => build['status'] === 'awaiting_approval' && build['round'] === 1);
    expect(second['proposal']).toMatchObject({ round: 1, summary: 'Two triggers, chained', records: [{ payload: { name: 'Route client requests' } }, { payload: { name: 'Draft the brief' } }] });
    expect(JSON.stringify(h.fake.requests.filter((request) => request.key === 'submit_proposal').at(-2)?.body.messages[0])).toContain('Only requests that name a budget');
    expect(erpRecords('content-triggers')).toHaveLength(1);

    // An approval made on what round 1 replaced is refused: the round, or the proposal, it names is not the one waiting.
    expect(second['checksum']).toBe(second['proposal']['checksum']);
    expect(second['checksum']).not.toBe(first['checksum']);
    const stale = await post(`/api/builds/${id}/approval`, { decision: 'approve', reviewer: ADMIN_REVIEWER, round: 0 });
    expect(stale).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('round 2 is the one waiting') } } });
    expect((await post(`/api/builds/${id}/approval`, { decision: 'approve', reviewer: ADMIN_REVIEWER, round: 1, checksum: first['checksum'] })).status).toBe(409);
    expect((await post(`/api/builds/${id}/approval`, { decision: 'approve', reviewer: ADMIN_REVIEWER, round: 1, checksum: second['checksum'] })).status).toBe(200);
    const done = await waitForBuild(id, (build) => ['created', 'failed'].includes(build['status']));
    await recordHistoryIfAsked(h.temporal.client, done['workflowId'], 'erp-build-workflow-changed');
    expect(done).toMatchObject({ status: 'created', created: [{ index: 0, name: 'Route client requests' }, { index: 1, name: 'Draft the brief' }] });
    const triggers = erpRecords('content-triggers');
    expect(triggers.map((trigger) => trigger['name'])).toEqual(['Review request', 'Route client requests', 'Draft the brief']);
    expect(triggers[1]).toMatchObject({ event: 'client_request_received', conditions: gold.conditions });
    expect(triggers[2]).toMatchObject({ event: 'brief.requested', conditions: [], action: brief.action });
    // A decided build takes no other decision.
    expect((await post(`/api/builds/${id}/approval`, { decision: 'reject', reviewer: ADMIN_REVIEWER })).status).toBe(409);
  });

  it('the Feature Builder adds a capability to a skill: a draft that adds none goes back, the new output makes a minor version, out as a canary', async () => {
    expect((await post('/api/personas', { slug: 'planner', name: 'Planner', systemPrompt: 'You plan.', allowedSkills: ['brief-creator'] })).status).toBe(201);
    const [current] = await listSkillVersions(h.db.db, org.organizationId, 'brief-creator');
    const source = current?.source as string;
    const withBudget = source.replace('  - name: openQuestions\n    type: string[]\n', '  - name: openQuestions\n    type: string[]\n  - name: budget\n    type: number\n    required: false\n');
    h.fake.onTool(
      'submit_skill_draft',
      { tool: 'submit_skill_draft', input: { source: source.replace('Turn a client', 'Turn any client'), changelog: 'Wording', rationale: 'Nothing new' } },
      { tool: 'submit_skill_draft', input: { source: withBudget, changelog: 'Estimates the budget', rationale: 'The new output' } },
    );
    const brief = { title: 'Spring page', objectives: ['Sign-ups'], deliverables: ['A page'], openQuestions: [], budget: 900 };
    h.fake.onTool('submit_output', { tool: 'submit_output', input: brief });
    const started = await post('/api/builders/feature', { skill: 'brief-creator', description: 'Also estimate the budget', examples: [{ clientId: 'c1', request: 'A page' }], persona: 'planner' });
    expect(started).toMatchObject({ status: 202, body: { kind: 'feature', builder: 'Feature Builder', mode: 'extend', skill: 'brief-creator' } });
    const id = started.body['id'] as string;
    const waiting = await waitForBuild(id, (build) => build['status'] === 'awaiting_approval');
    expect(waiting['draft']).toMatchObject({ version: '1.1.0', bump: 'minor', reasons: ['output budget is added'] });
    expect(waiting['dryRuns']).toMatchObject([{ status: 'completed', output: { budget: 900 } }]);
    const turns = h.fake.requests.filter((request) => request.key === 'submit_skill_draft');
    expect(JSON.stringify(turns.at(-1)?.body.messages.at(-1))).toContain('This draft adds no capability');

    expect((await post(`/api/builds/${id}/approval`, { decision: 'approve', reviewer: ADMIN_REVIEWER })).status).toBe(200);
    const published = await waitForBuild(id, (build) => build['status'] === 'published');
    await recordHistoryIfAsked(h.temporal.client, published['workflowId'], 'skill-build-feature');
    expect(((await h.getJson(org.apiKey, '/api/skills/brief-creator')) as Json)['rollout']).toEqual({ mode: 'canary', stable: '1.0.0', canary: '1.1.0', percent: 10 });
    const versions = await listSkillVersions(h.db.db, org.organizationId, 'brief-creator');
    expect(versions.at(-1)?.changelog).toContain(`Built by the Feature Builder (build ${id}, extend, round 1): asked by key test, approved by ${ADMIN_REVIEWER}.`);
  });

  it('refuses builds without an ERP, bad bodies, unknown skills, and keys without the admin scope', async () => {
    const bare = await h.newOrganization();
    expect((await h.post(bare.apiKey, '/api/builders/form', { description: 'A form' })).status).toBe(422);
    expect((await post('/api/builders/form', { description: '' })).status).toBe(422);
    expect((await post('/api/builders/workflow', { description: 'x', persona: 'planner' })).status).toBe(422);
    expect((await post('/api/builders/page', { description: 'x' })).status).toBe(404);
    expect((await post('/api/builders/feature', { skill: 'no-such-skill', description: 'x', persona: 'planner' })).status).toBe(404);
    expect((await post('/api/builders/feature', { description: 'x', persona: 'planner' })).status).toBe(422);
    const { key } = await issueApiKey(h.db.db, org.organizationId, 'writer', { scopes: ['issues:write', 'skills:run'] });
    expect((await post('/api/builders/workflow', { description: 'x' }, key)).status).toBe(403);
    expect((await post('/api/builders/feature', { skill: 'brief-creator', description: 'x', persona: 'planner' }, key)).status).toBe(403);
  });
});
