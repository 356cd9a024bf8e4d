/**
 * How a run takes input from people (decisions, answers, budget raises), shared by issues and
 * skills. DETERMINISTIC ZONE: only types from outside.
 *
 * Every kind of input arrives two ways, both through one `apply`:
 * - an **update**, validated first: a refused update leaves nothing in the history and its
 *   caller hears why; an accepted one answers with the run's progress once recorded;
 * - a **signal**, for the Web UI and `temporal workflow signal`, which cannot wait for an
 *   answer: an invalid one is dropped with a warning, its audit entry (see people.ts), and
 *   `refused` — the run shows it (the issue's `refusedSignals`), since its sender cannot hear why.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { log, setHandler, type SignalDefinition } from '@temporalio/workflow';

export type InputChannel = 'update' | 'signal';

export function acceptFromPeople<Input, Progress>(
  kind: { name: string; update: UpdateDefinition<Progress, [Input]>; signal: SignalDefinition<[Input]> },
  handling: {
    /** Why the input cannot be taken now, or null. Pure: it runs again as the update's validator. */
    validate(input: Input): string | null;
    /** Checks the person, records the input and hands it to the waiting run; throws to refuse. */
    apply(input: Input, via: InputChannel): Promise<void>;
    /** What an accepted update answers. */
    progress(): Progress;
    /** A signal was refused (a signal's sender hears nothing): shows it where people look. */
    refused?(input: Input, reason: string): void;
  },
): void {
  setHandler(kind.update, async (input) => (await handling.apply(input, 'update'), handling.progress()), {
    validator: (input) => {
      const problem = handling.validate(input);
      if (problem) throw new Error(problem); // refused before anything is recorded
    },
  });
  setHandler(kind.signal, (input) =>
    handling.apply(input, 'signal').catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      log.warn(`${kind.name} signal ignored`, { reason });
      handling.refused?.(input, reason);
    }),
  );
}

/**
 * One input is checked and recorded at a time. While one is (`busy`), validators refuse the
 * next ("already has a decision"), and a wait that times out lets the one in flight finish.
 */
export class InputDesk {
  busy = false;

  async record(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await work();
    } finally {
      this.busy = false;
    }
  }
}
