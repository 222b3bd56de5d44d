// Browser end-to-end tests against the built, served lab (Debian's Chromium; see tests/browser.mjs).
import { defineConfig } from '@playwright/test';
import { launchOptions } from './tests/browser.mjs';

const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'tests',
  testMatch: /.*\.spec\.mjs$/,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    launchOptions: launchOptions(),
    viewport: { width: 1280, height: 900 },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `node scripts/serve.mjs --port ${port} --quiet`,
    url: `http://127.0.0.1:${port}/www/pkg/noise/noiselab_wasm.js`,
    reuseExistingServer: false,
    timeout: 20_000,
  },
});
