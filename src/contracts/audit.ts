import { z } from 'zod';
import { AUDIT_CHANNELS } from '../identity/scopes';
import { caseInsensitiveEnum } from './enums';
import { cursorSchema } from './pages';
import { checkedTimeRange } from './time-range';

/** GET /api/audit: newest first, every filter optional, paginated like /api/issues. */
export const listAuditQuerySchema = checkedTimeRange(
  z.strictObject({
    actor: z.string().trim().min(1).max(200).optional(),
    /** An action name (`issue.decide`) or a prefix ending in `.` (`issue.`). */
    action: z.string().trim().min(1).max(100).optional(),
    targetType: z.string().trim().min(1).max(50).optional(),
    targetId: z.string().trim().min(1).max(200).optional(),
    outcome: caseInsensitiveEnum(['ok', 'refused', 'failed']).optional(),
    channel: caseInsensitiveEnum(AUDIT_CHANNELS).optional(),
    /** ISO timestamps; `from` inclusive, `to` exclusive. */
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** The `nextCursor` of the previous page. */
    cursor: cursorSchema.optional(),
    /** Deprecated: pages by position; use cursor. */
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  }),
).refine((q) => !q.cursor || q.offset === 0, { message: 'give cursor or offset, not both', path: ['offset'] });
export type ListAuditQuery = z.infer<typeof listAuditQuerySchema>;
