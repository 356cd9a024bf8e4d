import { listToolCalls } from '../../src/db/agent-transcripts';
import { latestArtifact } from '../../src/db/artifacts';
import { listLogs } from '../../src/db/logs';
import { makeBareRepository } from '../support/git-fixture';
import { recordHistoryIfAsked } from '../support/harness';
import { type PipelineHarness, pipelineSuite, reply, REVIEWER, SAMPLE_REPO } from '../support/pipeline';

/**
 * Worker types (README "Worker types") on the real pipeline: the triage names the kind of change
 * and the code stage works as it. A docs change is offered no run_command, may write only
 * documentation (a write to code, and a command named anyway, are refused and never happen),
 * and runs no tests; a review ends with its analysis and no code stage; a type the
 * organization's settings do not allow ends the same way; without a type from the triage, the
 * issue type's default (a bug: bugfix) keeps every tool.
 */
describe('worker types', () => {
  const suite = pipelineSuite();
  let h: PipelineHarness;
  beforeAll(() => {
    h = suite.harness();
  });

  async function organization(settings: Record<string, unknown> = {}, repository: Record<string, unknown> = {}) {
    const { remote, cleanup } = await makeBareRepository(SAMPLE_REPO);
    suite.cleanups.push(cleanup);
    return h.newOrganization({
      finalApproval: 'never',
      repository: { remote, baseBranch: 'main', host: 'local', testCommand: ['node', '--test'], allowedCommands: [['node', '--test']], commandTimeoutSeconds: 60, ...repository },
      ...settings,
    });
  }
  const codeTools = () => ((h.fake.requests.filter((request) => request.key === 'submit_change').at(-1)?.body.tools ?? []) as Array<{ name: string }>).map((tool) => tool.name);

  it('gives a docs change no commands, only documentation to write, and no test run', async () => {
    const { organizationId, apiKey } = await organization();
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ workerType: 'docs' }));
    h.fake.onTool('submit_research', reply.research());
    h.fake.onTool(
      'submit_change',
      reply.calls(
        ['run_command', { argv: ['node', '--test'] }],
        ['write_file', { path: 'src/invoice.js', content: 'module.exports = {};\n' }],
        ['write_file', { path: 'docs/rounding.md', content: '# Rounding\n\nTotals round once, after summing.\n' }],
      ),
      reply.change({ summary: 'Document rounding', filesChanged: ['docs/rounding.md'], diff: '' }),
    );
    h.fake.onTool('submit_review', reply.review('approve'));
    const { id, workflowId } = await h.submit(apiKey);
    expect(await h.waitForEnd(apiKey, id)).toMatchObject({ status: 'completed' });
    await recordHistoryIfAsked(h.temporal.client, workflowId, 'issue-worker-type-docs');

    expect(codeTools()).not.toContain('run_command');
    expect(codeTools()).toEqual(expect.arrayContaining(['write_file', 'edit_file', 'read_file']));
    const calls = (await listToolCalls(h.db.db, { organizationId, issueId: id })).filter((call) => call.loopId.includes(':code:'));
    const byName = (name: string, fragment: string) => calls.find((call) => call.name === name && JSON.stringify(call.input).includes(fragment));
    expect(byName('run_command', 'node')).toMatchObject({ isError: 1, executions: 0, output: expect.stringContaining('not available') });
    expect(byName('write_file', 'src/invoice.js')).toMatchObject({ isError: 1, output: 'a docs issue may write only documentation files (*.md, *.mdx, *.rst, *.txt, docs/), not src/invoice.js' });
    expect(byName('write_file', 'docs/rounding.md')).toMatchObject({ isError: 0 });

    const change = await latestArtifact(h.db.db, organizationId, id, 'CODE_CHANGE');
    expect(change?.diffPatch).toContain('+Totals round once, after summing.');
    expect(change?.diffPatch).not.toContain('src/invoice.js');
    expect(change?.metadata).toMatchObject({ testsPassed: null });
    expect(String(change?.metadata['testSummary'])).toBe('not run: a docs change runs no commands');
    const log = (await listLogs(h.db.db, organizationId, id, 200)).map((line) => line.message);
    expect(log).toContain('worker type: docs (the triage); it decides what the code agent may write and run');
  });

  it('refuses a test change whose tests rewrite code: the files a type may touch hold whoever writes them', async () => {
    const { organizationId, apiKey } = await organization();
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ workerType: 'test' }));
    h.fake.onTool('submit_research', reply.research());
    // The agent may write this test file; when the tests run, it writes the code file too.
    const sneaky = "require('node:fs').writeFileSync('src/invoice.js', 'module.exports = { invoiceTotal: () => 0 };\\n');\nrequire('node:test')('ok', () => {});\n";
    h.fake.onTool(
      'submit_change',
      reply.call('write_file', { path: 'test/sneaky.test.js', content: sneaky }),
      reply.change({ summary: 'Add a test', filesChanged: ['test/sneaky.test.js'], diff: '' }),
    );
    const { id } = await h.submit(apiKey);
    const ended = await h.waitForEnd(apiKey, id);
    expect(ended).toMatchObject({ status: 'failed' });
    expect(String(ended.error)).toContain('the change touches files its worker type may not: a test issue may write only test files (tests/, *.test.*, *.spec.*, …), not src/invoice.js');
    const [write] = (await listToolCalls(h.db.db, { organizationId, issueId: id })).filter((call) => call.name === 'write_file');
    expect(write).toMatchObject({ isError: 0 });
    expect(ended.pullRequestUrl).toBeNull();
  });

  it('ends a review with its analysis, and a type the organization does not allow the same way', async () => {
    const codeTurns = () => h.fake.requests.filter((request) => request.key === 'submit_change').length;
    const before = codeTurns();
    const { apiKey } = await organization();
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ workerType: 'review' }));
    h.fake.onTool('submit_research', reply.research());
    const reviewed = await h.submit(apiKey);
    expect(await h.waitForEnd(apiKey, reviewed.id)).toMatchObject({ status: 'completed', pullRequestUrl: null });
    await recordHistoryIfAsked(h.temporal.client, reviewed.workflowId, 'issue-worker-type-review');
    expect(codeTurns()).toBe(before);

    const limited = await organization({ workerTypes: ['docs', 'test'] });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ workerType: 'refactor' }));
    h.fake.onTool('submit_research', reply.research());
    const refused = await h.submit(limited.apiKey);
    const ended = await h.waitForEnd(limited.apiKey, refused.id);
    expect(ended).toMatchObject({ status: 'completed', pullRequestUrl: null });
    expect(JSON.stringify(ended)).toContain('a refactor change is not among the worker types this organization allows: docs, test');
    expect(codeTurns()).toBe(before);
  });

  it('applies the command approval policy of the change\'s worker type', async () => {
    const { organizationId, apiKey } = await organization({}, { commandApprovalByWorkerType: { test: 'untrusted' } });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ workerType: 'test' }));
    h.fake.onTool('submit_research', reply.research());
    h.fake.onTool('submit_change', reply.call('run_command', { argv: ['node', '-e', '1'] }), reply.change({ summary: 'No test added', filesChanged: [], diff: '' }));
    h.fake.onTool('submit_review', reply.review('approve'));
    const { id } = await h.submit(apiKey);
    // Under the organization's own policy (never) the command would be refused outright; as a test change, a person is asked.
    const waiting = await h.waitFor(apiKey, id, (issue) => issue.pending?.kind === 'command');
    expect(waiting.pending).toMatchObject({ kind: 'command', argv: ['node', '-e', '1'], classification: 'unknown' });
    expect((await h.post(apiKey, `/api/issues/${id}/command-approval`, { decision: 'deny', reviewer: REVIEWER, comment: 'add a test file instead' })).status).toBe(200);
    expect(await h.waitForEnd(apiKey, id)).toMatchObject({ status: 'completed' });
    const [denied] = (await listToolCalls(h.db.db, { organizationId, issueId: id })).filter((call) => call.name === 'run_command');
    expect(denied).toMatchObject({ executions: 0, output: expect.stringContaining('add a test file instead') });
  });

  it('gives a bug without a type from the triage the bugfix type: every tool, tests run', async () => {
    const { organizationId, apiKey } = await organization();
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    h.fake.onTool('submit_change', reply.change());
    h.fake.onTool('submit_review', reply.review('approve'));
    const { id } = await h.submit(apiKey);
    expect(await h.waitForEnd(apiKey, id)).toMatchObject({ status: 'completed' });
    expect(codeTools()).toEqual(expect.arrayContaining(['run_command', 'write_file']));
    const log = (await listLogs(h.db.db, organizationId, id, 200)).map((line) => line.message);
    expect(log).toContain('worker type: bugfix (the default for a bug); it decides what the code agent may write and run');
    expect((await latestArtifact(h.db.db, organizationId, id, 'CODE_CHANGE'))?.metadata['testSummary']).toMatch(/^node --test: /);
  });
});
