import type { Principal } from '../db/organizations';
import { AppError } from '../errors';
import { organizationSettingsSchema } from '../contracts/policy';
import type { Organization } from '../db/organizations';
import type { PeopleDirectory } from './people-directory';
import { type AuditChannel, keyHasScope, type PersonAction, type Role, roleMay } from './scopes';

/** A registered reviewer of the organization, as checked at the time of the action. */
export interface Person {
  userId: string;
  role: Role;
}

/**
 * How an action reached us (the API, a webhook), carried into the workflow with it and kept in
 * the workflow's audit entry as a claim. Absent for actions sent straight through Temporal.
 */
export interface ActionOrigin {
  channel: AuditChannel;
  /** Key id, webhook delivery id, … */
  ref?: string;
  /** The key's name. */
  name?: string;
  requestId?: string;
}

/** The header an `act-as` key names its person with. */
export const ACTING_USER_HEADER = 'X-Acting-User';

/**
 * The person an API request acts for, or a 403 that says why not:
 *  - a personal key acts as its own reviewer; a `reviewer` in the body (or the header) must
 *    be absent or equal to it;
 *  - a service key acts for a person only with the `act-as` scope, naming a registered
 *    reviewer of its organization in X-Acting-User (or, equivalently, in the body; when
 *    both are given they must agree);
 *  - anything else is refused: no key speaks for someone it has not been trusted to.
 */
export async function resolveActingPerson(
  people: PeopleDirectory,
  principal: Principal,
  claimed: { header?: string | undefined; body?: string | undefined },
): Promise<Person> {
  const header = claimed.header?.trim() || undefined;
  const body = claimed.body?.trim() || undefined;
  const organizationId = principal.organization.id;
  let userId: string;
  if (principal.key.reviewerUserId) {
    userId = principal.key.reviewerUserId;
    for (const [where, name] of [[ACTING_USER_HEADER, header], ['reviewer', body]] as const) {
      if (name !== undefined && name !== userId) {
        throw new AppError('FORBIDDEN', `this personal key acts as ${userId}; ${where} must be absent or ${userId}, not ${name}`);
      }
    }
  } else {
    const named = header ?? body;
    if (named === undefined) {
      throw new AppError('FORBIDDEN', `this key acts for no person: use a reviewer's personal key, or a key with the act-as scope and the ${ACTING_USER_HEADER} header`);
    }
    if (!keyHasScope(principal.key.scopes, 'act-as')) {
      throw new AppError('FORBIDDEN', `this key may not act for ${named}: it lacks the act-as scope (use ${named}'s personal key)`);
    }
    if (header !== undefined && body !== undefined && header !== body) {
      throw new AppError('FORBIDDEN', `${ACTING_USER_HEADER} (${header}) and reviewer (${body}) name different people`);
    }
    userId = named;
  }
  const person = await people.find(organizationId, userId);
  if (!person) throw new AppError('FORBIDDEN', notAReviewer(userId, organizationId));
  return { userId: person.reviewer.userId, role: person.reviewer.role };
}

/** Refuses (403) a person whose role the organization does not allow `action`. */
export function assertPersonMay(organization: Organization, person: Person, action: PersonAction): void {
  assertPersonMayAny(organization, person, [action]);
}

/** Refuses (403) a person whose role allows none of `actions` (named by the first). */
export function assertPersonMayAny(organization: Organization, person: Person, actions: PersonAction[]): void {
  const refusal = roleRefusal(organization, person, actions);
  if (refusal) throw new AppError('FORBIDDEN', refusal);
}

/**
 * Why `person` may do none of `actions` under the organization's current permissions, or
 * undefined when the role allows one. The one rule the API and the workflow's check share.
 */
export function roleRefusal(organization: Pick<Organization, 'id' | 'settings'>, person: { userId: string; role: string }, actions: PersonAction[]): string | undefined {
  const permissions = organizationSettingsSchema.shape.permissions.safeParse(organization.settings.permissions);
  if (actions.some((action) => roleMay(person.role, action, permissions.success ? permissions.data : undefined))) return undefined;
  const what = actions.length > 1 ? 'decide at an approval gate' : describeAction(actions[0] as PersonAction);
  return `${person.userId} (${person.role}) may not ${what} in organization ${organization.id}`;
}

export const notAReviewer = (userId: string, organizationId: string) => `${userId} is not a reviewer of organization ${organizationId}`;

const ACTION_WORDS: Record<PersonAction, string> = {
  approvePlan: 'decide at the plan gate',
  approveFinal: 'decide at the final gate',
  answer: 'answer questions',
  raiseBudget: 'raise a budget',
  cancel: 'cancel',
  reviewSkillRun: "review a skill run's output",
  steer: 'message or interrupt a running agent',
  approveCommand: "approve or deny an agent's command",
  publishSkill: "decide on a builder's draft or proposal (skill versions, ERP forms and triggers)",
};

function describeAction(action: PersonAction): string {
  return ACTION_WORDS[action];
}
