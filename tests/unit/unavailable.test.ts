import { AppError } from '../../src/errors';
import { isDatabaseUnavailable, isTemporalUnavailable, outageError } from '../../src/upstream/unavailable';

/** Which failures the API turns into 503 (the e2e test in tests/e2e/outages.test.ts cuts real connections). */
describe('dependency outage classification', () => {
  const wrapped = (cause: unknown) => Object.assign(new Error('Failed query: select 1'), { cause });

  it('knows a database that went away, also when drizzle wraps the driver error', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable(wrapped(Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' })))).toBe(true);
    expect(isDatabaseUnavailable(wrapped(Object.assign(new Error('terminating connection'), { code: '57P01' })))).toBe(true);
    expect(isDatabaseUnavailable(wrapped(Object.assign(new Error('connection failure'), { code: '08006' })))).toBe(true);
  });

  it('does not call a bad statement an outage', () => {
    expect(isDatabaseUnavailable(wrapped(Object.assign(new Error('duplicate key'), { code: '23505' })))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(outageError(new Error('boom'))).toBeUndefined();
    expect(outageError(new AppError('CONFLICT', 'already decided'))).toBeUndefined();
  });

  it('knows an unreachable Temporal (gRPC UNAVAILABLE or a passed deadline), not a refused call', () => {
    const grpc = (code: number) => Object.assign(new Error('grpc'), { code, details: 'x', metadata: {} });
    expect(isTemporalUnavailable(wrapped(grpc(14)))).toBe(true);
    expect(isTemporalUnavailable(wrapped(grpc(4)))).toBe(true);
    expect(isTemporalUnavailable(wrapped(grpc(6)))).toBe(false); // ALREADY_EXISTS
    expect(isTemporalUnavailable(wrapped(grpc(3)))).toBe(false); // INVALID_ARGUMENT
  });

  it('answers an outage as a retryable 503 naming the dependency', () => {
    const error = outageError(wrapped(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true, retryAfterMs: 5_000 });
    expect(error?.message).toContain('PostgreSQL is unreachable');
  });
});

it("treats Temporal's 'namespace not found' as an outage: its frontend says so while its own database is down", () => {
  const notFound = Object.assign(new Error("Namespace not found: 'default'"), { name: 'NamespaceNotFoundError' });
  expect(isTemporalUnavailable(notFound)).toBe(true);
  expect(outageError(notFound)?.message).toContain('Temporal is unreachable');
});
