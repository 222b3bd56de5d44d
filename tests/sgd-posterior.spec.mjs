// End-to-end tests of <noiselab-sgd-posterior> (SCIENCE.md §7–§8) on its example page and the lab.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';
import { sceneOf } from './scene.mjs';

const EXAMPLE = 'www/examples/sgd-posterior.html';
const FRAME = 'www/frame.html?widget=sgd-posterior';
// One colour per chain type in both panels: SGD orange (its ellipses solid/dashed/dotted, its
// iterates a light orange), SGLD (Welling–Teh) blue.
const ORANGE = '#E69F00', LIGHT_ORANGE = 'rgba(230, 159, 0, 0.4)', BLUE = '#0072B2';
/** Per panel, the labelled marks of the scene with the chain type each one's colour stands for. */
const chains = (el) => el.evaluate((e) => Object.fromEntries(e.scene().panels.map((p) => [p.id,
  p.marks.filter((m) => m.label).map((m) => ({ type: m.type, label: m.label, colour: m.colour, chain: m.chain, n: m.x?.length }))])));
const colours = (marks) => new Set(marks.map((m) => m.colour));
const number = async (el, cls) => Number(await readout(el, cls));
const verdict = (el) => el.evaluate((e) => e.shadowRoot.querySelector('.verdict').textContent);
/** The readout's numbers after a run: trace ratio ± SE, KL and correlations. */
async function numbers(el) {
  return {
    ratio: await number(el, '.r-ratio'), se: await number(el, '.r-ratio-se'), discrete: await number(el, '.r-ratio-discrete'),
    kl: await number(el, '.r-kl-iterates'), corr: await number(el, '.r-corr'), postCorr: await number(el, '.r-corr-posterior'),
    alphaStar: await number(el, '.r-alpha-star'),
  };
}

test('the cloud lands on the discrete Lyapunov ellipse, not the continuous one', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  // Left: the 400 SGD iterates (light orange) and the four ellipses (the posterior black, SGD's
  // three orange); right: the six curves against α, SGLD (Welling–Teh) blue among them.
  const { cloud, sweep } = await chains(el);
  const iterates = cloud.find((m) => m.type === 'dots');
  expect([iterates.colour, iterates.n, iterates.chain]).toEqual([LIGHT_ORANGE, 400, 'sgd']);
  expect(cloud.filter((m) => m.type === 'line').map((m) => m.colour)).toEqual(['#000', ORANGE, ORANGE, ORANGE]);
  const curves = sweep.filter((m) => m.type === 'line');
  expect(curves).toHaveLength(6);
  expect(curves.find((m) => m.chain === 'sgldWellingTeh').colour).toBe(BLUE);
  for (const c of curves) expect(c.n).toBeGreaterThan(20);
  expect((await canvasStats(el, 'canvas.cloud')).inkFraction).toBeGreaterThan(0.05);
  expect((await canvasStats(el, 'canvas.sweep')).colours).toBeGreaterThan(6);
  await el.evaluate((e) => e.runToEnd());
  expect(await number(el, '.r-step')).toBe(4000);
  // α = 0.5 on the custom H, C: the discrete prediction differs from the continuous one by ~6%.
  const [emp, se, disc, cont] = [await number(el, '.r-ratio'), await number(el, '.r-ratio-se'), await number(el, '.r-ratio-discrete'), await number(el, '.r-ratio-continuous')];
  expect(Math.abs(emp - disc)).toBeLessThan(4 * se + 0.002);
  expect(Math.abs(emp - cont)).toBeGreaterThan(Math.abs(emp - disc));
  // The cloud is drawn from the iterates after the run; most of them inside the plot.
  const cloudAfter = (await sceneOf(el)).panels[0];
  const dots = cloudAfter.marks.find((m) => m.type === 'dots');
  expect(dots.n).toBe(400);
  expect(dots.x[0]).toBeGreaterThan(cloudAfter.x.domain[0] * 1.5);
  expect(dots.x[1]).toBeLessThan(cloudAfter.x.domain[1] * 1.5);
  await expect(el.locator('table.cov tbody tr')).toHaveCount(5);
  // The teacher-mode embed shows only α and the SGLD convention.
  const sgld = await ready(page, '#sgld');
  const shown = await sgld.evaluate((e) => [...e.shadowRoot.querySelectorAll('.control')].filter((c) => !c.hidden).map((c) => c.dataset.name));
  expect(shown).toEqual(['convention', 'learningRate']);
  con.check();
});

