import { z } from 'zod';

/**
 * JSON Schema for a zod schema, without the `$schema` header: what tool definitions (the
 * Messages API), the OpenAPI document and compiled skills embed. `io: 'input'` describes
 * what a sender may send (defaults optional); `output` what validation yields.
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}
