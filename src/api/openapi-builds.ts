import { buildDecisionSchema, startErpBuildSchema, startFeatureBuildSchema, startSkillBuildSchema } from '../contracts/builds';
import { answer, errorResponse, requestBody } from './openapi-parts';

type Paths = Record<string, Record<string, unknown>>;

const id = { name: 'id', in: 'path', required: true, description: 'The build id', schema: { type: 'string' } };

/** /api/builders/{skill,feature,form,workflow} and /api/builds/:id (src/api/routes/builds.ts, README "Builder agents"). */
export function buildPaths(): Paths {
  return {
    '/api/builders/skill': {
      post: {
        summary:
          'Start the Skill Builder: describe a skill in plain words (create), or name one to improve from its feedback (refine); each draft compiles, is dry-run on the examples as the persona, and waits for a decision (audited; scope admin)',
        requestBody: requestBody(startSkillBuildSchema),
        responses: {
          202: answer('The build, drafting', 'Build'),
          404: errorResponse('Refine: no such skill in your organization'),
          422: errorResponse('The body does not match, or the persona does not exist or is disabled'),
        },
      },
    },
    '/api/builders/feature': {
      post: {
        summary:
          'Start the Feature Builder: add a capability (a permission, an input, an output, a section) to a published skill, described in plain words; the draft takes the minor or major version the change needs, is dry-run on the examples as the persona, and waits for a decision (audited; scope admin)',
        requestBody: requestBody(startFeatureBuildSchema),
        responses: {
          202: answer('The build, drafting', 'Build'),
          404: errorResponse('No such skill in your organization'),
          422: errorResponse('The body does not match, or the persona does not exist or is disabled'),
        },
      },
    },
    '/api/builders/form': {
      post: {
        summary:
          "Start the Form Generator: describe the form(s) the organization needs; the agent reads the ERP's form templates, proposes the exact payloads, and waits for a decision; approved, each is created in the ERP once (audited; scope admin)",
        requestBody: requestBody(startErpBuildSchema),
        responses: { 202: answer('The build, drafting', 'Build'), 422: errorResponse('The body does not match, or the organization has no ERP API (settings.erp.apiUrl)') },
      },
    },
    '/api/builders/workflow': {
      post: {
        summary:
          "Start the Workflow Designer: describe what should happen on which events; the agent reads the ERP's content triggers and agent skills, proposes a chain of triggers (exact payloads), and waits for a decision; approved, each is created in the ERP once (audited; scope admin)",
        requestBody: requestBody(startErpBuildSchema),
        responses: { 202: answer('The build, drafting', 'Build'), 422: errorResponse('The body does not match, or the organization has no ERP API (settings.erp.apiUrl)') },
      },
    },
    '/api/builds/{id}': {
      get: {
        summary:
          "A build: its status and round; a skill build's draft (source, version, why that version, rationale, cited feedback) and its dry runs with the writes they did not send; an ERP build's proposal (the exact payloads and their checksum) and the records created; the decisions (scope admin)",
        parameters: [id],
        responses: { 200: answer('The build', 'Build'), 404: errorResponse('No such build in your organization') },
      },
    },
    '/api/builds/{id}/approval': {
      post: {
        summary:
          "Decide on the build's draft or proposal, with an issue approval's body: approve publishes the skill version (a refined or extended skill as a 10 % canary) or creates the proposed ERP records, request_changes (with a comment) starts the next round, reject ends the build. The person's role must allow publishSkill (admins, by default); audited (scope admin)",
        parameters: [id],
        requestBody: requestBody(buildDecisionSchema),
        responses: {
          200: answer('The build after the decision', 'Build'),
          403: errorResponse("The person's role may not publish skills (publishSkill: every builder's output)"),
          404: errorResponse('No such build in your organization'),
          409: errorResponse('The build is not waiting for a decision, has ended, or waits on another round or draft than `round` / `checksum` name'),
        },
      },
    },
  };
}
