// End-to-end tests of <noiselab-one-epoch> (Smith et al. 2021; SCIENCE.md §10) on its example
// page and the lab: the mean SGD epoch iterate over all N! orderings against the flows on J and
// on J + R, along a ladder of learning rates.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';
import { sceneOf, marksLabelled } from './scene.mjs';

const J = 'flow on J (R = 0)', JR = 'flow on J + R (Smith et al.)', GUIDES = 'reference slopes 2 and 3';
const NT = 'J + (α/4)‖∇J‖²';
// The second panel: per sampling scheme, the gap to the flow on J + R and on J + (α/4)‖∇J‖².
const SCHEME_LABELS = ['random reshuffling: gap to J + R', `random reshuffling: gap to ${NT}`, 'i.i.d. batches: gap to J + R', `i.i.d. batches: gap to ${NT}`];
/** The gaps plotted for the flow labelled `label` (in the page: the scene's own arrays). */
const gaps = (el, label) => el.evaluate((e, l) => [...e.scene().panels[0].marks.find((m) => m.label === l).y], label);

async function slopes(el) {
  return {
    j: Number(await readout(el, '.r-slope-j')),
    jr: Number(await readout(el, '.r-slope-jr')),
    shrinkJ: Number(await readout(el, '.r-shrink-j')),
    shrinkJr: Number(await readout(el, '.r-shrink-jr')),
  };
}

test('logistic regression: slope 2 for J, slope 3 for J + R, and the plot draws', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/one-epoch.html');
  const el = await ready(page, '#logreg');
  await expect.poll(() => readout(el, '.r-orderings')).toBe('24');
  // One log–log panel: the gap to each flow at every rung of the ladder (α = 0.1 … 0.1/16, each
  // a tick), J orange with circles, J + R blue with squares, the wrong R green dashed, and the
  // two reference slopes labelled at the right.
  const scene = await sceneOf(el);
  const [panel] = scene.panels;
  expect([panel.x.scale, panel.y.scale]).toEqual(['log', 'log']);
  expect(panel.x.ticks).toEqual([0.1, 0.05, 0.025, 0.0125, 0.00625]);
  expect(scene.legend).toEqual([J, JR, 'wrong R: no tr C term', GUIDES, ...SCHEME_LABELS]);
  const [j, jr, variant] = panel.marks.filter((m) => m.type === 'line' && m.label !== GUIDES);
  expect([j.colour, j.markers, jr.colour, jr.markers, variant.colour, variant.dash]).toEqual(['#E69F00', 'circle', '#0072B2', 'square', '#009E73', [6, 4]]);
  for (const m of [j, jr, variant]) { expect(m.n).toBe(5); expect(m.x).toEqual([0.00625, 0.1]); expect(m.y[0]).toBeGreaterThan(0); }
  expect(jr.y[0]).toBeLessThan(j.y[0]); // J + R is the closer flow at every α
  expect(panel.marks.filter((m) => m.type === 'text').map((m) => m.text)).toEqual(['slope 2', 'slope 3']);
  const guides = marksLabelled(scene, GUIDES);
  expect(guides).toHaveLength(2);
  // The slope-2 guide spans 16² in gap over the ladder's 16× in α; the slope-3 one 16³.
  expect(guides[0].y[1] / guides[0].y[0]).toBeCloseTo(256, 6);
  expect(guides[1].y[1] / guides[1].y[0]).toBeCloseTo(4096, 6);
  expect((await canvasStats(el, 'canvas.gaps')).inkFraction).toBeGreaterThan(0.015);
  // The core's test: slopes 2.01 and 3.01, shrink ≈ 4 and ≈ 8 per halving.
  const s = await slopes(el);
  expect(s.j).toBeGreaterThan(1.85); expect(s.j).toBeLessThan(2.15);
  expect(s.jr).toBeGreaterThan(2.8); expect(s.jr).toBeLessThan(3.2);
  expect(s.shrinkJ).toBeGreaterThan(3.5); expect(s.shrinkJ).toBeLessThan(4.5);
  expect(s.shrinkJr).toBeGreaterThan(7); expect(s.shrinkJr).toBeLessThan(9);
  expect(Number(await readout(el, '.r-slope-variant'))).toBeLessThan(2.3);
  // One table row per learning rate (α and 4 halvings).
  await expect(el.locator('table.gaps tbody tr')).toHaveCount(5);
  // The export names the experiment by its kind and holds one row per learning rate.
  const data = await el.evaluate((e) => e.exportData());
  expect([data.experiment, data.history.length, data.history[0][0]]).toEqual(['one-epoch', 5, 0.1]);
  // The tanh instance shows only its two controls and is also third order with the correct R.
  const tanh = await ready(page, '#tanh');
  await expect.poll(() => readout(tanh, '.r-orderings')).toBe('720');
  const shown = await tanh.evaluate((e) => [...e.shadowRoot.querySelectorAll('.control')].filter((c) => !c.hidden).map((c) => c.dataset.name));
  expect(shown).toEqual(['learningRate', 'variant']);
  expect(Number(await readout(tanh, '.r-slope-jr'))).toBeGreaterThan(2.7);
  expect(Number(await readout(tanh, '.r-slope-variant'))).toBeLessThan(2.4);
  con.check();
});

