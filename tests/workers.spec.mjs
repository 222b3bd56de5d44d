// The page's workers share the machine with the page's own thread: however many widgets ask at
// once, at most cores − 1 of their requests are computed at a time (www/lib/client.js), so the
// page's thread is never descheduled in the middle of a task.
import { test, expect } from '@playwright/test';
import { watchConsole } from './helpers.mjs';

test('every widget asked for a new run at once: no more requests are computed at a time than the page leaves cores for, and every one is answered', async ({ page }) => {
  const con = watchConsole(page);
  await page.setViewportSize({ width: 1920, height: 4000 });
  await page.goto('www/examples/gallery.html');
  const out = await page.evaluate(async () => {
    const { workerLoad } = await import('../lib/client.js');
    const els = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-'));
    await Promise.all(els.map(async (e) => { await customElements.whenDefined(e.localName); await e.ready; }));
    workerLoad({ clear: true });
    const before = els.map((e) => e.valid.seed);
    // At once: a new seed (a new run, or a new analysis) for every widget, and play those that run.
    await Promise.all(els.map(async (e) => {
      if (e.constructor.runControls) e.play();
      await e.onButtonClick(e.constructor.runControls ? 'newSeed' : 'reset');
    }));
    await new Promise((r) => setTimeout(r, 2000));
    els.forEach((e) => e.pause());
    return {
      load: workerLoad(),
      widgets: els.length,
      newSeeds: els.filter((e, i) => e.constructor.runControls && e.valid.seed !== before[i]).length,
      runners: els.filter((e) => e.constructor.runControls).length,
      ticks: els.filter((e) => e.constructor.runControls && e.tickCount > 0).length,
      cores: navigator.hardwareConcurrency,
    };
  });
  expect(out.widgets).toBeGreaterThan(10);
  expect(out.newSeeds).toBe(out.runners);
  expect(out.ticks).toBeGreaterThan(0);
  expect(out.load.bound).toBe(Math.max(1, Math.min(4, out.cores - 1)));
  expect(out.load.most).toBeGreaterThanOrEqual(1);
  expect(out.load.most, JSON.stringify(out)).toBeLessThanOrEqual(out.load.bound);
  con.check();
});
