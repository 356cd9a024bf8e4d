import { feedbackRequestSchema, feedbackSummaryQuerySchema, improvementUpdateSchema } from '../contracts/feedback';
import { answer, errorResponse, queryParameters, requestBody } from './openapi-parts';

type Paths = Record<string, Record<string, unknown>>;

const id = (what: string) => ({ name: 'id', in: 'path', required: true, description: what, schema: { type: 'string' } });

/** /api/issues/:id/feedback, /api/invocations/:id/feedback, /api/feedback (src/api/routes/feedback.ts). */
export function feedbackPaths(): Paths {
  const about = (what: string, scopes: string): Paths[string] => ({
    post: {
      summary: `Rate the ${what}: rating 1–5, outcome, comment, tags; a personal key's person is recorded as who gave it (audited; scope ${scopes})`,
      parameters: [id(`The ${what}'s id`)],
      requestBody: requestBody(feedbackRequestSchema),
      responses: { 201: answer('The feedback as stored', 'Feedback'), 403: errorResponse('The body names another person than the personal key acts for'), 404: errorResponse(`No such ${what} in your organization`) },
    },
    get: {
      summary: `The ${what}'s feedback, newest first (at most 200; scope ${scopes})`,
      parameters: [id(`The ${what}'s id`)],
      responses: { 200: answer('Its feedback', 'FeedbackList'), 404: errorResponse(`No such ${what} in your organization`) },
    },
  });
  return {
    '/api/issues/{id}/feedback': about('issue', 'issues:write or review'),
    '/api/invocations/{id}/feedback': about('skill run', 'skills:run or review'),
    '/api/feedback/{id}': {
      patch: {
        summary: 'What was done about a piece of feedback: PENDING, ANALYZED, IMPLEMENTED or DISMISSED, with the analysis (audited; scope admin)',
        parameters: [id('The feedback id')],
        requestBody: requestBody(improvementUpdateSchema),
        responses: { 200: answer('The feedback', 'Feedback'), 404: errorResponse('No such feedback in your organization') },
      },
    },
    '/api/feedback/summary': {
      get: {
        summary: "The organization's feedback per stage (issues) and per skill (skill runs): count, average rating, outcomes, still pending",
        parameters: queryParameters(feedbackSummaryQuerySchema),
        responses: { 200: answer('The summary', 'FeedbackSummary') },
      },
    },
  };
}
