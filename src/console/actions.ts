import type { Context } from 'hono';
import type { z } from 'zod';
import { actingPerson, auditSubject, originOf } from '../api/acting';
import type { AuthVariables } from '../api/auth';
import { controlsChangeSchema } from '../contracts/controls';
import { answerSchema, commandDecisionSchema, decisionSchema, raiseBudgetSchema } from '../contracts/people';
import type { ControlsService } from '../controls/service';
import { AppError } from '../errors';
import { gateAction, keyHasScope, type ApiKeyScope } from '../identity/scopes';
import type { AccessService } from '../identity/service';
import type { IssueService, IssueView } from '../issues/service';
import { invocationAnswerSchema, invocationDecisionSchema } from '../contracts/skills';
import type { SkillService } from '../skills/service';
import type { InvocationView } from './pages/invocation';
import type { SkillBuildService } from '../builds/service';
import type { BuildView } from './pages/build';
import { buildDecisionSchema } from '../contracts/builds';
import { outageError } from '../upstream/unavailable';
import type { ConsoleContext } from './session';

/**
 * What the console's forms do, through the same services, checks and audit trail as the JSON
 * API's routes (src/api/routes/issues.ts, admin.ts): the key's scope, the person it acts for and
 * their role (src/api/acting.ts), the organization's issue, the workflow's own validation; every
 * attempt recorded in the audit trail, refused ones included, with `via: console`.
 */

type FormBody = Record<string, string | File | Array<string | File>>;

const text = (form: FormBody, name: string): string | undefined => {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
};
const filled = (value: string | undefined) => (value !== undefined && value.trim() !== '' ? value : undefined);
const texts = (form: FormBody, name: string): string[] => {
  const value = form[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item): item is string => typeof item === 'string');
};

/** The form fields as the API's body schema reads them, or a 422 naming what is wrong. */
function parsed<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 3).map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  throw new AppError('VALIDATION_FAILED', problems.join('; '));
}

function requireScope(c: ConsoleContext, scope: ApiKeyScope): void {
  const held = c.get('principal').key.scopes;
  if (!keyHasScope(held, scope)) throw new AppError('FORBIDDEN', `This key lacks the ${scope} scope (it has ${held.join(', ') || 'none'}).`);
}

const asApi = (c: ConsoleContext) => c as unknown as Context<{ Variables: AuthVariables }>;

