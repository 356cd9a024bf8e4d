import { z } from 'zod';
import { caseInsensitiveEnum } from './enums';
import { STAGES, type Stage } from './issue';

/**
 * The kill switch and per-stage flags (README "Pausing agents"). One record for the whole
 * installation (set from the admin CLI) and one per organization (its admins, through the API
 * or the CLI); an issue obeys both: it is held if either pauses, and before any stage either
 * disables. Held issues wait inside their workflows (no polling) and continue exactly where
 * they stopped once nothing holds them.
 */
export interface AgentControls {
  /** Every agent step waits. */
  paused: boolean;
  /** Issues wait before entering these stages (the rest runs). */
  disabledStages: Stage[];
  /** What the operator said, shown on held issues. */
  reason: string | null;
}

export const NO_CONTROLS: AgentControls = { paused: false, disabledStages: [], reason: null };

/** What holds an organization's issues: the installation's controls and its own, together. */
export function effectiveControls(global: AgentControls, organization: AgentControls): AgentControls {
  const reasons = [global.paused || global.disabledStages.length > 0 ? global.reason : null, organization.reason].filter((reason): reason is string => Boolean(reason));
  return {
    paused: global.paused || organization.paused,
    disabledStages: STAGES.filter((stage) => global.disabledStages.includes(stage) || organization.disabledStages.includes(stage)),
    reason: reasons.length > 0 ? reasons.join('; ') : null,
  };
}

/**
 * A change: `stages` given → disable (pause) or re-enable (resume) those stages only; no
 * `stages` → pause everything, or resume everything (the stage flags included).
 */
export const controlsChangeSchema = z.strictObject({
  stages: z.array(caseInsensitiveEnum(STAGES)).min(1).max(STAGES.length).optional(),
  reason: z.string().trim().min(1).max(500).optional(),
});
export type ControlsChange = z.infer<typeof controlsChangeSchema>;

/** The controls after `change` (pure: the database applies the same in one statement). */
export function applyChange(current: AgentControls, action: 'pause' | 'resume', change: ControlsChange): AgentControls {
  if (change.stages) {
    const stages = new Set<Stage>(current.disabledStages);
    for (const stage of change.stages) {
      if (action === 'pause') stages.add(stage);
      else stages.delete(stage);
    }
    const disabledStages = STAGES.filter((stage) => stages.has(stage));
    return { paused: current.paused, disabledStages, reason: action === 'pause' ? (change.reason ?? current.reason) : current.paused || disabledStages.length > 0 ? current.reason : null };
  }
  return action === 'pause' ? { paused: true, disabledStages: current.disabledStages, reason: change.reason ?? current.reason } : { ...NO_CONTROLS };
}
