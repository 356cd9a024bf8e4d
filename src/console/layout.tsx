import type { Child } from 'hono/jsx';
import type { Principal } from '../db/organizations';
import { keyHasScope } from '../identity/scopes';

/** Who is signed in, for the header (no key material: the key's name and person only). */
export interface Viewer {
  principal: Principal;
  csrfToken: string;
}

export type NavItem = 'inbox' | 'admin' | 'issue' | 'none';

/**
 * Every console page: a skip link, the header (where you are, who you are, sign out) and the
 * main landmark. Styles and the one script come from /console/assets (no inline code).
 */
export function Layout(props: { title: string; viewer?: Viewer; active?: NavItem; script?: boolean; children: Child }) {
  const { viewer } = props;
  const isAdmin = viewer ? keyHasScope(viewer.principal.key.scopes, 'admin') : false;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · Reviewer console`}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        {props.script ? <script src="/console/assets/console.js" defer /> : null}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <span class="brand">Agent orchestrator · Reviewer console</span>
          {viewer ? (
            <nav aria-label="Console">
              <ul>
                <li>
                  <a href="/console/inbox" aria-current={props.active === 'inbox' ? 'page' : undefined}>
                    Inbox
                  </a>
                </li>
                {isAdmin ? (
                  <li>
                    <a href="/console/admin" aria-current={props.active === 'admin' ? 'page' : undefined}>
                      Admin
                    </a>
                  </li>
                ) : null}
              </ul>
            </nav>
          ) : null}
          {viewer ? (
            <div class="who">
              <span>
                {viewer.principal.key.reviewerUserId ?? `service key “${viewer.principal.key.name}”`} · {viewer.principal.organization.name}
              </span>
              <form method="post" action="/console/sign-out" class="inline">
                <input type="hidden" name="csrf" value={viewer.csrfToken} />
                <button type="submit">Sign out</button>
              </form>
            </div>
          ) : null}
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** A message the page shows at the top: what the API refused (role="alert") or what was done. */
export function Flash(props: { error?: string | undefined; notice?: string | undefined }) {
  return (
    <>
      {props.error ? (
        <div class="alert" role="alert" id="error">
          <strong>Not done: </strong>
          {props.error}
        </div>
      ) : null}
      {props.notice ? (
        <div class="notice" role="status" id="notice">
          {props.notice}
        </div>
      ) : null}
    </>
  );
}

/** One term of a page's facts list, left out when it has nothing to say. */
export function OptionalFact(props: { term: string; class?: string; children?: Child }) {
  if (props.children === null || props.children === undefined || props.children === false || props.children === '') return null;
  return (
    <>
      <dt>{props.term}</dt>
      <dd class={props.class}>{props.children}</dd>
    </>
  );
}
