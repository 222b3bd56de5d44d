// End-to-end tests of <noiselab-nng> (SCIENCE.md §6: noisy Adam vs noisy K-FAC on a correlated
// posterior) on its example page and on the lab page.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control, replayedFirstStep } from './helpers.mjs';
import { sceneOf, marksLabelled } from './scene.mjs';

const EXAMPLE = 'www/examples/noisy-natural-gradient.html';
const GREEN = '#009E73', VERMILLION = '#D55E00', BLUE = '#0072B2'; // full NNG, noisy Adam, noisy K-FAC
const KFAC = 'noisy K-FAC q (2σ)';
const LEGEND = ['exact posterior (2σ)', 'full NNG q (2σ)', 'noisy Adam (diagonal) q (2σ)', KFAC,
  'dots: the last 300 weight samples w ~ q each method drew (at step 0: 300 draws from q₀)',
  'noisy Adam\'s fixed point (the best diagonal Gaussian)', 'noisy K-FAC\'s fixed point', 'full NNG\'s fixed point is the posterior (KL 0, off the log scale)'];

test('the example draws the ellipses and KL curves; K-FAC captures the correlation, noisy Adam cannot', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  await el.evaluate((e) => e.runToEnd());
  expect(await readout(el, '.r-step')).toBe('2000');
  // The plane: the exact posterior's ellipse (filled), each method's with its 300 samples, the
  // means; the KL panel (log axis): a curve per method over all 2001 rows and the fixed points.
  const scene = await sceneOf(el);
  const [plane, kl] = scene.panels;
  expect(scene.legend).toEqual(LEGEND);
  expect(plane.marks.filter((m) => m.type === 'dots' && m.n === 300)).toHaveLength(3);
  for (const m of plane.marks.filter((m) => m.type === 'line')) expect(m.n).toBe(96);
  expect(kl.y.scale).toBe('log');
  const curves = kl.marks.filter((m) => m.type === 'line');
  expect(curves.map((m) => [m.n, m.x])).toEqual(Array(3).fill([2001, [0, 2000]]));
  expect(kl.marks.filter((m) => m.type === 'rule')).toHaveLength(2);
  for (const c of ['canvas.plane', 'canvas.kl']) {
    const st = await canvasStats(el, c);
    expect(st.width, c).toBeGreaterThan(200);
    expect(st.inkFraction, c).toBeGreaterThan(0.02);
  }
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
  const kfacBefore = marksLabelled(await sceneOf(el), KFAC)[0];
  const corr = control(el, 'featureCorrelation');
  await corr.box.fill('0.3');
  await corr.box.press('Enter');
  await expect.poll(() => el.evaluate((e) => e.settings.featureCorrelation)).toBe('0.3');
  await el.evaluate((e) => e.runToEnd());
  expect(await readout(el, '.r-rho-target')).not.toBe(before);
  expect(marksLabelled(await sceneOf(el), KFAC)[0]).not.toEqual(kfacBefore);
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
  // One step per frame: the pause lands mid-run however long the poll below waits (at 10 steps
  // per frame a loaded machine let the replay reach the end, step 2000, first).
  await el.evaluate((e) => e.setSettings({ speed: 1 }));
  await el.locator('button[data-name="play"]').click();
  await expect.poll(() => readout(el, '.r-step').then(Number)).toBeGreaterThan(40);
  await el.locator('button[data-name="play"]').click();
  // Replayed from step 0: the KL curves end at the step reached.
  const [step, ends] = await el.evaluate((e) => [e.snapshot.stepsDone, e.scene().panels[1].marks.filter((m) => m.type === 'line').map((m) => [m.x[0], m.x.at(-1)])]);
  expect(step).toBeLessThan(2000);
  expect(ends).toEqual(Array(3).fill([0, step]));
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

// ---- issue 17: every figure teaches its claim at first sight -------------------------------

const state = (el) => el.evaluate((e) => {
  const P = e.view.ellipsePoints;
  const [plane, kl] = e.scene().panels;
  return {
    snapshot: e.snapshot, ranges: { plane: [...plane.x.domain, ...plane.y.domain], kl: kl.y.domain }, preset: e.preset, sampleCount: e.view.sampleCount,
    verdict: e.shadowRoot.querySelector('.verdict')?.textContent ?? '',
    klNote: e.shadowRoot.querySelector('.kl-note')?.textContent ?? '',
    ellipses: [0, 1, 2, 3].map((k) => Array.from(e.view.ellipses.slice(2 * k * P, 2 * (k + 1) * P))),
  };
});

test('finding 7: the first frame is readable: the whole run at boot; step 0 shows every q whole with its samples; the KL axis is set by the first values, not the overshoot', async ({ page }) => {
  // Before: the widget booted at step 0 and showed nothing until Play; the plane's box was
  // fitted to the posterior alone, so each q₀ = N(0, I) (2σ radius 2) was a clipped arc, and
  // no samples existed at step 0; the KL axis spanned the start-up overshoot (up to ~1e5 nats)
  // so the fixed points were squeezed into the bottom decades.
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  let st = await state(el);
  expect(st.snapshot.stepsDone).toBe(2000); // no Play pressed
  expect(st.verdict).toContain('Noisy K-FAC keeps the posterior\'s correlation');
  // The axis: from the prior's KL (step 0) down; the overshoot is flagged, not scaled to.
  expect(st.ranges.kl[1]).toBeLessThanOrEqual(1e3);
  expect(st.ranges.kl[0]).toBeLessThan(Number(st.snapshot.klKfacFixedPoint));
  expect(st.klNote).toMatch(/Off the top of the KL plot: up to [\d.e]+ nats in steps 1–\d+/);
  await el.evaluate((e) => e.reset());
  st = await state(el);
  expect(st.snapshot.stepsDone).toBe(0);
  const [x0, x1, y0, y1] = st.ranges.plane;
  for (const ring of st.ellipses) {
    for (let k = 0; k < ring.length; k += 2) {
      expect(ring[k] > x0 && ring[k] < x1 && ring[k + 1] > y0 && ring[k + 1] < y1).toBe(true);
    }
  }
  // 300 draws from each q₀ (display streams; the runs' own streams are untouched), nearly all
  // inside the box (a 2σ box holds ~95% of a 2-D Gaussian's draws per axis). At step 0 the
  // three q's are the same prior, so one circle (K-FAC's blue, drawn last) covers the others.
  expect(st.sampleCount).toBe(300);
  const inside = await el.evaluate((e, [bx0, bx1, by0, by1]) => {
    const S = e.view.samples, n = e.view.sampleCount;
    return [0, 1, 2].map((k) => {
      let c = 0;
      for (let i = 0; i < n; i++) { const x = S[2 * (k * n + i)], y = S[2 * (k * n + i) + 1]; if (x > bx0 && x < bx1 && y > by0 && y < by1) c++; }
      return c;
    });
  }, st.ranges.plane);
  for (const c of inside) expect(c).toBeGreaterThan(250);
  // ... and the scene draws each method's ellipse and 300 samples, the KL at step 0 as one dot each.
  const scene = await sceneOf(el);
  expect(scene.panels[0].marks.filter((m) => m.type === 'dots' && m.n === 300)).toHaveLength(3);
  expect(marksLabelled(scene, KFAC)[0].n).toBe(96);
  expect(scene.panels[1].marks.find((m) => m.type === 'dots')).toMatchObject({ n: 3, x: [0, 0] });
  expect(st.ranges.kl[1]).toBeGreaterThan(Number(st.snapshot.methods[0].kl));
  expect(st.verdict).toContain('Step 0');
  // Play from a finished run replays it from step 0.
  await el.evaluate((e) => e.runToEnd());
  expect(await replayedFirstStep(page, el)).toBeLessThan(2000);
  con.check();
});

test('finding 9: the readout gives the batch size the control shows, and says when it is the full batch', async ({ page }) => {
  // Before: the control read 500 (the default, "≥ N uses the full batch") while the readout
  // said "B = 40" (the effective min(B, N)): the readout contradicted the control.
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  const box = control(el, 'batchSize').box;
  await expect(box).toHaveValue('500');
  expect(await readout(el, '.r-batch')).toBe('B = 500 ≥ N = 40: the full batch');
  await box.fill('10');
  await box.press('Enter');
  await expect.poll(() => readout(el, '.r-batch')).toBe('B = 10 of N = 40 examples per step');
  expect(Number((await state(el)).snapshot.batchSize)).toBe(10);
  await el.evaluate((e) => e.setSettings({ dataPoints: 10 }));
  await expect.poll(() => readout(el, '.r-batch')).toBe('B = 10 ≥ N = 10: the full batch');
  con.check();
});

/** The default's claim from the numbers (SCIENCE.md §6): mean KL over the second half full <
    K-FAC < noisy Adam, noisy Adam no closer than its fixed point (the best diagonal Gaussian:
    its last-sample jitter only adds), K-FAC's correlation within 25% of the posterior's, noisy
    Adam's exactly 0. The KLs are separated by far more than their jitter (K-FAC's tail mean
    ~0.09 vs Adam's ~0.8; per-step sd ~0.05). */
function expectKfacClaim(st) {
  const s = st.snapshot;
  const [full, adam, kfac] = s.klTailMean.map(Number);
  expect(full).toBeLessThan(kfac);
  expect(2 * kfac).toBeLessThan(adam);
  expect(adam).toBeGreaterThan(0.95 * Number(s.klMeanField));
  const rho = Number(s.targetCorrelation);
  expect(Math.abs(Number(s.methods[2].correlation) - rho)).toBeLessThan(0.25 * Math.abs(rho));
  expect(Number(s.methods[1].correlation)).toBe(0);
  expect(st.verdict).toContain('Noisy K-FAC keeps the posterior\'s correlation');
  expect(st.verdict).toContain('noisy Adam\'s diagonal q cannot');
}

test('the default supports the claim at seeds 1, 2 and 3; each preset supports its own, and the verdict follows the numbers', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  expect(await el.evaluate((e) => e.preset)).toBe('default');
  for (const seed of [1, 2, 3]) {
    await el.evaluate((e, s) => e.setSettings({ seed: s }), seed);
    await el.evaluate((e) => e.settled());
    const st = await state(el);
    expect(st.snapshot.stepsDone).toBe(2000);
    expect(Math.abs(Number(st.snapshot.targetCorrelation))).toBeGreaterThan(0.8);
    expectKfacClaim(st);
  }
  // Uncorrelated features: every method ends close to the posterior; the verdict says so.
  await el.evaluate((e) => e.setPreset('uncorrelated'));
  await el.evaluate((e) => e.settled());
  let st = await state(el);
  expect(st.preset).toBe('uncorrelated');
  expect(await el.evaluate((e) => e.settings.featureCorrelation)).toBe('0'); // the control shows it
  expect(Math.abs(Number(st.snapshot.targetCorrelation))).toBeLessThan(0.3);
  for (const v of st.snapshot.klTailMean) expect(Number(v)).toBeLessThan(0.1);
  expect(st.verdict).toContain('all three methods agree');
  expect(st.verdict).not.toContain('keeps the posterior');
  // Strong correlation: noisy Adam over 3× K-FAC's KL.
  await el.evaluate((e) => e.setPreset('strong-correlation'));
  await el.evaluate((e) => e.settled());
  st = await state(el);
  expect(Number(st.snapshot.targetCorrelation)).toBeLessThan(-0.95);
  expect(Number(st.snapshot.klTailMean[1])).toBeGreaterThan(3 * Number(st.snapshot.klTailMean[2]));
  expectKfacClaim(st);
  // Tempered posterior (λ = 0.5): the same ordering.
  await el.evaluate((e) => e.setPreset('tempered'));
  await el.evaluate((e) => e.settled());
  st = await state(el);
  expect(await el.evaluate((e) => e.settings.klWeight)).toBe('0.5');
  expectKfacClaim(st);
  // A run too short to settle says so instead of asserting the claim.
  await el.evaluate((e) => e.setSettings({ steps: 50 }));
  await el.evaluate((e) => e.settled());
  st = await state(el);
  expect(st.verdict).toContain('Still converging');
  con.check();
});

