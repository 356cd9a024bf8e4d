/**
 * What every builder's model turn shares (activities/builders.ts, activities/erp-builders.ts):
 * its input, its transcript's loop id (one per round), and the answer of a turn that did not end
 * the round.
 */

export interface BuilderTurnInput {
  organizationId: string;
  buildId: string;
  round: number;
  turn: number;
  forceFinal: boolean;
}

/** A turn that did not end the round: tool calls to run, or a problem sent back to the agent (`repairs`). */
export type BuilderToolsTurn = { kind: 'tools'; costUsd: number; toolCalls: Array<{ toolUseId: string; name: string }>; repairs: number; problem?: string };

/** Each round of a build is a loop of its own: the next round starts from a fresh first message. */
export const builderLoopId = (buildId: string, round: number) => `build:${buildId}:round-${round}`;
