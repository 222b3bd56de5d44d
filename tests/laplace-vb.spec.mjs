// End-to-end tests of <noiselab-laplace-vb> (SCIENCE.md §5) on its example page and the lab.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';
import { sceneOf, marksLabelled } from './scene.mjs';

// Bishop's colours (PRML Fig. 10.1): the true density ochre, filled yellow; Laplace red,
// variational green; the moment-matched Gaussian (not in Bishop's figure) Okabe–Ito blue.
const LABELS = ['true p(z)', 'Laplace N(z₀, 1/A)', 'variational argmin KL(q‖p)', 'moment matched argmin KL(p‖q)'];
const COLOURS = ['#8A6A00', '#C8102E', '#2E9E3E', '#0072B2'];
const OLD = ['#E69F00', '#0072B2']; // this morning's Laplace (orange) and variational (blue) colours

test('Bishop’s example: the curves draw and the numbers match §5', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/laplace-vb.html');
  const el = await ready(page, '#bishop');
  // Two panels, each with p and the three Gaussians over z ∈ [−2, 4] (481 points) and the mode.
  const scene = await sceneOf(el);
  expect(scene.panels.map((p) => p.id)).toEqual(['density', 'neglog']);
  for (const panel of scene.panels) {
    const lines = panel.marks.filter((m) => m.type === 'line');
    expect(lines.map((m) => m.label)).toEqual(LABELS);
    for (const m of lines) { expect(m.n).toBe(481); expect(m.x).toEqual([-2, 4]); }
    expect(panel.marks.find((m) => m.type === 'rule').x[0]).toBeCloseTo(0.07748, 4);
  }
  const density = scene.panels[0].marks.filter((m) => m.type === 'line');
  expect(density.every((m) => m.y[0] >= 0 && m.y[1] > 0.5 && m.y[1] < 1)).toBe(true);
  expect(scene.panels[1].y.clamp[1]).toBe(30); // −ln p reaches ~170 at z = −2: the axis stops at 30
  // The scene is what the canvas shows.
  expect((await canvasStats(el, 'canvas.density')).inkFraction).toBeGreaterThan(0.05);
  // SCIENCE.md §5 / the core's tests: z₀ = 0.07748, A = 2.5436, KL(q_VI‖p) < KL(q_L‖p).
  expect(await readout(el, '.r-mode')).toBe('0.0775');
  expect(await readout(el, '.r-precision')).toBe('2.5436');
  expect(Number(await readout(el, '.r-kl-vi'))).toBeLessThan(Number(await readout(el, '.r-kl-laplace')));
  await expect(el.locator('table.kl tbody tr')).toHaveCount(3);
  // The export names the experiment by its kind and holds the 481 tabulated points.
  const data = await el.evaluate((e) => e.exportData());
  expect([data.experiment, data.history.length, data.historyFields.length]).toEqual(['laplace-vb', 481, 9]);
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
  const laplaceTop = async () => marksLabelled(await sceneOf(el), LABELS[1], 'density')[0].y[1];
  const before = await laplaceTop();
  const slope = control(el, 'slope');
  await slope.box.fill('0');
  await slope.box.press('Enter');
  await expect.poll(() => readout(el, '.r-kl-laplace')).toBe('0.0000');
  expect(await readout(el, '.r-kl-vi')).toBe('0.0000');
  expect(await laplaceTop()).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 6); // N(0, 1)'s peak, not Bishop's Laplace
  expect(before).not.toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 3);
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
  // boots in the background after the widgets in view); one at its defaults writes none
  // (issue 17: a link carries non-default settings only).
  await ready(page, '#funnel-widget');
  const later = await page.evaluate(() => location.hash);
  expect(later).not.toContain('funnel.');
  expect(later).toContain('laplace-vb.slope=7.5');
  expect(later).toContain('laplace-vb.offset=-1');
  con.check();
});

