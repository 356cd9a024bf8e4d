import { Writable } from 'node:stream';
import { addLogContext, createLogger, neverLog, withLogContext } from '../../src/logger';
import { forwardSdkLog } from '../../src/temporal/runtime';

function capture(format: 'json' | 'pretty' = 'json') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const log = createLogger('debug', 'test', { format, destination });
  return { log, lines, json: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('logger', () => {
  it('writes one JSON object per line with level, time, name and message', () => {
    const { log, json } = capture();
    log.info('started', { port: 3000 });
    expect(json()).toEqual([expect.objectContaining({ level: 'info', name: 'test', msg: 'started', port: 3000, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) })]);
  });

  it('adds the current unit of work to every line, including what is learned mid-way', () => {
    const { log, json } = capture();
    withLogContext({ requestId: 'req-1' }, () => {
      log.info('before auth');
      addLogContext({ organizationId: 'org-a', actor: 'key-1' });
      withLogContext({ issueId: 'iss-1' }, () => log.info('inside'));
      log.info('after');
    });
    log.info('outside');
    expect(json().map(({ requestId, organizationId, issueId }) => ({ requestId, organizationId, issueId }))).toEqual([
      { requestId: 'req-1', organizationId: undefined, issueId: undefined },
      { requestId: 'req-1', organizationId: 'org-a', issueId: 'iss-1' },
      { requestId: 'req-1', organizationId: 'org-a', issueId: undefined },
      { requestId: undefined, organizationId: undefined, issueId: undefined },
    ]);
  });

  it('keeps concurrent units of work apart', async () => {
    const { log, json } = capture();
    const work = (id: string, delayMs: number) =>
      withLogContext({ requestId: id }, async () => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        log.info('done');
      });
    await Promise.all([work('slow', 20), work('fast', 1)]);
    expect(json().map((line) => line.requestId)).toEqual(['fast', 'slow']);
  });

  it('redacts credential-named fields and cuts registered secrets out of any text', () => {
    const { log, lines } = capture();
    neverLog('sk-registered-secret-9981', 'short');
    log.warn('calling https://user:sk-registered-secret-9981@example.test/x', {
      authorization: 'Bearer abc',
      headers: { authorization: 'Bearer def', accept: 'json' },
      erp: { webhookSecret: 'whsec-1' },
      error: new Error('upstream said sk-registered-secret-9981 is invalid'),
    });
    log.info('short is not scrubbed: too short to be a secret');
    const [first, second] = lines;
    expect(first).not.toContain('sk-registered-secret-9981');
    expect(first).not.toContain('Bearer');
    expect(first).not.toContain('whsec-1');
    const parsed = JSON.parse(first as string) as { headers: unknown; error: unknown };
    expect(parsed.headers).toEqual({ authorization: '[redacted]', accept: 'json' });
    expect(parsed.error).toEqual(expect.objectContaining({ type: 'Error', message: 'upstream said [redacted] is invalid' }));
    expect(second).toContain('short is not scrubbed');
  });

  it('serializes an Error under any field name, with its cause', () => {
    const { log, json } = capture();
    log.error('failed', { reason: new Error('outer', { cause: new TypeError('inner') }) });
    expect(json()[0]?.reason).toEqual(expect.objectContaining({ type: 'Error', message: 'outer', cause: expect.objectContaining({ type: 'TypeError', message: 'inner' }) }));
  });

  it('prints one readable line per event in the pretty format', () => {
    const { log, lines } = capture('pretty');
    log.info('worker ready', { taskQueue: 'q' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/INFO.*\(test\).*worker ready.*"taskQueue":"q"/);
  });

  it('folds the Temporal SDK metadata into the line, names the organization of our workflow ids, and drops task tokens', () => {
    const { log, json } = capture();
    forwardSdkLog(log, { level: 'INFO', message: 'Workflow completed', timestampNanos: 0n, meta: { sdkComponent: 'workflow', workflowId: 'issue:org-7:erp:X-1', taskToken: 'abc' } });
    forwardSdkLog(log, { level: 'TRACE', message: 'poll', timestampNanos: 0n, meta: { workflowId: 'some-other-id' } });
    const [completed, poll] = json();
    expect(completed).toEqual(expect.objectContaining({ level: 'info', msg: 'Workflow completed', sdkComponent: 'workflow', workflowId: 'issue:org-7:erp:X-1', organizationId: 'org-7' }));
    expect(completed).not.toHaveProperty('taskToken');
    expect(poll).toEqual(expect.objectContaining({ level: 'debug', workflowId: 'some-other-id' }));
    expect(poll).not.toHaveProperty('organizationId');
  });
});
