import fs from 'node:fs';
import { listToolCalls } from '../../src/db/agent-transcripts';
import { listLogs } from '../../src/db/logs';
import { workspaceDir } from '../../src/workspace/git';
import { makeBareRepository } from '../support/git-fixture';
import { recordHistoryIfAsked, testWorkspaceDeps } from '../support/harness';
import { type PipelineHarness, pipelineSuite, reply, REVIEWER, SAMPLE_REPO } from '../support/pipeline';

/**
 * Command approval (README "Command approval") on the real pipeline: under `untrusted`, a
 * dangerous command waits for a person as a durable wait (in the inbox, with its deadline);
 * a denial reaches the agent with the reviewer's comment and the command never runs; "approve
 * for the rest of the issue" lets the same argv run again unasked; a read-only command runs
 * unasked. Under `on-failure`, an unlisted command is refused until one has failed, then asked
 * about. With no decision by the expiry, the command is not run and the agent is told.
 */
describe('command approval', () => {
  const suite = pipelineSuite();
  let h: PipelineHarness;
  beforeAll(() => {
    h = suite.harness();
  });

  async function organization(repository: Record<string, unknown>, timers?: Record<string, number>) {
    const { remote, cleanup } = await makeBareRepository(SAMPLE_REPO);
    suite.cleanups.push(cleanup);
    return h.newOrganization({
      finalApproval: 'never',
      repository: { remote, baseBranch: 'main', host: 'local', testCommand: ['node', '--test'], commandTimeoutSeconds: 60, ...repository },
      ...(timers ? { timers } : {}),
    });
  }
  const scriptUpToCode = () => {
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
  };
  const commandCalls = async (organizationId: string, issueId: string) =>
    (await listToolCalls(h.db.db, { organizationId, issueId })).filter((call) => call.name === 'run_command' && call.loopId.includes(':code:'));
  const outputOf = async (organizationId: string, issueId: string, argv: string[]) =>
    (await commandCalls(organizationId, issueId)).filter((call) => JSON.stringify((call.input as { argv: string[] }).argv) === JSON.stringify(argv)).map((call) => call.output ?? '');

  it('holds dangerous commands for a person under untrusted: deny reaches the agent, approve-for-issue runs the same command again unasked', async () => {
    const { organizationId, apiKey } = await organization({ commandApproval: 'untrusted' });
    const other = await h.newOrganization();
    scriptUpToCode();
    h.fake.onTool(
      'submit_change',
      reply.calls(['run_command', { argv: ['ls'] }], ['run_command', { argv: ['rm', '-rf', 'src'] }]),
      reply.call('run_command', { argv: ['git', 'reset', '--hard'] }),
      reply.call('run_command', { argv: ['git', 'reset', '--hard'] }),
      reply.change({ diff: '' }),
    );
    h.fake.onTool('submit_review', reply.review('approve'));
    const { id } = await h.submit(apiKey);

    const waiting = await h.waitFor(apiKey, id, (issue) => issue.pending?.kind === 'command');
    expect(waiting).toMatchObject({ status: 'awaiting_approval', pending: { kind: 'command', argv: ['rm', '-rf', 'src'], classification: 'dangerous', reason: 'deletes recursively or by force', stage: 'code' } });
    const inbox = (await h.getJson(apiKey, '/api/inbox')) as { items: Array<Record<string, unknown>> };
    expect(inbox.items).toEqual(expect.arrayContaining([expect.objectContaining({ id, waitingFor: 'command', prompt: 'rm -rf src (dangerous: deletes recursively or by force)' })]));
    // The read-only command before it ran without asking.
    expect((await outputOf(organizationId, id, ['ls']))[0]).toMatch(/^\$ ls\nexit code 0/);

    // Refusals: no reason for a denial, a stranger, another organization, the wrong command.
    const decide = (body: Record<string, unknown>, key = apiKey) => h.post(key, `/api/issues/${id}/command-approval`, body);
    expect((await decide({ decision: 'deny', reviewer: REVIEWER })).status).toBe(422);
    expect((await decide({ decision: 'approve', reviewer: 'mallory' })).status).toBe(403);
    expect((await decide({ decision: 'approve', reviewer: REVIEWER }, other.apiKey)).status).toBe(404);
    expect((await decide({ decision: 'approve', reviewer: REVIEWER, toolUseId: 'toolu_other' })).status).toBe(409);

    const pending = waiting.pending as { toolUseId: string };
    expect((await decide({ decision: 'deny', reviewer: REVIEWER, comment: 'keep the sources', toolUseId: pending.toolUseId })).status).toBe(200);
    const next = await h.waitFor(apiKey, id, (issue) => issue.pending?.kind === 'command' && (issue.pending as { argv: string[] }).argv[1] === 'reset');
    expect(next.commandDecisions).toEqual([expect.objectContaining({ argv: ['rm', '-rf', 'src'], decision: 'deny', by: REVIEWER, comment: 'keep the sources' })]);
    expect(await outputOf(organizationId, id, ['rm', '-rf', 'src'])).toEqual([`Not run: ${REVIEWER} denied \`rm -rf src\`: keep the sources`]);
    expect(fs.existsSync(`${workspaceDir({ workspacesRoot: testWorkspaceDeps().workspacesDir, organizationId, issueId: id })}/src/invoice.js`)).toBe(true);

    expect((await decide({ decision: 'APPROVE_FOR_ISSUE', reviewer: REVIEWER })).status).toBe(200);
    const ended = await h.waitForEnd(apiKey, id);
    expect(ended.status).toBe('completed');
    // Two decisions in the log: the second git reset ran without a wait.
    const log = (await listLogs(h.db.db, organizationId, id, 200)).map((line) => line.message).filter((message) => message.startsWith('command '));
    expect(log.sort()).toEqual([`command \`git reset --hard\` approved for the rest of the issue by ${REVIEWER}`, `command \`rm -rf src\` denied by ${REVIEWER}: keep the sources`]);
    const resets = await outputOf(organizationId, id, ['git', 'reset', '--hard']);
    expect(resets).toHaveLength(2);
    for (const output of resets) expect(output).toMatch(/^\$ git reset --hard\nexit code 0/);
    await recordHistoryIfAsked(h.temporal.client, waiting.workflowId, 'issue-commands-denied-and-approved');
    // Nothing else is approved by an approval: a decision now has no command to settle.
    expect((await decide({ decision: 'approve', reviewer: REVIEWER })).status).toBe(409);
  });

  it('asks only after a failure under on-failure, and tells the agent when no one decides in time', async () => {
    const { organizationId, apiKey } = await organization({ commandApproval: 'on-failure' }, { reminderSeconds: 1, escalationSeconds: 1, expirySeconds: 2 });
    scriptUpToCode();
    h.fake.onTool(
      'submit_change',
      reply.call('run_command', { argv: ['make', 'check'] }),
      reply.call('run_command', { argv: ['make', 'check'] }),
      reply.change({ diff: '' }),
    );
    h.fake.onTool('submit_review', reply.review('approve'));
    const { id } = await h.submit(apiKey);
    const waiting = await h.waitFor(apiKey, id, (issue) => issue.pending?.kind === 'command');
    expect(waiting.pending).toMatchObject({ argv: ['make', 'check'], classification: 'unknown' });
    expect(await h.waitForEnd(apiKey, id)).toMatchObject({ status: 'completed' });
    const outputs = await outputOf(organizationId, id, ['make', 'check']);
    expect(outputs).toHaveLength(2);
    expect(outputs).toEqual(expect.arrayContaining([expect.stringMatching(/^command not allowed: make check/), 'Not run: no one approved `make check` in time. Continue without it, or do the work another way.']));
    expect((await listLogs(h.db.db, organizationId, id, 200)).map((line) => line.message)).toContain('command no decision on `make check` in time: not run');
  });
});