test('SGLD’s factor of two: the lecture’s noise halves the predicted covariance', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#sgld');
  const wt = await number(el, '.r-ratio-discrete');
  const conv = control(el, 'convention');
  await conv.box.selectOption('lecture');
  await expect.poll(() => el.evaluate((e) => e.settings.convention)).toBe('lecture');
  await expect.poll(() => number(el, '.r-ratio-discrete')).toBeLessThan(wt - 0.3);
  const lec = await number(el, '.r-ratio-discrete');
  expect(wt - lec).toBeGreaterThan(0.4);
  expect(wt - lec).toBeLessThan(0.6);
  con.check();
});

test('controls change the theory live; bad values are named; too large an α diverges', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  const before = await readout(el, '.r-ratio-discrete');
  const discrete = async () => (await sceneOf(el)).panels[0].marks.find((m) => m.label === 'exact discrete-time Σ_d, SGD');
  const beforeEllipse = await discrete();
  // Dragging the slider (input events only) updates the prediction without a commit.
  await el.evaluate((e) => {
    const s = e.shadowRoot.querySelector('.control[data-name="learningRate"] input[type=range]');
    s.value = '0.2';
    s.dispatchEvent(new Event('input'));
  });
  await expect.poll(() => el.evaluate((e) => e.settings.learningRate)).toBe('0.2');
  await expect.poll(() => readout(el, '.r-ratio-discrete')).not.toBe(before);
  expect((await discrete()).x).not.toEqual(beforeEllipse.x); // the ellipse followed
  const h12 = control(el, 'h12');
  await h12.box.fill('5');
  await h12.box.press('Enter');
  await expect(h12.error).toContainText('h12 must be a number with h12² < h11·h22');
  expect(await el.evaluate((e) => e.settings.h12)).toBe('0.4');
  const rate = control(el, 'learningRate');
  await rate.box.fill('2.5');
  await rate.box.press('Enter');
  await expect.poll(() => el.evaluate((e) => e.settings.learningRate)).toBe('2.5');
  await expect.poll(() => readout(el, '.r-ratio-discrete')).toBe('—');
  await el.evaluate((e) => e.runToEnd());
  await expect(el.locator('.message')).toContainText('stability limit');
  con.check();
});

