import { startSkillBuildSchema } from '../contracts/builds';
import { decisionSchema } from '../contracts/people';
import { answer, errorResponse, requestBody } from './openapi-parts';

type Paths = Record<string, Record<string, unknown>>;

const id = { name: 'id', in: 'path', required: true, description: 'The build id', schema: { type: 'string' } };

/** /api/builders/skill and /api/builds/:id (src/api/routes/builds.ts, README "Skill Builder"). */
export function buildPaths(): Paths {
  return {
    '/api/builders/skill': {
      post: {
        summary:
          'Start the Skill Builder: describe a skill in plain words (create), or name one to improve from its feedback (refine); each draft compiles, is dry-run on the examples as the persona, and waits for a decision (audited; scope admin)',
        requestBody: requestBody(startSkillBuildSchema),
        responses: {
          202: answer('The build, drafting', 'SkillBuild'),
          404: errorResponse('Refine: no such skill in your organization'),
          422: errorResponse('The body does not match, or the persona does not exist or is disabled'),
        },
      },
    },
    '/api/builds/{id}': {
      get: {
        summary: 'A build: its status and round, the draft (source, version, why that version, rationale, cited feedback), its dry runs with the writes they did not send, the decisions (scope admin)',
        parameters: [id],
        responses: { 200: answer('The build', 'SkillBuild'), 404: errorResponse('No such build in your organization') },
      },
    },
    '/api/builds/{id}/approval': {
      post: {
        summary:
          "Decide on the build's draft, with an issue approval's body: approve publishes it (a refined skill as a 10 % canary), request_changes (with a comment) starts the next round, reject ends the build. The person's role must allow publishSkill (admins, by default); audited (scope admin)",
        parameters: [id],
        requestBody: requestBody(decisionSchema),
        responses: {
          200: answer('The build after the decision', 'SkillBuild'),
          403: errorResponse("The person's role may not publish skills"),
          404: errorResponse('No such build in your organization'),
          409: errorResponse('The build is not waiting for a decision, or has ended'),
        },
      },
    },
  };
}
