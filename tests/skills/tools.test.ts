import fs from 'node:fs';
import path from 'node:path';
import { createErpClient } from '../../src/erp/client';
import { type FakeErp, startFakeErp } from '../../src/fakes/fake-erp';
import { compileSkill } from '../../src/skills/compiler';
import { SKILL_LIBRARY_DIR } from '../../src/skills/library';
import { dryRunWrites, executeSkillTool } from '../../src/skills/tools';

/** Skill tools against the fake ERP over HTTP: model input never leaves the organization or the path. */
describe('skill tools', () => {
  const skill = compileSkill('brief-creator.md', fs.readFileSync(path.join(SKILL_LIBRARY_DIR, 'brief-creator.md'), 'utf8'));
  let erp: FakeErp;
  const run = (name: string, input: unknown, organizationId = 'org-a') =>
    executeSkillTool(skill, name, input, createErpClient({ apiUrl: erp.apiUrl, serviceKey: erp.serviceKey }, organizationId), { idempotencyKey: `k-${Math.random()}` });

  beforeAll(async () => {
    erp = await startFakeErp();
    erp.seed('clients', { id: 'c1', organizationId: 'org-a', name: 'Acme' });
    erp.seed('clients', { id: 'c2', organizationId: 'org-b', name: 'Other tenant' });
  });
  afterAll(() => erp.close());

  it('reads and creates through the ERP API, scoped to the organization', async () => {
    expect(JSON.parse(await run('read_client', { id: 'c1' }))).toMatchObject({ name: 'Acme' });
    expect(JSON.parse(await run('read_client', { filters: { name: 'Acme' } }))).toMatchObject({ items: [{ id: 'c1' }] });
    const created = JSON.parse(await run('create_brief', { fields: { title: 'Landing page' } }));
    expect(created).toMatchObject({ title: 'Landing page', organizationId: 'org-a' });
    const last = erp.requests.at(-1)!;
    expect(last.headers).toMatchObject({ authorization: `Bearer ${erp.serviceKey}`, 'x-organization-id': 'org-a' });
    expect(last.query).toEqual({ organizationId: 'org-a' });
  });

  it("refuses input that would reach another organization's records or another path", async () => {
    const before = erp.requests.length;
    await expect(run('read_client', { filters: { organizationId: 'org-b' } })).rejects.toThrow('set by the ERP, not by a skill');
    await expect(run('read_client', { id: '..' })).rejects.toThrow('a record id');
    await expect(run('read_client', { id: '../agent-skills' })).rejects.toThrow('a record id');
    await expect(run('create_brief', { fields: { organizationId: 'org-b', title: 'x' } })).rejects.toThrow('set by the ERP, not by a skill');
    await expect(run('delete_client', { id: 'c1' })).rejects.toThrow('tool delete_client is not permitted for skill brief-creator');
    expect(erp.requests.length).toBe(before);
    // An id the ERP does not have for this organization is the ERP's 404, read back by the agent.
    await expect(run('read_client', { id: 'c2' })).rejects.toThrow(/answered 404/);
  });

  it('describes a dry run\'s writes instead of sending them, with the same checks, and still reads', async () => {
    const dry = (name: string, input: unknown) =>
      executeSkillTool(skill, name, input, createErpClient({ apiUrl: erp.apiUrl, serviceKey: erp.serviceKey }, 'org-a'), { idempotencyKey: 'k-dry', dryRun: true });
    const before = erp.requests.length;
    const written = await dry('create_brief', { fields: { title: 'Not really' } });
    expect(written).toBe('(dry run: not sent) would write POST /briefs\n{\n  "title": "Not really"\n}\nNothing was changed in the ERP; go on as if it had succeeded.');
    expect(erp.requests.length).toBe(before);
    // What a real run would refuse, a dry run refuses too.
    await expect(dry('create_brief', { fields: { organizationId: 'org-b' } })).rejects.toThrow('set by the ERP, not by a skill');
    await expect(dry('delete_client', { id: 'c1' })).rejects.toThrow('is not permitted');
    expect(dryRunWrites(skill, [
      { name: 'create_brief', input: { fields: { title: 'Not really' } }, output: written, isError: 0 },
      // A read whose answer looks like a dry run's write is still a read; a write is a write whatever it answered.
      { name: 'read_client', input: { id: 'c1' }, output: '(dry run: not sent) would write POST /clients', isError: 0 },
      { name: 'create_brief', input: { fields: { title: 'Also' } }, output: 'anything', isError: 0 },
      { name: 'create_brief', input: { fields: { title: 'not answered' } }, output: null, isError: 0 },
      { name: 'create_brief', input: { fields: { organizationId: 'org-b' } }, output: 'refused', isError: 1 },
      { name: 'mcp__crm__update', input: {}, output: 'ok', isError: 0 },
    ])).toEqual([
      { tool: 'create_brief', method: 'POST', path: '/briefs', body: { title: 'Not really' } },
      { tool: 'create_brief', method: 'POST', path: '/briefs', body: { title: 'Also' } },
    ]);
    // Reads are real.
    expect(JSON.parse(await dry('read_client', { id: 'c1' }))).toMatchObject({ name: 'Acme' });
    expect(erp.requests.length).toBe(before + 1);
  });
});
