// End-to-end tests of <noiselab-bbb-linreg> (SCIENCE.md §4: Bayes by Backprop on Bayesian linear
// regression against the closed forms) on its example page and on the lab page.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';

const EXAMPLE = 'www/examples/bbb-linreg.html';
const VERMILLION = [213, 94, 0]; // q, ln p(D)
const BLUE = [0, 114, 178]; // mean-field optimum

test('the example draws all three plots; the ELBO approaches ln p(D) up to the mean-field gap', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  await el.evaluate((e) => e.runToEnd());
  expect(await readout(el, '.r-step')).toBe('2000');
  // Each plot drew its curves: the ELBO plot its ln p(D) line (vermillion) and the dotted
  // mean-field line (blue); the std plot the first weight's curve and lines (blue); the plane the
  // mean-field ellipse (blue) and q (vermillion).
  for (const [c, rgb, min] of [['canvas.elbo', VERMILLION, 100], ['canvas.elbo', BLUE, 30], ['canvas.std', BLUE, 100], ['canvas.plane', BLUE, 100]]) {
    const st = await canvasStats(el, c, rgb);
    expect(st.width, c).toBeGreaterThan(200);
    expect(st.inkFraction, c).toBeGreaterThan(0.02);
    expect(st.near, c).toBeGreaterThan(min);
  }
  expect((await canvasStats(el, 'canvas.plane', VERMILLION)).near).toBeGreaterThan(100);
  // ELBO ≤ ln p(D); the gap ends within 0.15 nats of the mean-field minimum (default run: the
  // last iterate of S = 1, α = 0.02 jitters; measured 0.295 vs 0.241).
  const elbo = Number(await readout(el, '.r-elbo'));
  const logZ = Number(await readout(el, '.r-log-evidence'));
  const gap = Number(await readout(el, '.r-gap'));
  const mf = Number(await readout(el, '.r-mf-gap'));
  expect(elbo).toBeLessThan(logZ);
  expect(gap).toBeGreaterThanOrEqual(mf - 1e-3);
  expect(gap - mf).toBeLessThan(0.15);
  // Variances near 1/P_jj (ratio within 15% on the final, un-averaged iterate) and below the marginals.
  const mfRatios = (await readout(el, '.r-ratio-mf')).split(', ').map(Number);
  const margRatios = (await readout(el, '.r-ratio-marginal')).split(', ').map(Number);
  for (const r of mfRatios) expect(Math.abs(r - 1)).toBeLessThan(0.15);
  for (const r of margRatios) expect(r).toBeLessThan(0.9);
  // The teacher embed shows only its controls, local reparameterization among them.
  const teacher = await ready(page, '#teacher');
  const shown = await teacher.evaluate((e) => [...e.shadowRoot.querySelectorAll('.control')].filter((c) => !c.hidden).map((c) => c.dataset.name));
  expect(shown).toEqual(expect.arrayContaining(['featureCorrelation', 'priorVariance', 'localReparam', 'samplesPerStep']));
  expect(shown.length).toBe(4);
  con.check();
});

test('controls change the numbers; local reparameterization is a select; a bad value is rejected at its control', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  await el.evaluate((e) => e.runToEnd());
  const before = await readout(el, '.r-mf-gap');
  const planeBefore = await canvasStats(el, 'canvas.plane', BLUE);
  const corr = control(el, 'featureCorrelation');
  await corr.box.fill('0.3');
  await corr.box.press('Enter');
  await expect.poll(() => el.evaluate((e) => e.settings.featureCorrelation)).toBe('0.3');
  await el.evaluate((e) => e.runToEnd());
  expect(await readout(el, '.r-mf-gap')).not.toBe(before);
  expect((await canvasStats(el, 'canvas.plane', BLUE)).hash).not.toBe(planeBefore.hash);
  // Local reparameterization: same data and exact references, a different (stochastic) path.
  const elboPlain = await readout(el, '.r-elbo');
  const local = control(el, 'localReparam');
  await local.box.selectOption('on');
  await expect.poll(() => el.evaluate((e) => e.settings.localReparam)).toBe('on');
  await el.evaluate((e) => e.runToEnd());
  expect(await readout(el, '.r-mf-gap')).not.toBe(before);
  expect(await readout(el, '.r-elbo')).not.toBe(elboPlain);
  const gap = Number(await readout(el, '.r-gap')), mf = Number(await readout(el, '.r-mf-gap'));
  expect(gap).toBeGreaterThanOrEqual(mf - 1e-3);
  expect(gap - mf).toBeLessThan(0.15);
  // A bad value: the message names the field and its range; the setting is kept.
  const eta = control(el, 'priorVariance');
  await eta.box.fill('0');
  await eta.box.press('Enter');
  await expect(eta.error).toContainText('priorVariance must be a number in (0, 100]; got 0');
  expect(await el.evaluate((e) => e.settings.priorVariance)).toBe('1');
  // Divergence is reported, not drawn as NaN.
  await el.evaluate((e) => e.setSettings({ optimizer: 'sgd', learningRate: 1, noiseVariance: 0.01, dataPoints: 500, steps: 200 }));
  await el.evaluate((e) => e.runToEnd());
  await expect(el.locator('.message')).toContainText('diverged');
  expect(await el.evaluate((e) => e.shadowRoot.querySelector('.readout').textContent)).not.toMatch(/NaN|Infinity|undefined/);
  con.check();
});

test('play animates; reset replays; on the lab page the state round-trips through the URL hash', async ({ page, context }) => {
  const con = watchConsole(page);
  await page.goto('index.html#vb-mdl');
  const el = await ready(page, '#bbb-linreg-widget');
  await el.scrollIntoViewIfNeeded();
  const before = await canvasStats(el, 'canvas.std', BLUE);
  await el.locator('button[data-name="play"]').click();
  await expect.poll(() => readout(el, '.r-step').then(Number)).toBeGreaterThan(40);
  await el.locator('button[data-name="play"]').click();
  expect((await canvasStats(el, 'canvas.std', BLUE)).hash).not.toBe(before.hash);
  await el.evaluate((e) => e.setSettings({ featureCorrelation: 0.9, localReparam: 'on', seed: 77, weights: 3, secondWeight: 3, steps: 400 }));
  await el.evaluate((e) => e.runToEnd());
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('bbb-linreg.localReparam=on');
  expect(hash).toContain('bbb-linreg.seed=77');
  const elbo = await readout(el, '.r-elbo');
  const settings = await el.evaluate((e) => e.settings);
  await el.evaluate((e) => e.reset());
  await el.evaluate((e) => e.runToEnd());
  expect(await readout(el, '.r-elbo')).toBe(elbo);
  const page2 = await context.newPage();
  await page2.goto(`index.html${hash}`);
  const el2 = await ready(page2, '#bbb-linreg-widget');
  expect(await el2.evaluate((e) => e.settings)).toEqual(settings);
  await el2.evaluate((e) => e.runToEnd());
  expect(await readout(el2, '.r-elbo')).toBe(elbo);
  expect(await el2.evaluate((e) => e.shadowRoot.querySelector('.axes-note').textContent)).toContain('w1 vs w3');
  con.check();
});
