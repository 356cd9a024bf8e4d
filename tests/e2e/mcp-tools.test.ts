import type { ChildProcess } from 'node:child_process';
import { z } from 'zod';
import { listToolCalls } from '../../src/db/agent-transcripts';
import { listLogs } from '../../src/db/logs';
import { eventually, recordHistoryIfAsked } from '../support/harness';
import { customSkill } from '../support/skills';
import { startMcpHttpServer } from '../support/mcp-http-server';
import { allRepliesUsed, type PipelineHarness, reply, startPipelineHarness, startWorkerProcess } from '../support/pipeline';

/**
 * An organization's MCP tools (README "MCP tools") on the real pipeline, against a local MCP
 * server built with the official TypeScript SDK over streamable HTTP: discovered once per run,
 * offered to the stages the settings allow (and only the tools they name), called one call per
 * activity with the server's token — and an at-most-once tool is called once even when the
 * worker is killed after calling it: the retry on another worker does not call again.
 */
interface Call {
  tool: string;
  args: Record<string, unknown>;
  authorization: string | undefined;
}

async function startMcpServer(onTicket: () => void): Promise<{ url: string; calls: Call[]; close(): Promise<void> }> {
  const calls: Call[] = [];
  const server = await startMcpHttpServer('billing', (mcp, request) => {
    const authorization = request.headers.authorization;
    mcp.registerTool('lookup_invoice', { description: 'Look up an invoice by id', inputSchema: { id: z.string() } }, async ({ id }) => {
      calls.push({ tool: 'lookup_invoice', args: { id }, authorization });
      return { content: [{ type: 'text', text: `Invoice ${id}: two lines of 10.4 cents, total 21 cents` }] };
    });
    mcp.registerTool('create_ticket', { description: 'Open a support ticket', inputSchema: { title: z.string() } }, async ({ title }) => {
      calls.push({ tool: 'create_ticket', args: { title }, authorization });
      onTicket();
      return { content: [{ type: 'text', text: 'ticket T-1 opened' }] };
    });
    mcp.registerTool('drop_database', { description: 'Not for agents', inputSchema: {} }, async () => {
      calls.push({ tool: 'drop_database', args: {}, authorization });
      return { content: [{ type: 'text', text: 'dropped' }] };
    });
  });
  return { ...server, calls };
}

