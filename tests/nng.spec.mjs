// End-to-end tests of <noiselab-nng> (SCIENCE.md §6: noisy Adam vs noisy K-FAC on a correlated
// posterior) on its example page and on the lab page.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';

const EXAMPLE = 'www/examples/noisy-natural-gradient.html';
const BLUE = [0, 114, 178]; // noisy K-FAC
const VERMILLION = [213, 94, 0]; // noisy Adam

test('the example draws the ellipses and KL curves; K-FAC captures the correlation, noisy Adam cannot', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  await el.evaluate((e) => e.runToEnd());
  expect(await readout(el, '.r-step')).toBe('2000');
  const plane = await canvasStats(el, 'canvas.plane', BLUE);
  expect(plane.width).toBeGreaterThan(200);
  expect(plane.near).toBeGreaterThan(200);
  expect((await canvasStats(el, 'canvas.plane', VERMILLION)).near).toBeGreaterThan(100);
  const kl = await canvasStats(el, 'canvas.kl', BLUE);
  expect(kl.near).toBeGreaterThan(200);
  expect((await canvasStats(el, 'canvas.kl', VERMILLION)).near).toBeGreaterThan(200);
  // Posterior correlation strongly negative; K-FAC within 0.1 of it; noisy Adam exactly 0.
  const rhoTarget = Number(await readout(el, '.r-rho-target'));
  const rhoKfac = Number(await readout(el, '.r-rho-kfac'));
  expect(rhoTarget).toBeLessThan(-0.5);
  expect(Math.abs(rhoKfac - rhoTarget)).toBeLessThan(0.1);
  expect(Number(await readout(el, '.r-rho-adam'))).toBe(0);
  // KL: full < K-FAC < noisy Adam.
  const [full, adam, kfac] = await Promise.all(['.r-kl-full', '.r-kl-adam', '.r-kl-kfac'].map((c) => readout(el, c).then(Number)));
  expect(full).toBeLessThan(kfac);
  expect(kfac).toBeLessThan(adam);
  expect(Number(await readout(el, '.r-precision'))).toBeLessThan(1e-3);
  // The teacher embed shows only its four sliders.
  const teacher = await ready(page, '#teacher');
  const shown = await teacher.evaluate((e) => [...e.shadowRoot.querySelectorAll('.control')].filter((c) => !c.hidden).map((c) => c.dataset.name));
  expect(shown).toEqual(['featureCorrelation', 'priorVariance', 'klWeight', 'learningRate']);
  con.check();
});

test('controls change the numbers; a bad value is rejected at its control; divergence is reported', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  await el.evaluate((e) => e.runToEnd());
  const before = await readout(el, '.r-rho-target');
  const planeBefore = await canvasStats(el, 'canvas.plane', BLUE);
  const corr = control(el, 'featureCorrelation');
  await corr.box.fill('0.3');
  await corr.box.press('Enter');
  await expect.poll(() => el.evaluate((e) => e.settings.featureCorrelation)).toBe('0.3');
  await el.evaluate((e) => e.runToEnd());
  expect(await readout(el, '.r-rho-target')).not.toBe(before);
  expect((await canvasStats(el, 'canvas.plane', BLUE)).hash).not.toBe(planeBefore.hash);
  // Other axes: weight 1 vs weight 1 is allowed but flagged in the plot head.
  const kl = control(el, 'klWeight');
  await kl.box.fill('1.5');
  await kl.box.press('Enter');
  await expect(kl.error).toContainText('klWeight must be a number in (0, 1]; got 1.5');
  expect(await el.evaluate((e) => e.settings.klWeight)).toBe('1');
  // αλ/N = 100/10 = 10: every method diverges (noisy Adam without momentum, which would damp
  // it); the widget says so and stops.
  await el.evaluate((e) => e.setSettings({ dataPoints: 10, learningRate: 100, momentum: 0, featureCorrelation: 0.9 }));
  await el.evaluate((e) => e.runToEnd());
  await expect(el.locator('.message')).toContainText('every method diverged');
  expect(await readout(el, '.r-kl-kfac')).toBe('—');
  con.check();
});

test('play animates; on the lab page the state round-trips through the URL hash', async ({ page, context }) => {
  const con = watchConsole(page);
  await page.goto('index.html#noisy-natural-gradient');
  const el = await ready(page, '#nng-widget');
  await el.scrollIntoViewIfNeeded();
  const before = await canvasStats(el, 'canvas.plane', BLUE);
  await el.locator('button[data-name="play"]').click();
  await expect.poll(() => readout(el, '.r-step').then(Number)).toBeGreaterThan(40);
  await el.locator('button[data-name="play"]').click();
  expect((await canvasStats(el, 'canvas.plane', BLUE)).hash).not.toBe(before.hash);
  await el.evaluate((e) => e.setSettings({ featureCorrelation: 0.8, klWeight: 0.5, seed: 77, weights: 3, secondWeight: 3, steps: 400 }));
  await el.evaluate((e) => e.runToEnd());
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('nng.klWeight=0.5');
  expect(hash).toContain('nng.seed=77');
  const kfac = await readout(el, '.r-kl-kfac');
  const settings = await el.evaluate((e) => e.settings);
  const page2 = await context.newPage();
  await page2.goto(`index.html${hash}`);
  const el2 = await ready(page2, '#nng-widget');
  expect(await el2.evaluate((e) => e.settings)).toEqual(settings);
  await el2.evaluate((e) => e.runToEnd());
  expect(await readout(el2, '.r-kl-kfac')).toBe(kfac);
  expect(await el2.evaluate((e) => e.shadowRoot.querySelector('.axes-note').textContent)).toContain('w1 vs w3');
  con.check();
});
