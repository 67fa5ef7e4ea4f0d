/**
 * The compatibility smoke: the wheel installed next to the oldest supported
 * and the newest JupyterLab (scripts/compat-check.sh puts that venv first on
 * PATH, so `jupyter lab` below is its JupyterLab).
 */
const main = require('./playwright.config');

const PORT = process.env.GALATA_PORT || '18888';

module.exports = {
  ...main,
  testDir: './compat',
  workers: 1,
  webServer: [
    {
      command: 'jupyter lab --config jupyter_server_test_config.py',
      url: `http://localhost:${PORT}/lab`,
      timeout: 120 * 1000,
      reuseExistingServer: false
    }
  ]
};