/** Runs `act` and appends its audit entry as auditRoute does for the API (outcome, reason, person). */
async function audited<T>(c: ConsoleContext, access: AccessService, entry: { action: string; targetType: string; targetId: string | null; details: Record<string, unknown> }, act: () => Promise<T>): Promise<T> {
  let outcome: 'ok' | 'refused' | 'failed' = 'ok';
  let reason: string | null = null;
  try {
    return await act();
  } catch (thrown) {
    const error = outageError(thrown) ?? thrown;
    const refused = error instanceof AppError && !['INTERNAL', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_REJECTED', 'INVALID_MODEL_OUTPUT'].includes(error.code);
    outcome = refused ? 'refused' : 'failed';
    reason = error instanceof Error ? error.message : String(error);
    throw thrown;
  } finally {
    await access.record({
      ...auditSubject(asApi(c)),
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      outcome,
      reason,
      details: { ...entry.details, via: 'console' },
    });
  }
}

export interface ActionDeps {
  access: AccessService;
  issues: IssueService;
  controls?: ControlsService | undefined;
  skills?: SkillService | undefined;
  builds?: SkillBuildService | undefined;
}

function skillsOf(deps: ActionDeps): SkillService {
  if (!deps.skills) throw new AppError('NOT_FOUND', 'skill runs are not served by this API');
  return deps.skills;
}

/** Answer a skill run's request_info question (POST /api/invocations/:id/answers). */
export function answerInvocation(c: ConsoleContext, deps: ActionDeps, invocationId: string, form: FormBody): Promise<InvocationView> {
  return audited(c, deps.access, { action: 'invocation.answer', targetType: 'invocation', targetId: invocationId, details: {} }, async () => {
    requireScope(c, 'review');
    const body = parsed(invocationAnswerSchema, { answer: text(form, 'answer') ?? '' });
    const person = await actingPerson(asApi(c), deps.access, undefined, 'answer');
    return skillsOf(deps).answer(c.get('organization').id, invocationId, { ...body, answeredBy: person.userId, origin: originOf(asApi(c)) });
  });
}

/** Approve or reject a skill run flagged for review (POST /api/invocations/:id/approval). */
export function decideInvocation(c: ConsoleContext, deps: ActionDeps, invocationId: string, form: FormBody): Promise<InvocationView> {
  const decision = text(form, 'decision');
  return audited(c, deps.access, { action: 'invocation.decide', targetType: 'invocation', targetId: invocationId, details: { decision: decision ?? null } }, async () => {
    requireScope(c, 'review');
    const comment = filled(text(form, 'comment'));
    const body = parsed(invocationDecisionSchema, { decision, ...(comment ? { comment } : {}) });
    const person = await actingPerson(asApi(c), deps.access, undefined, 'reviewSkillRun');
    return skillsOf(deps).decide(c.get('organization').id, invocationId, { ...body, reviewer: person.userId, origin: originOf(asApi(c)) });
  });
}

/** Decide on a build's draft or proposal (POST /api/builds/:id/approval): admins' keys, a person who may publishSkill. */
export function decideBuild(c: ConsoleContext, deps: ActionDeps, buildId: string, form: FormBody): Promise<BuildView> {
  const decision = text(form, 'decision');
  return audited(c, deps.access, { action: 'build.decide', targetType: 'build', targetId: buildId, details: { decision: decision ?? null } }, async () => {
    requireScope(c, 'admin');
    if (!deps.builds) throw new AppError('NOT_FOUND', 'builds are not served by this API');
    const comment = filled(text(form, 'comment'));
    const round = filled(text(form, 'round'));
    const checksum = filled(text(form, 'checksum'));
    // The page's round and checksum: a decision made on a page another round replaced is refused.
    const body = parsed(buildDecisionSchema, { decision, ...(comment ? { comment } : {}), ...(round !== undefined ? { round: Number(round) } : {}), ...(checksum ? { checksum } : {}) });
    const person = await actingPerson(asApi(c), deps.access, undefined, 'publishSkill');
    return deps.builds.decide(c.get('organization').id, buildId, { ...body, reviewer: person.userId });
  });
}

/** Approve / request changes / reject at the open gate (POST /api/issues/:id/approval). */
export function decide(c: ConsoleContext, deps: ActionDeps, issueId: string, form: FormBody): Promise<IssueView> {
  const decision = text(form, 'decision');
  const gate = filled(text(form, 'gate'));
  return audited(c, deps.access, { action: 'issue.decide', targetType: 'issue', targetId: issueId, details: { decision: decision ?? null, gate: gate ?? null } }, async () => {
    requireScope(c, 'review');
    const body = parsed(decisionSchema, { decision, ...(filled(text(form, 'comment')) ? { comment: text(form, 'comment') } : {}), ...(gate ? { gate } : {}) });
    const person = await actingPerson(asApi(c), deps.access, undefined, body.gate ? gateAction(body.gate) : ['approvePlan', 'approveFinal']);
    return deps.issues.decide(c.get('organization').id, issueId, { ...body, reviewer: person.userId, origin: originOf(asApi(c)) });
  });
}

/** Answer the pending question, or confirm the drafted answer (POST /api/issues/:id/answers). */
export function answer(c: ConsoleContext, deps: ActionDeps, issueId: string, form: FormBody): Promise<IssueView> {
  const questionId = filled(text(form, 'questionId'));
  const confirm = text(form, 'confirm') === 'yes';
  return audited(c, deps.access, { action: 'issue.answer', targetType: 'issue', targetId: issueId, details: { questionId: questionId ?? null, confirm } }, async () => {
    requireScope(c, 'review');
    const given = filled(text(form, 'answer'));
    const body = parsed(answerSchema, { ...(questionId ? { questionId } : {}), ...(confirm ? { confirm: true } : given ? { answer: given } : {}) });
    const person = await actingPerson(asApi(c), deps.access, undefined, 'answer');
    return deps.issues.answer(c.get('organization').id, issueId, { ...body, answeredBy: person.userId, origin: originOf(asApi(c)) });
  });
}

/** Run or deny the command the agent waits to run (POST /api/issues/:id/command-approval). */
export function decideCommand(c: ConsoleContext, deps: ActionDeps, issueId: string, form: FormBody): Promise<IssueView> {
  const decision = text(form, 'decision');
  const toolUseId = filled(text(form, 'toolUseId'));
  return audited(c, deps.access, { action: 'issue.command_decision', targetType: 'issue', targetId: issueId, details: { decision: decision ?? null, toolUseId: toolUseId ?? null } }, async () => {
    requireScope(c, 'review');
    const comment = filled(text(form, 'comment'));
    const body = parsed(commandDecisionSchema, { decision, ...(comment ? { comment } : {}), ...(toolUseId ? { toolUseId } : {}) });
    const person = await actingPerson(asApi(c), deps.access, undefined, 'approveCommand');
    return deps.issues.decideCommand(c.get('organization').id, issueId, { ...body, reviewer: person.userId, origin: originOf(asApi(c)) });
  });
}

/** Raise the issue's budget (POST /api/issues/:id/budget). */
export function raiseBudget(c: ConsoleContext, deps: ActionDeps, issueId: string, form: FormBody): Promise<IssueView> {
  const raw = filled(text(form, 'budgetUsd'));
  const budgetUsd = raw !== undefined && /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
  return audited(c, deps.access, { action: 'issue.raise_budget', targetType: 'issue', targetId: issueId, details: { budgetUsd: typeof budgetUsd === 'number' ? budgetUsd : null } }, async () => {
    requireScope(c, 'review');
    if (typeof budgetUsd !== 'number') throw new AppError('VALIDATION_FAILED', 'budgetUsd: give the new total in USD, e.g. 5 or 12.50');
    const body = parsed(raiseBudgetSchema, { budgetUsd });
    const person = await actingPerson(asApi(c), deps.access, undefined, 'raiseBudget');
    return deps.issues.raiseBudget(c.get('organization').id, issueId, { ...body, reviewer: person.userId, origin: originOf(asApi(c)) });
  });
}

/** Pause or resume the organization's agents, all or some stages (POST /api/admin/pause|resume). */
export async function changeControls(c: ConsoleContext, deps: ActionDeps, form: FormBody): Promise<'pause' | 'resume'> {
  const action = text(form, 'action') === 'resume' ? 'resume' : 'pause';
  const stages = texts(form, 'stages');
  const reason = filled(text(form, 'reason'));
  const controls = deps.controls;
  await audited(c, deps.access, { action: `agents.${action}`, targetType: 'agent_controls', targetId: null, details: { ...(stages.length > 0 ? { stages } : {}), ...(reason ? { reason } : {}) } }, async () => {
    requireScope(c, 'admin');
    if (!controls) throw new AppError('NOT_FOUND', 'the kill switch is not available on this API');
    const body = parsed(controlsChangeSchema, { ...(stages.length > 0 ? { stages } : {}), ...(reason ? { reason } : {}) });
    const key = c.get('principal').key;
    await controls.change(c.get('organization').id, action, body, key.reviewerUserId ?? `key ${key.name}`);
  });
  return action;
}
