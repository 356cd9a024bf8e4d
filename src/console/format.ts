/** Small text helpers the console's pages share (plain strings: JSX escapes them). */

/** `2026-12-04 17:30:12 UTC`: one zone for everyone reading the same page. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** How far a deadline is from `now`: `in 4 min`, `in 2 h 5 min`, `overdue by 3 min`. */
export function untilDeadline(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const ms = new Date(iso).getTime() - now;
  if (Number.isNaN(ms)) return '';
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const span = minutes < 1 ? 'less than a minute' : minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return ms >= 0 ? `in ${span}` : `overdue by ${span}`;
}

export function formatUsd(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `$${value.toFixed(value < 1 ? 4 : 2)}`;
}

/** What a wait asks for, in words. */
export function waitLabel(wait: { kind?: string; waitingFor?: string; gate?: string | null }): string {
  if (wait.kind === 'build') return 'Decision on a build';
  const kind = wait.waitingFor ?? wait.kind;
  if (kind === 'approval') return `${wait.gate === 'final' ? 'Final' : 'Plan'} approval`;
  if (kind === 'question') return 'Answer to a question';
  if (kind === 'budget') return 'Budget raise';
  if (kind === 'review') return 'Review of a skill run';
  if (kind === 'command') return 'Approval of a command';
  return kind ?? '—';
}

/** An http(s) link for an href, or undefined: a `javascript:` URL from a model or a webhook is never a link. */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** Cuts long text for the page (the API has it whole). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (${text.length - max} more characters)`;
}
