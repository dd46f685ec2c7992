import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration only in config/.' },
      ],
    },
  },
  {
    // chai's property assertions (`.to.be.empty`) are expressions by design.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    // bench/ is tooling, not production code: it reads its own BENCH_* knobs and passes env to children.
    files: ['config/**', 'eslint.config.js', 'bench/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
