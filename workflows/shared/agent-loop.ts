/**
 * The agent loop shared by issues and skills. DETERMINISTIC ZONE: only types from outside.
 *
 *   per turn: beforeTurn (budget) → one model turn (an activity) → a final answer ends the
 *   loop; otherwise count repairs, give up when the rules say so, run the tool calls in order
 *
 * What differs between the two callers is passed in: how a turn is taken and paid for, how a
 * tool call runs (a person's answer is a tool too), and how the caller words a failure. The
 * loop itself issues no commands, so moving code here did not change any history.
 */

/** A tool call the model asked for, by id: the activities keep its input. */
export interface LoopToolCall {
  toolUseId: string;
  name: string;
}

/** What one model turn returned, as the loop needs it. */
export type LoopTurn<Final, Call extends LoopToolCall> =
  | { kind: 'final'; final: Final }
  | { kind: 'tools'; toolCalls: Call[]; repairs: number; problem?: string };

/** Why a loop gave up; the caller words it for its own run. */
export type LoopGiveUp =
  /** More invalid final answers than `maxRepairs`. */
  | { reason: 'still_invalid'; problem: string | undefined; turn: number }
  /** A forced final turn (of a loop that stops there) gave no valid answer. */
  | { reason: 'no_final_answer'; problem: string | undefined; turn: number }
  /** The turns ran out (after the tool calls of the last one). */
  | { reason: 'out_of_turns'; turn: number };

export interface AgentLoopRules {
  /** From this turn (0-based) on, the model is told to answer now. */
  forceFinalFrom: number;
  /** Turns the loop may take at most. */
  turnLimit: number;
  /** Invalid final answers the agent may repair (counted across the loop). */
  maxRepairs: number;
  /** A forced turn that asks for no tool ends the loop (issues) or gets another turn (skills). */
  stopAtForcedTurnWithoutTools: boolean;
}

export interface AgentLoopSteps<Final, Call extends LoopToolCall> {
  /** Before each model call: the budget check (a wait for a person, or the end of the run). */
  beforeTurn(turn: number): Promise<void>;
  /** One model turn, its cost booked by the caller. */
  takeTurn(turn: number, forceFinal: boolean): Promise<LoopTurn<Final, Call>>;
  /** Runs one tool call (a question to a person included); calls run in the order given. */
  runTool(call: Call): Promise<void>;
  /** Records the failure and throws; it never returns. */
  giveUp(why: LoopGiveUp): Promise<never>;
}

export async function runAgentLoop<Final, Call extends LoopToolCall>(rules: AgentLoopRules, steps: AgentLoopSteps<Final, Call>): Promise<Final> {
  let repairs = 0;
  for (let turn = 0; turn < rules.turnLimit; turn++) {
    const forceFinal = turn >= rules.forceFinalFrom;
    await steps.beforeTurn(turn);
    const result = await steps.takeTurn(turn, forceFinal);
    if (result.kind === 'final') return result.final;
    repairs += result.repairs;
    const lastChance = forceFinal && rules.stopAtForcedTurnWithoutTools;
    if (repairs > rules.maxRepairs || (lastChance && result.toolCalls.length === 0)) {
      return steps.giveUp({ reason: lastChance ? 'no_final_answer' : 'still_invalid', problem: result.problem, turn });
    }
    for (const call of result.toolCalls) await steps.runTool(call);
  }
  return steps.giveUp({ reason: 'out_of_turns', turn: rules.turnLimit - 1 });
}
