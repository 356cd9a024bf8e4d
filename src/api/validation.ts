import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { errorBody, validationMessage } from './errors';
import { validationDetails } from './validation-details';

/**
 * zod validation for a request part, answering our error shape with the failing fields: 422
 * VALIDATION_FAILED for a body, query or path that breaks the schema (malformed JSON never
 * gets here: it is a 400 BAD_REQUEST). Types flow to handlers (`c.req.valid(target)`) and to
 * testClient.
 */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) {
      const details = validationDetails((result.error as unknown as z.ZodError).issues, result.data);
      return c.json(errorBody(c, 'VALIDATION_FAILED', validationMessage(target, details), details), 422);
    }
    return undefined;
  });
}