test('a real drag of α to the slider\'s end and beyond: the figure and readout follow, and the run stops and says so', async ({ page }) => {
  // W5 (issue 22): drags to the slider's end "never drew". The value is applied live on `input`,
  // so the run of the final α may start before the mouse-up's `change`; whichever way, within
  // 10 s the settings, the figure's "this run" marker and the readout show the final α, and a
  // run beyond the stability limit stops with a message.
  const con = watchConsole(page);
  await page.goto(FRAME);
  const el = await ready(page, 'noiselab-sgd-posterior');
  await el.evaluate(async (e) => { e.pause(); await e.settled(); });
  const slider = el.locator('.control[data-name="learningRate"] input[type=range]');
  const thisRun = () => el.evaluate((e) => e.scene().panels.find((p) => p.id === 'sweep').marks.find((m) => m.type === 'rule' && m.x !== undefined && m.colour === '#555').x);
  for (const [from, to] of [[0.35, 1.2], [1.2, 0.35], [0.5, 1.15], [1, 0.7]]) {
    await slider.scrollIntoViewIfNeeded();
    const box = await slider.boundingBox();
    await page.mouse.move(box.x + from * box.width, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + to * box.width, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    const value = await slider.inputValue();
    if (to >= 1) expect(value).toBe(await slider.getAttribute('max')); // at (or past) the end
    const poll = { timeout: 10000 };
    await expect.poll(() => el.evaluate((e) => e.settings.learningRate), poll).toBe(value);
    await expect.poll(() => el.evaluate(async (e) => { await e.settled(); return e.valid.learningRate; }), poll).toBe(Number(value));
    await expect.poll(thisRun, poll).toBe(Number(value));
    await expect.poll(() => el.evaluate((e) => e.shadowRoot.querySelector('.control[data-name="learningRate"] .num').value), poll).toBe(value);
    const limit = Number(await readout(el, '.r-limit'));
    if (to >= 1) expect(Number(value)).toBeGreaterThan(limit); // the slider's end diverges
    if (Number(value) >= limit) {
      await expect.poll(() => readout(el, '.r-ratio-discrete'), poll).toBe('—');
      await el.evaluate((e) => e.runToEnd());
      await expect(el.locator('.message')).toContainText('Lower the learning rate α', poll);
    }
  }
  con.check();
});

test('on the lab page the state round-trips through the URL hash', async ({ page, context }) => {
  const con = watchConsole(page);
  await page.goto('index.html#sgd-implicit-vb');
  const el = await ready(page, '#sgd-posterior-widget');
  await el.evaluate((e) => e.setSettings({ method: 'sgld', learningRate: 0.02, batchSize: 8 }));
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('sgd-posterior.method=sgld');
  expect(hash).toContain('sgd-posterior.learningRate=0.02');
  const ratio = await readout(el, '.r-ratio-discrete');
  const page2 = await context.newPage();
  await page2.goto(`index.html${hash}`);
  const el2 = await ready(page2, '#sgd-posterior-widget');
  const s = await el2.evaluate((e) => e.settings);
  expect([s.method, s.learningRate, s.batchSize]).toEqual(['sgld', '0.02', '8']);
  await expect.poll(() => readout(el2, '.r-ratio-discrete')).toBe(ratio);
  await el2.scrollIntoViewIfNeeded();
  await el2.locator('button[data-name="play"]').click();
  await expect.poll(() => number(el2, '.r-step')).toBeGreaterThan(30);
  await el2.locator('button[data-name="play"]').click();
  con.check();
});

test('on the data problem the H and C controls are disabled and show the values in use; other modes disable what they ignore', async ({ page }) => {
  // Before (issue 17, finding 9): the H and C boxes showed the typed values (H₁₁ = 1, C₁₁ = 0.3)
  // and could be edited while H and C derived from the data (H₁₁ = 1.17, C₁₁ = 14.06) ran.
  const con = watchConsole(page);
  await page.goto(FRAME);
  const el = await ready(page, 'noiselab-sgd-posterior');
  expect(await el.evaluate((e) => e.settings.problem)).toBe('data');
  const mats = await el.locator('.mats').textContent();
  const inUse = (m) => m.slice(1, -1).split(/[;,]\s*/).map(Number);
  const [H, Cm] = [...mats.matchAll(/\[[^\]]+\]/g)].slice(0, 2).map((m) => inUse(m[0]));
  const want = { h11: H[0], h12: H[1], h22: H[3], c11: Cm[0], c12: Cm[1], c22: Cm[3] };
  for (const [name, value] of Object.entries(want)) {
    const c = control(el, name);
    await expect(c.box).toBeDisabled();
    const why = await c.row.locator('.why').textContent();
    expect(why).toContain('H and C come from the data');
    // The value named under the control is the one in use (the readout's matrices).
    expect(Number(why.match(/= (-?[\d.]+)$/)[1])).toBeCloseTo(value, 4);
    expect(Number(await c.box.inputValue())).not.toBeCloseTo(value, 2);
  }
  for (const name of ['featureCorrelation', 'misspecification', 'noiseVariance', 'learningRate']) await expect(control(el, name).box).toBeEnabled();
  await expect(control(el, 'convention').box).toBeDisabled();
  await expect(control(el, 'convention').row.locator('.why')).toHaveText('SGLD only (no noise is injected)');
  // Typed-in H and C: the H and C boxes apply, the data-only ones do not.
  await el.evaluate((e) => e.setSettings({ problem: 'custom' }));
  for (const name of Object.keys(want)) await expect(control(el, name).box).toBeEnabled();
  for (const name of ['featureCorrelation', 'misspecification', 'noiseVariance']) {
    await expect(control(el, name).box).toBeDisabled();
    await expect(control(el, name).row.locator('.why')).toContainText('data only');
  }
  // (2B/αN)C⁻¹ preconditioning cancels α: the learning rate does not apply.
  await el.evaluate((e) => e.setSettings({ method: 'precondBayes' }));
  await expect(control(el, 'learningRate').box).toBeDisabled();
  await expect(control(el, 'learningRate').row.locator('.why')).toContainText('cancels α');
  await el.evaluate((e) => e.setSettings({ method: 'sgld' }));
  await expect(control(el, 'learningRate').box).toBeEnabled();
  await expect(control(el, 'convention').box).toBeEnabled();
  con.check();
});

