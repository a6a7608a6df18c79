// ESLint flat config: typescript-eslint's recommended rules over source/ and test/, and React's hook rules for
// the TUI. Import cycles are dpdm's job (`lint:cycles`, which also sees type-only imports, as ESLint's
// no-cycle does not); formatting is Prettier's (`prettier --check`). Both run in `npm run lint`.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-bench/', 'node_modules/', 'fixtures/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The sanitiser and the tests that feed it hostile text match control characters on purpose.
    files: ['source/text/**/*.ts', 'test/**/*.{ts,tsx}'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    // Hooks live in the TUI; elsewhere a function named use… is not one (modes/heap.ts's useLeanHeap, a test's
    // `use` callback), and the hook rules would misread it.
    files: ['source/ui/**/*.{ts,tsx}', 'source/modes/interactive.tsx', 'test/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
