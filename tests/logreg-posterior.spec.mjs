// End-to-end tests of <noiselab-logreg-posterior> (SCIENCE.md §3–§4) on its example page and the lab.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';

const BLUE = [0, 114, 178]; // the variational ellipse and y = 1 points
const ORANGE = [230, 159, 0]; // the Laplace ellipse

test('both planes draw; the numbers obey ELBO ≤ ln p(D); clicks add and remove points', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/logreg-posterior.html');
  const el = await ready(page, '#skewed');
  await expect.poll(() => readout(el, '.r-n')).toBe('10');
  const w = await canvasStats(el, 'canvas.weights', BLUE);
  expect(w.inkFraction).toBeGreaterThan(0.1);
  expect(w.near).toBeGreaterThan(150);
  expect((await canvasStats(el, 'canvas.weights', ORANGE)).near).toBeGreaterThan(150);
  expect((await canvasStats(el, 'canvas.data', BLUE)).near).toBeGreaterThan(150);
  // KL(q‖p(w|D)) ≥ 0 and the variational q beats Laplace (SCIENCE §3: the posterior is skewed).
  const klq = Number(await readout(el, '.r-kl-q'));
  const kll = Number(await readout(el, '.r-kl-laplace'));
  expect(klq).toBeGreaterThanOrEqual(0);
  expect(klq).toBeLessThan(kll);
  // The core's numbers for this data set (tests/logreg.rs): ln Z = −6.367, Laplace −6.419.
  expect(await readout(el, '.r-logz')).toBe('-6.3670');
  await expect(el.locator('table.kl tbody tr')).toHaveCount(3);
  // Click in the data plot adds a point; shift-click on it removes it.
  const canvas = el.locator('canvas.data');
  const box = await canvas.boundingBox();
  const before = await canvasStats(el, 'canvas.data', BLUE);
  await canvas.click({ position: { x: box.width * 0.8, y: box.height * 0.2 } });
  await expect.poll(() => readout(el, '.r-n')).toBe('11');
  expect((await canvasStats(el, 'canvas.data', BLUE)).hash).not.toBe(before.hash);
  await canvas.click({ position: { x: box.width * 0.8, y: box.height * 0.2 }, modifiers: ['Shift'] });
  await expect.poll(() => readout(el, '.r-n')).toBe('10');
  await expect.poll(() => readout(el, '.r-logz')).toBe('-6.3670');
  con.check();
});

test('the prior variance changes the numbers; a bad value is rejected at its control', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/logreg-posterior.html');
  const el = await ready(page, '#skewed');
  const z = await readout(el, '.r-logz');
  const eta = control(el, 'priorVariance');
  await eta.box.fill('20');
  await eta.box.press('Enter');
  await expect.poll(() => readout(el, '.r-logz')).not.toBe(z);
  await eta.box.fill('-1');
  await eta.box.press('Enter');
  await expect(eta.error).toContainText('priorVariance must be a number in (0, 100]; got -1');
  expect(await el.evaluate((e) => e.settings.priorVariance)).toBe('20');
  // The teacher-mode embed shows only the prior variance.
  const many = await ready(page, '#many');
  const shown = await many.evaluate((e) => [...e.shadowRoot.querySelectorAll('.control')].filter((c) => !c.hidden).map((c) => c.dataset.name));
  expect(shown).toEqual(['priorVariance']);
  expect(await readout(many, '.r-n')).toBe('100');
  con.check();
});

test('on the lab page the state round-trips through the URL hash', async ({ page, context }) => {
  const con = watchConsole(page);
  await page.goto('index.html#vb-curvature');
  const el = await ready(page, '#logreg-posterior-widget');
  await el.evaluate((e) => e.setSettings({ priorVariance: 5, variationalFamily: 'fullCovariance', dataPoints: 15 }));
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('logreg.priorVariance=5');
  await expect.poll(() => readout(el, '.r-n')).toBe('15');
  const z = await readout(el, '.r-logz');
  const page2 = await context.newPage();
  await page2.goto(`index.html${hash}`);
  const el2 = await ready(page2, '#logreg-posterior-widget');
  expect((await el2.evaluate((e) => e.settings)).variationalFamily).toBe('fullCovariance');
  await expect.poll(() => readout(el2, '.r-logz')).toBe(z);
  con.check();
});
