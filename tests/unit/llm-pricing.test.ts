import { retryAfterMs } from '../../src/llm/anthropic';
import { costUsd, priceFor } from '../../src/llm/pricing';

describe('costUsd', () => {
  it('prices input, output and both cache kinds like the Anthropic bill', () => {
    // sonnet: $3/MTok in, $15/MTok out; cache write 1.25×, cache read 0.1×
    const cost = costUsd('claude-sonnet-4-6', {
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      cacheWriteTokens: 1_000_000,
      cacheReadTokens: 1_000_000,
    });
    expect(cost).toBeCloseTo(3 + 1.5 + 3.75 + 0.3, 6);
  });

  it('prices an unknown model as the most expensive family, never as free', () => {
    expect(priceFor('some-new-model')).toEqual({ inputPerMTok: 15, outputPerMTok: 75 });
    expect(priceFor('claude-haiku-4-5')).toEqual({ inputPerMTok: 1, outputPerMTok: 5 });
  });
});

describe('retryAfterMs', () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(retryAfterMs(headers({ 'retry-after': '7' }))).toBe(7000);
    expect(retryAfterMs(headers({ 'retry-after-ms': '1500', 'retry-after': '7' }))).toBe(1500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
  });

  it('ignores missing or garbage values and caps absurd ones', () => {
    expect(retryAfterMs(headers({}))).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': '999999' }))).toBe(600_000);
  });
});
