// End-to-end tests of <noiselab-bayes-regression> (SCIENCE.md §3–§4) on its example page and
// the lab page: the five bands draw, the in-between effect shows in the numbers, controls and
// clicks change the run, bad values are rejected at their control, the hash round-trips.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';
import { sceneOf, marksLabelled } from './scene.mjs';

const LABELS = ['MAP (noise only)', 'Laplace', 'Bayes by Backprop', 'MC dropout', 'HMC (gold standard)']; // by method index
const HMC = LABELS[4], GAP = 'the gap: “width between” is measured here';
const HMC_FILL = 'rgba(0,0,0,0.13)'; // HMC's grey band, in every panel
const OLD_VERMILLION = '#D55E00'; // this morning's HMC colour
const QUICK = { trainingSteps: 600, hmcSamples: 60, hiddenUnits: 10 };
/** '#2E9E3E' as 'rgb(46, 158, 62)' (a computed CSS colour). */
const rgbOf = (hex) => `rgb(${[1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16)).join(', ')})`;

/** The band-width table as numbers: per method {inside, between, insideSe, betweenSe} (SE 0 if exact). */
function widths(el) {
  return el.evaluate((e) => {
    const out = {};
    for (const k of ['map', 'laplace', 'bbb', 'dropout', 'hmc']) {
      const num = (c) => Number(e.shadowRoot.querySelector(`.r-${k}-${c}`).textContent);
      const se = (c) => {
        const s = e.shadowRoot.querySelector(`.r-${k}-${c}`).parentElement.querySelector('.se');
        return s ? Number(s.textContent.replace('±', '')) : 0;
      };
      const b = { inside: num('inside'), between: num('between'), insideSe: se('inside'), betweenSe: se('between') };
      b.ratio = b.between / b.inside;
      b.ratioSe = b.ratio * Math.hypot(b.betweenSe / b.between, b.insideSe / b.inside);
      out[k] = b;
    }
    return out;
  });
}

