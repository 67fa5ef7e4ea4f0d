/**
 * Galata against a real JupyterHub (scripts/hub.sh): log in as alice, then
 * JupyterLab under /user/alice/ on her single-user server. scripts/ui-test.sh
 * starts the hub and sets HUB_URL; the hub, not Playwright, starts servers.
 */
const main = require('./playwright.config');

const HUB_URL = process.env.HUB_URL || 'http://127.0.0.1:18947';

module.exports = {
  ...main,
  testDir: './hub',
  workers: 1,
  use: {
    ...main.use,
    baseURL: `${HUB_URL}/user/alice`
  },
  webServer: []
};
