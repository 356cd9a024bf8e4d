import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { errorBody, validationDetails } from './errors';

/**
 * zod validation for a request part, answering our error shape: 400 VALIDATION_FAILED with
 * the failing fields. Types flow to handlers (`c.req.valid(target)`) and to testClient.
 */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result, c) => {
    if (!result.success) {
      return c.json(
        errorBody(c, 'VALIDATION_FAILED', `Invalid ${target}`, validationDetails(result.error as unknown as z.ZodError)),
        400,
      );
    }
    return undefined;
  });
}