// Issue 17, finding 6: this morning the default view overlaid five bands, Laplace (orange
// 230,159,0) and HMC (vermillion 213,94,0) looked alike, HMC was vermillion in its own panel but
// grey behind the others, and the legend said "side by side" under the overlaid view. Each
// expectation below failed on that code.
test('finding 6: side by side by default, one distinct colour per method everywhere, a truthful legend', async ({ page }) => {
  test.setTimeout(90_000);
  const con = watchConsole(page);
  await page.goto('www/examples/bayes-regression.html');
  const el = await ready(page, '#full');
  await expect(el.locator('.multiples')).toBeVisible();
  await expect(el.locator('canvas.overlay')).toBeHidden();
  expect(await el.evaluate((e) => e.shadowRoot.querySelector('select.view').value)).toBe('multiples');
  // HMC, the reference, comes first.
  expect(await el.evaluate((e) => [...e.shadowRoot.querySelectorAll('.multiples figure')].map((f) => f.dataset.method))).toEqual(['hmc', 'laplace', 'bbb', 'dropout', 'map']);
  // One colour per method: the same in the toggles, the panel captions and the table; every pair
  // of methods at least 100 apart in RGB (orange vs vermillion was 67).
  const snap = await el.evaluate((e) => e.runToEnd());
  expect(snap.stage).toBe('done');
  // Each place's swatches in its own order, all in PANEL_ORDER (HMC, Laplace, BBB, dropout, MAP).
  const colours = await el.evaluate((e) => {
    const c = (s) => getComputedStyle(s).borderTopColor;
    return {
      toggles: [...e.shadowRoot.querySelectorAll('.toggles label')].map((l) => [Number(l.querySelector('input').dataset.method), c(l.querySelector('.swatch'))]),
      captions: [...e.shadowRoot.querySelectorAll('.multiples figure')].map((f) => [Number(f.querySelector('canvas').dataset.panel), c(f.querySelector('.swatch'))]),
      table: [...e.shadowRoot.querySelectorAll('table.widths tbody tr')].map((r) => [['map', 'laplace', 'bbb', 'dropout', 'hmc'].findIndex((k) => r.querySelector(`.r-${k}-inside`)), c(r.querySelector('.swatch'))]),
    };
  });
  expect(colours.toggles.map(([i]) => i)).toEqual([4, 1, 2, 3, 0]);
  expect(colours.captions).toEqual(colours.toggles);
  expect(colours.table).toEqual(colours.toggles);
  const rgb = colours.toggles.map(([, t]) => t.match(/\d+/g).map(Number));
  for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) {
    expect(Math.hypot(...rgb[i].map((v, k) => v - rgb[j][k])), `${colours.toggles[i]} vs ${colours.toggles[j]}`).toBeGreaterThan(100);
  }
  expect(colours.toggles[0]).toEqual([4, 'rgb(0, 0, 0)']); // HMC black on grey, everywhere
  // The figure (its scene): one panel per method in the toggles' order; in each, HMC's grey band
  // and black line (its own, or behind as the reference), the method's band and mean in the
  // toggles' colour of that method, the gap the width "between" is measured on, the data; no
  // vermillion anywhere. The legend lists every method, the data and the gap.
  expect(snap.betweenIntervals.length).toBe(1);
  const [[a, b]] = snap.betweenIntervals;
  const scene = await sceneOf(el);
  expect(scene.panels.map((p) => p.id)).toEqual(['4', '1', '2', '3', '0']);
  for (const p of scene.panels) {
    const i = Number(p.id), own = marksLabelled(scene, LABELS[i], p.id);
    expect(own.map((m) => m.type).sort(), p.id).toEqual(['band', 'line']);
    expect(rgbOf(own.find((m) => m.type === 'line').colour)).toBe(colours.toggles.find(([k]) => k === i)[1]);
    const hmc = marksLabelled(scene, HMC, p.id);
    expect(hmc.find((m) => m.type === 'band').fill).toBe(HMC_FILL);
    expect(hmc.find((m) => m.type === 'line').colour).toBe('#000000');
    const [gap] = marksLabelled(scene, GAP, p.id);
    expect(gap.x[0]).toBeLessThan(a);
    expect(gap.x[1]).toBeGreaterThan(b);
    expect(marksLabelled(scene, 'data', p.id)[0].n).toBe(24);
    for (const m of p.marks) expect(m.colour ?? '', p.id).not.toBe(OLD_VERMILLION);
  }
  expect([...scene.legend].sort()).toEqual([...LABELS, GAP, 'data'].sort());
  // Each caption carries its between/inside ratio from the table.
  const w = await widths(el);
  expect(Number((await el.locator('.multiples figure[data-method="hmc"] .ratio').textContent()).split('×')[1])).toBeCloseTo(w.hmc.ratio, 1);
  // The legend describes the view on screen.
  const legend = () => el.locator('.view-legend').textContent();
  expect(await legend()).toContain('also behind every other panel');
  await el.evaluate((e) => { const s = e.shadowRoot.querySelector('select.view'); s.value = 'overlay'; s.dispatchEvent(new Event('change')); });
  await expect(el.locator('canvas.overlay')).toBeVisible();
  expect(await legend()).toContain('overlaid');
  expect(await legend()).not.toContain('panel');
  const overlay = await sceneOf(el);
  expect(overlay.panels.map((p) => p.id)).toEqual(['overlay']);
  // HMC at the back, MAP in front.
  expect(overlay.panels[0].marks.filter((m) => m.type === 'band' && m.label !== GAP).map((m) => m.label)).toEqual([4, 3, 2, 1, 0].map((i) => LABELS[i]));
  expect((await canvasStats(el, 'canvas.overlay')).inkFraction).toBeGreaterThan(0.1);
  // Side by side again: hiding a method hides its panel.
  await el.evaluate((e) => { const s = e.shadowRoot.querySelector('select.view'); s.value = 'multiples'; s.dispatchEvent(new Event('change')); });
  await expect(el.locator('.multiples')).toBeVisible();
  for (let i = 0; i < 5; i++) expect((await canvasStats(el, `.multiples canvas[data-panel="${i}"]`)).inkFraction).toBeGreaterThan(0.1);
  await el.locator('.toggles input[data-method="3"]').uncheck();
  await expect(el.locator('.multiples figure[data-method="dropout"]')).toBeHidden();
  expect((await sceneOf(el)).panels.map((p) => p.id)).toEqual(['4', '1', '2', '0']);
  con.check();
});

