import { z } from 'zod';
import { AUDIT_CHANNELS } from '../identity/scopes';

/** GET /api/audit: newest first, every filter optional, paginated like /api/issues. */
export const listAuditQuerySchema = z
  .strictObject({
    actor: z.string().trim().min(1).max(200).optional(),
    /** An action name (`issue.decide`) or a prefix ending in `.` (`issue.`). */
    action: z.string().trim().min(1).max(100).optional(),
    targetType: z.string().trim().min(1).max(50).optional(),
    targetId: z.string().trim().min(1).max(200).optional(),
    outcome: z.enum(['ok', 'refused', 'failed']).optional(),
    channel: z.enum(AUDIT_CHANNELS).optional(),
    /** ISO timestamps; `from` inclusive, `to` exclusive. */
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });
export type ListAuditQuery = z.infer<typeof listAuditQuerySchema>;
