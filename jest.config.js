const jestJupyterLab = require('@jupyterlab/testutils/lib/jest-config');

// The base list plus the ESM packages that @jupyterlab/testutils pulls in
// (the template's own list drops some of them).
const esModules = [
  '@codemirror',
  '@marijn',
  '@microsoft',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@jupyter/ydoc',
  '@jupyterlab/',
  'color',
  'exenv-es6',
  'lib0',
  'marked',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  automock: false,
  collectCoverageFrom: [
    'src/**/*.{ts,tsx}',
    '!src/**/*.d.ts',
    '!src/probe/probeSource.ts',
    '!src/install/protectSource.ts'
  ],
  coverageReporters: ['lcov', 'text-summary'],
  reporters: ['default'],
  testRegex: 'src/.*/.*.spec.ts[x]?$',
  modulePathIgnorePatterns: [
    '<rootDir>/.venv',
    '<rootDir>/build',
    '<rootDir>/ui-tests',
    '<rootDir>/jupyterlab_torch_doctor/labextension'
  ],
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};
