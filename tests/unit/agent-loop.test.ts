import { type AgentLoopRules, type LoopGiveUp, type LoopTurn, runAgentLoop } from '../../workflows/shared/agent-loop';

/** The shared agent loop, driven by scripted turns: what it runs, in which order, and when it gives up. */
type Call = { toolUseId: string; name: string };
const ISSUE_RULES: AgentLoopRules = { forceFinalFrom: 2, turnLimit: 3, maxRepairs: 1, stopAtForcedTurnWithoutTools: true };
const SKILL_RULES: AgentLoopRules = { forceFinalFrom: 2, turnLimit: 5, maxRepairs: 2, stopAtForcedTurnWithoutTools: false };

class GaveUp extends Error {
  constructor(readonly why: LoopGiveUp) {
    super(why.reason);
  }
}

function scripted(turns: Array<LoopTurn<string, Call>>) {
  const events: string[] = [];
  const steps = {
    async beforeTurn(turn: number) {
      events.push(`budget ${turn}`);
    },
    async takeTurn(turn: number, forceFinal: boolean) {
      events.push(`turn ${turn}${forceFinal ? ' (final)' : ''}`);
      const next = turns[turn];
      if (!next) throw new Error(`no scripted turn ${turn}`);
      return next;
    },
    async runTool(call: Call) {
      events.push(`tool ${call.name}`);
    },
    async giveUp(why: LoopGiveUp): Promise<never> {
      events.push(`give up: ${why.reason} at ${why.turn}`);
      throw new GaveUp(why);
    },
  };
  return { events, steps };
}
const tools = (...names: string[]): LoopTurn<string, Call> => ({ kind: 'tools', toolCalls: names.map((name, i) => ({ toolUseId: `t${i}`, name })), repairs: 0 });
const invalid = (problem: string, ...names: string[]): LoopTurn<string, Call> => ({ ...tools(...names), repairs: 1, problem } as LoopTurn<string, Call>);
const final = (answer: string): LoopTurn<string, Call> => ({ kind: 'final', final: answer });

describe('the shared agent loop', () => {
  it('checks the budget before every turn, runs tool calls in order and returns the final answer', async () => {
    const { events, steps } = scripted([tools('read_file', 'search'), tools('run_command'), final('done')]);
    await expect(runAgentLoop(ISSUE_RULES, steps)).resolves.toBe('done');
    expect(events).toEqual(['budget 0', 'turn 0', 'tool read_file', 'tool search', 'budget 1', 'turn 1', 'tool run_command', 'budget 2', 'turn 2 (final)']);
  });

  it('gives up when invalid answers outnumber the repairs allowed, across turns', async () => {
    const { events, steps } = scripted([invalid('missing rootCause'), invalid('still missing')]);
    const failure = runAgentLoop(ISSUE_RULES, steps);
    await expect(failure).rejects.toMatchObject({ why: { reason: 'still_invalid', problem: 'still missing', turn: 1 } });
    expect(events.at(-1)).toBe('give up: still_invalid at 1');
  });

  it('issues: a forced last turn that asks for nothing ends the loop at once', async () => {
    const { events, steps } = scripted([tools('a'), tools('b'), invalid('no summary')]);
    await expect(runAgentLoop({ ...ISSUE_RULES, maxRepairs: 5 }, steps)).rejects.toMatchObject({ why: { reason: 'no_final_answer', problem: 'no summary', turn: 2 } });
    expect(events).not.toContain('budget 3');
  });

  it('issues: a forced last turn still runs its tool calls, then the turns are out', async () => {
    const { events, steps } = scripted([tools('a'), tools('b'), tools('c')]);
    await expect(runAgentLoop(ISSUE_RULES, steps)).rejects.toMatchObject({ why: { reason: 'out_of_turns', turn: 2 } });
    expect(events.slice(-2)).toEqual(['tool c', 'give up: out_of_turns at 2']);
  });

  it('skills: forced turns may repair an invalid answer in the extra turns', async () => {
    const { events, steps } = scripted([tools('a'), tools('b'), invalid('bad output'), invalid('worse'), final('{"ok":true}')]);
    await expect(runAgentLoop(SKILL_RULES, steps)).resolves.toBe('{"ok":true}');
    expect(events.filter((event) => event.endsWith('(final)'))).toEqual(['turn 2 (final)', 'turn 3 (final)', 'turn 4 (final)']);
  });

  it('a failure inside a step is not swallowed', async () => {
    const { steps } = scripted([tools('a')]);
    const failing = { ...steps, runTool: async () => Promise.reject(new Error('tool activity failed')) };
    await expect(runAgentLoop(ISSUE_RULES, failing)).rejects.toThrow('tool activity failed');
  });
});
