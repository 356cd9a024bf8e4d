/**
 * The workflow's own check of the people who act on it, shared by issue and skill runs.
 * DETERMINISTIC ZONE: only types from outside.
 *
 * The API already checked the key and the person; signals and updates sent straight through
 * Temporal (Web UI, CLI, SDK) did not pass it, so every action is checked here again: the
 * person must be a registered reviewer of the organization whose role may do this. Actions
 * that arrive without an origin came through Temporal — the operator path — and their
 * outcome, accepted or refused, is written to the audit trail from here (the API and the
 * webhooks audit their own).
 */
import { ApplicationFailure, patched } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ActionOrigin } from '../src/identity/acting';
import type { PersonAction } from '../src/identity/scopes';

/** patched() id: actions arriving through Temporal are audited (added with issue 12). */
const AUDIT_TEMPORAL_PATH = 'audit-temporal-path';

type PeopleActivities = Pick<Activities, 'verifyReviewer' | 'recordAuditEvent'>;

export interface PersonActionInput {
  /** Where it came from; absent for the Temporal path. */
  origin?: ActionOrigin;
  /** How it reached the workflow. */
  via: 'signal' | 'update';
  /** The person it claims to act for (checked, not trusted). */
  person: unknown;
  /** The audit trail's name for it, e.g. `issue.decide`. */
  action: string;
  details: Record<string, unknown>;
}

export function personChecks(activities: PeopleActivities, organizationId: string, target: { type: 'issue' | 'invocation'; id: string }) {
  /** Throws a non-retryable `Forbidden` failure unless `person` may perform `action`. */
  async function authorize(person: string, action: PersonAction): Promise<void> {
    const result = await activities.verifyReviewer({ organizationId, reviewer: person, action });
    if (!result.allowed) {
      throw ApplicationFailure.create({
        type: 'Forbidden',
        message: result.reason ?? `${person} is not a reviewer of organization ${organizationId}`,
        nonRetryable: true,
      });
    }
  }

  async function audit(input: PersonActionInput, outcome: 'ok' | 'refused', reason: string | null): Promise<void> {
    if (input.origin || !patched(AUDIT_TEMPORAL_PATH)) return;
    await activities.recordAuditEvent({
      organizationId,
      actor: typeof input.person === 'string' && input.person.trim() ? input.person.slice(0, 200) : null,
      channel: input.via === 'signal' ? 'temporal_signal' : 'temporal_update',
      channelRef: target.id,
      action: input.action,
      targetType: target.type,
      targetId: target.id,
      outcome,
      reason,
      details: input.details,
    });
  }

  /**
   * Runs a person's action. Its outcome is audited when it came through Temporal; a refusal
   * is rethrown (an update reports it to its caller; a signal's handler drops it).
   */
  async function perform(input: PersonActionInput, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      await audit(input, 'refused', error instanceof Error ? error.message : String(error));
      throw error;
    }
    await audit(input, 'ok', null);
  }

  return { authorize, perform };
}