// Claim (Foong, Li, Hernández-Lobato & Turner 2019; the lecture's "variational BNNs aren't a good
// match to Bayesian posterior uncertainty"): between the clusters HMC's and the linearized
// Laplace's bands widen, Bayes by Backprop's (a fully factorized Gaussian) significantly less,
// MC dropout's not at all. Checked from the table at the default seed and two others, with the
// batch-means standard errors of the sampled widths.
test('the default state shows the in-between claim at seeds 1, 2 and 3, and the verdict says so', async ({ page }) => {
  test.setTimeout(120_000);
  const con = watchConsole(page);
  await page.goto('www/examples/bayes-regression.html');
  const el = await ready(page, '#full');
  for (const seed of [1, 2, 3]) {
    if (seed !== 1) await el.evaluate((e, s) => e.setSettings({ seed: s }), seed);
    expect(await el.evaluate((e) => e.preset)).toBe('default');
    await el.evaluate((e) => e.runToEnd());
    const w = await widths(el);
    expect(w.map.between).toBeCloseTo(0.4, 6); // ±2σ with σ = 0.1: noise only
    expect(w.hmc.ratio - 2 * w.hmc.ratioSe, `seed ${seed}`).toBeGreaterThan(3);
    expect(w.laplace.ratio, `seed ${seed}`).toBeGreaterThan(3);
    expect(w.hmc.ratio - w.bbb.ratio, `seed ${seed}`).toBeGreaterThan(2 * Math.hypot(w.hmc.ratioSe, w.bbb.ratioSe));
    expect(w.dropout.ratio + 2 * w.dropout.ratioSe, `seed ${seed}`).toBeLessThan(1.25);
    const verdict = await readout(el, '.verdict');
    expect(verdict, `seed ${seed}`).toContain('as Foong et al. (2019) report');
    // The verdict's numbers are the table's (which shows 3 decimals of each width).
    expect(Number(verdict.match(/×([\d.]+) as wide as on the data for HMC/)[1])).toBeCloseTo(w.hmc.ratio, 1);
    expect(Number(verdict.match(/×([\d.]+) for Bayes by Backprop/)[1])).toBeCloseTo(w.bbb.ratio, 1);
    expect(verdict).toContain('Laplace (GGN, linearized) widens with HMC');
  }
  con.check();
});