// Issue 17, finding 8: this morning the variational fit was blue, Laplace orange and p a grey
// shade, unlike Bishop's Fig. 10.1 (yellow p, red Laplace, green variational): the pixel counts
// near green, red and the ochre fill were all ~0 on the old code.
test('Bishop’s colours: p filled ochre, Laplace red, variational green, in both panels and the legend', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/laplace-vb.html');
  const el = await ready(page, '#bishop');
  const scene = await sceneOf(el);
  for (const panel of scene.panels) {
    const lines = panel.marks.filter((m) => m.type === 'line');
    expect(lines.map((m) => m.colour)).toEqual(COLOURS);
    expect(lines.map((m) => m.colour)).not.toContain(OLD[0]);
    expect(lines[2].colour).not.toBe(OLD[1]);
    // Only the density panel fills p (the fill is meaningless on −ln p).
    expect(lines.map((m) => m.fill ?? null)).toEqual(panel.id === 'density' ? ['rgba(240, 196, 25, 0.45)', null, null, null] : [null, null, null, null]);
  }
  // The legend is made from the marks: one entry per curve, its swatch in the curve's colour.
  expect(scene.legend).toEqual(LABELS);
  const swatches = await el.evaluate((e) => [...e.shadowRoot.querySelectorAll('.legend [data-label] svg path[fill="none"]')].map((s) => s.getAttribute('stroke')));
  expect(swatches).toEqual(COLOURS);
  con.check();
});

// Issue 17, finding 8: at slope 0 the old readout printed "variational 0.0000 < Laplace 0.0000"
// and bolded one row only; now equal KLs (within half the last digit shown) read "=".
test('slope 0: the readout says the KLs are equal, every row is best, the verdict says they coincide', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/laplace-vb.html');
  const el = await ready(page, '#bishop');
  expect(await readout(el, '.r-kl-relation')).toBe('<');
  await el.evaluate((e) => e.setSettings({ slope: 0 }));
  await expect.poll(() => readout(el, '.r-kl-relation')).toBe('=');
  const text = await readout(el, '.readout');
  expect(text).not.toContain('0.0000 < Laplace 0.0000');
  expect(text).toContain('(equal)');
  await expect(el.locator('table.kl td.best')).toHaveCount(6);
  // The offset does nothing at slope 0: its control says so (this morning it stayed live).
  await expect(control(el, 'offset').box).toBeDisabled();
  await expect(control(el, 'offset').row.locator('.why')).toContainText('No effect at slope a = 0');
  expect(await readout(el, '.verdict')).toMatch(/^At slope a = 0 p is Gaussian: the Laplace, variational and moment-matched Gaussians coincide \(mean -?0\.000, std 1\.000\)/);
  con.check();
});

/** The numbers the widget shows: the KL table (mean, std, KL(q‖p), KL(p‖q) per row) and z₀. */
async function table(el) {
  return el.evaluate((e) => {
    const rows = [...e.shadowRoot.querySelectorAll('table.kl tbody tr')].map((r) => [...r.cells].slice(1).map((c) => Number(c.textContent)));
    const [laplace, variational, moment] = rows.map(([mean, std, klQP, klPQ]) => ({ mean, std, klQP, klPQ }));
    return { laplace, variational, moment, mode: Number(e.shadowRoot.querySelector('.r-mode').textContent) };
  });
}

