/**
 * Every `patched()` id an issue run asks, and the shape that takes them with one marker
 * (workflows/shared/patches.ts). The parts ask `run.patched(ID)`, never `patched(ID)`.
 * DETERMINISTIC ZONE: values only from ../shared.
 */
import { LOCAL_BOOKKEEPING } from '../shared/activity-options';
import type { Shape } from '../shared/patches';
import { AUDIT_TEMPORAL_PATH } from '../shared/people';

export { LOCAL_BOOKKEEPING, AUDIT_TEMPORAL_PATH };

/** Human waits release the concurrency slot (issue 12). */
export const RELEASE_SLOT_WHILE_WAITING = 'release-slot-while-waiting';

/** An input being recorded as the deadline passes is let in (as skill runs do). */
export const LET_IN_INPUT_IN_FLIGHT = 'let-in-input-in-flight';

/**
 * Search attributes are upserted only when a value changes, and attributes learned together
 * with the next stage go out in one upsert (issue 13). Runs started before it upsert every
 * time, as their histories recorded.
 */
export const SEARCH_ATTRIBUTES_ON_CHANGE = 'search-attributes-on-change';

/**
 * A gate decision's reviewer check and its records (decision, log line, status) run as one
 * local activity, `decideGate`, instead of three (issue 13: the approval → next step path).
 * Runs from before keep their verifyReviewer, recordGateDecision and recordIssueStatus.
 */
export const GATE_DECISION_IN_ONE_STEP = 'gate-decision-in-one-step';

/**
 * A loop is opened by its first model turn (the stage entered, the first message written
 * with the answer) instead of an activity of its own (issue 13: one activity, one workflow
 * task and one statement fewer per loop). Runs from before keep startAgentLoop.
 */
export const LOOP_OPENS_IN_FIRST_TURN = 'loop-opens-in-first-turn';

/** A wait opens with a notice, an approval needed or a question asked (issue 16). */
export const NOTICE_WHEN_WAITING = 'notice-when-waiting';

/**
 * A recorded notice goes out to the organization's channels (issue 16). Asked only when the
 * notice has channels to go to: runs recorded before it never got any.
 */
export const NOTIFICATION_CHANNELS = 'notification-channels';

/** A run with MCP servers lists their tools (asked only by such runs). */
export const MCP_TOOLS = 'mcp-tools';

/** The triage's worker type can end an issue after research (not allowed, or a review). */
export const WORKER_TYPES = 'worker-types';

/**
 * A gate decision's audit entry is written by `decideGate` with the decision, in its one
 * statement, instead of by an activity of its own after it (issue 13: one activity and one
 * workflow task fewer per decision). Runs from before keep recordAuditEvent.
 */
export const AUDIT_WITH_GATE_DECISION = 'audit-with-gate-decision';

/**
 * Tags, not branches: a run that takes messages and interrupts, or whose run_command calls
 * wait for a person, records these (`patched()` on its own, the answer unused). They stay
 * out of the shape, so such runs keep saying so in their histories.
 */
export const STEERING = 'issue-steering';
export const COMMAND_APPROVAL = 'command-approval';

/**
 * The first shape: a run begun with it records this one marker and takes these branches
 * without their own. A pipeline without gates had recorded three markers, each with its
 * `TemporalChangeVersion` upsert, and an approval two more (issue 13).
 */
const ISSUE_SHAPE_1: Shape = {
  id: 'issue-shape-1',
  takes: new Set([
    LOCAL_BOOKKEEPING,
    AUDIT_TEMPORAL_PATH,
    RELEASE_SLOT_WHILE_WAITING,
    LET_IN_INPUT_IN_FLIGHT,
    SEARCH_ATTRIBUTES_ON_CHANGE,
    GATE_DECISION_IN_ONE_STEP,
    LOOP_OPENS_IN_FIRST_TURN,
    NOTICE_WHEN_WAITING,
    NOTIFICATION_CHANNELS,
    MCP_TOOLS,
    WORKER_TYPES,
  ]),
};

/** The shape runs begin with now: the first, and the gate decision's audit entry with it. */
const ISSUE_SHAPE_2: Shape = {
  id: 'issue-shape-2',
  takes: new Set([...ISSUE_SHAPE_1.takes, AUDIT_WITH_GATE_DECISION]),
};

/** An issue run's shapes, newest first (workflows/shared/patches.ts). */
export const ISSUE_SHAPES: readonly Shape[] = [ISSUE_SHAPE_2, ISSUE_SHAPE_1];