describe('MCP tools', () => {
  let h: PipelineHarness;
  let mcp: Awaited<ReturnType<typeof startMcpServer>>;
  let child: ChildProcess | undefined;
  let ticketHook: () => void = () => undefined;
  beforeAll(async () => {
    h = await startPipelineHarness({ startWorker: false });
    mcp = await startMcpServer(() => ticketHook());
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await mcp.close();
    await h.close();
  });
  afterEach(() => {
    const used = allRepliesUsed(h.fake);
    h.fake.reset();
    expect(used).toBe(true);
  });

  /** An issue that ends after research (no tool calls); its id once it completed. */
  async function runResearchOnlyIssue(apiKey: string): Promise<string> {
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'research' }));
    h.fake.onTool('submit_research', reply.research());
    const { id } = await h.submit(apiKey);
    expect(await h.waitForEnd(apiKey, id)).toMatchObject({ status: 'completed' });
    return id;
  }
  /** The tool names the last research turn was offered. */
  const lastResearchTools = (): string[] => {
    const research = h.fake.requests.filter((request) => request.key === 'submit_research').at(-1);
    expect(research).toBeDefined();
    return ((research?.body.tools ?? []) as Array<{ name: string }>).map((tool) => tool.name);
  };

  const settingsFor = (url: string) => ({
    mcp: { servers: [{ name: 'billing', url, token: 'mcp-token-0123456789', stages: ['research' as const], tools: ['lookup_invoice', 'create_ticket'], atMostOnce: ['create_ticket'] }] },
  });

  it('calls an at-most-once tool once even when the worker dies right after calling it', async () => {
    const { organizationId, apiKey } = await h.newOrganization({ ...settingsFor(mcp.url), activityHeartbeatSeconds: 5 });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'research' }));
    h.fake.onTool('submit_research', reply.call('mcp__billing__create_ticket', { title: 'Rounding bug' }), reply.research());
    child = await startWorkerProcess(h);
    const killed = new Promise<void>((resolve) => {
      ticketHook = () => {
        child?.kill('SIGKILL'); // the call reached the server; its answer never reaches Postgres
        resolve();
      };
    });
    const { id } = await h.submit(apiKey);
    await killed;
    ticketHook = () => undefined;
    h.startWorker(); // the survivor takes the retry

    expect(await h.waitForEnd(apiKey, id, 90_000)).toMatchObject({ status: 'completed' });
    expect(mcp.calls.filter((call) => call.tool === 'create_ticket')).toHaveLength(1);
    const [ticket] = (await listToolCalls(h.db.db, { organizationId, issueId: id })).filter((call) => call.name === 'mcp__billing__create_ticket');
    expect(ticket).toMatchObject({ executions: 1, output: expect.stringContaining('the tool may have run') });
  });

  it('offers the allowed tools of the allowed stages, calls them with the token, and refuses the rest', async () => {
    h.startWorker(); // (already running after the crash test)
    const before = mcp.calls.length;
    const { organizationId, apiKey } = await h.newOrganization(settingsFor(mcp.url));
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'research' }));
    h.fake.onTool(
      'submit_research',
      reply.call('mcp__billing__lookup_invoice', { id: 'INV-7' }),
      reply.call('mcp__billing__drop_database', {}),
      reply.call('mcp__billing__lookup_invoice', { id: 42 }),
      reply.research(),
    );
    const { id } = await h.submit(apiKey);
    expect(await h.waitForEnd(apiKey, id)).toMatchObject({ status: 'completed', error: null });

    // Offered: the two tools the settings name, described as the server's; never drop_database.
    const research = h.fake.requests.filter((request) => request.key === 'submit_research');
    const offered = (research.at(-1)?.body.tools ?? []).map((tool: { name: string }) => tool.name);
    expect(offered).toEqual(expect.arrayContaining(['mcp__billing__lookup_invoice', 'mcp__billing__create_ticket']));
    expect(offered).not.toContain('mcp__billing__drop_database');
    expect(((research[0]?.body.tools ?? []) as Array<{ name: string; description?: string }>).find((tool) => tool.name === 'mcp__billing__lookup_invoice')?.description).toMatch(/^\[MCP server billing\] Look up an invoice/);

    const calls = mcp.calls.slice(before);
    expect(calls).toEqual([{ tool: 'lookup_invoice', args: { id: 'INV-7' }, authorization: 'Bearer mcp-token-0123456789' }]);
    const results = (await listToolCalls(h.db.db, { organizationId, issueId: id })).filter((call) => call.name.startsWith('mcp__'));
    const outputOf = (name: string, input: unknown) => results.find((call) => call.name === name && JSON.stringify(call.input) === JSON.stringify(input));
    expect(outputOf('mcp__billing__lookup_invoice', { id: 'INV-7' })).toMatchObject({ isError: 0, output: 'Invoice INV-7: two lines of 10.4 cents, total 21 cents' });
    expect(outputOf('mcp__billing__drop_database', {})).toMatchObject({ isError: 1, output: expect.stringContaining('is not available in the research stage') });
    // Bad arguments: the server's validation error, for the agent to correct.
    expect(outputOf('mcp__billing__lookup_invoice', { id: 42 })).toMatchObject({ isError: 1 });
    const log = (await listLogs(h.db.db, organizationId, id, 100)).map((line) => line.message);
    expect(log).toContain('MCP tools offered: mcp__billing__lookup_invoice, mcp__billing__create_ticket');
  });

  it('offers a server\'s tools to the skills it opts in, and to no other skill or stage', async () => {
    h.startWorker();
    const before = mcp.calls.length;
    const { organizationId, apiKey } = await h.newOrganization({
      mcp: { servers: [{ name: 'billing', url: mcp.url, token: 'mcp-token-0123456789', stages: [], skills: ['deal-summary'], tools: ['lookup_invoice'] }] },
    });
    for (const skill of ['deal-summary', 'deal-digest']) expect((await h.post(apiKey, '/api/skills', { source: customSkill(skill, '1.0.0') })).status).toBe(201);
    const persona = { slug: 'sales-analyst', name: 'Sales Analyst', systemPrompt: 'You summarise deals.', allowedSkills: ['deal-summary', 'deal-digest'] };
    expect((await h.post(apiKey, '/api/personas', persona)).status).toBe(201);
    const invoke = async (skill: string) => {
      const started = await h.post(apiKey, `/api/skills/${skill}/invoke`, { persona: 'sales-analyst', input: { dealId: 'd-1' } });
      expect(started.status).toBe(202);
      const id = started.body['id'] as string;
      const view = await eventually(() => h.getJson(apiKey, `/api/invocations/${id}`) as Promise<Record<string, unknown>>, (body) => ['completed', 'failed'].includes(body['status'] as string), 60_000);
      return { id, view, workflowId: started.body['workflowId'] as string };
    };

    // The opted-in skill: offered the named tool (not drop_database), calls it with the token.
    h.fake.onTool(
      'submit_output',
      { calls: [{ name: 'mcp__billing__lookup_invoice', input: { id: 'INV-9' } }, { name: 'mcp__billing__drop_database', input: {} }] },
      { tool: 'submit_output', input: { summary: 'Invoice INV-9 is 21 cents' } },
    );
    const summary = await invoke('deal-summary');
    expect(summary.view).toMatchObject({ status: 'completed', output: { summary: 'Invoice INV-9 is 21 cents' } });
    await recordHistoryIfAsked(h.temporal.client, summary.workflowId, 'skill-mcp-tools');
    const offeredTo = (index: number) => ((h.fake.requests.at(index)?.body.tools ?? []) as Array<{ name: string }>).map((tool) => tool.name);
    expect(offeredTo(-2)).toContain('mcp__billing__lookup_invoice');
    expect(offeredTo(-2)).not.toContain('mcp__billing__drop_database');
    expect(mcp.calls.slice(before)).toEqual([{ tool: 'lookup_invoice', args: { id: 'INV-9' }, authorization: 'Bearer mcp-token-0123456789' }]);
    const results = await listToolCalls(h.db.db, { organizationId, invocationId: summary.id });
    expect(results.find((call) => call.name === 'mcp__billing__lookup_invoice')).toMatchObject({ isError: 0, executions: 1, output: 'Invoice INV-9: two lines of 10.4 cents, total 21 cents' });
    expect(results.find((call) => call.name === 'mcp__billing__drop_database')).toMatchObject({ isError: 1, executions: 0, output: expect.stringContaining('is not available to this run') });

    // Another skill of the same organization: nothing offered, and a made-up call is refused unrun.
    h.fake.onTool('submit_output', reply.call('mcp__billing__lookup_invoice', { id: 'INV-10' }), { tool: 'submit_output', input: { summary: 'digest' } });
    const digest = await invoke('deal-digest');
    expect(digest.view).toMatchObject({ status: 'completed' });
    expect(offeredTo(-2).some((name) => name.startsWith('mcp__'))).toBe(false);
    expect(mcp.calls.slice(before)).toHaveLength(1);
    expect((await listToolCalls(h.db.db, { organizationId, invocationId: digest.id }))[0]).toMatchObject({ isError: 1, executions: 0 });

    // Nor an issue's stages: the server names none.
    await runResearchOnlyIssue(apiKey);
    expect(lastResearchTools().some((name) => name.startsWith('mcp__'))).toBe(false);
  });

  it('leaves out a server that does not answer, and does not offer its tools', async () => {
    h.startWorker();
    const { organizationId, apiKey } = await h.newOrganization(settingsFor('http://127.0.0.1:9/mcp'));
    const id = await runResearchOnlyIssue(apiKey);
    expect(lastResearchTools().some((name) => name.startsWith('mcp__'))).toBe(false);
    const log = (await listLogs(h.db.db, organizationId, id, 100)).map((line) => line.message);
    expect(log.some((line) => line.startsWith('MCP server billing did not list its tools'))).toBe(true);
  });
});
