/**
 * The patches a run takes, with one marker for all of them where it can.
 *
 * `patched(id)` records a marker the first time a run takes `id`, and Temporal Core upserts the
 * `TemporalChangeVersion` search attribute with it: two history events and a visibility write
 * per id per run. An issue without gates took three (local bookkeeping, search attributes on
 * change, loops opened by their first turn), and each approval two more on the person's path.
 *
 * A run of a shaped workflow type begun on this code records one marker instead, `id` of its
 * `Shape`, in its first workflow task, and takes every patch of the shape from it. A run begun
 * before replays that first task without the marker and asks each patch on its own, as its
 * history recorded; so does every run for a patch added after the shape.
 *
 * Contract: `patchesOf` is called once per run, in its first activation, before the workflow's
 * first `await`. There a run begun before this code is always replaying its first task, so
 * `patched(shape.id)` answers from its history; called later, in a live activation, it would
 * answer true for any run. A run continued as new starts a fresh history, and takes the shape.
 *
 * A workflow type's shapes, newest first: a run takes the first whose marker it has (a run
 * begun on this code, the newest), or, with none, each patch on its own. A new shape's `takes`
 * holds the previous one's and the patches added since; never move a patch out of a shape,
 * nor drop a shape while runs begun with it may replay.
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow.
 */
import { patched } from '@temporalio/workflow';

/** Answers whether the run takes a patch, as `patched(id)` does. */
export type Patches = (patchId: string) => boolean;

export interface Shape {
  /** The marker a run of this shape records; never renamed or reused. */
  readonly id: string;
  /** The patch ids a run with the marker takes without a marker of their own. */
  readonly takes: ReadonlySet<string>;
}

/** The patches of a run that takes each on its own (workflow types without a shape). */
export const eachOnItsOwn: Patches = (patchId) => patched(patchId);

/** The run's patches, from its workflow type's shapes (newest first); see the contract above. */
export function patchesOf(shapes: readonly Shape[]): Patches {
  const shape = shapes.find((candidate) => patched(candidate.id));
  if (!shape) return eachOnItsOwn;
  return (patchId) => shape.takes.has(patchId) || patched(patchId);
}
