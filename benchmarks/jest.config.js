// Benchmarks run under jest for its TypeScript/ESM handling and the real
// JupyterServer helper; they print numbers and assert nothing about time.
const base = require('../jest.config');

module.exports = {
  ...base,
  rootDir: '..',
  testRegex: 'benchmarks/.*\\.bench\\.ts$',
  collectCoverage: false,
  testTimeout: 600_000
};
