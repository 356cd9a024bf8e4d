import { createIssueRequestSchema, ISSUE_STATUSES, toErpIssueStatus } from '../../src/contracts/issue';
import { issueWorkflowId } from '../../workflows/definitions';
import { resolvePolicy, settingsOf, submissionLimits } from '../../src/contracts/policy';

describe('createIssueRequestSchema', () => {
  const erpBody = {
    source: 'erp',
    externalId: 'cmf1abc',
    type: 'BUG',
    priority: 'HIGH',
    title: 'Brief export crashes',
    description: 'Exporting a brief with 0 deliverables throws',
    context: { module: 'briefs', organizationId: 'org_1', affectedFiles: ['src/a.ts'], metadata: { user: 'u1' } },
  };

  it('accepts the ERP payload with upper-case enums and normalises them', () => {
    const parsed = createIssueRequestSchema.parse(erpBody);
    expect(parsed).toMatchObject({ source: 'erp', type: 'bug', priority: 'high', context: { module: 'briefs' } });
  });

  it('maps the ERP source names (ERP_TRIGGER, GITHUB) to ours', () => {
    expect(createIssueRequestSchema.parse({ ...erpBody, source: 'ERP_TRIGGER' }).source).toBe('erp');
    expect(createIssueRequestSchema.parse({ ...erpBody, source: 'GITHUB' }).source).toBe('github');
  });

  it('defaults priority, source, description and context', () => {
    const parsed = createIssueRequestSchema.parse({ type: 'task', title: 'Do it' });
    expect(parsed).toEqual({ source: 'manual', type: 'task', priority: 'medium', title: 'Do it', description: '', context: {} });
  });

  it.each([
    [{ ...erpBody, type: 'incident' }, 'type'],
    [{ ...erpBody, priority: 'urgent' }, 'priority'],
    [{ ...erpBody, title: '   ' }, 'title'],
    [{ ...erpBody, externalId: 'has space' }, 'externalId'],
    [{ ...erpBody, context: { affectedFiles: 'a.ts' } }, 'context.affectedFiles'],
  ])('rejects %j at %s', (body, field) => {
    const result = createIssueRequestSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });
});

describe('toErpIssueStatus', () => {
  it('maps every internal status onto one the ERP knows', () => {
    const erp = new Set(['PENDING', 'QUEUED', 'PROCESSING', 'REVIEW', 'COMPLETED', 'FAILED', 'CANCELLED']);
    for (const status of ISSUE_STATUSES) expect(erp.has(toErpIssueStatus(status))).toBe(true);
    expect(toErpIssueStatus('awaiting_approval')).toBe('REVIEW');
    expect(toErpIssueStatus('needs_info')).toBe('FAILED');
  });
});

describe('issueWorkflowId', () => {
  it('is the business key, stable across deliveries', () => {
    expect(issueWorkflowId('acme', 'erp', 'ERP-42')).toBe('issue:acme:erp:ERP-42');
    expect(issueWorkflowId('acme', 'erp', 'ERP-42')).toBe(issueWorkflowId('acme', 'erp', 'ERP-42'));
    expect(issueWorkflowId('acme', 'github', 'ERP-42')).not.toBe(issueWorkflowId('acme', 'erp', 'ERP-42'));
  });
});

describe('resolvePolicy', () => {
  it('derives what a plan may use: tiers, agents, budget', () => {
    expect(resolvePolicy('free', {})).toMatchObject({ allowedTiers: ['small'], allowedAgents: ['research'], budgetUsd: 5 });
    expect(resolvePolicy('pro', {})).toMatchObject({ allowedTiers: ['small', 'medium'], allowedAgents: ['research', 'code', 'review'] });
    expect(resolvePolicy('enterprise', { allowedTiers: ['small'] }, { budgetUsd: 2 })).toMatchObject({ allowedTiers: ['small'], budgetUsd: 2 });
    expect(submissionLimits('free', {})).toEqual({ perHour: 100, perDay: 10 });
    expect(submissionLimits('enterprise', { limits: { issuesPerHour: 5 } })).toEqual({ perHour: 5, perDay: 1000 });
  });

  it("keeps an organization's plan concurrency below the global cap, unless its own setting says otherwise", () => {
    expect(resolvePolicy('enterprise', {}, { globalConcurrency: 5 }).concurrency).toEqual({ organizationLimit: 4, globalLimit: 5 });
    expect(resolvePolicy('pro', {}, { globalConcurrency: 10 }).concurrency).toEqual({ organizationLimit: 3, globalLimit: 10 });
    expect(resolvePolicy('enterprise', {}, { globalConcurrency: 1 }).concurrency).toEqual({ organizationLimit: 1, globalLimit: 1 });
    expect(resolvePolicy('enterprise', { maxConcurrentIssues: 5 }, { globalConcurrency: 5 }).concurrency).toEqual({ organizationLimit: 5, globalLimit: 5 });
  });

  it('refuses timers that do not escalate in order', () => {
    expect(() => resolvePolicy('pro', { timers: { reminderSeconds: 100, escalationSeconds: 50, expirySeconds: 200 } })).toThrow(/reminderSeconds ≤ escalationSeconds/);
  });
});

describe('settingsOf', () => {
  it('parses a settings object once, with its defaults, and shares the result frozen', () => {
    const stored = { finalApproval: 'never', limits: { issuesPerHour: 7 } };
    const parsed = settingsOf(stored);
    expect(parsed.finalApproval).toBe('never');
    expect(parsed.limits.issuesPerHour).toBe(7);
    expect(parsed.budgetUsd).toBe(5); // a default filled in
    expect(settingsOf(stored)).toBe(parsed);
    expect(Object.isFrozen(parsed) && Object.isFrozen(parsed.limits)).toBe(true);
    expect(() => {
      (parsed.limits as { issuesPerHour: number }).issuesPerHour = 1;
    }).toThrow(TypeError);
    // Another object with the same content is parsed on its own; none at all is the defaults.
    expect(settingsOf({ ...stored })).not.toBe(parsed);
    expect(settingsOf(undefined)).toBe(settingsOf(null));
    expect(submissionLimits('pro', stored).perHour).toBe(7);
  });

  it('throws on invalid settings, every time', () => {
    const invalid = { finalApproval: 'sometimes' };
    expect(() => settingsOf(invalid)).toThrow();
    expect(() => settingsOf(invalid)).toThrow();
  });
});
