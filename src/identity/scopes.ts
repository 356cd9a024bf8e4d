/**
 * Who may do what. An API key carries scopes (what the key may reach); a person carries a
 * role (what the person may decide). A human action needs both: a key that may reach the
 * endpoint, and a person — the personal key's reviewer, or the user an `act-as` key names —
 * whose role the organization allows for that action.
 *
 * This file holds only names and pure rules (workflow code imports its types).
 */

export const API_KEY_SCOPES = ['issues:write', 'skills:run', 'review', 'admin', 'act-as'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<ApiKeyScope, string> = {
  'issues:write': 'submit issues, read and cancel them',
  'skills:run': 'invoke skills, send ERP events, read skills, personas and runs',
  review: 'read issues and runs; approve, reject, answer and raise budgets as a person',
  admin: 'everything above but act-as, plus skills, personas, schedules and the audit trail',
  'act-as': 'name the person a request acts for (X-Acting-User); the ERP service key',
};

/** `admin` reaches every endpoint; it never lets a key speak for someone else (`act-as`). */
export function keyHasScope(scopes: readonly string[], wanted: ApiKeyScope): boolean {
  if (scopes.includes(wanted)) return true;
  return wanted !== 'act-as' && scopes.includes('admin');
}

export function parseScopes(list: string): ApiKeyScope[] {
  const scopes = [...new Set(list.split(',').map((scope) => scope.trim()).filter(Boolean))];
  const unknown = scopes.filter((scope) => !(API_KEY_SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0) throw new Error(`unknown scope ${unknown.join(', ')} (scopes: ${API_KEY_SCOPES.join(', ')})`);
  if (scopes.length === 0) throw new Error(`give at least one scope (${API_KEY_SCOPES.join(', ')})`);
  return scopes as ApiKeyScope[];
}

export const ROLES = ['reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a person may be allowed to do; each organization maps them to roles. */
export const PERSON_ACTIONS = ['approvePlan', 'approveFinal', 'answer', 'raiseBudget', 'cancel', 'reviewSkillRun', 'steer', 'approveCommand', 'publishSkill'] as const;
export type PersonAction = (typeof PERSON_ACTIONS)[number];

/** Spending more money is an admin's decision; everything else any registered reviewer's. */
export const DEFAULT_PERMISSIONS: Record<PersonAction, Role[]> = {
  approvePlan: ['reviewer', 'admin'],
  approveFinal: ['reviewer', 'admin'],
  answer: ['reviewer', 'admin'],
  raiseBudget: ['admin'],
  cancel: ['reviewer', 'admin'],
  reviewSkillRun: ['reviewer', 'admin'],
  /** Send a running agent a message, or interrupt it (a model tier change also needs raiseBudget). */
  steer: ['reviewer', 'admin'],
  /** Let the code agent run a command the policy holds for a person (settings.repository.commandApproval). */
  approveCommand: ['reviewer', 'admin'],
  /** Decide on a Skill Builder's draft: approving publishes a skill version for the organization. */
  publishSkill: ['admin'],
};

export type Permissions = Partial<Record<PersonAction, Role[]>>;

/** Whether a person of `role` may perform `action` under the organization's permissions. */
export function roleMay(role: string | null | undefined, action: PersonAction, permissions: Permissions | undefined): boolean {
  if (!role) return false;
  const allowed = permissions?.[action] ?? DEFAULT_PERMISSIONS[action];
  return (allowed as readonly string[]).includes(role);
}

/** The approval gate's action. */
export const gateAction = (gate: 'plan' | 'final'): PersonAction => (gate === 'plan' ? 'approvePlan' : 'approveFinal');

/** How an audited action reached us. */
export const AUDIT_CHANNELS = ['api_key', 'github_webhook', 'erp_webhook', 'temporal_signal', 'temporal_update', 'cli'] as const;
export type AuditChannel = (typeof AUDIT_CHANNELS)[number];
export type AuditOutcome = 'ok' | 'refused' | 'failed';
