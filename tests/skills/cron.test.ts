import { countFireTimes, cronProblem, MAX_BACKFILL_ACTIONS } from '../../src/skills/cron';

describe('schedule specs', () => {
  it.each(['0 8 * * 1-5', '*/15 * * * *', '* * * * *', '@daily', '@hourly', '0 0 29 2 *', '30 9 1 JAN,JUL *'])('accepts %s', (cron) => {
    expect(cronProblem(cron)).toBeNull();
  });

  it.each([
    ['@every 1s', /not supported/],
    ['@every 1m', /not supported/],
    ['@reboot', /not supported/],
    ['@HOURLY', /not supported.*lower case/],
    ['*/5 * * * * *', /not 6: seconds and years are not supported/],
    ['0 0 12 * * ? 2027', /not 7/],
    ['0 8 * *', /not 4/],
    ['61 8 * * *', /not a valid cron expression/],
    ['0 8 31 2 *', /not a valid cron expression/],
    ['x y z a b', /not a valid cron expression/],
  ])('refuses %s', (cron, message) => {
    expect(cronProblem(cron)).toMatch(message);
  });

  it('answers quickly even for an expression that fires once in four years', () => {
    const started = Date.now();
    expect(cronProblem('0 0 29 2 *')).toBeNull();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('counts the runs of a backfill window, cron and interval, up to just past the cap', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    const day = new Date('2026-01-02T00:00:00Z');
    expect(countFireTimes({ cron: ['0 9 * * *'] }, start, new Date('2026-02-01T00:00:00Z'))).toBe(31);
    expect(countFireTimes({ cron: ['0 9 * * *', '0 9 * * *'] }, start, day)).toBe(1); // the same time once
    expect(countFireTimes({ intervalSeconds: 3600 }, start, day)).toBe(24);
    expect(countFireTimes({ cron: ['* * * * *'] }, start, day)).toBe(MAX_BACKFILL_ACTIONS + 1);
    expect(countFireTimes({ cron: ['0 9 * * *'], timezone: 'America/New_York' }, start, day)).toBe(1);
  });
});
