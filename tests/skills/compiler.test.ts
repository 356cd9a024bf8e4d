import fs from 'node:fs';
import path from 'node:path';
import { compileSkill, SkillCompileError, toolForPermission, zodForFields } from '../../src/skills/compiler';
import { loadSkillLibrary, SKILL_LIBRARY_DIR } from '../../src/skills/library';

const briefCreator = fs.readFileSync(path.join(SKILL_LIBRARY_DIR, 'brief-creator.md'), 'utf8');

function issuesOf(source: string) {
  try {
    compileSkill('broken.md', source);
  } catch (error) {
    if (error instanceof SkillCompileError) return error.issues;
    throw error;
  }
  throw new Error('expected a SkillCompileError');
}

describe('skill compiler', () => {
  it('compiles the five skills the ERP already has', () => {
    const skills = loadSkillLibrary();
    expect(skills.map((skill) => skill.id)).toEqual(['brief-creator', 'client-analyzer', 'deadline-tracker', 'quality-checker', 'resource-scanner']);
    for (const skill of skills) {
      expect(skill.version).toBe('1.0.0');
      expect(skill.process.length).toBeGreaterThan(2);
      expect(skill.errorHandling.length).toBeGreaterThan(0);
      expect(skill.checksum).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('turns a skill into schemas, context, knowledge, rules and allowed tools', () => {
    const skill = compileSkill('brief-creator.md', briefCreator);
    expect(skill).toMatchObject({
      id: 'brief-creator',
      title: 'Brief Creator',
      category: 'client-services',
      triggers: [{ event: 'client_request_received' }, { event: 'manual_invoke' }],
      dependencies: ['client-analyzer'],
      allowedTools: ['create_brief', 'read_client'],
      errorHandling: [
        { error: 'Missing client context', action: 'Request additional info', kind: 'ask' },
        { error: 'Request contradicts the contract scope', action: 'Flag for manual review', kind: 'review' },
      ],
    });
    expect(skill.founderKnowledge).toHaveLength(2);
    expect(skill.founderKnowledge[0]).toMatch(/^A brief is a promise/);
    expect(skill.process[0]).toBe('Read the client record and the request.');
    expect(skill.inputSchema).toMatchObject({ type: 'object', required: ['clientId', 'request'] });
    expect(skill.systemContext).toContain('# Skill: Brief Creator (brief-creator@1.0.0)');
    expect(skill.systemContext).toContain('Missing client context → Request additional info');

    const inputs = zodForFields(skill.inputs);
    expect(inputs.safeParse({ clientId: 'c1', request: 'a landing page' }).success).toBe(true);
    expect(inputs.safeParse({ clientId: 'c1' }).success).toBe(false);
    expect(inputs.safeParse({ clientId: 'c1', request: 'x', deadline: 'not a date' }).success).toBe(false);
  });

  it('maps permissions to tool names', () => {
    expect(toolForPermission('brief:create')).toBe('create_brief');
    expect(toolForPermission('user:read')).toBe('read_user');
  });

  it('names the file, the field and the line of a bad frontmatter value', () => {
    const broken = briefCreator.replace('version: 1.0.0', 'version: one').replace('  - name: deadline\n    type: date', '  - name: deadline\n    type: when');
    const issues = issuesOf(broken);
    expect(issues).toEqual(
      expect.arrayContaining([
        { file: 'broken.md', field: 'version', line: 4, message: 'a semantic version like 1.2.0' },
        expect.objectContaining({ file: 'broken.md', field: 'inputs.2.type', line: 18 }),
      ]),
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const issues = issuesOf(briefCreator.replace('category: client-services', 'category: [unclosed'));
    expect(issues[0]).toMatchObject({ file: 'broken.md', field: 'frontmatter' });
    expect(issues[0]!.line).toBeGreaterThanOrEqual(6);
  });

  it('requires frontmatter, a title, a purpose, numbered process steps and a readable error table', () => {
    expect(issuesOf('# No frontmatter')[0]).toMatchObject({ field: 'frontmatter', line: 1 });
    const body = briefCreator.split('\n---\n')[0];
    const issues = issuesOf(`${body}\n---\nJust some text.\n\n## Error Handling\nnot a table\n`);
    expect(issues.map((issue) => issue.field)).toEqual(['body.title', 'body.Purpose', 'body.Process', 'body.Error Handling']);
    expect(issues.find((issue) => issue.field === 'body.Error Handling')?.line).toBe(briefCreator.split('\n---\n')[0]!.split('\n').length + 4);
  });

  it('refuses a field declared twice and a malformed permission', () => {
    const issues = issuesOf(briefCreator.replace('  - brief:create', '  - brief-create'));
    expect(issues[0]).toMatchObject({ field: 'permissions.1', message: 'resource:action, e.g. brief:create' });
    const duplicate = issuesOf(briefCreator.replace('  - name: deadline', '  - name: request'));
    expect(duplicate[0]).toMatchObject({ field: 'inputs', message: 'duplicate field "request"' });
  });

  it('refuses permissions that would shadow a built-in tool or clash with each other', () => {
    const shadow = issuesOf(briefCreator.replace('  - brief:create', '  - output:submit'));
    expect(shadow[0]).toMatchObject({ field: 'permissions.1', message: 'becomes the tool submit_output, which every run already has' });
    const clash = issuesOf(briefCreator.replace('  - brief:create', '  - client-x:read\n  - client_x:read'));
    expect(clash).toEqual([expect.objectContaining({ field: 'permissions.2', message: 'becomes the tool read_client_x, as client-x:read does' })]);
  });

  it('turns a YAML alias bomb into a located error, not a crash', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefghi'.split('').map((key, index) => `${key}: &${key} [${Array(10).fill(`*${'abcdefghi'[index]}`).join(', ')}]`)].join('\n');
    const issues = issuesOf(briefCreator.replace('type: skill', `type: skill\n${bomb}`));
    expect(issues[0]).toMatchObject({ file: 'broken.md', field: 'frontmatter' });
  });

  it("compiles the README's example skill as written", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const example = /### The skill format[\s\S]*?```markdown\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const skill = compileSkill('README.md', `${example}\n`);
    expect(skill).toMatchObject({ id: 'brief-creator', allowedTools: ['create_brief', 'read_client'], triggers: expect.arrayContaining([{ schedule: '0 8 * * 1' }]) });
    expect(skill.errorHandling.map((rule) => rule.kind)).toEqual(['ask', 'review']);
  });

  describe('pathological input is answered in linear time', () => {
    const timed = (source: string) => {
      const started = process.hrtime.bigint();
      let outcome: string;
      try {
        compileSkill('hostile.md', source);
        outcome = 'compiled';
      } catch (error) {
        outcome = error instanceof SkillCompileError ? error.issues.map((issue) => issue.message).join('; ') : String(error);
      }
      return { ms: Number(process.hrtime.bigint() - started) / 1e6, outcome };
    };

    it.each([
      // The line that kept POST /api/skills busy 35 s: a heading of spaces with a carriage return.
      ['a 199 KB heading with \\r', `# a${' '.repeat(199_000)}\rb`],
      ['a 9 KB heading of spaces then a letter', `# a${' \t'.repeat(4_900)}b`],
      ['a body of 200 KB blank lines', `\n ${'\n '.repeat(100_000)}`],
      ['a process step of 9 KB spaces with \\r', `## Process\n1.${' '.repeat(9_000)}\r`],
      ['100 000 short headings', '## x\n'.repeat(100_000)],
    ])('%s', (_name, body) => {
      const { ms, outcome } = timed(briefCreator.replace('# Brief Creator', body));
      expect(ms).toBeLessThan(1_000);
      expect(outcome).not.toBe('');
    });

    it('refuses a line over 10 000 characters, naming it', () => {
      const issues = issuesOf(briefCreator.replace('# Brief Creator', `# ${'x'.repeat(20_000)}`));
      expect(issues).toEqual([expect.objectContaining({ field: 'source', message: expect.stringMatching(/^line \d+ is over 10000 characters$/) })]);
    });
  });
});