test('one colour per chain type in both panels; the legends name each colour once', async ({ page }) => {
  // Before (issue 17, finding 9): orange was the continuous-time ellipse on the left and SGD on
  // the right, blue the discrete-time ellipse on the left and SGLD on the right.
  const con = watchConsole(page);
  await page.goto(FRAME);
  const el = await ready(page, 'noiselab-sgd-posterior');
  for (const [method, convention] of [['sgd', 'wellingTeh'], ['sgld', 'wellingTeh'], ['sgld', 'lecture'], ['precondInverseC', 'wellingTeh'], ['precondBayes', 'wellingTeh']]) {
    await el.evaluate((e, s) => e.setSettings(s), { method, convention });
    const panels = await chains(el);
    const byColour = new Map();
    for (const m of [...panels.cloud, ...panels.sweep].filter((m) => m.colour && m.type !== 'dots')) byColour.set(m.colour, new Set([...(byColour.get(m.colour) ?? []), m.chain]));
    for (const [colour, set] of byColour) expect([...set], `colour ${colour}`).toHaveLength(1);
    // The run's own chain: its iterates and three ellipses on the left, its curve and dot on the right.
    const chain = method === 'sgld' ? (convention === 'lecture' ? 'sgldLecture' : 'sgldWellingTeh') : method;
    expect(panels.cloud.filter((m) => m.chain === chain)).toHaveLength(4);
    const own = panels.sweep.filter((m) => m.chain === chain).map((m) => m.type); // SGLD Welling–Teh has two curves
    expect([own.includes('line'), own.filter((t) => t === 'dots').length]).toEqual([true, 1]);
    // The legends name every labelled mark once per panel.
    const legend = await el.evaluate((e) => [...e.shadowRoot.querySelectorAll('.legend')].map((b) => [...b.querySelectorAll('[data-label]')].map((s) => s.dataset.label)));
    expect(legend).toEqual([[...new Set(panels.cloud.map((m) => m.label))], [...new Set(panels.sweep.map((m) => m.label))]]);
  }
  // With SGLD the left panel is blue (its ellipses) and has no SGD orange at all; with SGD the reverse.
  await el.evaluate((e) => e.setSettings({ method: 'sgld', convention: 'wellingTeh', learningRate: 0.05 }));
  await el.evaluate((e) => e.runToEnd());
  let cloud = (await chains(el)).cloud;
  expect(colours(cloud).has(BLUE) && !colours(cloud).has(ORANGE)).toBe(true);
  await el.evaluate((e) => e.setSettings({ method: 'sgd' }));
  cloud = (await chains(el)).cloud;
  expect(colours(cloud).has(ORANGE) && !colours(cloud).has(BLUE)).toBe(true);
  con.check();
});

test('default: SGD’s stationary covariance is not the posterior, at three seeds, and the verdict says so from the numbers', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(FRAME);
  const el = await ready(page, 'noiselab-sgd-posterior');
  expect(await el.evaluate((e) => e.preset)).toBe('default');
  // Before the run the verdict interprets the exact prediction.
  expect(await verdict(el)).toContain('predicted stationary covariance');
  for (const seed of ['1', '2', '3']) {
    await el.evaluate((e, s) => e.setSettings({ seed: s }), seed);
    await el.evaluate((e) => e.runToEnd());
    const n = await numbers(el);
    // Several times the posterior's trace (seed 1: 7.80 ± 0.02), far beyond its SE, and tilted
    // the other way (correlation +0.22 vs −0.53 at seed 1).
    expect(n.ratio - 1).toBeGreaterThan(Math.max(1, 20 * n.se));
    expect(Math.sign(n.corr)).toBe(-Math.sign(n.postCorr));
    expect(n.kl).toBeGreaterThan(1);
    // The iterates agree with the exact discrete prediction under real mini-batches (seed 1:
    // 7.799 vs 7.799), which the finished-run message names (before, it named only the
    // Gaussian-noise prediction, 7.412, 22 SE away).
    const message = await el.locator('.message').textContent();
    const exact = Number(message.match(/with real mini-batches ([\d.]+)/)[1]);
    expect(Math.abs(n.ratio - exact)).toBeLessThan(4 * n.se + 0.002);
    const v = await verdict(el);
    expect(v).toContain(`is ${n.ratio.toFixed(2)}`);
    expect(v).toContain('not the posterior');
  }
  con.check();
});

