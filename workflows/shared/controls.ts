/**
 * The kill switch and stage flags as a workflow applies them (src/contracts/controls.ts).
 * DETERMINISTIC ZONE: only types from outside.
 */
import type { AgentControls } from '../../src/contracts/controls';
import type { Stage } from '../../src/contracts/issue';

const STAGE_NAMES: readonly string[] = ['classify', 'triage', 'research', 'code', 'review'];

/**
 * Why work on `stage` may not start now, or null. `publish` (pushing and opening the pull
 * request) is held by the kill switch only: it is not an agent stage to disable.
 */
export function holdReason(controls: AgentControls | undefined, stage: Stage | 'publish'): string | null {
  if (!controls) return null;
  const paused = pauseReason(controls);
  if (paused) return paused;
  if (stage !== 'publish' && controls.disabledStages.includes(stage)) return `the ${stage} stage is disabled${controls.reason ? `: ${controls.reason}` : ''}`;
  return null;
}

/** Why no agent may take a step now (the kill switch), or null. Skill runs obey only this: they have no stages. */
export function pauseReason(controls: AgentControls | undefined): string | null {
  if (!controls?.paused) return null;
  return `agents are paused${controls.reason ? `: ${controls.reason}` : ''}`;
}

/** A `controlsChanged` payload as sent, or null when it is not one (a signal may come from anyone with Temporal access). */
export function validControls(value: unknown): AgentControls | null {
  if (typeof value !== 'object' || value === null) return null;
  const { paused, disabledStages, reason } = value as Record<string, unknown>;
  if (typeof paused !== 'boolean' || !Array.isArray(disabledStages) || !disabledStages.every((stage) => typeof stage === 'string' && STAGE_NAMES.includes(stage))) return null;
  if (reason !== null && reason !== undefined && (typeof reason !== 'string' || reason.length > 500)) return null;
  return { paused, disabledStages: disabledStages as Stage[], reason: typeof reason === 'string' ? reason : null };
}
