import { randomUUID } from 'node:crypto';
import { canaryBucket, chooseVersion, compareSemver, rollbackTarget, rolloutCandidates } from '../../src/skills/rollout';

describe('skill rollout', () => {
  const published = ['1.0.0', '1.2.0', '1.10.0', '1.10.0-beta.1'];

  it('orders versions by semver precedence, not as strings', () => {
    expect([...published].sort(compareSemver)).toEqual(['1.0.0', '1.2.0', '1.10.0-beta.1', '1.10.0']);
    expect(compareSemver('2.0.0', '10.0.0')).toBeLessThan(0);
  });

  it('pins, follows the latest, and sends the canary share chosen by invocation id', () => {
    expect(chooseVersion({ mode: 'pinned', version: '1.2.0' }, published, 'any')).toBe('1.2.0');
    expect(chooseVersion({ mode: 'latest' }, published, 'any')).toBe('1.10.0');
    expect(chooseVersion({ mode: 'latest' }, ['1.0.0', '1.1.0-rc.1'], 'any')).toBe('1.0.0');

    const canary = { mode: 'canary' as const, stable: '1.2.0', canary: '1.10.0', percent: 20 };
    const ids = Array.from({ length: 10_000 }, () => randomUUID());
    const share = ids.filter((id) => chooseVersion(canary, published, id) === '1.10.0').length / ids.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.22);
    // Deterministic: the same id always gets the same version (retries, replays, other processes).
    for (const id of ids.slice(0, 100)) expect(chooseVersion(canary, published, id)).toBe(chooseVersion(canary, published, id));
    expect(canaryBucket('invocation-1')).toBe(canaryBucket('invocation-1'));
    expect(ids.every((id) => chooseVersion({ ...canary, percent: 0 }, published, id) === '1.2.0')).toBe(true);
    expect(ids.every((id) => chooseVersion({ ...canary, percent: 100 }, published, id) === '1.10.0')).toBe(true);
  });

  it('rolls back to the version that served before the current one', () => {
    expect(rollbackTarget({ mode: 'latest' }, published)).toBe('1.10.0-beta.1');
    expect(rollbackTarget({ mode: 'pinned', version: '1.2.0' }, published)).toBe('1.0.0');
    expect(rollbackTarget({ mode: 'canary', stable: '1.2.0', canary: '1.10.0', percent: 5 }, published)).toBe('1.2.0');
    expect(rollbackTarget({ mode: 'pinned', version: '1.0.0' }, published)).toBeUndefined();
  });

  it('lets latest and canary pick only active or deprecated versions', () => {
    const versions = [
      { version: '1.0.0', status: 'deprecated' },
      { version: '1.1.0', status: 'active' },
      { version: '1.2.0', status: 'draft' },
      { version: '1.3.0', status: 'disabled' },
    ];
    expect(rolloutCandidates(versions)).toEqual(['1.0.0', '1.1.0']);
    expect(chooseVersion({ mode: 'latest' }, rolloutCandidates(versions), 'id')).toBe('1.1.0');
  });

  it('refuses to choose when nothing is published', () => {
    expect(() => chooseVersion({ mode: 'latest' }, [], 'id')).toThrow('no version is published');
  });
});
