// End-to-end tests of <noiselab-bayes-regression> (SCIENCE.md §3–§4) on its example page and
// the lab page: the five bands draw, the in-between effect shows in the numbers, controls and
// clicks change the run, bad values are rejected at their control, the hash round-trips.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';

const HMC = [213, 94, 0]; // vermillion
const BBB = [0, 114, 178]; // blue
const QUICK = { trainingSteps: 600, hmcSamples: 60, hiddenUnits: 10 };

test('the default comparison: five bands, HMC wide between the clusters, BBB narrower', async ({ page }) => {
  test.setTimeout(60_000);
  const con = watchConsole(page);
  await page.goto('www/examples/bayes-regression.html');
  const el = await ready(page, '#full');
  const snap = await el.evaluate((e) => e.runToEnd());
  expect(snap.stage).toBe('done');
  expect(snap.stopReason).toBe('done');
  const overlay = await canvasStats(el, 'canvas.overlay', HMC);
  expect(overlay.inkFraction).toBeGreaterThan(0.2);
  expect(overlay.near).toBeGreaterThan(300);
  expect((await canvasStats(el, 'canvas.overlay', BBB)).near).toBeGreaterThan(100);
  const num = async (c) => Number(await readout(el, c));
  const hmcIn = await num('.r-hmc-inside'), hmcGap = await num('.r-hmc-between');
  const bbbGap = await num('.r-bbb-between'), lapGap = await num('.r-laplace-between');
  expect(hmcGap).toBeGreaterThan(2 * hmcIn);
  expect(hmcGap).toBeGreaterThan(bbbGap);
  expect(lapGap).toBeGreaterThan(bbbGap);
  expect(await num('.r-map-between')).toBeCloseTo(0.4, 6); // ±2σ with σ = 0.1: noise only
  expect(await readout(el, '.r-stage')).toBe('done');
  // Side by side: five panels draw; hiding a method hides its panel.
  await el.evaluate((e) => { const s = e.shadowRoot.querySelector('select.view'); s.value = 'multiples'; s.dispatchEvent(new Event('change')); });
  await expect(el.locator('.multiples')).toBeVisible();
  for (let i = 0; i < 5; i++) expect((await canvasStats(el, `.multiples canvas[data-panel="${i}"]`)).inkFraction).toBeGreaterThan(0.1);
  expect((await canvasStats(el, '.multiples canvas[data-panel="2"]', BBB)).near).toBeGreaterThan(300);
  await el.locator('.toggles input[data-method="3"]').uncheck();
  await expect(el.locator('.multiples figure').nth(3)).toBeHidden();
  con.check();
});

test('a control changes the run, a bad value is rejected at its control, a click adds a point', async ({ page }) => {
  test.setTimeout(60_000);
  const con = watchConsole(page);
  await page.goto('www/examples/bayes-regression.html');
  const el = await ready(page, '#full');
  await el.evaluate((e, q) => e.setSettings(q), QUICK);
  await el.evaluate((e) => e.runToEnd());
  const before = await readout(el, '.r-hmc-between');
  const eta = control(el, 'priorVariance');
  await eta.box.fill('0.3');
  await eta.box.press('Enter');
  await expect.poll(() => readout(el, '.r-eta')).toBe('0.3000');
  await el.evaluate((e) => e.runToEnd());
  expect(await readout(el, '.r-hmc-between')).not.toBe(before);
  const noise = control(el, 'noiseVariance');
  await noise.box.fill('0');
  await noise.box.press('Enter');
  await expect(noise.error).toContainText('noiseVariance must be a number in (0, 1]; got 0');
  expect(await el.evaluate((e) => e.settings.noiseVariance)).toBe('0.01');
  // Click in the middle of the plot: one more data point, and the run starts over.
  expect(await readout(el, '.r-n')).toBe('24');
  const box = await el.locator('canvas.overlay').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect.poll(() => readout(el, '.r-n')).toBe('25');
  const snap = await el.evaluate((e) => e.runToEnd());
  expect(snap.dataPoints).toBe(25);
  await el.evaluate((e) => e.shadowRoot.querySelector('button[data-name="clearPoints"]').click());
  await expect.poll(() => readout(el, '.r-n')).toBe('24');
  con.check();
});

