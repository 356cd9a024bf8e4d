/** Postgres renders timestamptz as `2026-01-02 03:04:05.6+00`; the API speaks ISO 8601. */
export function toIso(timestamp: string): string {
  return new Date(timestamp).toISOString();
}