test('changing a control changes the numbers; a bad value is rejected naming the field', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/one-epoch.html');
  const el = await ready(page, '#logreg');
  await expect.poll(() => readout(el, '.r-orderings')).toBe('24');
  const before = await gaps(el, JR);
  expect(await readout(el, '.r-c')).toBe('0.0083'); // ((N−B)/(N−1))·α/(4B) = (2/3)·0.1/8
  const b = control(el, 'batchSize');
  await b.box.fill('1');
  await b.box.press('Enter');
  await expect.poll(() => readout(el, '.r-c')).toBe('0.0250'); // α/4 at B = 1
  const tableBefore = await el.locator('table.gaps tbody').textContent();
  const n = control(el, 'trainPoints');
  await n.box.fill('3');
  await n.box.press('Enter');
  await expect.poll(() => readout(el, '.r-orderings')).toBe('6');
  expect(await el.locator('table.gaps tbody').textContent()).not.toBe(tableBefore);
  const after = await gaps(el, JR);
  expect(after).toHaveLength(before.length);
  expect(after).not.toEqual(before);
  // B = 2 does not divide N = 3: rejected at the batch size, naming the rule.
  await b.box.fill('2');
  await b.box.press('Enter');
  await expect(b.error).toContainText('batchSize must be a divisor of trainPoints (3)');
  expect(await el.evaluate((e) => e.settings.batchSize)).toBe('1');
  const alpha = control(el, 'learningRate');
  await alpha.box.fill('0.9');
  await alpha.box.press('Enter');
  await expect(alpha.error).toContainText('learningRate must be');
  expect(await el.evaluate((e) => e.settings.learningRate)).toBe('0.1');
  con.check();
});

test('on the lab page the state round-trips through the URL hash', async ({ page, context }) => {
  const con = watchConsole(page);
  await page.goto('index.html#implicit-regularizer');
  const el = await ready(page, '#one-epoch-widget');
  await el.evaluate((e) => e.setSettings({ model: 'tanh', learningRate: 0.025, halvings: 2 }));
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('one-epoch.model=tanh');
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('one-epoch.learningRate=0.025');
  await expect(el.locator('table.gaps tbody tr')).toHaveCount(3);
  const slope = await readout(el, '.r-slope-jr');
  const page2 = await context.newPage();
  await page2.goto(`index.html${hash}`);
  const el2 = await ready(page2, '#one-epoch-widget');
  const s2 = await el2.evaluate((e) => e.settings);
  expect([s2.model, s2.learningRate, s2.halvings]).toEqual(['tanh', '0.025', '2']);
  await expect.poll(() => readout(el2, '.r-slope-jr')).toBe(slope);
  const jr2 = marksLabelled(await sceneOf(el2), JR)[0];
  expect([jr2.n, jr2.x]).toEqual([3, [0.00625, 0.025]]); // α = 0.025 and 2 halvings
  con.check();
});

// ---- issue 17: a verdict from the slopes, presets for the wrong regularizers -----------------

const verdict = (el) => el.evaluate((e) => e.shadowRoot.querySelector('.verdict').textContent);

