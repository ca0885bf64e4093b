// Zero warnings, no `any`, and the layers of the architecture enforced: protocol imports nothing of ours;
// deck, server and client import protocol, never each other.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (name, forbidden) => ({
  files: [`src/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((other) => ({
          group: [`**/${other}/*`, `../${other}/*`],
          message: `src/${name} must not import src/${other}: share code through src/protocol.`,
        })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', '.state/**', 'labs/guest/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        console: 'readonly',
        process: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  layer('protocol', ['deck', 'server', 'client']),
  layer('deck', ['server', 'client']),
  layer('server', ['deck', 'client']),
  layer('client', ['deck', 'server']),
);
