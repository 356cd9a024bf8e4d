import { createMiddleware } from 'hono/factory';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';

/**
 * The console's headers: a Content-Security-Policy that allows scripts, styles and connections
 * from the console's own origin only (the pages have no inline code), no framing, no referrer,
 * HSTS behind https, and nothing of a signed-in page kept in any cache.
 */
export function consoleHeaders(https: boolean) {
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    crossOriginOpenerPolicy: 'same-origin',
    crossOriginResourcePolicy: 'same-origin',
    strictTransportSecurity: https ? 'max-age=15552000; includeSubDomains' : false,
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
  });
  return createMiddleware(async (c, next) => {
    await headers(c, next);
    // The two assets are the same for everyone; every other console answer is per person.
    if (!c.req.path.startsWith('/console/assets/')) c.header('Cache-Control', 'no-store');
  });
}

/**
 * Cross-site form posts are refused before any handler runs: a browser's POST must come from
 * this origin (Sec-Fetch-Site: same-origin, or an Origin that is the request's own or
 * PUBLIC_BASE_URL's — the latter behind a proxy that terminates TLS). The session cookie is
 * SameSite=Strict and every form also carries the session's CSRF token (routes.tsx).
 */
export function sameOriginPosts(publicBaseUrl: string) {
  let publicOrigin: string | undefined;
  try {
    publicOrigin = new URL(publicBaseUrl).origin;
  } catch {
    publicOrigin = undefined;
  }
  return csrf({ origin: (origin, c) => origin === new URL(c.req.url).origin || origin === publicOrigin });
}
