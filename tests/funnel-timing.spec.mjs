// The funnel's end-to-end tests that measure the machine: autoplay animating the lab page's
// canvases, text alternatives written a few times a second while playing, pausing off screen,
// and no main-thread freeze with 2000 trajectories. They run alone, after the other specs
// (playwright.config.mjs, project "serial"); the rest of the funnel's tests are in funnel.spec.mjs.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout } from './helpers.mjs';
import { sceneOf } from './scene.mjs';

const LAB = 'index.html';
const EXAMPLE = 'www/examples/funnel.html';
const WIDGET = '#funnel-widget';
const FREEZE_MS = 500; // a main-thread task this long is a visible freeze, whatever the load
/** The scene's marks on panel `id` (the plot below the surface: series). */
const marksOn = (scene, id) => scene.panels.find((p) => p.id === id).marks;

test('on the lab page the funnel plays by itself once in view (autoplay), animating the canvases; Pause stops it', async ({ page }) => {
  // The claim needs the run: at step 0 the noisy mean and gradient descent start together, so the
  // lab page's figure plays as soon as it is in view (before, it waited at step 0 for Play).
  const con = watchConsole(page);
  await page.goto(LAB);
  const el = await ready(page, WIDGET);
  const before = await canvasStats(el, 'canvas.surface');
  await el.scrollIntoViewIfNeeded();
  await expect.poll(() => readout(el, '.r-step').then(Number)).toBeGreaterThan(50);
  if (await el.evaluate((e) => e.playing)) {
    await expect(el.locator('button[data-name="play"]')).toHaveText('Pause');
    await el.locator('button[data-name="play"]').click();
  }
  expect(await el.evaluate((e) => e.playing)).toBe(false);
  const after = await canvasStats(el, 'canvas.surface');
  expect(after.hash).not.toBe(before.hash);
  const step = Number(await readout(el, '.r-step'));
  expect(marksOn(await sceneOf(el), 'series').at(-1).n).toBe(step + 1);
  con.check();
});

test('while playing, the text alternatives are written a few times a second, and match the plots once paused', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  await el.scrollIntoViewIfNeeded();
  // Count the writes to the surface's label and to the readout over 2 s of play (the widget
  // ticks 20–60 times a second; live text is batched to one write per READOUT_MS = 200 ms).
  await el.evaluate((e) => {
    const surface = e.shadowRoot.querySelector('canvas.surface');
    window.__writes = { label: 0, readout: 0 };
    window.__obs = new MutationObserver((ms) => {
      for (const m of ms) {
        if (m.target === surface) window.__writes.label++;
        else window.__writes.readout++;
      }
    });
    window.__obs.observe(surface, { attributes: true, attributeFilter: ['aria-label'] });
    window.__obs.observe(e.readoutEl, { childList: true });
    e.play();
  });
  await page.waitForTimeout(2000);
  const { writes, ticks } = await el.evaluate((e) => {
    const w = { ...window.__writes };
    window.__obs.disconnect();
    e.pause();
    return { writes: w, ticks: e.tickCount };
  });
  expect(ticks).toBeGreaterThan(20);
  expect(writes.label).toBeGreaterThan(2);
  expect(writes.label).toBeLessThanOrEqual(12);
  expect(writes.readout).toBeLessThanOrEqual(12);
  // Paused (and the last tick landed): the label, the readout and the snapshot give one step.
  await expect.poll(() => el.evaluate((e) => e.inFlight)).toBe(false);
  const step = await el.evaluate((e) => e.snapshot.stats.step);
  expect(await readout(el, '.r-step')).toBe(String(step));
  expect(await el.locator('canvas.surface').getAttribute('aria-label')).toContain(`step ${step}:`);
  con.check();
});

test('off screen, a playing widget pauses', async ({ page }) => {
  const con = watchConsole(page);
  await page.setViewportSize({ width: 1280, height: 700 });
  await page.goto(LAB);
  const el = await ready(page, WIDGET);
  await el.scrollIntoViewIfNeeded();
  await el.evaluate((e) => e.play());
  await expect.poll(() => readout(el, '.r-step').then(Number)).toBeGreaterThan(5);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300);
  const a = Number(await readout(el, '.r-step'));
  await page.waitForTimeout(700);
  const b = Number(await readout(el, '.r-step'));
  expect(b - a).toBeLessThanOrEqual(10);
  await el.scrollIntoViewIfNeeded();
  await expect.poll(() => readout(el, '.r-step').then(Number)).toBeGreaterThan(b + 10);
  con.check();
});

test('the main thread does not freeze while playing 2000 trajectories', async ({ page }) => {
  // On the widget's own page: on the lab page the other widgets' first computations would be
  // measured too (all widgets at once: see soak.spec.mjs). The work runs in the worker, so the
  // page never waits for it: no main-thread task near FREEZE_MS. Tasks over 50 ms (issue 8's
  // target: none) are printed, not asserted: on two shared cores their number follows the
  // host's load (see soak.spec.mjs); on an idle machine this run has none.
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  await ready(page, '#teacher');
  await page.waitForTimeout(500);
  await el.evaluate((e) => e.setSettings({ trajectories: 2000, steps: 5000, speed: 200, shownPaths: 10 }));
  await el.scrollIntoViewIfNeeded();
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
      .observe({ type: 'longtask', buffered: false });
  });
  await el.evaluate((e) => e.play());
  await page.waitForTimeout(3000);
  await el.evaluate((e) => e.pause());
  const steps = Number(await readout(el, '.r-step'));
  expect(steps).toBeGreaterThan(100);
  const longTasks = await page.evaluate(() => window.__longTasks);
  console.log(`[funnel] long tasks over 50 ms while playing 2000 trajectories for 3 s: ${longTasks.length ? longTasks.map(Math.round).join(', ') + ' ms' : 'none'}`);
  expect(longTasks.filter((d) => d > FREEZE_MS), `long tasks: ${longTasks.join(', ')} ms`).toEqual([]);
  con.check();
});