test('the verdict flips when SGD does match the posterior (H = C = I at Mandt’s α* = 2Bd/(N tr C) = 0.08)', async ({ page }) => {
  // Σ = (α/2B)H⁻¹C = 0.01·I = H⁻¹/N exactly in continuous time; the discrete chain gives 1.04×.
  const con = watchConsole(page);
  await page.goto(FRAME);
  const el = await ready(page, 'noiselab-sgd-posterior');
  await el.evaluate((e) => e.setSettings({ problem: 'custom', h11: 1, h12: 0, h22: 1, c11: 1, c12: 0, c22: 1, learningRate: 0.08, steps: 6000 }));
  await el.evaluate((e) => e.runToEnd());
  const n = await numbers(el);
  expect(Math.abs(n.ratio - 1)).toBeLessThan(0.1);
  expect(n.kl).toBeLessThan(0.05);
  const v = await verdict(el);
  expect(v).toContain('here SGD’s stationary covariance is the posterior’s');
  expect(v).not.toContain('not the posterior');
  con.check();
});

// Each preset states a claim; its numbers must support it (seed 1, the preset's own settings).
const PRESETS = {
  'sgld-posterior': (n, v) => {
    expect(Math.abs(n.ratio - 1) - 2 * n.se).toBeLessThan(0.1); // 1.08 ± 0.01 (predicted 1.035)
    expect(n.kl).toBeLessThan(0.05);
    expect(Math.abs(n.corr - n.postCorr)).toBeLessThan(0.05);
    expect(v).toContain('it samples the posterior');
  },
  'sgld-step-too-large': (n, v) => {
    expect(n.ratio - 1).toBeGreaterThan(2 + 20 * n.se); // 4.71 ± 0.01
    expect(n.kl).toBeGreaterThan(1);
    expect(v).toMatch(/mini-batch noise (\d+\.\d)× the injected noise/);
    expect(Number(v.match(/mini-batch noise (\d+\.\d)×/)[1])).toBeGreaterThan(1);
    expect(v).toContain('the step is too large');
  },
  'sgld-lecture-noise': (n, v) => {
    expect(Math.abs(n.ratio - 0.5) - 2 * n.se).toBeLessThan(0.1); // 0.56 ± 0.006
    expect(Math.abs(n.ratio - 1)).toBeGreaterThan(0.3);
    expect(v).toContain('about half the posterior');
  },
  'precond-bayes': (n, v) => {
    expect(Math.abs(n.ratio - 1) - 2 * n.se).toBeLessThan(0.1); // 1.013 ± 0.007
    expect(n.kl).toBeLessThan(0.05);
    expect(v).toContain('preconditioned SGD samples the posterior');
  },
  'mandt-optimal-rate': (n, v, kls, rate) => {
    expect(Math.abs(rate / n.alphaStar - 1)).toBeLessThan(0.05);
    expect(kls[1]).toBeLessThan(kls[0]);
    expect(kls[1]).toBeLessThan(kls[2]);
    // The closest SGD gets is still not the posterior: KL 0.47 nats, tilted the other way.
    expect(n.kl).toBeGreaterThan(0.2);
    expect(Math.sign(n.corr)).toBe(-Math.sign(n.postCorr));
    expect(v).toContain('the least over constant rates');
    expect(v).toContain('not the posterior');
  },
};

test('each preset’s numbers support the claim its note states', async ({ page }) => {
  test.setTimeout(180_000);
  const con = watchConsole(page);
  await page.goto(FRAME);
  const el = await ready(page, 'noiselab-sgd-posterior');
  const names = await el.evaluate((e) => e.constructor.presets.map((p) => p.name));
  expect(names).toEqual(Object.keys(PRESETS));
  for (const name of names) {
    expect((await el.evaluate((e, n) => e.setPreset(n), name)).ok).toBe(true);
    expect(await el.evaluate((e) => e.preset)).toBe(name);
    await el.evaluate((e) => e.runToEnd());
    const n = await numbers(el);
    const kls = (await readout(el, '.r-kl-optimal')).split(', ').map(Number);
    const rate = Number(await el.evaluate((e) => e.settings.learningRate));
    PRESETS[name](n, await verdict(el), kls, rate);
  }
  con.check();
});