test('default: slopes 3 (J + R) and 2 (J), the wrong R falls back to 2, at seeds 12, 1 and 2, and the verdict says so', async ({ page }) => {
  // The old widget had no verdict sentence and no presets (issue 17: every widget needs them).
  const con = watchConsole(page);
  await page.goto('www/examples/one-epoch.html');
  const el = await ready(page, '#logreg');
  expect(await el.evaluate((e) => e.preset)).toBe('default');
  for (const seed of [12, 1, 2]) {
    if (seed !== 12) await el.evaluate((e, s) => e.setSettings({ seed: s }), seed);
    await expect.poll(() => el.evaluate((e) => e.settings.seed)).toBe(String(seed));
    const s = await slopes(el);
    const variant = Number(await readout(el, '.r-slope-variant'));
    expect(Math.abs(s.jr - 3), `seed ${seed}`).toBeLessThan(0.15);
    expect(Math.abs(s.j - 2), `seed ${seed}`).toBeLessThan(0.15);
    expect(Math.abs(variant - 2), `seed ${seed}`).toBeLessThan(0.15);
    const v = await verdict(el);
    expect(v, `seed ${seed}`).toContain(`shrinks like α^${s.jr.toFixed(2)}`);
    expect(v, `seed ${seed}`).toMatch(/follows the modified flow on J \+ R to third order, as Smith et al\. show; R without its tr C term falls back to α\^2\.\d\d, second order like R = 0\.$/);
  }
  con.check();
});

test('presets: each wrong R falls back to slope 2, at B = 1 the missing factor is no error, the tanh net is third order too; large α flips the verdict', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/one-epoch.html');
  const el = await ready(page, '#logreg');
  const apply = async (name) => {
    const before = await el.locator('table.gaps tbody').textContent();
    expect((await el.evaluate((e, n) => e.setPreset(n), name)).ok, name).toBe(true);
    await expect.poll(() => el.locator('table.gaps tbody').textContent()).not.toBe(before);
    expect(await el.evaluate((e) => e.preset)).toBe(name);
    return { s: await slopes(el), variant: Number(await readout(el, '.r-slope-variant')), v: await verdict(el) };
  };
  for (const [name, label] of [['no-factor', 'R without \\(N−B\\)/\\(N−1\\)'], ['sample-covariance', 'R with a 1/\\(N−1\\) covariance']]) {
    const { s, variant, v } = await apply(name);
    expect(await control(el, 'variant').box.inputValue()).toBe(name === 'no-factor' ? 'noFactor' : 'sampleCovariance');
    expect(Math.abs(s.jr - 3), name).toBeLessThan(0.15);
    expect(variant, name).toBeLessThan(2.15);
    expect(v, name).toMatch(new RegExp(`third order, as Smith et al\\. show; ${label} falls back to α\\^1\\.\\d\\d, second order like R = 0\\.$`));
  }
  // B = 1: (N−B)/(N−1) = 1, so the "wrong" R is the correct one and its slope is 3 as well.
  let r = await apply('batch-1-no-factor');
  expect(await control(el, 'batchSize').box.inputValue()).toBe('1');
  expect(Math.abs(r.variant - r.s.jr)).toBeLessThan(0.01);
  expect(r.v).toMatch(/R without \(N−B\)\/\(N−1\) is the correct R here \(at B = 1, \(N−B\)\/\(N−1\) = 1\), so its curve lies on the J \+ R curve\.$/);
  // The tanh net (720 orderings): third order too.
  r = await apply('tanh');
  await expect.poll(() => readout(el, '.r-orderings')).toBe('720');
  expect(Math.abs(r.s.jr - 3)).toBeLessThan(0.15);
  expect(r.variant).toBeLessThan(2.15);
  expect(r.v).toContain('to third order, as Smith et al. show');
  // The flip: the tanh net at α = 0.2 is not yet asymptotic (slope 2.76): the verdict says so.
  await el.evaluate((e) => e.setSettings({ learningRate: 0.2, halvings: 4 }));
  await expect.poll(() => verdict(el)).toMatch(/not 3 and 2: at these α the ladder is not in the small-α regime/);
  expect(await el.evaluate((e) => e.preset)).toBe('custom');
  con.check();
});

// ---- issue 21: i.i.d. minibatches (SCIENCE.md §10, "Pitfall") ------------------------------

