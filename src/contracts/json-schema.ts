import { z } from 'zod';
import { deepFreeze } from '../deep-freeze';

/**
 * JSON Schema for a zod schema, without the `$schema` header: what tool definitions (the
 * Messages API), the OpenAPI document and compiled skills embed. `io: 'input'` describes
 * what a sender may send (defaults optional); `output` what validation yields.
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  // Converted once per schema and direction: model turns send the same tool schemas every call.
  const cached = converted[io].get(schema);
  if (cached) return cached;
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  const frozen = deepFreeze(rest); // shared between callers: nobody may change it
  converted[io].set(schema, frozen);
  return frozen;
}

const converted = { input: new WeakMap<z.ZodType, Record<string, unknown>>(), output: new WeakMap<z.ZodType, Record<string, unknown>>() };
