import { agentTools } from '../../src/agents/tools';
import { defaultWorkerType, isDocumentationFile, isTestFile, runsCommands, WORKER_TYPES, writeRefusal, writesChanges } from '../../src/contracts/worker-types';

describe('worker types', () => {
  it('lets feature, bugfix and refactor write anything; test only tests; docs only documentation; review nothing', () => {
    for (const type of ['feature', 'bugfix', 'refactor'] as const) expect(writeRefusal(type, 'src/invoice.js')).toBeNull();
    expect(writeRefusal('test', 'tests/invoice.test.js')).toBeNull();
    expect(writeRefusal('test', 'src/invoice.spec.ts')).toBeNull();
    expect(writeRefusal('test', 'pkg/invoice_test.go')).toBeNull();
    expect(writeRefusal('test', 'src/invoice.js')).toBe('a test issue may write only test files (tests/, *.test.*, *.spec.*, …), not src/invoice.js');
    expect(writeRefusal('docs', 'README.md')).toBeNull();
    expect(writeRefusal('docs', 'docs/guide/setup.rst')).toBeNull();
    expect(writeRefusal('docs', 'src/invoice.js')).toMatch(/^a docs issue may write only documentation files/);
    // A name that only looks like documentation somewhere in the path is still code.
    expect(writeRefusal('docs', 'src/README.md.js')).not.toBeNull();
    expect(writeRefusal('docs', 'documentation.js')).not.toBeNull();
    expect(writeRefusal('review', 'README.md')).toBe('a review issue makes no change: it may not write README.md');
  });

  it('recognises documentation and test files by name, not by content', () => {
    expect(['a.md', 'A.MDX', 'guide.rst', 'notes.txt', 'docs/x.js', 'doc/index.html'].every(isDocumentationFile)).toBe(true);
    expect(['a.js', 'mdfile', 'src/docsy.ts'].some(isDocumentationFile)).toBe(false);
    expect(['test/a.js', '__tests__/b.ts', 'a.test.ts', 'b.spec.js', 'test_a.py', 'a_test.go'].every(isTestFile)).toBe(true);
    expect(['src/testing.js', 'contest.ts', 'latest/a.js'].some(isTestFile)).toBe(false);
  });

  it('narrows the code stage\'s tools: docs run no commands, review writes nothing; other stages keep theirs', () => {
    expect(agentTools('code', true, 'docs')).not.toContain('run_command');
    expect(agentTools('code', true, 'docs')).toEqual(expect.arrayContaining(['write_file', 'edit_file', 'diff']));
    expect(agentTools('code', true, 'review')).toEqual(['list_files', 'read_file', 'search_files', 'diff', 'ask_clarification']);
    for (const type of ['feature', 'bugfix', 'refactor', 'test'] as const) expect(agentTools('code', true, type)).toEqual(agentTools('code', true));
    expect(agentTools('research', true, 'docs')).toEqual(agentTools('research', true));
  });

  it('defaults from the issue type, and says which types change code and run commands', () => {
    expect(defaultWorkerType('bug')).toBe('bugfix');
    expect(defaultWorkerType('feature')).toBe('feature');
    expect(defaultWorkerType('task')).toBe('feature');
    expect(WORKER_TYPES.filter((type) => !writesChanges(type))).toEqual(['review']);
    expect(WORKER_TYPES.filter((type) => !runsCommands(type))).toEqual(['docs', 'review']);
  });
});