/** The least-squares slope of ln y on ln x (as the core's log_log_slope). */
function slope(x, y) {
  const lx = x.map(Math.log), ly = y.map(Math.log), n = x.length;
  const mx = lx.reduce((a, b) => a + b) / n, my = ly.reduce((a, b) => a + b) / n;
  let sxy = 0, sxx = 0;
  lx.forEach((v, i) => { sxy += (v - mx) * (ly[i] - my); sxx += (v - mx) ** 2; });
  return sxy / sxx;
}

test('both schemes: reshuffling follows J + R, i.i.d. batches J + (α/4)‖∇J‖², and the readout names each from the plotted slopes', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/one-epoch.html');
  const el = await ready(page, '#logreg');
  await expect.poll(() => readout(el, '.r-orderings')).toBe('24');
  // The second panel: four log–log curves at every rung, J + R blue, J + (α/4)‖∇J‖² vermillion,
  // reshuffling solid and i.i.d. dashed.
  const panel = await el.evaluate((e) => {
    const p = e.scene().panels[1];
    return { id: p.id, x: p.x.scale, y: p.y.scale, marks: p.marks.filter((m) => m.type === 'line').map((m) => ({ label: m.label, colour: m.colour, dash: m.dash, x: [...m.x], y: [...m.y] })) };
  });
  expect([panel.id, panel.x, panel.y]).toEqual(['schemes', 'log', 'log']);
  const lines = panel.marks.filter((m) => m.label);
  expect(lines.map((m) => m.label)).toEqual(SCHEME_LABELS);
  expect(lines.map((m) => [m.colour, m.dash.length > 0])).toEqual([['#0072B2', false], ['#D55E00', false], ['#0072B2', true], ['#D55E00', true]]);
  const slopes = lines.map((m) => slope(m.x, m.y));
  // The right margin labels the curves' ends: the two second-order curves end together
  // (reshuffling to J + (α/4)‖∇J‖², i.i.d. to J + R), the two third-order ones apart.
  expect(await el.evaluate((e) => e.scene().panels[1].marks.filter((m) => m.type === 'text').map((m) => m.text))).toEqual(['slope 2.0', 'slope 3.0', 'slope 3.0']);
  // Measured in the core: 3.008 and 2.007 (reshuffling), 1.987 and 3.014 (i.i.d.).
  expect(slopes[0]).toBeGreaterThan(2.8); expect(slopes[1]).toBeLessThan(2.15);
  expect(slopes[2]).toBeLessThan(2.15); expect(slopes[3]).toBeGreaterThan(2.8);
  // The readout's words follow those numbers.
  const implied = (k) => el.evaluate((e, c) => { const n = e.shadowRoot.querySelector(`.r-implied-${c}`); return [n.dataset.code, n.textContent]; }, k);
  const [rCode, rText] = await implied('reshuffle');
  const [iCode, iText] = await implied('iid');
  expect([rCode, iCode]).toEqual(['jr', 'nt']);
  expect(rText).toBe(`α^${slopes[0].toFixed(2)} to J + R, α^${slopes[1].toFixed(2)} to ${NT}: follows J + R, Smith et al.'s R with its tr C term`);
  expect(iText).toBe(`α^${slopes[2].toFixed(2)} to J + R, α^${slopes[3].toFixed(2)} to ${NT}: follows ${NT}, no tr C term (full-batch GD's regularizer)`);
  expect((await canvasStats(el, 'canvas.schemes')).inkFraction).toBeGreaterThan(0.01);
  // The i.i.d. preset: the mean over all C(4,2)² = 36 batch sequences; the no-trace flow is
  // third order (≈ 8× per halving), Smith's R second (≈ 4×), and the verdict says so.
  expect((await el.evaluate((e) => e.setPreset('iid'))).ok).toBe(true);
  await expect.poll(() => readout(el, '.r-orderings')).toBe('36');
  expect(await control(el, 'sampling').box.inputValue()).toBe('iid');
  const nt = Number(await readout(el, '.r-slope-nt')), jr = Number(await readout(el, '.r-slope-jr'));
  const shrinkNt = Number(await readout(el, '.r-shrink-nt')), shrinkJr = Number(await readout(el, '.r-shrink-jr'));
  expect(Math.abs(nt - 3)).toBeLessThan(0.15); expect(Math.abs(jr - 2)).toBeLessThan(0.15);
  expect(shrinkNt).toBeGreaterThan(7); expect(shrinkNt).toBeLessThan(9);
  expect(shrinkJr).toBeGreaterThan(3.5); expect(shrinkJr).toBeLessThan(4.5);
  const scene = await sceneOf(el);
  expect(scene.panels[0].title).toContain('(i.i.d. batches)');
  expect(scene.legend.slice(0, 3)).toEqual([J, JR, `flow on ${NT} (no tr C)`]);
  // The slope-3 guide sits a factor 3 under the third-order curve, here J + (α/4)‖∇J‖².
  const ntLine = marksLabelled(scene, `flow on ${NT} (no tr C)`, 'gaps')[0];
  expect(marksLabelled(scene, GUIDES, 'gaps')[1].y[0] * 3 / ntLine.y[0]).toBeCloseTo(1, 9);
  await expect.poll(() => verdict(el)).toBe(`The gap to the flow on ${NT} shrinks like α^${nt.toFixed(2)} (${shrinkNt.toFixed(1)}× per halving), the gap to the flow on J + R like α^${jr.toFixed(2)} (${shrinkJr.toFixed(1)}×): with i.i.d. batches the mean iterate follows ${NT}, full-batch GD's modified loss, with no tr C term; Smith et al.'s R is for random reshuffling.`);
  // The chosen scheme's curves and the comparison swap places; the export carries both.
  const data = await el.evaluate((e) => e.exportData());
  expect(data.historyFields.slice(5)).toEqual(['gapFlowNoTrace', 'comparisonGapFlowJ', 'comparisonGapFlowJR', 'comparisonGapFlowNoTrace', 'comparisonDisplacement']);
  expect(data.result.comparison.sampling).toBe('reshuffle');
  // B = N: one full batch for both schemes, no trace term: the readout says the flows coincide.
  await el.evaluate((e) => e.setSettings({ batchSize: 4 }));
  await expect.poll(() => readout(el, '.r-orderings')).toBe('1');
  expect((await implied('iid'))[0]).toBe('same');
  expect((await implied('reshuffle'))[0]).toBe('same');
  expect(await verdict(el)).toMatch(/^With B = N every i\.i\.d\. batch is the full batch/);
  con.check();
});

