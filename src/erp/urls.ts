/**
 * URLs as we show them (the delivery log, error messages): no credentials, no query string, and
 * no path segment that looks like a token — callback URLs often carry their secret in one of
 * them (`…/hooks/T0A1B2/XyZ…`, `?token=…`).
 */

const TOKEN_LIKE = /^(?=.*\d)(?=.*[A-Za-z])[\w.~-]{8,}$|^[\w.~-]{32,}$/;

export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const path = parsed.pathname
      .split('/')
      .map((segment) => (TOKEN_LIKE.test(decodeURIComponent(segment)) ? '…' : segment))
      .join('/');
    return `${parsed.origin}${path === '/' ? '' : path}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Every URL in a message (a fetch error quotes the one it failed on) shown as above. */
export function redactUrls(message: string): string {
  return message.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => shownUrl(url));
}
