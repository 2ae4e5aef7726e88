// Lint rules that matter for this project: workflow code stays deterministic, and no promise floats anywhere
// (a floating promise in a hook is how an unhandled rejection reaches the gateway).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NON_DETERMINISTIC = [
  { group: ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'net', 'http', 'https', 'worker_threads'], message: 'workflows/ must be deterministic: no Node built-ins.' },
  { group: ['better-sqlite3', 'pino'], message: 'workflows/ must be deterministic: side effects belong in activities/.' },
  { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing', '@temporalio/envconfig'], message: 'workflows/ may import only @temporalio/workflow and @temporalio/common.' },
  { group: ['**/activities/**', '**/worker/**', '**/plugin-bridge/**', '**/scripts/**', '**/test/**'], message: 'workflows/ imports only workflows/ (types included): see docs/architecture.md.' },
];

// activities/ runs in the worker (and, for the gateway activities, inside the gateway): it may use the workflows'
// contracts but never the bridge, the worker's wiring or the scripts (see docs/architecture.md).
const ACTIVITY_BOUNDARY = [
  { group: ['**/plugin-bridge/**', '**/worker/**', '**/scripts/**', '**/test/**'], message: 'activities/ imports only workflows/ contracts and activities/ (types included): see docs/architecture.md.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'test/openclaw/host.mjs', 'scripts/*.mjs', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: NON_DETERMINISTIC }],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'workflows/ must not read the environment.' },
        { name: 'setTimeout', message: 'use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'use sleep() in a loop.' },
      ],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use the workflow-safe random from @temporalio/workflow (uuid4) or pass values in.' }],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: ACTIVITY_BOUNDARY }] },
  },
  {
    // CommonJS modules the SDK loads by path with require() (plugin-bridge/shared/codec/failure-converter.cjs).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', exports: 'writable', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
