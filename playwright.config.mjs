// Browser end-to-end tests against the built, served lab (Debian's Chromium; see tests/browser.mjs).
import { defineConfig } from '@playwright/test';
import { launchOptions } from './tests/browser.mjs';

const port = Number(process.env.E2E_PORT ?? 4173);

// Two projects. "parallel": every spec file but those below; `npm test` runs it with two workers
// (E2E_WORKERS=2: two files at a time, since their tests mostly wait for page loads and worker
// answers; the tests within a file run in order unless the file says otherwise). "serial": the
// specs that measure the machine (the soak's heaps, wasm memory and main-thread freezes; the
// worker pool's concurrency bound; the funnel's frame counts, off-screen pause and freeze checks), which
// scripts/test.sh runs alone, after the others (`--project=serial`). Without E2E_WORKERS, one
// worker runs everything in turn, as before (`npx playwright test`, a single spec file).
const SERIAL = /[\\/](soak|workers|funnel-timing)\.spec\.mjs$/;
const workers = Number(process.env.E2E_WORKERS ?? 1);

export default defineConfig({
  testDir: 'tests',
  testMatch: /.*\.spec\.mjs$/,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers,
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
  projects: [
    // Two at a time, each test has more time (a limit on waiting, not a check: 300 URL hashes
    // on the front page took 66 s with two workers on a loaded machine, against 60 s allowed).
    { name: 'parallel', testIgnore: SERIAL, workers, timeout: 90_000 },
    { name: 'serial', testMatch: SERIAL, workers: 1, outputDir: 'test-results/serial' },
  ],
  webServer: {
    command: `node scripts/serve.mjs --port ${port} --quiet`,
    url: `http://127.0.0.1:${port}/www/pkg/noise/noiselab_wasm.js`,
    reuseExistingServer: false,
    timeout: 20_000,
  },
});
