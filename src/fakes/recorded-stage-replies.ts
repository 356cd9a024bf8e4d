import { stageToolNames } from '../contracts/stages';
import type { FakeReply, FakeResponder, RecordedRequest } from './fake-anthropic';

/**
 * Recorded model answers for the offline run (LLM_MODE=fake): each pipeline stage's forced
 * tool gets a fixed, schema-valid answer that names the issue's title, and a skill run's
 * submit_output a placeholder that fits the skill's outputs. These are NOT model output; the
 * dev entry point says so when it starts.
 */
export const recordedStageReplies: FakeResponder = (request) => {
  const tool = request.key;
  const title = issueTitle(request);
  const replies: Record<string, FakeReply> = {
    [stageToolNames.classify]: {
      tool: stageToolNames.classify,
      input: {
        type: 'bug',
        priority: 'medium',
        module: null,
        complexity: 4,
        capabilities: ['typescript'],
        summary: `[recorded reply] Classified "${title}" as a medium-priority bug.`,
      },
    },
    [stageToolNames.triage]: {
      tool: stageToolNames.triage,
      input: {
        route: 'research_and_code',
        reason: '[recorded reply] Reproducible defect with a clear scope; research then propose a fix.',
        answer: null,
        question: null,
      },
    },
    [stageToolNames.research]: {
      tool: stageToolNames.research,
      input: {
        rootCause: `[recorded reply] Likely root cause of "${title}": an unchecked edge case.`,
        filesInvolved: ['src/index.ts'],
        analysis: '[recorded reply] The offline demo does not read a repository; this analysis is a fixture.',
      },
    },
    [stageToolNames.code]: {
      tool: stageToolNames.code,
      input: {
        summary: '[recorded reply] Guard the edge case and add a regression test.',
        filesChanged: ['src/index.ts'],
        diff: '--- a/src/index.ts\n+++ b/src/index.ts\n@@ -1 +1,2 @@\n+// recorded reply: guard the edge case\n export {};\n',
      },
    },
    [stageToolNames.review]: {
      tool: stageToolNames.review,
      input: { verdict: 'approve', comments: [], summary: '[recorded reply] The change addresses the issue.' },
    },
    submit_answer: {
      tool: 'submit_answer',
      input: { answer: '[recorded reply] Assume the documented behaviour.', confident: false },
    },
  };
  if (tool === 'submit_output') return { tool, input: placeholderOutput(request) };
  if (tool === 'submit_skill_draft') return { tool, input: recordedSkillDraft(request) };
  if (tool === 'submit_proposal') return recordedProposalTurn(request);
  return tool ? replies[tool] : undefined;
};

/**
 * Skill runs offline: an output that fits the skill's submit_output schema, every string
 * marked as a recorded reply, so `npm run dev` can run skills without Claude.
 */
function placeholderOutput(request: RecordedRequest): Record<string, unknown> {
  const schema = request.body.tools?.find((tool) => tool.name === 'submit_output')?.input_schema as { properties?: Record<string, { type?: string; description?: string }> } | undefined;
  const output: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    switch (property.type) {
      case 'number':
      case 'integer':
        output[name] = 0;
        break;
      case 'boolean':
        output[name] = false;
        break;
      case 'array':
        output[name] = [];
        break;
      case 'object':
        output[name] = {};
        break;
      default:
        output[name] = property.description?.startsWith('An ISO 8601 date') ? new Date().toISOString().slice(0, 10) : `[recorded reply] ${name}`;
    }
  }
  return output;
}

function issueTitle(request: RecordedRequest): string {
  const first = request.body.messages[0]?.content;
  const text = typeof first === 'string' ? first : JSON.stringify(first ?? '');
  return /Title: (.+)/.exec(text)?.[1]?.slice(0, 120) ?? 'the issue';
}

/**
 * The Skill Builder offline: refining, the current file proposed again (a patch); creating, a
 * small client-summary skill under an id the organization does not have yet.
 */
function recordedSkillDraft(request: RecordedRequest): Record<string, unknown> {
  const first = request.body.messages[0]?.content;
  const text = typeof first === 'string' ? first : JSON.stringify(first ?? '');
  const current = /<skill>\n([\s\S]*?)\n<\/skill>/.exec(text)?.[1];
  if (current && text.includes('with the capability the request asks for')) {
    // The Feature Builder offline: an optional output added (a minor version).
    const extended = current.replace(/^outputs:\n/m, 'outputs:\n  - name: recordedNote\n    type: string\n    required: false\n');
    return { source: extended, changelog: '[recorded reply] Adds the recordedNote output', rationale: '[recorded reply] The offline Feature Builder always adds this output.', citedFeedback: [] };
  }
  if (current) return { source: current, changelog: '[recorded reply] Clearer wording', rationale: '[recorded reply] The offline builder proposes the current file again.', citedFeedback: [] };
  const taken = new Set((/The organization's skills: ([^\n]*?)(?: — |\n|$)/.exec(text)?.[1] ?? '').split(', ').map((id) => id.trim()));
  let id = 'client-summary';
  for (let n = 2; taken.has(id); n += 1) id = `client-summary-${n}`;
  const source = [
    '---',
    `id: ${id}`,
    'type: skill',
    'version: 1.0.0',
    'status: draft',
    'category: client-services',
    'triggers:',
    '  - event: manual_invoke',
    'inputs:',
    '  - name: clientId',
    '    type: string',
    '    required: true',
    'outputs:',
    '  - name: summary',
    '    type: string',
    'permissions:',
    '  - client:read',
    '---',
    '# Client Summary',
    '',
    '## Purpose',
    '[recorded reply] Summarise a client for an account review.',
    '',
    '## Process',
    '1. Read the client.',
    '2. Summarise what matters for the review.',
    '',
    '## Error Handling',
    '| Error | Action |',
    '| --- | --- |',
    '| Missing client context | Request additional info |',
    '',
  ].join('\n');
  return { source, changelog: '[recorded reply] A client summary for account reviews', rationale: '[recorded reply] The offline builder always proposes this skill.', citedFeedback: [] };
}

/**
 * The Form Generator and the Workflow Designer offline, one turn at a time: list what the ERP
 * has, propose one record under a name the list does not show, submit.
 */
function recordedProposalTurn(request: RecordedRequest): FakeReply {
  const tools = (request.body.tools ?? []).map((tool) => tool.name);
  const turns = request.body.messages.filter((message) => message.role === 'assistant').length;
  const seen = JSON.stringify(request.body.messages);
  const form = tools.includes('erp_create_form_template');
  if (turns === 0) return { calls: tools.filter((name) => name.startsWith('erp_list_')).map((name) => ({ name, input: {} })) };
  if (turns === 1) {
    let n = 1;
    while (seen.includes(`Recorded ${form ? 'form' : 'trigger'} ${n}`)) n += 1;
    return form
      ? {
          calls: [
            {
              name: 'erp_create_form_template',
              input: {
                name: `Recorded form ${n}`,
                purpose: '[recorded reply] A client request',
                fields: [
                  { name: 'companyName', label: 'Company name', type: 'text', required: true },
                  { name: 'channel', label: 'Channel', type: 'select', required: true, options: ['Web', 'Print'] },
                ],
              },
            },
          ],
        }
      : { calls: [{ name: 'erp_create_content_trigger', input: { name: `Recorded trigger ${n}`, event: 'client_request_received', conditions: [], action: { type: 'emit_event', event: 'brief.requested', payloadMapping: {} } } }] };
  }
  return { tool: 'submit_proposal', input: { summary: '[recorded reply] One record', rationale: '[recorded reply] The offline builder always proposes this record.' } };
}