test('evidence tuning changes η; on the lab page the state round-trips through the URL hash', async ({ page, context }) => {
  test.setTimeout(60_000);
  const con = watchConsole(page);
  await page.goto('index.html#vb-mdl');
  const el = await ready(page, '#bayes-regression-widget');
  await el.evaluate((e) => e.setSettings({ trainingSteps: 300, hmcSamples: 20, hiddenUnits: 4, dataPoints: 10, tunePrior: 'evidence', seed: 5 }));
  const snap = await el.evaluate((e) => e.runToEnd());
  expect(snap.tuning.length).toBeGreaterThanOrEqual(17);
  expect(snap.priorVariance).not.toBe(1);
  // The tuned η has the largest evidence of all evaluated ones.
  const best = Math.max(...snap.tuning.map((t) => t[1]).filter(Number.isFinite));
  expect(snap.logEvidence).toBeCloseTo(best, 6);
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('bayes-regression.tunePrior=evidence');
  expect(hash).toContain('bayes-regression.seed=5');
  const page2 = await context.newPage();
  await page2.goto(`index.html${hash}`);
  const el2 = await ready(page2, '#bayes-regression-widget');
  expect(await el2.evaluate((e) => e.settings)).toEqual(await el.evaluate((e) => e.settings));
  const snap2 = await el2.evaluate((e) => e.runToEnd());
  expect(snap2.priorVariance).toBe(snap.priorVariance);
  expect(snap2.bands).toEqual(snap.bands);
  con.check();
});

test('added points round-trip through the URL hash; a malformed points value is reported and ignored', async ({ page, context }) => {
  test.setTimeout(60_000);
  const con = watchConsole(page);
  await page.goto('index.html#vb-mdl');
  const el = await ready(page, '#bayes-regression-widget');
  await el.evaluate((e) => e.setSettings({ trainingSteps: 300, hmcSamples: 20, hiddenUnits: 4, dataPoints: 10, seed: 5 }));
  await el.evaluate((e) => e.addPoint(0, 1.5));
  await el.evaluate((e) => e.addPoint(-0.25, -0.75));
  const snap = await el.evaluate((e) => e.runToEnd());
  expect(snap.dataPoints).toBe(12);
  const hash = await page.evaluate(() => location.hash);
  expect(decodeURIComponent(hash)).toContain('bayes-regression.points=0,1.5;-0.25,-0.75');
  // The link reproduces the data (and so the bands) exactly.
  const page2 = await context.newPage();
  const con2 = watchConsole(page2);
  await page2.goto(`index.html${hash}`);
  const el2 = await ready(page2, '#bayes-regression-widget');
  expect(await el2.evaluate((e) => e.added)).toEqual([[0, 1.5], [-0.25, -0.75]]);
  const snap2 = await el2.evaluate((e) => e.runToEnd());
  expect(snap2.dataPoints).toBe(12);
  expect(snap2.bands).toEqual(snap.bands);
  // Removing the points removes them from the hash; a hash change brings them back.
  await el2.evaluate((e) => e.shadowRoot.querySelector('button[data-name="clearPoints"]').click());
  await expect.poll(() => page2.evaluate(() => location.hash)).not.toContain('bayes-regression.points=');
  await expect.poll(() => readout(el2, '.r-n')).toBe('10');
  await page2.evaluate((h) => { location.hash = h; }, hash);
  await expect.poll(() => readout(el2, '.r-n')).toBe('12');
  // A malformed value: the message names the field; the points are kept.
  await page2.evaluate((h) => { location.hash = h.replace(/bayes-regression\.points=[^&]*/, 'bayes-regression.points=9,9'); }, hash);
  await expect(el2.locator('.message')).toContainText('points must be');
  expect(await el2.evaluate((e) => e.added)).toEqual([[0, 1.5], [-0.25, -0.75]]);
  con.check();
  con2.check();
});