test('each preset shows what its note says, from the numbers; the controls show the preset', async ({ page }) => {
  test.setTimeout(150_000);
  const con = watchConsole(page);
  await page.goto('www/examples/bayes-regression.html');
  const el = await ready(page, '#full');
  const preset = async (name) => {
    await el.evaluate((e, n) => e.setPreset(n), name);
    expect(await el.evaluate((e) => e.preset)).toBe(name);
    await el.evaluate((e) => e.runToEnd());
    return { w: await widths(el), verdict: await readout(el, '.verdict') };
  };
  // Diagonal Laplace: factorized, it widens like BBB, well below HMC.
  let { w, verdict } = await preset('diagonal-laplace');
  expect(await control(el, 'laplace').box.inputValue()).toBe('diagonal');
  expect(w.laplace.ratio).toBeLessThan(0.67 * (w.hmc.ratio - 2 * w.hmc.ratioSe));
  expect(verdict).toContain('Laplace (diagonal GGN, linearized) widens only');
  expect(verdict).toContain('as Foong et al. (2019) report');
  // Sampled Laplace: far too wide even at the data.
  ({ w, verdict } = await preset('sampled-laplace'));
  expect(await control(el, 'predictive').box.inputValue()).toBe('sampled');
  expect(w.laplace.inside - 2 * w.laplace.insideSe).toBeGreaterThan(10 * w.hmc.inside);
  expect(verdict).toContain('Laplace (GGN, sampled weights) is far too wide even at the data');
  // Heavy dropout: MC dropout still does not widen.
  ({ w, verdict } = await preset('heavy-dropout'));
  expect(await control(el, 'dropoutRate').box.inputValue()).toBe('0.5');
  expect(w.dropout.ratio + 2 * w.dropout.ratioSe).toBeLessThan(1);
  expect(verdict).toMatch(/for MC dropout \(no wider\)/);
  // Tight prior: HMC widens far less than at η = 1 (×5.9), still more than BBB; dropout not.
  ({ w, verdict } = await preset('tight-prior'));
  expect(await control(el, 'priorVariance').box.inputValue()).toBe('0.05');
  expect(w.hmc.ratio + 2 * w.hmc.ratioSe).toBeLessThan(2.5);
  expect(w.hmc.ratio - 2 * w.hmc.ratioSe).toBeGreaterThan(1.5);
  expect(w.hmc.ratio - w.bbb.ratio).toBeGreaterThan(2 * Math.hypot(w.hmc.ratioSe, w.bbb.ratioSe));
  expect(verdict).toContain('as Foong et al. (2019) report');
  // Back to the defaults through the menu.
  await el.evaluate((e) => e.setPreset('default'));
  expect(await el.evaluate((e) => e.settings.priorVariance)).toBe('1');
  con.check();
});

test('the verdict flips when the numbers contradict the claim', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/bayes-regression.html');
  await ready(page, '#full');
  const verdict = (bands, settings = {}) => page.evaluate(async ([b, s]) => (await import(new URL('../widgets/bayes-regression.js', location.href).href)).verdictOf(b, s), [bands, settings]);
  const band = (inside, between, se = NaN) => ({ ready: true, widthInside: inside, widthBetween: between, widthInsideSe: se, widthBetweenSe: se });
  const claim = [band(0.4, 0.4), band(0.47, 2.6), band(0.65, 1.5, 0.05), band(1.0, 0.7, 0.02), band(0.46, 2.7, 0.1)];
  expect(await verdict(claim)).toContain('as Foong et al. (2019) report');
  // BBB as wide between as HMC: contradicts Foong et al.
  const bbbWide = [...claim]; bbbWide[2] = band(0.46, 2.7, 0.1);
  expect(await verdict(bbbWide)).toContain('unlike Foong et al. (2019), Bayes by Backprop widens as much as HMC');
  // MC dropout widening.
  const dropWide = [...claim]; dropWide[3] = band(0.5, 1.5, 0.02);
  expect(await verdict(dropWide)).toContain('unlike Foong et al. (2019), MC dropout widens too');
  // HMC not widening: nothing to miss.
  const flat = [...claim]; flat[4] = band(0.46, 0.5, 0.01);
  expect(await verdict(flat)).toContain('HMC itself shows little in-between uncertainty here');
  // Not done yet: no verdict.
  const pending = [...claim]; pending[4] = { ready: false };
  expect(await verdict(pending)).toContain('waiting for HMC');
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
  await el.locator('.multiples canvas[data-panel="4"]').click(); // its middle (scrolled into view)
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
  // The η control is not what runs: it says so, with the η in use (this morning it just kept
  // showing 1 next to a readout of the tuned η).
  const eta = control(el, 'priorVariance');
  await expect(eta.box).toBeDisabled();
  await expect(eta.row.locator('.why')).toContainText(`η = ${await readout(el, '.r-eta')} in use`);
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('bayes-regression.tunePrior=evidence');
  expect(hash).toContain('bayes-regression.seed=5');
  const page2 = await context.newPage();
  await page2.goto(`index.html${hash}`);
  const el2 = await ready(page2, '#bayes-regression-widget');
  expect(await el2.evaluate((e) => e.settings)).toEqual(await el.evaluate((e) => e.settings));
  const snap2 = await el2.evaluate((e) => e.runToEnd());
  expect(snap2.priorVariance).toBe(snap.priorVariance);
  // Tuning off again: the η control is back.
  await el2.evaluate((e) => e.setSettings({ tunePrior: 'off' }));
  await expect(control(el2, 'priorVariance').box).toBeEnabled();
  expect(snap2.bands).toEqual(snap.bands);
  con.check();
});

