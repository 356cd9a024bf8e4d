/**
 * The workflow's own check of the people who act on it, shared by issue and skill runs.
 * DETERMINISTIC ZONE: only types from outside.
 *
 * The API already checked the key and the person; signals and updates sent straight through
 * Temporal (Web UI, CLI, SDK) did not pass it, so every action is checked here again: the
 * person must be a registered reviewer of the organization whose role may do this. Every
 * action the workflow receives, accepted or refused, is written to the audit trail from here
 * (channel `temporal_signal` / `temporal_update`), whoever sent it: what came through the
 * API or a webhook carries the origin it claims in `details.origin`, and has its own entry from
 * the API too. Trusting a claimed origin to skip this entry would let anyone with Temporal
 * access act unrecorded.
 */
import { ApplicationFailure, CancellationScope, log, proxyLocalActivities } from '@temporalio/workflow';
import type { BookkeepingActivities } from '../../activities';
import type { ReviewerCheck } from '../../activities/people';
import type { NewAuditEvent } from '../../src/db/audit';
import type { ActionOrigin } from '../../src/identity/acting';
import type { PersonAction } from '../../src/identity/scopes';
import { LOCAL_BOOKKEEPING, LOCAL_BOOKKEEPING_OPTIONS } from './activity-options';
import { eachOnItsOwn, type Patches } from './patches';

/** patched() id: the workflow audits the actions it receives (added with issue 12). */
export const AUDIT_TEMPORAL_PATH = 'audit-temporal-path';

type PeopleActivities = Pick<BookkeepingActivities, 'verifyReviewer' | 'recordAuditEvent'>;

/** What a person's action returns when it wrote its accepted audit entry itself (see `perform`). */
export const ENTRY_WRITTEN = 'entry-written';

export interface PersonActionInput {
  /** Where it says it came from (the API, a webhook); absent for the Temporal UI/CLI. Recorded, not trusted. */
  origin?: ActionOrigin;
  /** How it reached the workflow. */
  via: 'signal' | 'update';
  /** The person it claims to act for (checked, not trusted). */
  person: unknown;
  /** The audit trail's name for it, e.g. `issue.decide`. */
  action: string;
  details: Record<string, unknown>;
}

/** `patched` answers for the run (an issue run's shape, workflows/shared/patches.ts). */
export function personChecks(
  activities: PeopleActivities,
  organizationId: string,
  target: { type: 'issue' | 'invocation' | 'build'; id: string },
  patched: Patches = eachOnItsOwn,
) {
  /** The role each person had when last checked, for the audit entry. */
  const roles = new Map<string, string>();
  const local = proxyLocalActivities<Pick<BookkeepingActivities, 'verifyReviewer'>>(LOCAL_BOOKKEEPING_OPTIONS);

  /**
   * Throws a non-retryable `Forbidden` failure unless `person` may perform `action`. `check`
   * replaces the reviewer check with one that also records what the person did when allowed
   * (an issue's gate decision: one local activity, see issue/people.ts).
   */
  async function authorize(person: string, action: PersonAction, check?: () => Promise<ReviewerCheck>): Promise<void> {
    const verify = check ?? (() => (patched(LOCAL_BOOKKEEPING) ? local.verifyReviewer : activities.verifyReviewer)({ organizationId, reviewer: person, action }));
    const result = await verify();
    if (result.role) roles.set(person, result.role);
    if (!result.allowed) {
      throw ApplicationFailure.create({
        type: 'Forbidden',
        message: result.reason ?? `${person} is not a reviewer of organization ${organizationId}`,
        nonRetryable: true,
      });
    }
  }

  /** Audit entries being written: the person's action does not wait for them, the run's end does (flush). */
  const writing = new Set<Promise<void>>();

  /** The audit entry of an action the workflow received. */
  function entryOf(input: PersonActionInput, outcome: 'ok' | 'refused', reason: string | null): NewAuditEvent {
    const named = typeof input.person === 'string' && input.person.trim() ? input.person.slice(0, 200) : null;
    return {
      organizationId,
      // Only a person the check accepted is the actor; a refused name is a claim.
      actor: outcome === 'ok' ? named : null,
      actorRole: outcome === 'ok' && named ? (roles.get(named) ?? null) : null,
      channel: input.via === 'signal' ? 'temporal_signal' : 'temporal_update',
      channelRef: target.id,
      action: input.action,
      targetType: target.type,
      targetId: target.id,
      outcome,
      reason,
      details: {
        ...input.details,
        ...(outcome === 'refused' && named ? { claimedActor: named } : {}),
        ...(input.origin && typeof input.origin === 'object' ? { origin: input.origin } : {}),
      },
    };
  }

  /**
   * Writes the entry without holding up the action (an update answers its caller first).
   * Non-cancellable, so cancelling the run cannot drop an entry; `flush` before the run ends
   * or continues as new, so none is abandoned.
   */
  function audit(input: PersonActionInput, outcome: 'ok' | 'refused', reason: string | null): void {
    if (!patched(AUDIT_TEMPORAL_PATH)) return;
    const entry = entryOf(input, outcome, reason);
    const written: Promise<void> = CancellationScope.nonCancellable(() => activities.recordAuditEvent(entry))
      .catch((error: unknown) => log.error('audit entry not written', { action: input.action, error: error instanceof Error ? error.message : String(error) }))
      .finally(() => writing.delete(written));
    writing.add(written);
  }

  /** Waits for the audit entries still being written. */
  async function flush(): Promise<void> {
    await Promise.all([...writing]);
  }

  /**
   * The entry of `input` accepted, for an action that writes it together with what it records
   * (an issue's gate decision: issue/people.ts); then the action returns ENTRY_WRITTEN.
   * Undefined in runs that do not audit.
   */
  function acceptedEntry(input: PersonActionInput): NewAuditEvent | undefined {
    return patched(AUDIT_TEMPORAL_PATH) ? entryOf(input, 'ok', null) : undefined;
  }

  /**
   * Runs a person's action. Its outcome is audited when it came through Temporal (an accepted
   * one here unless the action wrote its entry itself); a refusal is rethrown (an update
   * reports it to its caller; a signal's handler drops it).
   */
  async function perform(input: PersonActionInput, run: () => Promise<void | typeof ENTRY_WRITTEN>): Promise<void> {
    let outcome: void | typeof ENTRY_WRITTEN;
    try {
      outcome = await run();
    } catch (error) {
      audit(input, 'refused', error instanceof Error ? error.message : String(error));
      throw error;
    }
    if (outcome !== ENTRY_WRITTEN) audit(input, 'ok', null);
  }

  return { authorize, perform, flush, acceptedEntry };
}
