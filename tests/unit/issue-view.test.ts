import type { IssueRecord } from '../../src/db/issues';
import { issueView, withStoredPeople } from '../../src/issues/view';
import type { IssueProgress } from '../../workflows/definitions';

const row: IssueRecord = {
  id: '6f1c1b9e-3a6f-4c55-8a55-5f1d2c3b4a59',
  organizationId: 'acme',
  source: 'erp',
  externalId: 'ERP-1',
  type: 'bug',
  priority: 'high',
  title: 'Totals off by one',
  description: 'x',
  module: 'billing',
  context: {},
  status: 'processing',
  stage: 'research',
  pending: null,
  workflowId: 'issue:acme:erp:ERP-1',
  result: { route: 'research' },
  pullRequestUrl: null,
  budgetUsd: '5.0000',
  error: null,
  workflowStartedAt: '2026-12-01 10:00:00+00',
  createdByKeyId: null,
  createdAt: '2026-12-01 10:00:00+00',
  updatedAt: '2026-12-01 10:05:00+00',
  completedAt: null,
};
const links = { trackingUrl: 'https://orchestrator.example/api/issues/x', temporalUrl: 'http://localhost:8233/x' };

describe('issue view', () => {
  it('from the row alone: stage progress, budget as a number, the ERP status, no live fields', () => {
    const view = issueView(row, undefined, links);
    expect(view).toMatchObject({
      status: 'processing',
      erpStatus: 'PROCESSING',
      stage: 'research',
      progress: 40, // research is the third of five stages: two done
      currentStep: 'research',
      budgetUsd: 5,
      costUsd: null,
      pending: null,
      trackingUrl: links.trackingUrl,
      temporalUrl: links.temporalUrl,
      createdAt: '2026-12-01T10:00:00.000Z',
      job: { id: row.workflowId, agentType: 'research', progress: 40, currentStep: 'research', logs: [] },
    });
    // Ended: the stage is the outcome, as IssueStage says in Temporal; the ERP's job keeps the last stage.
    expect(issueView({ ...row, status: 'completed', stage: 'review' }, undefined, links)).toMatchObject({
      progress: 100,
      currentStep: 'completed',
      erpStatus: 'COMPLETED',
      stage: 'completed',
      job: { agentType: 'review' },
    });
    expect(issueView(row, undefined, { trackingUrl: 't' })).not.toHaveProperty('temporalUrl');
  });

  it('from the row, a list shows the wait a person owes (as the workflow wrote it), until it ends', () => {
    const pending = { kind: 'approval', gate: 'plan', gateRound: 0, since: '2026-12-01T10:05:00.000Z', deadline: '2026-12-04T10:05:00.000Z', reminded: true, escalated: false };
    expect(issueView({ ...row, status: 'awaiting_approval', pending }, undefined, links)).toMatchObject({ status: 'awaiting_approval', pending });
    expect(issueView({ ...row, status: 'cancelled', pending }, undefined, links)).toMatchObject({ pending: null, stage: 'cancelled' });
  });

  it('the live progress wins field by field while the workflow runs', () => {
    const live = {
      status: 'awaiting_approval',
      stage: 'review',
      progress: 80,
      currentStep: 'waiting for the final approval',
      error: null,
      pending: { kind: 'approval', gate: 'final' },
      round: 1,
      costUsd: 0.12,
      budgetUsd: 10,
      questions: [],
      decisions: [],
      pullRequestUrl: null,
      branch: 'agent/org-acme/x',
    } as unknown as IssueProgress;
    expect(issueView(row, live, links)).toMatchObject({
      status: 'awaiting_approval',
      erpStatus: 'REVIEW',
      stage: 'review',
      progress: 80,
      pending: { kind: 'approval', gate: 'final' },
      costUsd: 0.12,
      budgetUsd: 10,
      branch: 'agent/org-acme/x',
      job: { agentType: 'review', currentStep: 'waiting for the final approval' },
    });
  });

  it('an ended issue shows who asked and decided from Postgres', () => {
    const view = withStoredPeople(
      issueView({ ...row, status: 'rejected' }, undefined, links),
      [{ id: 'q1', stage: 'triage', question: 'Which currency?', answer: 'EUR', answeredBy: 'alice', status: 'answered' } as never],
      [{ gate: 'plan', decision: 'reject', reviewer: 'alice', comment: 'not now', createdAt: '2026-12-01 11:00:00+00', via: 'update' } as never],
    );
    expect(view.questions).toEqual([{ id: 'q1', stage: 'triage', question: 'Which currency?', answer: 'EUR', answeredBy: 'alice', status: 'answered' }]);
    expect(view.decisions).toEqual([{ gate: 'plan', decision: 'reject', reviewer: 'alice', comment: 'not now', at: '2026-12-01T11:00:00.000Z', via: 'update' }]);
  });
});
