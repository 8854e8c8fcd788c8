import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import regexp from 'eslint-plugin-regexp';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'src/generated/', '.data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  regexp.configs['flat/recommended'],
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
      // A user's message must never cost more than linear time: every pattern that can backtrack
      // super-linearly, or that is retried from every position of a long run, is an error.
      'regexp/no-super-linear-backtracking': ['error', { report: 'potential' }],
      'regexp/no-super-linear-move': ['error', { report: 'potential', ignoreSticky: false, ignorePartial: false }],
      // Style-only rules of the recommended set: the patterns read better as written (groups name
      // the parts of a phrase, alternatives list whole words), and rewriting them all would churn
      // every parsing file for no change in behaviour.
      'regexp/no-unused-capturing-group': 'off',
      'regexp/prefer-character-class': 'off',
      'regexp/no-useless-non-capturing-group': 'off',
      'regexp/prefer-w': 'off',
      'regexp/prefer-d': 'off',
      'regexp/use-ignore-case': 'off',
      'regexp/no-useless-character-class': 'off',
      'regexp/control-character-escape': 'off',
    },
  },
  {
    // Assertions on the bot's own output, not on anyone's input.
    files: ['test/**'],
    rules: { 'regexp/no-super-linear-move': 'off', 'regexp/no-super-linear-backtracking': 'off' },
  },
);
