import js from '@eslint/js';
import prettierConfig from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The folders above the model: views and plugins. */
const UPPER = ['plugins', 'panel', 'badges', 'status'].flatMap(d => [
  `../${d}`,
  `../${d}/*`
]);

const LAYERS_MESSAGE =
  'Layers point one way: report <- probe, advice <- install <- panel, badges, status <- plugins; model/ sees only report/ (types and import() aside).';

/**
 * One no-restricted-imports block per layer; tests may cross layers. A
 * layer is a list of import patterns it may not use, or a list of pattern
 * objects of @typescript-eslint/no-restricted-imports (where
 * `allowTypeImports` lets types cross: they vanish from the bundle).
 */
function layers(map) {
  return Object.entries(map).map(([files, rule]) => ({
    files: [files],
    ignores: ['**/__tests__/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: (typeof rule[0] === 'string'
            ? [{ group: rule }]
            : rule
          ).map(p => ({ message: LAYERS_MESSAGE, ...p }))
        }
      ]
    }
  }));
}

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      '**/node_modules',
      'lib',
      'coverage',
      'dist',
      'build',
      '.venv',
      'jupyterlab_torch_doctor/labextension',
      'ui-tests/test-results',
      'ui-tests/playwright-report',
      'src/probe/probeSource.ts',
      'src/install/protectSource.ts',
      '**/*.d.ts',
      '*.config.js',
      'babel.config.js'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/naming-convention': [
        'error',
        {
          selector: 'interface',
          format: ['PascalCase'],
          custom: { regex: '^I[A-Z]', match: true }
        }
      ],
      '@typescript-eslint/no-unused-vars': ['warn', { args: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-namespace': 'off',
      '@typescript-eslint/no-use-before-define': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      quotes: [
        'error',
        'single',
        { avoidEscape: true, allowTemplateLiterals: false }
      ],
      curly: ['error', 'all'],
      eqeqeq: 'error',
      'prefer-arrow-callback': 'error'
    }
  },
  {
    files: ['scripts/**/*.js', 'benchmarks/**/*.js', 'ui-tests/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly'
      }
    }
  },
  {
    // Node scripts that drive a browser: Node and browser globals both.
    files: ['benchmarks/**/*.mjs'],
    languageOptions: {
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser }
    }
  },
  // Layers point one way: report (the contract) <- probe, advice <- install
  // <- panel, badges, status <- plugins. An upward import fails the lint.
  ...layers({
    'src/report/**': ['../*', '!../report', '!../report/*'],
    'src/probe/**': ['../*', '!../report', '!../report/*'],
    'src/advice/**': ['../*', '!../report', '!../report/*'],
    'src/install/**': [
      '../*',
      '!../report',
      '!../report/*',
      '!../advice',
      '!../advice/*',
      '!../dom',
      '!../tokens'
    ],
    // The per-kernel core: values only from report/ (and the settings and
    // token contracts beside it); the heavy parts arrive through import()
    // in model/lazy.ts, whose type-only imports are allowed.
    'src/model/**': [
      { group: UPPER },
      {
        // A type import passes when any pattern allowing types matches it,
        // so the upper layers are left out of this one.
        group: [
          '../*',
          '!../report',
          '!../report/*',
          '!../tokens',
          '!../settings',
          ...UPPER.map(p => `!${p}`)
        ],
        allowTypeImports: true
      }
    ],
    // Views read the model through the token; of model/ they may use only
    // the lazy loader and the state-store helper.
    'src/{panel,badges,status}/**': [
      '../plugins',
      '../plugins/*',
      '../model/*',
      '!../model/lazy',
      '!../model/stateStore',
      '../settings'
    ],
    // What other extensions see: the contract only.
    'src/tokens.ts': ['./*/*', '!./report/*']
  }),
  prettierConfig
);