test('an embed with preset="uncorrelated" shows the counterpoint: c = 0 in its control, every method close to the posterior', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  await page.locator('#uncorrelated').scrollIntoViewIfNeeded(); // boots first when in view
  const el = await ready(page, '#uncorrelated');
  expect(await el.evaluate((e) => e.preset)).toBe('uncorrelated');
  await expect(control(el, 'featureCorrelation').box).toHaveValue('0');
  const st = await state(el);
  for (const v of st.snapshot.klTailMean) expect(Number(v)).toBeLessThan(0.1);
  expect(st.verdict).toContain('all three methods agree');
  con.check();
});

test('one colour per method in both panels and legends: full NNG green, noisy Adam vermillion, noisy K-FAC blue', async ({ page }) => {
  // Before: the exact posterior was drawn black but its legend swatch was the slate-grey "ink",
  // and the fixed points were dashed like full NNG's curve. The legend is made from the marks,
  // so a mark's colour is its legend swatch's.
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  const scene = await sceneOf(el);
  const colourOf = (t) => (/full NNG/.test(t) ? GREEN : /noisy Adam/.test(t) ? VERMILLION : /K-FAC/.test(t) ? BLUE : /exact posterior/.test(t) ? '#000' : null);
  const labelled = scene.panels.flatMap((p) => p.marks.filter((m) => m.label && m.type !== 'key'));
  expect(labelled.length).toBe(6);
  for (const m of labelled) expect(m.colour, m.label).toBe(colourOf(m.label));
  // The KL curves in the plane's method colours and dashes; the fixed points dotted, not dashed like full NNG.
  const [plane, kl] = scene.panels;
  const curves = kl.marks.filter((m) => m.type === 'line');
  const ellipses = plane.marks.filter((m) => m.type === 'line' && m.label && m.label !== 'exact posterior (2σ)');
  expect(curves.map((m) => [m.colour, m.dash])).toEqual(ellipses.map((m) => [m.colour, m.dash]));
  expect(curves.map((m) => m.colour)).toEqual([GREEN, VERMILLION, BLUE]);
  for (const r of kl.marks.filter((m) => m.type === 'rule')) expect(r.dash).toEqual([2, 3]);
  expect(curves[0].dash).toEqual([6, 4]);
});