test('the points matrix and initialWeights vector settings: typed in, they change the numbers; written out, they reproduce the default; bad shapes name the field', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/one-epoch.html');
  const el = await ready(page, '#logreg');
  await expect.poll(() => readout(el, '.r-orderings')).toBe('24');
  const before = await gaps(el, JR);
  // The built-in points and the seeded weights, written out: the same numbers, bit for bit.
  const w0 = await el.evaluate(async (e) => {
    const r = await e.setSettings({ points: '1 0.5 1; -0.3 1.2 0; 0.8 -1 1; -1.1 -0.4 0; 0.2 0.3 0; -0.6 0.9 1' });
    return r.ok;
  });
  expect(w0).toBe(true);
  await expect.poll(() => el.evaluate((e) => e.settings.points)).not.toBe('');
  expect(await gaps(el, JR)).toEqual(before);
  // Other points: other gaps.
  const p = control(el, 'points');
  await p.box.fill('1 0.5 1; -0.3 1.2 0; 0.8 -1 1; -1.1 -0.4 1');
  await p.box.press('Enter');
  await expect.poll(() => gaps(el, JR)).not.toEqual(before);
  // Too few rows for N = 4, a target outside [0, 1] for logistic regression, a wrong length.
  await p.box.fill('1 0.5 1; -0.3 1.2 0');
  await p.box.press('Enter');
  await expect(p.error).toContainText('points must be empty or at least trainPoints (4) rows');
  const w = control(el, 'initialWeights');
  await w.box.fill('0.1 0.2');
  await w.box.press('Enter');
  await expect(w.error).toContainText('initialWeights must be empty or one row of 3 numbers');
  await w.box.fill('0.1 0.2 -0.3');
  await w.box.press('Enter');
  await expect.poll(() => el.evaluate((e) => e.settings.initialWeights)).toBe('0.1 0.2 -0.3');
  con.check();
});
