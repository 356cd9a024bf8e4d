import type { LlmUsage } from './client';

/**
 * List prices in USD per million tokens. Cache writes (5-minute TTL) cost 1.25× input and
 * cache reads 0.1× input, as Anthropic bills them.
 *
 * A model we do not recognise is priced as the most expensive family, so cost is never
 * under-reported and budgets stay safe.
 */
interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

const PRICES: Array<{ match: RegExp; price: ModelPrice }> = [
  { match: /haiku/i, price: { inputPerMTok: 1, outputPerMTok: 5 } },
  { match: /sonnet/i, price: { inputPerMTok: 3, outputPerMTok: 15 } },
  { match: /opus-4-[5-9]/i, price: { inputPerMTok: 5, outputPerMTok: 25 } },
  { match: /opus/i, price: { inputPerMTok: 15, outputPerMTok: 75 } },
];

const MOST_EXPENSIVE: ModelPrice = { inputPerMTok: 15, outputPerMTok: 75 };
const CACHE_WRITE_MULTIPLIER = 1.25;
const CACHE_READ_MULTIPLIER = 0.1;

export function priceFor(model: string): ModelPrice {
  return PRICES.find((entry) => entry.match.test(model))?.price ?? MOST_EXPENSIVE;
}

/** Cost of one call in USD, rounded to a millionth of a dollar (the column's scale). */
export function costUsd(model: string, usage: LlmUsage): number {
  const price = priceFor(model);
  const perToken = price.inputPerMTok / 1_000_000;
  const cost =
    usage.inputTokens * perToken +
    usage.cacheWriteTokens * perToken * CACHE_WRITE_MULTIPLIER +
    usage.cacheReadTokens * perToken * CACHE_READ_MULTIPLIER +
    (usage.outputTokens * price.outputPerMTok) / 1_000_000;
  return Math.round(cost * 1_000_000) / 1_000_000;
}
