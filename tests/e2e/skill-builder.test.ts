import fs from 'node:fs';
import path from 'node:path';
import { issueApiKey } from '../../src/db/organizations';
import { listSkillVersions } from '../../src/db/skills';
import { startFakeErp, type FakeErp } from '../../src/fakes/fake-erp';
import type { FakeReply } from '../../src/fakes/fake-anthropic';
import { SKILL_LIBRARY_DIR } from '../../src/skills/library';
import { eventually, recordHistoryIfAsked } from '../support/harness';
import { ADMIN_REVIEWER, type PipelineHarness, REVIEWER, startPipelineHarness } from '../support/pipeline';

/**
 * The Skill Builder (README "Builder agents") on the real Temporal server and Postgres, Claude
 * and the ERP faked over HTTP: a described skill is drafted, its compile errors go back to the
 * agent and are repaired, each draft is dry-run on the examples (writes recorded, not sent),
 * nothing is published before an admin approves, a request for changes makes a new draft, and
 * a refinement cites the feedback it answers and goes out as a canary.
 */

jest.setTimeout(120_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PERSONA = 'account-manager';

const clientSummary = (overrides: { version?: string; body?: string } = {}) => `---
id: client-summary
type: skill
version: ${overrides.version ?? '0.0.1'}
status: active
category: client-services
triggers:
  - event: manual_invoke
inputs:
  - name: clientId
    type: string
    required: true
outputs:
  - name: summary
    type: string
permissions:
  - client:read
  - note:create
---
# Client Summary

## Purpose
${overrides.body ?? 'Summarise a client for an account review, and leave the summary as a note.'}

## Process
1. Read the client.
2. Write the summary as a note on the client.

## Error Handling
| Error | Action |
| --- | --- |
| Missing client context | Request additional info |
`;

describe('Skill Builder', () => {
  let h: PipelineHarness;
  let erp: FakeErp;
  let org: { organizationId: string; apiKey: string };

  const post = async (urlPath: string, body?: unknown, key = org.apiKey) => (await h.post(key, urlPath, body)) as { status: number; body: Json };
  const getBuild = async (id: string) => (await h.getJson(org.apiKey, `/api/builds/${id}`)) as Json;
  const waitForBuild = (id: string, done: (build: Json) => boolean) => eventually(() => getBuild(id), done, 60_000);
  const draft = (source: string, extra: Record<string, unknown> = {}): FakeReply => ({ tool: 'submit_skill_draft', input: { source, changelog: 'Client summaries for account reviews', rationale: 'Reads the client, writes one note', ...extra } });
  const dryRunReplies = (summary: string): FakeReply[] => [
    { calls: [{ name: 'read_client', input: { id: 'c1' } }] },
    { calls: [{ name: 'create_note', input: { fields: { clientId: 'c1', text: summary } } }] },
    { tool: 'submit_output', input: { summary } },
  ];

  beforeAll(async () => {
    h = await startPipelineHarness();
    erp = await startFakeErp();
    org = await h.newOrganization({ erp: { apiUrl: erp.apiUrl, serviceKey: erp.serviceKey } });
    erp.seed('clients', { id: 'c1', organizationId: org.organizationId, name: 'Acme Bakery' });
    expect((await post('/api/personas', { slug: PERSONA, name: 'Account Manager', systemPrompt: 'You are careful.', allowedSkills: [] })).status).toBe(201);
  });
  afterAll(async () => {
    await h.close();
    await erp.close();
  });

  it('drafts a described skill, repairs its compile errors, dry-runs it, takes a round of changes, and publishes it once an admin approves', async () => {
    h.fake.onTool(
      'submit_skill_draft',
      draft(clientSummary().replace('outputs:\n  - name: summary\n    type: string\n', '')),
      draft(clientSummary()),
      draft(clientSummary({ body: 'Summarise a client for an account review in three sentences, and leave it as a note.' }), { changelog: 'Three sentences' }),
    );
    h.fake.onTool('submit_output', ...dryRunReplies('Acme Bakery: a steady client.'), ...dryRunReplies('Acme Bakery bakes. It pays. It grows.'));
    const started = await post('/api/builders/skill', { description: 'Summarise a client for an account review and keep the summary on the client', examples: [{ clientId: 'c1' }], persona: PERSONA });
    expect(started).toMatchObject({ status: 202, body: { kind: 'skill', mode: 'create', status: 'drafting', round: 0, requestedBy: 'key test' } });
    const id = started.body['id'] as string;

    const first = await waitForBuild(id, (build) => build['status'] === 'awaiting_approval');
    expect(first).toMatchObject({
      skill: 'client-summary',
      round: 0,
      draft: { version: '1.0.0', bump: 'new', changelog: 'Client summaries for account reviews', source: expect.stringContaining('status: draft') },
      dryRuns: [
        {
          input: { clientId: 'c1' },
          status: 'completed',
          output: { summary: 'Acme Bakery: a steady client.' },
          wouldWrite: [{ tool: 'create_note', method: 'POST', path: '/notes', body: { clientId: 'c1', text: 'Acme Bakery: a steady client.' } }],
        },
      ],
    });
    // The compile error went back to the agent as its tool's result, and it submitted again.
    const draftTurns = h.fake.requests.filter((request) => request.key === 'submit_skill_draft');
    expect(JSON.stringify(draftTurns[1]?.body.messages.at(-1))).toContain('does not compile');
    // Nothing is published, and nothing was written to the ERP.
    expect(await listSkillVersions(h.db.db, org.organizationId, 'client-summary')).toEqual([]);
    expect([...(erp.records.get('notes')?.values() ?? [])]).toEqual([]);

    // A reviewer who may not publish skills is refused; an admin asks for changes.
    const byReviewer = await post(`/api/builds/${id}/approval`, { decision: 'approve', reviewer: REVIEWER });
    expect(byReviewer.status).toBe(403);
    expect((await post(`/api/builds/${id}/approval`, { decision: 'request_changes', reviewer: ADMIN_REVIEWER })).status).toBe(422);
    const changes = await post(`/api/builds/${id}/approval`, { decision: 'request_changes', reviewer: ADMIN_REVIEWER, comment: 'Keep it to three sentences' });
    expect(changes.status).toBe(200);
    const second = await waitForBuild(id, (build) => build['status'] === 'awaiting_approval' && build['round'] === 1);
    expect(second['draft']).toMatchObject({ version: '1.0.0', changelog: 'Three sentences', source: expect.stringContaining('three sentences') });
    expect(second['dryRuns']).toMatchObject([{ status: 'completed', output: { summary: 'Acme Bakery bakes. It pays. It grows.' } }]);
    expect(JSON.stringify(h.fake.requests.filter((request) => request.key === 'submit_skill_draft').at(-1)?.body.messages[0])).toContain('Keep it to three sentences');

    const approved = await post(`/api/builds/${id}/approval`, { decision: 'approve', reviewer: ADMIN_REVIEWER, comment: 'Ship it' });
    expect(approved.status).toBe(200);
    const published = await waitForBuild(id, (build) => build['status'] === 'published');
    await recordHistoryIfAsked(h.temporal.client, published['workflowId'], 'skill-build-created');
    expect(published).toMatchObject({
      publishedVersion: '1.0.0',
      decisions: [
        { round: 0, decision: 'request_changes', reviewer: ADMIN_REVIEWER, comment: 'Keep it to three sentences' },
        { round: 1, decision: 'approve', reviewer: ADMIN_REVIEWER, comment: 'Ship it' },
      ],
    });
    const [version] = await listSkillVersions(h.db.db, org.organizationId, 'client-summary');
    expect(version).toMatchObject({ version: '1.0.0', compiled: expect.objectContaining({ status: 'active' }) });
    expect(version?.changelog).toContain(`Built by the Skill Builder (build ${id}, create, round 2): asked by key test, approved by ${ADMIN_REVIEWER}.`);
    // A decided build takes no other decision.
    expect((await post(`/api/builds/${id}/approval`, { decision: 'reject', reviewer: ADMIN_REVIEWER })).status).toBe(409);
  });

  it('refines a skill from its feedback: the draft cites the feedback, takes the version its change needs, and goes out as a canary', async () => {
    const briefCreator = fs.readFileSync(path.join(SKILL_LIBRARY_DIR, 'brief-creator.md'), 'utf8');
    expect((await post('/api/skills', { source: briefCreator, changelog: 'first' })).status).toBe(201);
    expect((await h.call(org.apiKey, 'PATCH', `/api/personas/${PERSONA}`, { allowedSkills: ['brief-creator'] })).status).toBe(200);
    const brief = { title: 'Spring page', objectives: ['Sign-ups'], deliverables: ['A page'], openQuestions: [] };
    h.fake.onTool('submit_output', { tool: 'submit_output', input: brief });
    const run = await post('/api/skills/brief-creator/invoke', { persona: PERSONA, input: { clientId: 'c1', request: 'A page' } });
    await eventually(() => h.getJson(org.apiKey, `/api/invocations/${run.body['id']}`) as Promise<Json>, (view) => view['status'] === 'completed', 60_000);
    const rated = await post(`/api/invocations/${run.body['id']}/feedback`, { rating: 2, outcome: 'PARTIAL', comment: 'It never says what the work will cost' });
    expect(rated.status).toBe(201);
    const feedbackId = rated.body['id'] as string;

    const refined = briefCreator.replace('  - name: openQuestions\n    type: string[]\n', '  - name: openQuestions\n    type: string[]\n  - name: budget\n    type: number\n    required: false\n');
    h.fake.onTool(
      'submit_skill_draft',
      draft(refined, { citedFeedback: ['00000000-0000-4000-8000-000000000000'] }),
      draft(refined, { changelog: 'Estimates the budget', citedFeedback: [feedbackId] }),
    );
    h.fake.onTool('submit_output', { tool: 'submit_output', input: { ...brief, budget: 1200 } });
    const started = await post('/api/builders/skill', { mode: 'refine', skill: 'brief-creator', description: 'Answer the feedback', examples: [{ clientId: 'c1', request: 'A page' }], persona: PERSONA });
    expect(started.status).toBe(202);
    const id = started.body['id'] as string;
    const waiting = await waitForBuild(id, (build) => build['status'] === 'awaiting_approval');
    expect(waiting['draft']).toMatchObject({ version: '1.1.0', bump: 'minor', reasons: ['output budget is added'], citedFeedback: [feedbackId] });
    expect(waiting['dryRuns']).toMatchObject([{ status: 'completed', output: { budget: 1200 } }]);
    // The agent was shown the feedback with its id; a made-up id was refused.
    const turns = h.fake.requests.filter((request) => request.key === 'submit_skill_draft').slice(-2);
    expect(JSON.stringify(turns[0]?.body.messages[0])).toContain(`${feedbackId}: 2/5, PARTIAL — It never says what the work will cost`);
    expect(JSON.stringify(turns[1]?.body.messages.at(-1))).toContain('citedFeedback names feedback this skill does not have');

    expect((await post(`/api/builds/${id}/approval`, { decision: 'approve', reviewer: ADMIN_REVIEWER })).status).toBe(200);
    await waitForBuild(id, (build) => build['status'] === 'published');
    const skill = (await h.getJson(org.apiKey, '/api/skills/brief-creator')) as Json;
    expect(skill['rollout']).toEqual({ mode: 'canary', stable: '1.0.0', canary: '1.1.0', percent: 10 });
    const versions = await listSkillVersions(h.db.db, org.organizationId, 'brief-creator');
    expect(versions.at(-1)?.changelog).toContain(`Answers feedback ${feedbackId}.`);
  });

  it('refuses what a build may not start from, and keys without the admin scope', async () => {
    expect((await post('/api/builders/skill', { mode: 'refine', description: 'x', persona: PERSONA })).status).toBe(422);
    expect((await post('/api/builders/skill', { mode: 'refine', skill: 'no-such-skill', description: 'x', persona: PERSONA })).status).toBe(404);
    expect((await post('/api/builders/skill', { description: 'x', persona: 'nobody' })).status).toBe(422);
    expect((await post('/api/builders/skill', { description: 'x', persona: PERSONA, examples: new Array(6).fill({}) })).status).toBe(422);
    const { key } = await issueApiKey(h.db.db, org.organizationId, 'writer', { scopes: ['issues:write', 'skills:run'] });
    expect((await post('/api/builders/skill', { description: 'x', persona: PERSONA }, key)).status).toBe(403);
    expect((await h.getJson(org.apiKey, '/api/builds/00000000-0000-4000-8000-000000000000')) as Json).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
