// What the lab needs from a browser (www/lib/support.js, issue 23). Chromium, Firefox ESR and
// WebKitGTK have all of it (tests/engines/smoke.mjs checks each); an older engine is simulated
// here by removing a feature before the page's scripts run.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats } from './helpers.mjs';

test('without OffscreenCanvas (Safari before 16.4) the funnel draws its trails with a <canvas> scratch', async ({ page }) => {
  const con = watchConsole(page);
  const picture = async () => {
    await page.goto('www/examples/funnel.html');
    const w = await ready(page, '#full');
    await w.evaluate((e) => e.runToEnd());
    await w.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    return canvasStats(w, 'canvas.surface');
  };
  const withOffscreen = await picture();
  await page.addInitScript(() => { delete globalThis.OffscreenCanvas; });
  const without = await picture();
  expect(await page.evaluate(() => typeof OffscreenCanvas)).toBe('undefined');
  // The same trails (antialiasing may differ by a few pixels between the two canvas kinds).
  expect(withOffscreen.inkFraction).toBeGreaterThan(0.005);
  expect(Math.abs(without.inkFraction - withOffscreen.inkFraction)).toBeLessThan(0.05 * withOffscreen.inkFraction);
  expect(Math.abs(without.near - withOffscreen.near)).toBeLessThanOrEqual(0.05 * withOffscreen.near + 20);
  con.check();
});

// Each: how an older engine lacks the feature, and the words the widget must show.
const MISSING = [
  ['WebAssembly', () => { delete globalThis.WebAssembly; }, 'lacks WebAssembly'],
  // Firefox before 114 read the option and refused module workers with a TypeError.
  ['module workers (refused)', () => {
    const W = globalThis.Worker;
    globalThis.Worker = class extends W {
      constructor(url, opts) {
        if (opts?.type === 'module') throw new TypeError('Module workers are not supported');
        super(url, opts);
      }
    };
  }, 'lacks module workers'],
  // An engine that ignores the option starts a classic worker, which cannot import.
  ['module workers (ignored)', () => {
    const W = globalThis.Worker;
    globalThis.Worker = class extends W { constructor(url, opts) { super(url, { name: opts?.name }); } };
  }, 'lacks module workers'],
  ['constructable stylesheets', () => { delete ShadowRoot.prototype.adoptedStyleSheets; }, 'lacks constructable stylesheets'],
];

for (const [feature, remove, words] of MISSING) {
  test(`without ${feature} every widget says what the browser lacks, and nothing else fails`, async ({ page }) => {
    const con = watchConsole(page);
    await page.addInitScript(remove);
    await page.goto('www/examples/funnel.html');
    for (const id of ['#full', '#teacher']) {
      // (A widget boots, and finds what the browser lacks, when the reader comes near it.)
      await page.locator(id).scrollIntoViewIfNeeded();
      const message = page.locator(id).locator('.message');
      await expect(message).toBeVisible();
      await expect(message).toContainText(words);
      await expect(message).toContainText('Firefox (115 or later), Safari (16.4 or later)');
      await expect(message).not.toContainText('Reset');
      expect(await page.locator(id).evaluate((e) => [e.broken, e.isReady])).toEqual([true, false]);
    }
    con.check();
  });
}
