/**
 * Galata on Debian's chromium: never download a browser (offline machines).
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

// Not 8888: the jest suites' own servers start there and count up, and a
// test must never talk to another server than the one it started.
const PORT = process.env.GALATA_PORT || '18888';

module.exports = {
  ...baseConfig,
  // The kernels-on-another-host suite (gateway/) has its own config,
  // playwright.gateway.config.js, and its own server.
  testDir: './tests',
  timeout: 120 * 1000,
  retries: process.env.CI ? 1 : 0,
  reporter: [[process.env.CI ? 'list' : 'list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    baseURL: `http://localhost:${PORT}`,
    // The base config keeps videos, which needs Playwright's own ffmpeg.
    video: 'off',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    }
  },
  webServer: [
    {
      command: 'npm start',
      url: `http://localhost:${PORT}/lab`,
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI
    },
    {
      // The local PyTorch index of the install tests (127.0.0.1 only).
      command:
        'python3 ../scripts/local-index.py serve ../build/local-index 8971',
      url: 'http://127.0.0.1:8971/cpu/torch/',
      timeout: 30 * 1000,
      reuseExistingServer: !process.env.CI
    },
    {
      // An index that accepts connections and never answers (127.0.0.1 only).
      command: 'python3 ../scripts/local-index.py blackhole 8972',
      port: 8972,
      timeout: 30 * 1000,
      reuseExistingServer: !process.env.CI
    }
  ]
};
