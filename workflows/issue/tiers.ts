/**
 * Which model tier a stage runs on. Pure functions: DETERMINISTIC ZONE, types only from outside.
 *
 *   triage complexity → tierForComplexity → capTier(by the organization's allowed tiers)
 *   each review round that asks for changes → raiseTier for the next code round
 */
import type { ModelTier } from '../../src/contracts/policy';

export const TIER_ORDER: readonly ModelTier[] = ['small', 'medium', 'large'];

/** Triage's complexity (1–10) picks the model tier for the expensive stages. */
export function tierForComplexity(complexity: number): ModelTier {
  if (complexity <= 3) return 'small';
  if (complexity <= 7) return 'medium';
  return 'large';
}

/** The highest allowed tier not above `wanted` (or, if none is, the lowest allowed one). */
export function capTier(wanted: ModelTier, allowed: readonly ModelTier[]): ModelTier {
  const ceiling = TIER_ORDER.indexOf(wanted);
  const fitting = TIER_ORDER.filter((tier, index) => index <= ceiling && allowed.includes(tier));
  return fitting.at(-1) ?? TIER_ORDER.find((tier) => allowed.includes(tier)) ?? 'small';
}

/** `steps` tiers up, stopping at the largest. */
export function raiseTier(tier: ModelTier, steps: number): ModelTier {
  return TIER_ORDER[Math.min(TIER_ORDER.indexOf(tier) + Math.max(0, steps), TIER_ORDER.length - 1)] ?? tier;
}