test('added points are a setting: they round-trip through the URL hash (old links too); a bad row is reported and ignored', async ({ page, context }) => {
  test.setTimeout(60_000);
  const con = watchConsole(page);
  await page.goto('index.html#vb-mdl');
  const el = await ready(page, '#bayes-regression-widget');
  await el.evaluate((e) => e.setSettings({ trainingSteps: 300, hmcSamples: 20, hiddenUnits: 4, dataPoints: 10, seed: 5 }));
  await el.evaluate((e) => e.addPoint(0, 1.5));
  await el.evaluate((e) => e.addPoint(-0.25, -0.75));
  expect(await el.evaluate((e) => e.settings.addedPoints)).toBe('0 1.5; -0.25 -0.75');
  await expect(control(el, 'addedPoints').box).toHaveValue('0 1.5; -0.25 -0.75');
  const snap = await el.evaluate((e) => e.runToEnd());
  expect(snap.dataPoints).toBe(12);
  const hash = await page.evaluate(() => location.hash);
  expect(decodeURIComponent(hash)).toContain('bayes-regression.addedPoints=0 1.5; -0.25 -0.75');
  // Added points at otherwise default settings: the widget's own part is just them.
  await el.evaluate((e) => e.setSettings(e.defaults()));
  await el.evaluate((e) => e.addPoint(0, 1.5));
  expect(await el.evaluate((e) => e.hashString())).toBe(`bayes-regression.addedPoints=${encodeURIComponent('0 1.5')}`);
  expect(await page.evaluate(() => location.hash)).not.toContain('&&');
  // The link reproduces the data (and so the bands) exactly; so does a link of the old form
  // (`points=x,t;x,t`, before the points were a setting).
  const old = hash.replace(/bayes-regression\.addedPoints=[^&]*/, `bayes-regression.points=${encodeURIComponent('0,1.5;-0.25,-0.75')}`);
  expect(old).not.toBe(hash);
  const page2 = await context.newPage();
  const con2 = watchConsole(page2);
  for (const link of [hash, old]) {
    await page2.goto(`index.html${link}`);
    const el2 = await ready(page2, '#bayes-regression-widget');
    expect(await el2.evaluate((e) => e.settings.addedPoints)).toBe('0 1.5; -0.25 -0.75');
    const snap2 = await el2.evaluate((e) => e.runToEnd());
    expect(snap2.dataPoints).toBe(12);
    expect(snap2.bands).toEqual(snap.bands);
  }
  const el2 = await ready(page2, '#bayes-regression-widget');
  // Removing the points removes them from the hash; a hash change brings them back.
  await el2.evaluate((e) => e.shadowRoot.querySelector('button[data-name="clearPoints"]').click());
  await expect.poll(() => page2.evaluate(() => location.hash)).not.toContain('bayes-regression.addedPoints=');
  await expect.poll(() => readout(el2, '.r-n')).toBe('10');
  await page2.evaluate((h) => { location.hash = h; }, hash);
  await expect.poll(() => readout(el2, '.r-n')).toBe('12');
  // A point out of range: the message names the field and the row; the bad value is not used
  // (the link's other settings are, as for any field).
  await page2.evaluate((h) => { location.hash = h.replace(/bayes-regression\.addedPoints=[^&]*/, 'bayes-regression.addedPoints=0%201%3B9%209'); }, hash);
  await expect(control(el2, 'addedPoints').error).toContainText('addedPoints must be empty or at most 100 rows "x t" with |x| ≤ 4.5 and |t| ≤ 10; row 2 is (9, 9)');
  expect(await el2.evaluate((e) => e.settings.addedPoints)).not.toContain('9');
  con.check();
  con2.check();
});
