import type { FakeReply, RecordedRequest } from '../src/fakes/fake-anthropic';

/**
 * The benchmark's instant model: answers every stage of a short pipeline (research makes one
 * tool call), and the same-I/O baseline's forced `submit_step` tool.
 */
export function instantModel(request: RecordedRequest): FakeReply | undefined {
  const last = request.body.messages.at(-1);
  const afterTool = JSON.stringify(last?.content ?? '').includes('tool_result');
  switch (request.key) {
    case 'submit_classification':
      return { tool: request.key, input: { type: 'bug', priority: 'high', module: 'billing', complexity: 5, capabilities: [], summary: 'bench' } };
    case 'submit_triage':
      return { tool: request.key, input: { route: 'research_and_code', reason: 'bench', answer: null, question: null } };
    case 'submit_research':
      return afterTool
        ? { tool: request.key, input: { rootCause: 'bench', filesInvolved: ['src/invoice.js'], analysis: 'bench' } }
        : { calls: [{ name: 'read_file', input: { path: 'src/invoice.js' } }] };
    case 'submit_change':
      return { tool: request.key, input: { summary: 'bench', filesChanged: [], diff: '' } };
    case 'submit_review':
      return { tool: request.key, input: { verdict: 'approve', comments: [], summary: 'bench' } };
    case 'submit_step':
      return { tool: request.key, input: { summary: 'bench' } };
    default:
      return undefined;
  }
}
