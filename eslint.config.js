// ESLint 9 flat config. Besides typescript-eslint's recommended rules it enforces the layering in
// ARCHITECTURE.md with no-restricted-imports:
//   src/main/**, src/shared/**  never import 'electron' (the core is plain Node; the contract is shared)
//   src/shared/**               imports nothing from main/ or renderer/ (only zod at runtime)
//   src/renderer/**             never imports main/ or electron, nor Node built-ins; from shared/
//                               only `import type` (runtime values come over the contract client)
//   electron/preload.ts         never imports the core (src/main)
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS = ['**/*.{ts,tsx,mts,cts}'];

const noElectron = [
  { name: 'electron', message: 'src/main and src/shared are plain Node/isomorphic: electron is only imported under electron/.' },
];
const electronSubpaths = { group: ['electron/*'], message: 'electron is only imported under electron/.' };
const mainPatterns = (message) => ({ group: ['**/main', '**/main/**'], message });
const nodeBuiltins = {
  group: ['node:*'],
  message: 'the renderer runs in a browser sandbox: no Node built-ins (ask main over the contract).',
};

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', 'release/', 'test-results/', 'playwright-report/', '.tmp/', 'coverage/']),

  js.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
  },

  {
    files: TS,
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/main/**/*.{ts,tsx}', 'electron/**/*.ts', 'e2e/**/*.ts', 'tools/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    ignores: ['src/renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },

  // --- architecture ---
  {
    files: ['src/main/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { paths: noElectron, patterns: [electronSubpaths] }],
    },
  },
  {
    files: ['src/shared/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noElectron,
          patterns: [
            electronSubpaths,
            mainPatterns('src/shared is the contract: it must not depend on src/main.'),
            { group: ['**/renderer', '**/renderer/**'], message: 'src/shared is the contract: it must not depend on src/renderer.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    ignores: ['src/renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'the renderer talks to main only through the contract client (src/renderer/client.ts).' }],
          patterns: [
            electronSubpaths,
            mainPatterns('the renderer must not import the core: go through the contract client (src/renderer/client.ts).'),
            nodeBuiltins,
            {
              group: ['**/shared', '**/shared/**'],
              allowTypeImports: true,
              message: 'the renderer imports only types from src/shared (use `import type`).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/preload.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [mainPatterns('the preload exposes the contract only; it must not import the core (src/main).')] },
      ],
    },
  },
);