// Claim (Bishop PRML §10.1, Fig. 10.1): Laplace sits at the mode; the Gaussian minimizing
// KL(q‖p) moves toward the mass, is narrower than p and has the smaller KL(q‖p). Each preset
// shows what its note says, read from the table (quadrature, so no standard errors).
test('the default (Bishop’s figure) and each preset show the claim they state, in the numbers and the verdict', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/laplace-vb.html');
  const el = await ready(page, '#bishop');
  const claim = (t) => {
    expect(t.laplace.mean).toBeCloseTo(t.mode, 4); // Laplace at the mode
    expect(Math.sign(t.variational.mean - t.mode)).toBe(Math.sign(t.moment.mean - t.mode)); // toward the mass
    expect(Math.abs(t.variational.mean - t.mode)).toBeGreaterThan(0.1);
    expect(t.variational.std).toBeLessThan(t.moment.std); // narrower than p
    expect(t.variational.klQP).toBeLessThan(t.laplace.klQP); // the smaller KL(q‖p)
    expect(t.moment.klPQ).toBeLessThanOrEqual(Math.min(t.laplace.klPQ, t.variational.klPQ)); // MM minimizes KL(p‖q)
  };
  expect(await el.evaluate((e) => e.preset)).toBe('default');
  let t = await table(el);
  claim(t);
  expect(t.laplace.std).toBeGreaterThan(t.variational.std); // Bishop's: Laplace the wider one
  expect(await readout(el, '.verdict')).toMatch(/as in Bishop's Fig\. 10\.1\.$/);
  const verdictOf = async (name) => {
    await el.evaluate((e, n) => e.setPreset(n), name);
    expect(await el.evaluate((e) => e.preset)).toBe(name);
    return readout(el, '.verdict');
  };
  // Mild skew: the three nearly agree, and the variational still wins.
  await expect(control(el, 'offset').box).toBeEnabled();
  expect(await verdictOf('mild-skew')).toMatch(/as in Bishop's Fig\. 10\.1\.$/);
  t = await table(el);
  claim(t);
  expect(t.laplace.klQP).toBeLessThan(0.1);
  expect(await el.evaluate((e) => e.settings)).toEqual({ slope: '3', offset: '1' });
  // The cliff: Laplace narrower than p and than the variational Gaussian, far worse in KL.
  expect(await verdictOf('cliff')).toMatch(/as in Bishop's Fig\. 10\.1\.$/);
  t = await table(el);
  claim(t);
  expect(t.laplace.std).toBeLessThan(t.variational.std);
  expect(t.laplace.klQP).toBeGreaterThan(5 * t.variational.klQP);
  // The visible controls show what runs.
  expect(await control(el, 'offset').box.inputValue()).toBe('-4');
  expect(await control(el, 'slope').box.inputValue()).toBe('20');
  // Steep: Laplace's KL(q‖p) above 5 nats.
  expect(await verdictOf('steep')).toMatch(/as in Bishop's Fig\. 10\.1\.$/);
  t = await table(el);
  claim(t);
  expect(t.laplace.klQP).toBeGreaterThan(5);
  // Symmetric: all coincide.
  expect(await verdictOf('symmetric')).toContain('coincide');
  t = await table(el);
  for (const q of [t.laplace, t.variational]) { expect(q.mean).toBeCloseTo(t.moment.mean, 4); expect(q.std).toBeCloseTo(1, 4); expect(q.klQP).toBe(0); }
  con.check();
});

test('the verdict flips when the numbers contradict Bishop’s figure; a preset comes from the attribute', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/laplace-vb.html');
  const el = await ready(page, '#bishop');
  const base = await el.evaluate((e) => e.result.analysis);
  const verdict = (a) => page.evaluate(async (x) => (await import(new URL('../widgets/laplace-vb.js', location.href).href)).verdictOf(x, 20), a);
  expect(await verdict(base)).toMatch(/as in Bishop's Fig\. 10\.1\.$/);
  // A variational Gaussian wider than p, at the mode, with the larger KL: every clause flips.
  const bad = { ...base, variational: { mean: base.mode, std: 2 * base.momentMatched.std }, variationalKl: { ...base.variationalKl, klQP: 2 * base.laplaceKl.klQP } };
  const text = await verdict(bad);
  expect(text).toContain('does not move toward the mass');
  expect(text).toContain('not narrower than p');
  expect(text).toContain('(higher)');
  expect(text).toMatch(/unlike Bishop's Fig\. 10\.1\.$/);
  // The preset attribute, as a teacher would write it.
  await page.evaluate(() => { const w = document.createElement('noiselab-laplace-vb'); w.id = 'sym'; w.setAttribute('preset', 'symmetric'); document.querySelector('main').append(w); });
  const sym = await ready(page, '#sym');
  expect(await sym.evaluate((e) => e.preset)).toBe('symmetric');
  expect(await readout(sym, '.r-kl-relation')).toBe('=');
  con.check();
});

test('a link with laplace-vb.preset=cliff opens the lab on that preset, its controls showing it', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('index.html#laplace-vb.preset=cliff');
  const el = await ready(page, '#laplace-vb-widget');
  expect(await el.evaluate((e) => e.preset)).toBe('cliff');
  expect(await el.evaluate((e) => e.settings)).toEqual({ slope: '20', offset: '-4' });
  expect(await control(el, 'offset').box.inputValue()).toBe('-4');
  expect(Number(await readout(el, '.r-mode'))).toBeCloseTo(0.3952, 4);
  expect(await readout(el, '.verdict')).toMatch(/as in Bishop's Fig\. 10\.1\.$/);
  con.check();
});
