// ESLint flat config: typescript-eslint with type information, plus the workflow sandbox
// rule — workflows/ may import values only from @temporalio/workflow and relative paths
// (everything else `import type`), because workflow code must replay deterministically.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // examples/ holds sample repositories the agents work on: their code is data, not ours.
  { ignores: ['node_modules/**', 'dist/**', '.data/**', 'migrations/**', 'coverage/**', 'bench/results/**', 'examples/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // An awaited value that is no promise (a compiled write, src/db/compiled.ts) does nothing.
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Workflow code is sandboxed and must replay: values come only from @temporalio/workflow
  // and from workflows/ itself (./ at the top, ./ and ../ one folder down); anything else
  // is `import type`.
  workflowImports(['workflows/*.ts'], '^(?!@temporalio/workflow$|\\./).*'),
  workflowImports(['workflows/*/**/*.ts'], '^(?!@temporalio/workflow$|\\./|\\.\\./(?!\\.\\./)).*'),
  // An issue run asks its own patches (run.patched): its shape takes most with one marker.
  workflowImports(['workflows/issue/**/*.ts'], '^(?!@temporalio/workflow$|\\./|\\.\\./(?!\\.\\./)).*', [
    {
      name: '@temporalio/workflow',
      importNames: ['patched'],
      message: 'An issue run asks run.patched(ID) with an id from workflows/issue/patches.ts: its shape takes most patches with one marker.',
    },
  ]),
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly' } },
  },
);

/** The import rule of the deterministic zone, for files at one depth of workflows/. */
function workflowImports(files, regex, paths = []) {
  return {
    files,
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths,
          patterns: [
            {
              regex,
              allowTypeImports: true,
              message:
                'Workflow code is sandboxed and must replay: import values only from @temporalio/workflow and workflows/ (use `import type` for anything else).',
            },
          ],
        },
      ],
    },
  };
}
