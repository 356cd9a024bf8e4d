import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AuthVariables } from '../api/auth';
import type { Database } from '../db/client';
import { closeConsoleSession, findConsoleSession, openConsoleSession } from '../db/console-sessions';
import type { Principal } from '../db/organizations';
import { keyHasScope } from '../identity/scopes';
import { addLogContext } from '../logger';

/**
 * Console sign-in: the reviewer pastes their personal key once; the browser then holds only an
 * opaque session token (HttpOnly, SameSite=Strict, Path=/console, Secure behind https) bound to
 * that key in Postgres (src/db/console-sessions.ts). The key is never put in a cookie, a URL, a
 * page or a log line; revoking it ends the session on the next request.
 */

export interface ConsoleVariables extends AuthVariables {
  /** The session's CSRF token: every form carries it, every POST must return it. */
  csrfToken: string;
}
export type ConsoleEnv = { Variables: ConsoleVariables };
export type ConsoleContext = Context<ConsoleEnv>;

export const SESSION_COOKIE = 'console_session';
/** How long a sign-in lasts (a working day and a half). */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;
/** The scope a key needs to use the console (admin keys have it too). */
export const CONSOLE_SCOPE = 'review';

export interface SessionOptions {
  db: Database;
  /** Secure cookies when the console is served over https (PUBLIC_BASE_URL). */
  secure: boolean;
  ttlSeconds?: number;
}

/** Opens a session for `principal` and sets its cookie (a session the browser already had is ended: a new token for every sign-in). */
export async function startSession(c: Context, options: SessionOptions, principal: Principal): Promise<void> {
  const ttlSeconds = options.ttlSeconds ?? SESSION_TTL_SECONDS;
  const previous = getCookie(c, SESSION_COOKIE);
  if (previous) await closeConsoleSession(options.db, previous);
  const { token } = await openConsoleSession(options.db, principal, ttlSeconds);
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Strict', secure: options.secure, path: '/console', maxAge: ttlSeconds });
}

/** Ends the request's session (if any) and clears its cookie. */
export async function endSession(c: Context, options: SessionOptions): Promise<void> {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) await closeConsoleSession(options.db, token);
  deleteCookie(c, SESSION_COOKIE, { path: '/console', secure: options.secure, httpOnly: true, sameSite: 'Strict' });
}

/**
 * Loads the session's principal into the context as the API's key check does (`principal`,
 * `organization`, the log context), or calls `signedOut` — a redirect to the sign-in page for
 * pages, a 401 for the event stream and forms.
 */
export function requireSession(options: SessionOptions, signedOut: (c: ConsoleContext) => Response | Promise<Response>) {
  return createMiddleware<ConsoleEnv>(async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    const session = token ? await findConsoleSession(options.db, token) : undefined;
    if (!session || !keyHasScope(session.principal.key.scopes, CONSOLE_SCOPE)) return signedOut(c);
    c.set('principal', session.principal);
    c.set('organization', session.principal.organization);
    c.set('csrfToken', session.csrfToken);
    addLogContext({ organizationId: session.principal.organization.id, actor: session.principal.key.id });
    await next();
    return undefined;
  });
}

/** Whether the form's token is the session's (constant time). */
export function csrfTokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** Where to go after signing in: only the console's own pages (no open redirect). */
export function safeNext(next: unknown): string {
  if (typeof next === 'string' && /^\/console\/(inbox|admin|issues\/[0-9a-fA-F-]{36})$/.test(next)) return next;
  return '/console/inbox';
}
