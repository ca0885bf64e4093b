// Zero warnings, no `any`, no import cycles, and the layers of the architecture enforced: protocol imports
// nothing of ours; deck, server and client import protocol, never each other.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const LAYERS = ['protocol', 'deck', 'server', 'client'];
/** Which of our layers each one may import (itself aside). */
const ALLOWED = { protocol: [], deck: ['protocol'], server: ['protocol'], client: ['protocol'] };

// Zones are checked on resolved paths, so `../server/x.ts` and `../../src/server/x.ts` are caught alike;
// they are relative to this file, wherever eslint is run from.
const layerZones = LAYERS.flatMap((name) =>
  LAYERS.filter((other) => other !== name && !ALLOWED[name].includes(other)).map((other) => ({
    target: `./src/${name}`,
    from: `./src/${other}`,
    message: `src/${name} must not import src/${other}: share code through src/protocol.`,
  })),
);

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-server/**',
      'node_modules/**',
      'test-results/**',
      '.state/**',
      'labs/guest/out/**',
      'labs/cloud/state/**',
    ],
  },
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
  {
    files: ['**/*.ts', '**/*.mts'],
    plugins: { 'import-x': importX },
    settings: {
      // Without these the plugin reads only .js files, and no-cycle passes on TypeScript without looking.
      'import-x/extensions': ['.ts', '.mts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mts', '.js'] })],
    },
    rules: {
      // A cycle makes load order matter and blurs what depends on what (type-only imports, erased at
      // build time, are not counted).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layerZones }],
    },
  },
);
