// End-to-end tests of <noiselab-laplace-vb> (SCIENCE.md §5) on its example page and the lab.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';

const BLUE = [0, 114, 178]; // the variational Gaussian's colour

test('Bishop’s example: the curves draw and the numbers match §5', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/laplace-vb.html');
  const el = await ready(page, '#bishop');
  const density = await canvasStats(el, 'canvas.density', BLUE);
  expect(density.inkFraction).toBeGreaterThan(0.05);
  expect(density.near).toBeGreaterThan(300);
  expect((await canvasStats(el, 'canvas.neglog', BLUE)).near).toBeGreaterThan(300);
  // SCIENCE.md §5 / the core's tests: z₀ = 0.07748, A = 2.5436, KL(q_VI‖p) < KL(q_L‖p).
  expect(await readout(el, '.r-mode')).toBe('0.0775');
  expect(await readout(el, '.r-precision')).toBe('2.5436');
  expect(Number(await readout(el, '.r-kl-vi'))).toBeLessThan(Number(await readout(el, '.r-kl-laplace')));
  await expect(el.locator('table.kl tbody tr')).toHaveCount(3);
  // The teacher-mode embed shows only the slope.
  const gentle = await ready(page, '#gentle');
  const shown = await gentle.evaluate((e) => [...e.shadowRoot.querySelectorAll('.control')].filter((c) => !c.hidden).map((c) => c.dataset.name));
  expect(shown).toEqual(['slope']);
  con.check();
});

test('slope 0 makes every approximation exact; a bad slope is rejected at its control', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/laplace-vb.html');
  const el = await ready(page, '#bishop');
  const before = await canvasStats(el, 'canvas.density', BLUE);
  const slope = control(el, 'slope');
  await slope.box.fill('0');
  await slope.box.press('Enter');
  await expect.poll(() => readout(el, '.r-kl-laplace')).toBe('0.0000');
  expect(await readout(el, '.r-kl-vi')).toBe('0.0000');
  expect((await canvasStats(el, 'canvas.density', BLUE)).hash).not.toBe(before.hash);
  await slope.box.fill('-3');
  await slope.box.press('Enter');
  await expect(slope.error).toContainText('slope must be a number in [0, 50]; got -3');
  expect(await el.evaluate((e) => e.settings.slope)).toBe('0');
  con.check();
});

test('on the lab page the state round-trips through the URL hash', async ({ page, context }) => {
  const con = watchConsole(page);
  await page.goto('index.html#vb-curvature');
  const el = await ready(page, '#laplace-vb-widget');
  await el.evaluate((e) => e.setSettings({ slope: 7.5, offset: -1 }));
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('laplace-vb.slope=7.5');
  const mode = await readout(el, '.r-mode');
  const page2 = await context.newPage();
  await page2.goto(`index.html${hash}`);
  const el2 = await ready(page2, '#laplace-vb-widget');
  expect(await el2.evaluate((e) => e.settings)).toEqual({ slope: '7.5', offset: '-1' });
  await expect.poll(() => readout(el2, '.r-mode')).toBe(mode);
  // Every widget of the page keeps its own part of the hash (the funnel, far down the page,
  // boots in the background after the widgets in view).
  await ready(page, '#funnel-widget');
  const later = await page.evaluate(() => location.hash);
  expect(later).toContain('funnel.seed=');
  expect(later).toContain('laplace-vb.slope=7.5');
  con.check();
});
