import fs from 'node:fs';
import path from 'node:path';
import { addedSections, withFrontmatter } from '../../activities/builders';
import { compileSkill } from '../../src/skills/compiler';
import { SKILL_LIBRARY_DIR } from '../../src/skills/library';

/** The Skill Builder sets a draft's version and status itself, and changes nothing else of the file. */
describe('Skill Builder drafts', () => {
  const source = fs.readFileSync(path.join(SKILL_LIBRARY_DIR, 'brief-creator.md'), 'utf8');

  it('sets version and status in the frontmatter, and leaves the rest as written', () => {
    const drafted = withFrontmatter(source, { version: '1.3.0', status: 'draft' });
    const compiled = compileSkill('draft.md', drafted);
    expect(compiled).toMatchObject({ version: '1.3.0', status: 'draft' });
    expect(drafted.replace('version: 1.3.0', 'version: 1.0.0').replace('status: draft', 'status: active')).toBe(source);
    // The body's own lines that look like keys are not touched.
    const tricky = source.replace('## Purpose\n', '## Purpose\nstatus: active is what we aim for\n');
    expect(withFrontmatter(tricky, { version: '2.0.0', status: 'draft' })).toContain('status: active is what we aim for');
  });

  it('adds the keys a draft left out', () => {
    const bare = source.replace('version: 1.0.0\n', '').replace('status: active\n', '');
    expect(compileSkill('draft.md', withFrontmatter(bare, { version: '1.0.0', status: 'draft' }))).toMatchObject({ version: '1.0.0', status: 'draft' });
  });

  it('names the sections a feature adds: Founder Knowledge or Error Handling where there was none, and rules that let a run ask or stop', () => {
    const before = compileSkill('a.md', source.replace(/## Founder Knowledge\n[\s\S]*?(?=\n## )/, '').replace(/\n## Error Handling\n[\s\S]*$/, '\n'));
    const after = compileSkill('b.md', source);
    expect(before.founderKnowledge).toEqual([]);
    expect(addedSections(before, after)).toEqual(expect.arrayContaining(['section Founder Knowledge is added', 'section Error Handling is added']));
    expect(addedSections(after, after)).toEqual([]);
    expect(addedSections(after, before)).toEqual([]);
  });
});
