import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { html } from 'hono/html';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { statusForCode } from '../api/errors';
import { isUuid } from '../contracts/ids';
import type { ControlsService } from '../controls/service';
import type { Database } from '../db/client';
import { AppError } from '../errors';
import { keyHasScope } from '../identity/scopes';
import type { AccessService } from '../identity/service';
import type { InboxService } from '../inbox/service';
import type { IssueChangeFeed } from '../issues/changes';
import type { IssueService } from '../issues/service';
import type { SkillService } from '../skills/service';
import type { Logger } from '../logger';
import { outageError } from '../upstream/unavailable';
import type { LimiterState } from '../../workflows/limiter';
import * as actions from './actions';
import { CONSOLE_CSS, CONSOLE_JS } from './assets';
import { issueEvents } from './events';
import type { Viewer } from './layout';
import { AdminPage } from './pages/admin';
import { ErrorPage } from './pages/error';
import { InboxPage } from './pages/inbox';
import { InvocationPage } from './pages/invocation';
import { BuildPage } from './pages/build';
import type { SkillBuildService } from '../builds/service';
import { IssuePage } from './pages/issue';
import type { FormValues } from './pages/issue-actions';
import { SignInPage } from './pages/sign-in';
import { consoleHeaders, sameOriginPosts } from './security';
import { CONSOLE_SCOPE, type ConsoleContext, type ConsoleEnv, csrfTokenMatches, endSession, requireSession, safeNext, startSession } from './session';

/**
 * The reviewer console (README "Reviewer console"): server-rendered pages under /console over
 * the services the JSON API calls, so what a person may see and do is the same in both.
 *
 *   GET  /console/sign-in, POST /console/sign-in, POST /console/sign-out
 *   GET  /console/inbox                 what waits for me, then the latest issues
 *   GET  /console/issues/:id            one issue (its trackingUrl): wait, forms, timeline, diff, artifacts, transcript
 *   GET  /console/issues/:id/events     its live timeline (Server-Sent Events)
 *   POST /console/issues/:id/decision | answer | budget | command
 *   GET  /console/invocations/:id       one skill run, POST …/answer | decision
 *   GET  /console/builds/:id            one builder run (keys with the admin scope), POST …/decision
 *   GET  /console/admin, POST /console/admin/controls   (keys with the admin scope)
 */
export interface ConsoleDeps {
  /** Where sessions are kept (src/db/console-sessions.ts). */
  db: Database;
  access: AccessService;
  issues: IssueService;
  inbox?: InboxService | undefined;
  controls?: ControlsService | undefined;
  /** Skill runs (their page and forms); without it those pages answer 404. */
  skills?: SkillService | undefined;
  /** Builder runs (their page and decision form); without it that page answers 404. */
  builds?: SkillBuildService | undefined;
  /** Feeds the live timeline; without it the event stream answers 503 (the pages still work). */
  feed?: IssueChangeFeed | undefined;
  /** The pipelines' concurrency limiter, for the admin page; undefined when it does not answer. */
  slots?: (() => Promise<LimiterState | undefined>) | undefined;
  /** PUBLIC_BASE_URL: https there makes the cookie Secure; its origin may post forms. */
  publicBaseUrl: string;
  heartbeatMs?: number | undefined;
  log?: Logger | undefined;
}

/** What a `done` query parameter says after a form worked (fixed texts: nothing from the URL is shown). */
const DONE: Record<string, string> = {
  approve: 'Approved. The issue goes on.',
  request_changes: 'Changes requested. The agents take your comment into the next round.',
  reject: 'Rejected. The issue ends.',
  answer: 'Answer sent. The agents go on with it.',
  budget: 'Budget raised. The agents go on.',
  command_approve: 'Approved: the command runs once.',
  command_approve_for_issue: 'Approved: the command runs, and runs unasked for the rest of this issue.',
  command_deny: 'Denied. The agent reads your comment instead of the output.',
  invocation_answer: 'Answer sent. The skill run goes on with it.',
  invocation_approve: 'Approved. The skill run goes on.',
  invocation_reject: 'Rejected. The skill run ends.',
  build_approve: 'Approved. The build publishes its draft, or creates its proposal in the ERP.',
  build_request_changes: 'Changes requested. The agent takes your comment into the next round.',
  build_reject: 'Rejected. The build ends.',
  pause: 'Paused.',
  resume: 'Resumed.',
};

/** The page as HTML with its doctype (the element is escaped JSX). */
function page(c: ConsoleContext, element: JSX.Element, status: ContentfulStatusCode = 200) {
  return c.html(html`<!doctype html>${element}`, status);
}

