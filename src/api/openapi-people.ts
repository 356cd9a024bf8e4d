import { ACTING_USER_HEADER } from '../identity/acting';
import { errorResponse } from './openapi-parts';

/** OpenAPI pieces shared by every route where a person acts (issues and skill runs). */

/** The person an `act-as` key acts for (src/identity/acting.ts). */
export const actingUserParameter = {
  name: ACTING_USER_HEADER,
  in: 'header',
  required: false,
  description: 'With an act-as key: the registered reviewer this request acts for. A personal key acts as its own reviewer.',
  schema: { type: 'string' },
};
/** What a 403 on a person's action means. */
export const personRefused = errorResponse(
  "The key lacks the scope, names no person (personal key, or act-as + X-Acting-User), names someone else than its own reviewer, an unregistered person, or one whose role may not do this",
);
