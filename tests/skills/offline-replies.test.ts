import { recordedStageReplies } from '../../src/fakes/recorded-stage-replies';
import type { RecordedRequest } from '../../src/fakes/fake-anthropic';
import { compileSkill, zodForFields } from '../../src/skills/compiler';
import { loadSkillLibrary } from '../../src/skills/library';
import { skillToolDefinitions } from '../../src/skills/tools';

/** `npm run dev` without Claude: every shipped skill gets an output its own schema accepts. */
describe('recorded replies for skill runs', () => {
  const outputFor = (skill: ReturnType<typeof compileSkill>) => {
    const request = {
      key: 'submit_output',
      body: { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'Run the skill' }], tools: skillToolDefinitions(skill) },
    } as unknown as RecordedRequest;
    const reply = recordedStageReplies(request);
    if (!reply || !('tool' in reply)) throw new Error('no submit_output reply');
    return reply.input;
  };

  it.each(loadSkillLibrary().map((skill) => [skill.id, skill] as const))('fits the outputs of %s', (_id, skill) => {
    const parsed = zodForFields(skill.outputs).strict().safeParse(outputFor(skill));
    expect(parsed.success).toBe(true);
  });

  it('fills dates with a date', () => {
    const source = `---
id: dated
type: skill
version: 1.0.0
status: active
category: ops
triggers: [{ event: manual_invoke }]
outputs:
  - name: due
    type: date
  - name: count
    type: integer
---
# Dated

## Purpose
Pick a date.

## Process
1. Pick it.
`;
    const skill = compileSkill('dated.md', source);
    const output = outputFor(skill);
    expect(zodForFields(skill.outputs).safeParse(output).success).toBe(true);
    expect(output).toMatchObject({ count: 0 });
  });
});

/** The Skill Builder offline: a draft that compiles, under an id the organization does not have; a refinement proposes the current file. */
describe('recorded replies for the Skill Builder', () => {
  const draftFor = (firstMessage: string) => {
    const request = { key: 'submit_skill_draft', body: { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: firstMessage }], tools: [] } } as unknown as RecordedRequest;
    const reply = recordedStageReplies(request);
    if (!reply || !('tool' in reply)) throw new Error('no submit_skill_draft reply');
    return reply.input as { source: string; changelog: string };
  };

  it('creates a skill that compiles, with an id of its own', () => {
    const first = compileSkill('draft.md', draftFor("Write a new skill.\n\nThe organization's skills: brief-creator — the new skill needs an id of its own.").source);
    expect(first.id).toBe('client-summary');
    const second = compileSkill('draft.md', draftFor("Write a new skill.\n\nThe organization's skills: client-summary, client-summary-2 — the new skill needs an id of its own.").source);
    expect(second.id).toBe('client-summary-3');
  });

  it('refines by proposing the current file again', () => {
    const source = '---\nid: x\n---';
    expect(draftFor(`Write the next version of the skill x.\n\nThe current version (1.0.0):\n<skill>\n${source}\n</skill>`).source).toBe(source);
  });
});