const viewerOf = (c: ConsoleContext): Viewer | undefined => {
  const principal = c.get('principal');
  return principal ? { principal, csrfToken: c.get('csrfToken') } : undefined;
};
const mustView = (c: ConsoleContext): Viewer => viewerOf(c) as Viewer;

/** A refusal as the person sees it: the status the API would answer, and its message. */
function refusal(error: unknown): { status: ContentfulStatusCode; message: string } | undefined {
  const known = outageError(error) ?? error;
  if (known instanceof AppError) return { status: statusForCode(known.code), message: known.message };
  return undefined;
}

export function consoleRoutes(deps: ConsoleDeps) {
  const https = deps.publicBaseUrl.startsWith('https:');
  const sessions = { db: deps.db, secure: https };
  const app = new Hono<ConsoleEnv>();

  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      const message = error.status === 403 ? 'This form was not sent from the console itself (its origin was missing or another site’s), so it was refused.' : error.status === 413 ? 'That form is too large.' : error.message || 'Bad request';
      return page(c, <ErrorPage status={error.status} message={message} viewer={viewerOf(c)} />, error.status as ContentfulStatusCode);
    }
    const known = refusal(error);
    if (known && known.status < 500) return page(c, <ErrorPage status={known.status} message={known.message} viewer={viewerOf(c)} />, known.status);
    if (!known || known.status === 500) deps.log?.error('console request failed', { error });
    const message = known?.message ?? 'Internal error.';
    return page(c, <ErrorPage status={known?.status ?? 500} message={message} viewer={viewerOf(c)} requestId={c.get('requestId')} />, known?.status ?? 500);
  });
  app.use(consoleHeaders(https));
  app.use(sameOriginPosts(deps.publicBaseUrl));
  app.use(bodyLimit({ maxSize: 256 * 1024, onError: () => { throw new HTTPException(413); } }));

  app.get('/assets/console.css', (c) => c.body(CONSOLE_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }));
  app.get('/assets/console.js', (c) => c.body(CONSOLE_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }));

  // ---- signing in and out ---------------------------------------------------------------
  app.get('/', (c) => c.redirect('/console/inbox', 303));
  app.get('/sign-in', (c) => page(c, <SignInPage next={safeNext(c.req.query('next'))} signedOut={c.req.query('signed-out') === '1'} />));
  app.post('/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const key = typeof form['key'] === 'string' ? form['key'].trim() : '';
    const next = safeNext(form['next']);
    const principal = key ? await deps.access.authenticate(key) : undefined;
    if (!principal) return page(c, <SignInPage error="That key was not accepted: it is unknown or revoked. Paste your personal key again." next={next} />, 401);
    if (!keyHasScope(principal.key.scopes, CONSOLE_SCOPE)) {
      return page(c, <SignInPage error={`This key cannot use the console: it needs the ${CONSOLE_SCOPE} scope (it has ${principal.key.scopes.join(', ')}). Use your personal key.`} next={next} />, 403);
    }
    await startSession(c, sessions, principal);
    await deps.access.record({
      organizationId: principal.organization.id,
      actor: principal.key.reviewerUserId,
      actorRole: null,
      channel: 'api_key',
      channelRef: principal.key.id,
      channelName: principal.key.name,
      action: 'console.sign_in',
      targetType: 'console_session',
      targetId: null,
      outcome: 'ok',
      reason: null,
      details: { via: 'console' },
      requestId: c.get('requestId'),
    });
    return c.redirect(next, 303);
  });

  const pageSession = requireSession(sessions, (c) => c.redirect(`/console/sign-in?next=${encodeURIComponent(c.req.path)}`, 303));
  const formSession = requireSession(sessions, (c) => page(c, <ErrorPage status={401} message="Your session has ended (signed out, expired, or its key was revoked). Sign in again; what you typed was not sent." />, 401));
  /** Every form carries the session's token; a POST without it is refused before it acts. */
  const csrfToken = async (c: ConsoleContext, next: () => Promise<void>) => {
    const form = await c.req.parseBody();
    if (!csrfTokenMatches(c.get('csrfToken'), form['csrf'])) {
      return page(c, <ErrorPage status={403} message="This form is out of date or was not made by the console (its security token does not match your session). Reload the page and send it again." viewer={viewerOf(c)} />, 403);
    }
    await next();
    return undefined;
  };

  app.post('/sign-out', async (c) => {
    // Without a valid session there is nothing to protect: the cookie is cleared either way.
    await endSession(c, sessions);
    return c.redirect('/console/sign-in?signed-out=1', 303);
  });

  /**
   * A form's route: the session, its CSRF token, then the action — back to the page with a
   * notice (`done`), or the page again with the API's refusal and what was typed.
   */
  type FormPage = (c: ConsoleContext, id: string, extra: { error?: string; values?: FormValues; status?: ContentfulStatusCode }) => Promise<Response>;
  const formAction = (target: { idOf: (c: ConsoleContext) => string; path: string; render: FormPage }, act: FormAct, done: (form: FormFields) => string) =>
    [
      formSession,
      csrfToken,
      async (c: ConsoleContext) => {
        const id = target.idOf(c);
        const form = await c.req.parseBody();
        try {
          await act(c, deps, id, form);
        } catch (error) {
          const known = refusal(error);
          if (!known || known.status >= 500) throw error;
          const values: FormValues = { comment: str(form['comment']), answer: str(form['answer']), budgetUsd: str(form['budgetUsd']) };
          return target.render(c, id, { error: known.message, values, status: known.status });
        }
        return c.redirect(`/console/${target.path}/${id}?done=${done(form)}`, 303);
      },
    ] as const;

  // ---- the inbox ----------------------------------------------------------------------------
  app.get('/inbox', pageSession, async (c) => {
    const key = c.get('principal').key;
    const [inbox, recent] = await Promise.all([
      deps.inbox ? deps.inbox.inbox(c.get('organization'), key.reviewerUserId) : Promise.resolve({ person: null, items: [] }),
      deps.issues.list(c.get('organization').id, { limit: 20, offset: 0 }),
    ]);
    const done = DONE[c.req.query('done') ?? ''];
    return page(c, <InboxPage viewer={mustView(c)} person={inbox.person} items={inbox.items} recent={recent.items} now={Date.now()} notice={done} />);
  });

  // ---- an issue -----------------------------------------------------------------------------
  const issueIdOf = (c: ConsoleContext): string => {
    const id = c.req.param('id') ?? '';
    if (!isUuid(id)) throw new AppError('NOT_FOUND', `No issue ${id} in your organization.`);
    return id;
  };

  async function issuePage(c: ConsoleContext, id: string, extra: { error?: string; values?: FormValues; status?: ContentfulStatusCode } = {}) {
    const organizationId = c.get('organization').id;
    const view = await deps.issues.get(organizationId, id);
    if (!view) throw new AppError('NOT_FOUND', `No issue ${id} in your organization.`);
    const [lines, artifacts, transcript] = await Promise.all([
      deps.issues.timeline(organizationId, id, 200),
      deps.issues.artifacts(organizationId, id, { limit: 200 }),
      deps.issues.transcript(organizationId, id),
    ]);
    return page(
      c,
      <IssuePage
        viewer={mustView(c)}
        view={view}
        logs={lines}
        artifacts={artifacts.items}
        transcript={transcript}
        now={Date.now()}
        error={extra.error}
        notice={DONE[c.req.query('done') ?? '']}
        {...(extra.values ? { values: extra.values } : {})}
      />,
      extra.status ?? 200,
    );
  }

  app.get('/issues/:id', pageSession, (c) => issuePage(c, issueIdOf(c)));

  app.get('/issues/:id/events', requireSession(sessions, (c) => c.text('Sign in to follow this issue.', 401)), async (c) => {
    const id = issueIdOf(c);
    if (!deps.feed) return c.text('Live updates are off on this API.', 503);
    const view = await deps.issues.get(c.get('organization').id, id);
    if (!view) throw new AppError('NOT_FOUND', `No issue ${id} in your organization.`);
    return issueEvents(c, { issues: deps.issues, feed: deps.feed, ...(deps.heartbeatMs ? { heartbeatMs: deps.heartbeatMs } : {}) }, view);
  });

  const issueAction = (act: FormAct, done: (form: FormFields) => string) => formAction({ idOf: issueIdOf, path: 'issues', render: issuePage }, act, done);

  const decided = (form: Record<string, unknown>) => (form['decision'] === 'reject' || form['decision'] === 'request_changes' ? form['decision'] : 'approve');
  app.post('/issues/:id/decision', ...issueAction(actions.decide, decided));
  app.post('/issues/:id/answer', ...issueAction(actions.answer, () => 'answer'));
  app.post('/issues/:id/budget', ...issueAction(actions.raiseBudget, () => 'budget'));
  const commandDecided = (form: Record<string, unknown>) => (form['decision'] === 'deny' ? 'command_deny' : form['decision'] === 'approve_for_issue' ? 'command_approve_for_issue' : 'command_approve');
  app.post('/issues/:id/command', ...issueAction(actions.decideCommand, commandDecided));

  // ---- a skill run ----------------------------------------------------------------------------
  const invocationIdOf = (c: ConsoleContext): string => {
    const id = c.req.param('id') ?? '';
    if (!isUuid(id) || !deps.skills) throw new AppError('NOT_FOUND', `No skill run ${id} in your organization.`);
    return id;
  };
  async function invocationPage(c: ConsoleContext, id: string, extra: { error?: string; values?: FormValues; status?: ContentfulStatusCode } = {}) {
    const view = await (deps.skills as SkillService).getInvocation(c.get('organization').id, id);
    return page(
      c,
      <InvocationPage viewer={mustView(c)} view={view} now={Date.now()} error={extra.error} notice={DONE[c.req.query('done') ?? '']} {...(extra.values ? { values: extra.values } : {})} />,
      extra.status ?? 200,
    );
  }
  app.get('/invocations/:id', pageSession, (c) => invocationPage(c, invocationIdOf(c)));
  const invocationAction = (act: FormAct, done: (form: FormFields) => string) => formAction({ idOf: invocationIdOf, path: 'invocations', render: invocationPage }, act, done);
  app.post('/invocations/:id/answer', ...invocationAction(actions.answerInvocation, () => 'invocation_answer'));
  app.post('/invocations/:id/decision', ...invocationAction(actions.decideInvocation, (form) => (form['decision'] === 'reject' ? 'invocation_reject' : 'invocation_approve')));

  // ---- a builder run (admins) -----------------------------------------------------------------
  const buildIdOf = (c: ConsoleContext): string => {
    const id = c.req.param('id') ?? '';
    if (!isUuid(id) || !deps.builds) throw new AppError('NOT_FOUND', `No build ${id} in your organization.`);
    return id;
  };
  /** Builds are shown to keys with the admin scope (as GET /api/builds/:id); the form's action checks it again, audited. */
  async function buildPage(c: ConsoleContext, id: string, extra: { error?: string; values?: FormValues; status?: ContentfulStatusCode } = {}) {
    if (!keyHasScope(c.get('principal').key.scopes, 'admin')) {
      return page(c, <ErrorPage status={403} message={extra.error ?? 'Builds are for keys with the admin scope.'} viewer={mustView(c)} />, 403);
    }
    const view = await (deps.builds as SkillBuildService).get(c.get('organization').id, id);
    return page(c, <BuildPage viewer={mustView(c)} view={view} error={extra.error} notice={DONE[c.req.query('done') ?? '']} {...(extra.values ? { values: extra.values } : {})} />, extra.status ?? 200);
  }
  app.get('/builds/:id', pageSession, (c) => buildPage(c, buildIdOf(c)));
  app.post('/builds/:id/decision', ...formAction({ idOf: buildIdOf, path: 'builds', render: buildPage }, actions.decideBuild, (form) => `build_${String(form['decision'])}`));

  // ---- admin --------------------------------------------------------------------------------
  async function adminPage(c: ConsoleContext, extra: { error?: string; status?: ContentfulStatusCode } = {}) {
    const key = c.get('principal').key;
    if (!keyHasScope(key.scopes, 'admin')) {
      return page(c, <ErrorPage status={403} message={`The admin page is for keys with the admin scope; yours has ${key.scopes.join(', ')}.`} viewer={mustView(c)} />, 403);
    }
    const organizationId = c.get('organization').id;
    const [stats, slots, controls, failures] = await Promise.all([
      deps.issues.healthStats(organizationId),
      deps.slots ? deps.slots().catch(() => undefined) : Promise.resolve(undefined),
      deps.controls?.state(organizationId),
      deps.issues.list(organizationId, { status: 'failed', limit: 10, offset: 0 }),
    ]);
    return page(
      c,
      <AdminPage viewer={mustView(c)} stats={stats} slots={slots} controls={controls} failures={failures.items} error={extra.error} notice={DONE[c.req.query('done') ?? '']} />,
      extra.status ?? 200,
    );
  }

  app.get('/admin', pageSession, (c) => adminPage(c));
  app.post('/admin/controls', formSession, csrfToken, async (c) => {
    if (!keyHasScope(c.get('principal').key.scopes, 'admin')) return adminPage(c);
    let action: 'pause' | 'resume';
    try {
      action = await actions.changeControls(c, deps, await c.req.parseBody({ all: true }));
    } catch (error) {
      const known = refusal(error);
      if (!known || known.status >= 500) throw error;
      return adminPage(c, { error: known.message, status: known.status });
    }
    return c.redirect(`/console/admin?done=${action}`, 303);
  });

  app.all('*', (c) => page(c, <ErrorPage status={404} message="There is no such console page." viewer={viewerOf(c)} />, 404));
  return app;
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
type FormFields = Awaited<ReturnType<ConsoleContext['req']['parseBody']>>;
/** What a form does (src/console/actions.ts), given the page's id and the posted fields. */
type FormAct = (c: ConsoleContext, deps: actions.ActionDeps, id: string, form: FormFields) => Promise<unknown>;
