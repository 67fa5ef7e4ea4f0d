/**
 * Galata against kernels on another host: JupyterLab under the base URL
 * /user/alice/ (as JupyterHub serves it), with every kernel on the Jupyter Kernel
 * Gateway of scripts/gateway.sh (a network namespace with its own hostname).
 * scripts/ui-test.sh starts the gateway and sets GATEWAY_URL.
 */
const main = require('./playwright.config');

const BASE_URL = '/user/alice/';
const GATEWAY_URL = process.env.GATEWAY_URL || 'http://10.213.14.2:8889';
// The port of jupyter_server_test_config.py (never a jest server's 8888).
const PORT = process.env.GALATA_PORT || '18888';

module.exports = {
  ...main,
  testDir: './gateway',
  // The suite shares one gateway and checks what is left running on it.
  workers: 1,
  use: {
    ...main.use,
    baseURL: `http://localhost:${PORT}${BASE_URL.replace(/\/$/, '')}`
  },
  webServer: [
    {
      command:
        `jupyter lab --config jupyter_server_test_config.py ` +
        `--ServerApp.base_url=${BASE_URL} --gateway-url=${GATEWAY_URL} ` +
        // A kernel the gateway loses is noticed within seconds.
        `--GatewayClient.request_timeout=60`,
      url: `http://localhost:${PORT}${BASE_URL}lab`,
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI
    }
  ]
};