test('closed-form error bars √(τ/TM) beside the empirical ones (SCIENCE.md §8)', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  await el.evaluate((e) => e.runToEnd());
  // Custom H, C with Gaussian noise: the closed form is exact; the empirical SE from 20 groups
  // has a relative SE of about 16%, so the two agree within a factor 1.6.
  const [se, seTh, tau] = [await number(el, '.r-ratio-se'), await number(el, '.r-ratio-se-theory'), await number(el, '.r-tau')];
  expect(seTh).toBeGreaterThan(0);
  expect(se / seTh).toBeGreaterThan(1 / 1.6);
  expect(se / seTh).toBeLessThan(1.6);
  expect(tau).toBeGreaterThan(1);
  const snap = await el.evaluate((e) => e.snapshot);
  expect(snap.averageCovarianceSeTheory).toHaveLength(4);
  await expect(el.locator('table.cov small.se-theory')).toHaveCount(4);
  // The sweep panel draws the closed-form ± 2 SE bar (grey) beside the empirical one (black).
  const sweep = (await el.evaluate((e) => e.scene())).panels[1];
  const bar = sweep.marks.find((m) => m.type === 'line' && m.colour === '#777');
  expect(bar.y[1] - bar.y[0]).toBeCloseTo(4 * snap.traceRatioSeTheory, 6);
  expect(sweep.marks.some((m) => m.type === 'key' && /closed form/.test(m.label))).toBe(true);
  con.check();
});

test('d = 5 (generated spectra): the figure shows the projection onto two chosen coordinates and α*', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  await el.evaluate((e) => e.setSettings({ problem: 'spectrum', dimension: 5, projectI: 2, projectJ: 4, learningRate: 0.3 }));
  await expect.poll(() => readout(el, '.r-dimension')).toBe('5');
  const t = await el.evaluate((e) => e.theory);
  expect(t.full.dimension).toBe(5);
  expect(t.full.projection).toEqual([2, 4]);
  // Every plotted Σ is the 2×2 sub-block of the d×d one at (2, 4).
  const d = t.full.discrete;
  expect(t.discrete).toEqual([d[1][1], d[1][3], d[3][1], d[3][3]]);
  // α* = 2BD/(N tr C) with D = 5, in the readout.
  const trC = t.full.noiseCovariance.reduce((a, row, k) => a + row[k], 0);
  expect(t.full.optimalRate).toBeCloseTo(2 * 4 * 5 / (100 * trC), 12);
  expect(await number(el, '.r-alpha-star')).toBeCloseTo(t.full.optimalRate, 4);
  expect(await number(el, '.r-kl-optimal-full')).toBeGreaterThan(0);
  // The cloud: 400 chains projected; the axes name the coordinates; the controls for H₁₁ … are off.
  await el.evaluate((e) => e.runToEnd());
  const cloud = (await sceneOf(el)).panels[0];
  expect(cloud.x.label).toContain('w₂');
  expect(cloud.y.label).toContain('w₄');
  expect(cloud.marks.find((m) => m.type === 'dots').n).toBe(400);
  expect(cloud.marks.find((m) => m.label === 'exact discrete-time Σ_d, SGD').n).toBeGreaterThan(20);
  await expect(control(el, 'h11').box).toBeDisabled();
  await expect(control(el, 'dimension').box).toBeEnabled();
  // The iterates' projected covariance is the discrete sub-block within 4 SE (trace ratio).
  const [ratio, se, disc] = [await number(el, '.r-ratio'), await number(el, '.r-ratio-se'), await number(el, '.r-ratio-discrete')];
  expect(Math.abs(ratio - disc)).toBeLessThan(4 * se + 0.002);
  // A bad projection names the field.
  const pj = control(el, 'projectJ');
  await pj.box.fill('7');
  await pj.box.press('Enter');
  await expect(pj.error).toContainText('projectJ');
  con.check();
});
