import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { errorBody, validationDetails, validationMessage } from './errors';

/**
 * zod validation for a request part, answering our error shape with the failing fields:
 * 422 VALIDATION_FAILED for a well-formed JSON body that breaks the schema, 400 for a bad
 * query or path (malformed JSON never gets here: it is a 400 BAD_REQUEST). Types flow to handlers (`c.req.valid(target)`) and to testClient.
 */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const details = validationDetails(result.error as unknown as z.ZodError);
      return c.json(errorBody(c, 'VALIDATION_FAILED', validationMessage(target, details), details), target === 'json' ? 422 : 400);
    }
    return undefined;
  });
}
