import { contractProblems } from '../support/contract';

/** The contract check the end-to-end tests rely on does catch drift (else they prove nothing). */
describe('contract check', () => {
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const submitted = { id: 'i', status: 'queued', erpStatus: 'QUEUED', workflowId: 'w', jobId: 'w', trackingUrl: 't', created: true };

  it('accepts a documented answer', async () => {
    expect(await contractProblems('POST', '/api/issues', json(201, submitted))).toEqual([]);
  });

  it('flags an undocumented status, a field the document lacks, a missing field and a wrong type', async () => {
    expect(await contractProblems('POST', '/api/issues', json(418, {}))).toEqual([expect.stringContaining('status not documented')]);
    expect(await contractProblems('POST', '/api/issues', json(201, { ...submitted, severity: 'x' }))).toEqual([expect.stringMatching(/must NOT have additional properties \(severity\)/)]);
    const { jobId: _jobId, ...withoutJobId } = submitted;
    expect(await contractProblems('POST', '/api/issues', json(201, withoutJobId))).toEqual([expect.stringContaining("must have required property 'jobId'")]);
    expect(await contractProblems('GET', '/api/issues/6f1c1b9e-3a6f-4c55-8a55-5f1d2c3b4a59/logs', json(200, { items: [{ time: 'yesterday' }], hasMore: false, nextCursor: null }))).toEqual(
      expect.arrayContaining([expect.stringContaining('/items/0/time must match format "date-time"')]),
    );
    expect(await contractProblems('GET', '/api/nothing', json(404, {}))).toEqual([]);
  });
});
