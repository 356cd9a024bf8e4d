import { capTier, raiseTier, tierForComplexity } from '../../workflows/issue/tiers';

describe('model tiers', () => {
  it.each([
    [1, 'small'],
    [3, 'small'],
    [4, 'medium'],
    [7, 'medium'],
    [8, 'large'],
    [10, 'large'],
  ] as const)('complexity %i runs on %s', (complexity, tier) => {
    expect(tierForComplexity(complexity)).toBe(tier);
  });

  it('caps a tier to the highest allowed one not above it', () => {
    expect(capTier('large', ['small', 'medium', 'large'])).toBe('large');
    expect(capTier('large', ['small', 'medium'])).toBe('medium'); // pro
    expect(capTier('large', ['small'])).toBe('small'); // free
    expect(capTier('medium', ['small', 'large'])).toBe('small'); // never above what was wanted
  });

  it('falls back to the lowest allowed tier when none is at or below the wanted one', () => {
    expect(capTier('small', ['medium', 'large'])).toBe('medium');
    expect(capTier('small', [])).toBe('small');
  });

  it('raises by steps and stops at the largest', () => {
    expect(raiseTier('small', 0)).toBe('small');
    expect(raiseTier('small', 1)).toBe('medium');
    expect(raiseTier('small', 2)).toBe('large');
    expect(raiseTier('medium', 5)).toBe('large');
    expect(raiseTier('large', 1)).toBe('large');
  });

  it('review rounds raise the code tier, but never past what the plan allows', () => {
    const allowed = ['small', 'medium'] as const;
    const rounds = [0, 1, 2].map((boost) => capTier(raiseTier(tierForComplexity(2), boost), allowed));
    expect(rounds).toEqual(['small', 'medium', 'medium']);
  });
});
