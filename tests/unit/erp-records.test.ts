import { contentTriggerSchema, formTemplateSchema, triggerCycle } from '../../src/contracts/erp-records';
import { type FakeErp, startFakeErp } from '../../src/fakes/fake-erp';

/**
 * The ERP records the builders create (src/contracts/erp-records.ts): what a form template and
 * a content trigger may hold, the chains that loop, and the fake ERP refusing what the ERP would.
 */
describe('ERP records the builders make', () => {
  const form = { name: 'Intake', purpose: 'New clients', fields: [{ name: 'company', label: 'Company', type: 'text' }] };

  it('takes a form whose choice fields list options and whose fields are named once', () => {
    expect(formTemplateSchema.parse(form).fields[0]).toEqual({ name: 'company', label: 'Company', type: 'text', required: false });
    const refused = (fields: unknown[]) => formTemplateSchema.safeParse({ ...form, fields }).success;
    expect(refused([{ name: 'tier', label: 'Tier', type: 'select' }])).toBe(false);
    expect(refused([{ name: 'tier', label: 'Tier', type: 'text', options: ['a'] }])).toBe(false);
    expect(refused([{ name: 'tier', label: 'Tier', type: 'select', options: ['a', 'a'] }])).toBe(false);
    expect(refused([form.fields[0], form.fields[0]])).toBe(false);
    expect(refused([])).toBe(false);
    expect(refused([{ name: '__proto__', label: 'x', type: 'text' }])).toBe(false);
    expect(refused([{ name: 'a', label: 'x', type: 'script' }])).toBe(false);
    expect(formTemplateSchema.safeParse({ ...form, organizationId: 'other' }).success).toBe(false);
  });

  it('takes a trigger whose conditions compare with a value (exists with none) and whose action does not re-emit its event', () => {
    const trigger = { name: 'T', event: 'brief.created', action: { type: 'invoke_skill', skill: 'brief-creator', inputMapping: { clientId: 'client.id' } } };
    expect(contentTriggerSchema.parse(trigger)).toMatchObject({ conditions: [] });
    const ok = (patch: Record<string, unknown>) => contentTriggerSchema.safeParse({ ...trigger, ...patch }).success;
    expect(ok({ conditions: [{ field: 'client.tier', operator: 'equals', value: 'gold' }, { field: 'budget', operator: 'exists' }] })).toBe(true);
    expect(ok({ conditions: [{ field: 'client.tier', operator: 'equals' }] })).toBe(false);
    expect(ok({ conditions: [{ field: 'budget', operator: 'exists', value: 1 }] })).toBe(false);
    expect(ok({ conditions: [{ field: 'a..b', operator: 'exists' }] })).toBe(false);
    expect(ok({ event: 'Brief Created' })).toBe(false);
    expect(ok({ action: { type: 'emit_event', event: 'brief.created' } })).toBe(false);
    expect(ok({ action: { type: 'run_shell', command: 'rm -rf /' } })).toBe(false);
    expect(ok({ action: { type: 'invoke_skill', skill: '../admin' } })).toBe(false);
  });

  it('finds the loop a chain of triggers would run', () => {
    const emit = (event: string, next: string) => ({ event, action: { type: 'emit_event' as const, event: next, payloadMapping: {} } });
    const invoke = (event: string) => ({ event, action: { type: 'invoke_skill' as const, skill: 's', inputMapping: {} } });
    expect(triggerCycle([emit('a', 'b'), emit('b', 'c'), invoke('c')])).toBeNull();
    expect(triggerCycle([emit('a', 'b'), emit('b', 'c'), emit('c', 'a')])).toEqual(['a', 'b', 'c', 'a']);
    expect(triggerCycle([emit('x', 'a'), emit('a', 'b'), emit('b', 'a')])).toEqual(['a', 'b', 'a']);
    // Two triggers on one event: either branch may loop.
    expect(triggerCycle([emit('a', 'b'), emit('a', 'c'), emit('c', 'a')])).toEqual(['a', 'c', 'a']);
    expect(triggerCycle([])).toBeNull();
  });

  describe('the fake ERP validates them as the ERP would', () => {
    let erp: FakeErp;
    const organizationId = 'org-1';
    const create = async (collection: string, body: unknown, org = organizationId) => {
      const response = await fetch(`${erp.apiUrl}/${collection}?organizationId=${org}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${erp.serviceKey}`, 'x-organization-id': org, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    beforeAll(async () => {
      erp = await startFakeErp();
      erp.seed('agent-skills', { id: 's1', organizationId, slug: 'brief-creator', isEnabled: true });
      erp.seed('agent-skills', { id: 's2', organizationId, slug: 'paused-skill', isEnabled: false });
    });
    afterAll(() => erp.close());

    it('refuses a bad shape, a taken name, a skill the organization lacks, and a chain that loops', async () => {
      expect((await create('form-templates', form)).status).toBe(201);
      expect(await create('form-templates', form)).toMatchObject({ status: 409 });
      // Names are per organization.
      expect((await create('form-templates', form, 'org-2')).status).toBe(201);
      expect((await create('form-templates', { ...form, fields: [] })).status).toBe(422);

      const trigger = (name: string, event: string, action: unknown) => ({ name, event, action });
      expect((await create('content-triggers', trigger('a', 'x', { type: 'invoke_skill', skill: 'brief-creator' }))).status).toBe(201);
      expect((await create('content-triggers', trigger('b', 'x', { type: 'invoke_skill', skill: 'paused-skill' }))).status).toBe(422);
      expect((await create('content-triggers', trigger('c', 'x', { type: 'invoke_skill', skill: 'brief-creator' }), 'org-2')).status).toBe(422);
      expect((await create('content-triggers', trigger('d', 'x', { type: 'emit_event', event: 'y' }))).status).toBe(201);
      expect(await create('content-triggers', trigger('e', 'y', { type: 'emit_event', event: 'x' }))).toMatchObject({ status: 422, body: { error: 'the triggers would loop: x → y → x' } });
    });
  });
});
