import type { z } from 'zod';
import { jsonSchemaOf } from '../contracts/json-schema';

/** Pieces every part of the OpenAPI document is built from. */

/** What a client may send: input types (defaults optional). */
export const json = (schema: z.ZodType) => jsonSchemaOf(schema, 'input');
export const requestBody = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: json(schema) } } });
export const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
/** A success response whose body is the named component schema. */
export const answer = (description: string, schema: string) => ({ description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } });
/** Query parameters from a zod query schema, each with its JSON Schema. */
export const queryParameters = (schema: z.ZodType) =>
  Object.entries((json(schema)['properties'] ?? {}) as Record<string, Record<string, unknown>>).map(([name, parameter]) => ({
    name,
    in: 'query',
    required: false,
    schema: parameter,
    ...(typeof parameter['description'] === 'string' ? { description: parameter['description'] } : {}),
  }));

