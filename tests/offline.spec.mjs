// The built lab (dist/) as plain static files: it works with the network off after one visit
// (service worker), and it works from a different static server (Python's http.server).
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { watchConsole, ready, canvasStats } from './helpers.mjs';
import { freePort } from './helpers.mjs';

test('after one visit the lab works with the network off', async ({ page, context }) => {
  const con = watchConsole(page);
  await page.goto('index.html');
  await ready(page, '#funnel-widget');
  // Wait until the service worker is active and controls the page (one reload after install).
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
  await ready(page, '#funnel-widget');
  await context.setOffline(true);
  try {
    for (const url of ['index.html#funnel', 'www/examples/funnel.html']) {
      await page.goto(url);
      const el = await ready(page, url.startsWith('index') ? '#funnel-widget' : '#full');
      const snap = await el.evaluate((e) => e.runToEnd());
      expect(snap.stats.step).toBeGreaterThan(0);
      expect((await canvasStats(el, 'canvas.surface-bg')).colours).toBeGreaterThan(12);
    }
    expect(await page.goto('index.html').then(() => page.locator('.katex').count())).toBeGreaterThan(5);
  } finally {
    await context.setOffline(false);
  }
  con.check();
});

test('dist/ served by another static server (python3 -m http.server) works', async ({ page }) => {
  const port = await freePort();
  const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', 'dist'], { stdio: 'ignore' });
  try {
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${port}/index.html`).then((r) => r.status, () => 0)), { timeout: 30_000 }).toBe(200);
    const con = watchConsole(page);
    for (const [url, sel] of [['index.html', '#funnel-widget'], ['www/examples/funnel.html', '#teacher']]) {
      await page.goto(`http://127.0.0.1:${port}/${url}`);
      const el = await ready(page, sel);
      const snap = await el.evaluate((e) => e.runToEnd());
      expect(snap.stopReason).toBe('done');
    }
    con.check();
  } finally {
    server.kill();
  }
});
