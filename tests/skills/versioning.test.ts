import fs from 'node:fs';
import path from 'node:path';
import { compileSkill } from '../../src/skills/compiler';
import { SKILL_LIBRARY_DIR } from '../../src/skills/library';
import { bumpBetween, nextVersion, requiredBump, versionProblem } from '../../src/skills/versioning';

/** Versions held to what changed: the interface (inputs, outputs, triggers, permissions) decides. */
describe('skill versioning', () => {
  const source = fs.readFileSync(path.join(SKILL_LIBRARY_DIR, 'brief-creator.md'), 'utf8');
  const v1 = compileSkill('brief-creator.md', source);
  const changed = (edit: (text: string) => string, version = '1.0.1') => compileSkill('brief-creator.md', edit(source).replace('version: 1.0.0', `version: ${version}`));

  it('calls a text change a patch, an addition a minor change and a break a major one, saying why', () => {
    expect(requiredBump(v1, changed((text) => text.replace('A brief is a promise.', 'A brief is a contract.')))).toEqual({ bump: 'patch', reasons: [], additions: [] });
    expect(requiredBump(v1, changed((text) => text.replace('  - name: openQuestions\n    type: string[]', '  - name: openQuestions\n    type: string[]\n  - name: budget\n    type: number')))).toEqual({
      bump: 'minor',
      reasons: ['output budget is added'],
      additions: ['output budget is added'],
    });
    expect(requiredBump(v1, changed((text) => text.replace('  - brief:create\n', '  - brief:create\n  - brief:update\n')))).toEqual({ bump: 'minor', reasons: ['permission brief:update is added'], additions: ['permission brief:update is added'] });
    expect(requiredBump(v1, changed((text) => text.replace('  - name: deadline\n    type: date', '  - name: deadline\n    type: date\n    required: true')))).toEqual({
      bump: 'major',
      reasons: ['input deadline becomes required'],
      additions: [],
    });
    const broken = requiredBump(v1, changed((text) => text.replace('  - name: openQuestions\n    type: string[]\n', '').replace('  - event: client_request_received\n', '').replace('  - name: clientId\n    type: string', '  - name: clientId\n    type: number')));
    expect(broken).toEqual({
      bump: 'major',
      reasons: ['input clientId changes type (string → number)', 'output openQuestions is removed', 'trigger event client_request_received is removed'],
      // Removals are changes, not additions: the Feature Builder does not take them as a capability.
      additions: [],
    });
    expect(requiredBump(v1, changed((text) => text.replace('  - name: clientId\n    type: string\n    required: true\n', '  - name: clientId\n    type: string\n    required: true\n  - name: brandId\n    type: string\n    required: true\n')))).toMatchObject({
      bump: 'major',
      additions: ['input brandId is added as required'],
    });
  });

  it('refuses a breaking change under a minor version, names the version to use, and lets a first or a major version through', () => {
    const published = [{ version: '1.0.0', compiled: v1 }];
    const dropsOutput = (version: string) => changed((text) => text.replace('  - name: openQuestions\n    type: string[]\n', ''), version);
    expect(versionProblem(published, dropsOutput('1.1.0'))).toBe('1.1.0 is a minor version after 1.0.0, but output openQuestions is removed: that is a major change — publish 2.0.0 (or later)');
    expect(versionProblem(published, dropsOutput('2.0.0'))).toBeNull();
    expect(versionProblem([], dropsOutput('1.1.0'))).toBeNull();
    // Held to the version just below it (a backport to 1.x is judged against 1.x, not 2.0.0).
    expect(versionProblem([...published, { version: '2.0.0', compiled: dropsOutput('2.0.0') }], changed((text) => text, '1.0.1'))).toBeNull();
    // The same version again (publishing is idempotent) is not a move.
    expect(versionProblem(published, changed((text) => text, '1.0.0'))).toBeNull();
  });

  it('measures how far a version moves, and computes the next one', () => {
    expect([bumpBetween('1.2.3', '2.0.0'), bumpBetween('1.2.3', '1.3.0'), bumpBetween('1.2.3', '1.2.4'), bumpBetween('1.2.3', '1.2.3-rc.1'), bumpBetween('2.0.0', '1.9.9')]).toEqual(['major', 'minor', 'patch', 'none', 'none']);
    expect([nextVersion('1.4.2', 'major'), nextVersion('1.4.2', 'minor'), nextVersion('1.4.2', 'patch')]).toEqual(['2.0.0', '1.5.0', '1.4.3']);
  });
});
