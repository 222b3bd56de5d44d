// End-to-end tests of <noiselab-description-length> (SCIENCE.md §4) on its example page and the lab.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';
import { sceneOf } from './scene.mjs';

const GREEN = '#009E73'; // KL in bits
const ORANGE = '#E69F00'; // Langford–Seeger bound
const BLUE = '#0072B2'; // the labels' code length / the likelihood term
const PURPLE = '#CC79A7'; // the stochastic classifier's errors
const VERMILLION = '#D55E00'; // McAllester bound
const ERRORS = [['training error (stochastic)', PURPLE], ['test error (stochastic)', PURPLE], ['McAllester bound', VERMILLION], ['Langford–Seeger bound', ORANGE]];
const SWEEP_LEGEND = ['total description length −F/ln 2', '−E_q log₂ p(D|w): bits for the labels', 'KL(q‖p): bits for the weights'];

/** The curves of panel `id` of `scene`: [label, colour, points]. */
const curves = (scene, id) => scene.panels.find((p) => p.id === id).marks.filter((m) => m.type === 'line').map((m) => [m.label, m.colour, m.n]);
/** The columns `labels` of panel `id` as drawn (the scene's own arrays). */
const drawn = (el, id, labels) => el.evaluate((e, [i, ls]) => ls.map((l) => [...e.scene().panels.find((p) => p.id === i).marks.find((m) => m.type === 'line' && m.label === l).y]), [id, labels]);

async function runToEnd(el) {
  await el.scrollIntoViewIfNeeded(); // widgets pause off screen
  await el.evaluate((e) => e.play());
  await expect.poll(async () => readout(el, '.r-step'), { timeout: 30000 }).toBe(await el.evaluate((e) => e.settings.steps));
}

/** Wait for the prior-variance sweep of the current settings to finish; its points. */
async function sweep(el) {
  await el.scrollIntoViewIfNeeded(); // the sweep waits off screen
  await expect.poll(() => el.evaluate((e) => Boolean(e.sweepDone)), { timeout: 60000 }).toBe(true);
  return el.evaluate((e) => e.exportData().sweep.map((p) => ({ eta: p.priorVariance, ...p.evaluation })));
}

const argmin = (pts, k) => pts.reduce((a, p, i) => (p[k] < pts[a][k] ? i : a), 0);
const verdict = (el) => el.evaluate((e) => e.shadowRoot.querySelector('.verdict').textContent);

/** The lecture's claim, from the sweep's numbers: the description length −F/ln 2 (KL bits for the
    weights + bits for the labels) is shortest at an interior, matched η; the tightest prior fits
    worse (more label bits, higher test error), the broadest pays more bits for the weights; the
    Langford–Seeger bound is lowest within one grid step of it and higher at both ends. */
function expectMatchedPrior(pts) {
  expect(pts).toHaveLength(11);
  const b = argmin(pts, 'descriptionLengthBits');
  const last = pts.length - 1;
  expect(b).toBeGreaterThan(0);
  expect(b).toBeLessThan(last);
  for (const p of pts) expect(Math.abs(p.descriptionLengthBits - p.klBits - p.dataBits)).toBeLessThan(1e-9);
  expect(pts[0].dataBits - pts[b].dataBits).toBeGreaterThan(5);
  expect(pts[0].testError - pts[b].testError).toBeGreaterThan(0.1);
  expect(pts[last].klBits - pts[b].klBits).toBeGreaterThan(2);
  // The bound is flat near its minimum (0.517–0.520 over η = 0.1 … 3.16 at seed 2): at the
  // shortest code it is within 0.01 of its lowest, and both ends are higher.
  const ls = argmin(pts, 'langfordSeegerBound');
  expect(pts[b].langfordSeegerBound - pts[ls].langfordSeegerBound).toBeLessThan(0.01);
  expect(pts[0].langfordSeegerBound - pts[ls].langfordSeegerBound).toBeGreaterThan(0.05);
  expect(pts[last].langfordSeegerBound - pts[ls].langfordSeegerBound).toBeGreaterThan(0.02);
  return b;
}

test('issue 17 #3: the sweep fills in by itself at boot, bits and errors in two panels, and shows the matched prior at seeds 1, 2, 3', async ({ page }) => {
  // The old code drew an empty sweep panel (axes only) until "Sweep prior variance" was pressed,
  // with KL on a second axis of the error panel, at N = 200 where the bounds stayed 0.43–0.47:
  // this test failed at the first poll (sweepDone never set) and has no canvas.sweep-error.
  test.setTimeout(150000);
  const con = watchConsole(page);
  await page.goto('www/examples/description-length.html');
  const el = await ready(page, '#full');
  expect(await el.evaluate((e) => e.preset)).toBe('default');
  for (const seed of ['1', '2', '3']) {
    if (seed !== '1') await el.evaluate((e, s) => e.setSettings({ seed: s }), seed);
    const pts = await sweep(el);
    const b = expectMatchedPrior(pts);
    const v = await verdict(el);
    expect(v).toContain(`Shortest description length at η = ${Number(pts[b].eta.toPrecision(3))}`);
    expect(v).toContain('a prior matched to the weights\' scale costs least');
    expect(v).toContain('is within 0.01 of its lowest');
    // Bits and errors in separate panels, on a log η axis, every curve through the 11 points:
    // total (black), labels (blue) and KL (green) in the bits panel; errors and bounds in the other.
    const scene = await sceneOf(el);
    expect(curves(scene, 'sweep')).toEqual([[SWEEP_LEGEND[0], '#111', 11], [SWEEP_LEGEND[1], BLUE, 11], [SWEEP_LEGEND[2], GREEN, 11]]);
    expect(curves(scene, 'sweep-error')).toEqual(ERRORS.map(([l, c]) => [l, c, 11]));
    for (const id of ['sweep', 'sweep-error']) expect(scene.panels.find((p) => p.id === id).x).toMatchObject({ scale: 'log', domain: [0.001, 100] });
    const [total] = await drawn(el, 'sweep', [SWEEP_LEGEND[0]]);
    expect(total).toEqual(pts.map((p) => p.descriptionLengthBits));
    // The shortest code and the lowest bound are labelled once the sweep is done.
    const texts = scene.panels.flatMap((p) => p.marks.filter((m) => m.type === 'text').map((m) => m.text));
    expect(texts).toContain(`shortest code: η = ${Number(pts[b].eta.toPrecision(3))}`);
    expect(texts).toContain(`lowest bound: η = ${Number(pts[argmin(pts, 'langfordSeegerBound')].eta.toPrecision(3))}`);
    // … and ringed: an open dot at the shortest code (black) and one at the lowest bound.
    const rings = scene.panels.flatMap((p) => p.marks.filter((m) => m.open).map((m) => [p.id, m.colour, m.x[0], m.y[0]]));
    const lb = argmin(pts, 'langfordSeegerBound');
    expect(rings.map(([id, colour]) => [id, colour])).toEqual([['sweep', '#111'], ['sweep-error', ERRORS.find(([l]) => l === 'Langford–Seeger bound')[1]]]);
    for (const [[, , x, y], i, k] of [[rings[0], b, 'descriptionLengthBits'], [rings[1], lb, 'langfordSeegerBound']]) {
      expect(Math.abs(x / pts[i].eta - 1)).toBeLessThan(1e-9);
      expect(Math.abs(y - pts[i][k])).toBeLessThan(1e-9);
    }
    expect(scene.legend.slice(0, 7)).toEqual([...SWEEP_LEGEND, ...ERRORS.map(([l]) => l)]);
    expect((await canvasStats(el, 'canvas.sweep')).inkFraction).toBeGreaterThan(0.03);
    const label = await el.evaluate((e) => e.shadowRoot.querySelector('canvas.sweep').getAttribute('aria-label'));
    expect(label).toContain(`η ${Number(pts[b].eta.toPrecision(3))}: ${pts[b].descriptionLengthBits.toFixed(1)}`);
    console.log(`seed ${seed}: ${v}`);
  }
  con.check();
});

test('the sweep drawn is the CLI\'s description-length-sweep, bit for bit (its points are side runs in slices, the core trains each in one call)', async ({ page }) => {
  test.setTimeout(120000);
  const con = watchConsole(page);
  await page.goto('www/examples/description-length.html');
  const el = await ready(page, '#full');
  await el.evaluate((e) => e.setSettings({ seed: '4', dataPoints: '40' }));
  await sweep(el);
  const doc = await el.evaluate((e) => e.exportData());
  const dir = mkdtempSync(path.join(tmpdir(), 'noiselab-dl-'));
  try {
    const file = path.join(dir, 'export.json');
    writeFileSync(file, JSON.stringify(doc));
    const out = path.join(dir, 'sweep.json');
    execFileSync(process.env.NOISELAB_CLI ?? 'target/release/noiselab', ['run', 'description-length-sweep', '--config', file, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    const cli = JSON.parse(readFileSync(out, 'utf8')).points;
    expect(doc.sweep.length).toBe(11);
    expect(cli.length).toBe(11);
    doc.sweep.forEach((p, i) => {
      expect(p.priorVariance, `η ${i}`).toBe(cli[i].priorVariance);
      expect(p.diverged, `η ${i} diverged`).toBe(cli[i].diverged);
      // JSON numbers in shortest round-trip form: equal text is equal bits.
      expect(JSON.stringify(p.evaluation), `η ${i}`).toBe(JSON.stringify(Object.fromEntries(Object.keys(p.evaluation).map((k) => [k, cli[i].evaluation[k]]))));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  con.check();
});

test('presets: larger weights move the matched prior out; no signal flips the verdict; N = 200 flattens the bound', async ({ page }) => {
  test.setTimeout(150000);
  const con = watchConsole(page);
  await page.goto('www/examples/description-length.html');
  const el = await ready(page, '#full');
  const base = await sweep(el);
  const bBase = base[argmin(base, 'descriptionLengthBits')].eta;

  expect((await el.evaluate((e) => e.setPreset('larger-weights'))).ok).toBe(true);
  expect(await el.evaluate((e) => [e.settings.trueWeight1, e.settings.trueWeight2, e.preset])).toEqual(['4', '-2', 'larger-weights']);
  let pts = await sweep(el);
  const bLarge = expectMatchedPrior(pts);
  expect(pts[bLarge].eta).toBeGreaterThan(bBase);

  await el.evaluate((e) => e.setPreset('no-signal'));
  pts = await sweep(el);
  // The tightest prior is as short as any (ties within 0.1 bits: the labels are coin flips).
  const bNone = argmin(pts, 'descriptionLengthBits');
  expect(pts[0].descriptionLengthBits - pts[bNone].descriptionLengthBits).toBeLessThan(0.1);
  expect(pts[10].descriptionLengthBits - pts[bNone].descriptionLengthBits).toBeGreaterThan(5);
  expect(pts[10].klBits).toBeGreaterThan(pts[0].klBits + 5);
  for (const p of pts) expect(Math.abs(p.testError - 0.5)).toBeLessThan(0.03);
  const v = await verdict(el);
  expect(v).toContain('no trade-off');
  expect(v).toContain('the tightest prior (η = 0.001) is as short');
  expect(v).not.toContain('matched');

  await el.evaluate((e) => e.setPreset('more-points'));
  expect(await el.evaluate((e) => e.settings.dataPoints)).toBe('200');
  pts = await sweep(el);
  const b = argmin(pts, 'descriptionLengthBits');
  expect(b).toBeGreaterThan(0);
  expect(b).toBeLessThan(10);
  const ls = pts.map((p) => p.langfordSeegerBound);
  expect(Math.max(...ls) - Math.min(...ls)).toBeLessThan(0.06); // the old default's flat bound
  expect(Math.min(...ls)).toBeLessThan(Math.min(...base.map((p) => p.langfordSeegerBound)) - 0.05);
  con.check();
});

test('a large sweep waits for the button instead of holding the worker', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/description-length.html');
  const el = await ready(page, '#full');
  await el.evaluate((e) => e.setSettings({ dataPoints: 5000, steps: 20000 }));
  await expect(el.locator('.progress')).toContainText('This sweep is large');
  expect(await el.evaluate((e) => [e.sweepDone, e.exportData().sweep.length])).toEqual([false, 0]);
  expect(await verdict(el)).toBe('');
  // The run itself still starts at once.
  await el.evaluate((e) => e.stepOnce());
  await expect.poll(() => readout(el, '.r-step')).toBe('1');
  con.check();
});

test('training draws the ELBO, the bits and the bounds; bound ≥ training error', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/description-length.html');
  const el = await ready(page, '#full');
  await el.evaluate((e) => e.setSettings({ steps: 400 }));
  await runToEnd(el);
  // Every step drawn (rows 0 … 400); the bounds lie above the training error at every step.
  const scene = await sceneOf(el);
  expect(curves(scene, 'elbo')).toEqual([['ELBO F(q)', '#111', 401], ['E_q ln p(D|w)', BLUE, 401]]);
  expect(curves(scene, 'kl')).toEqual([['KL(q‖p) bits', GREEN, 401]]);
  expect(curves(scene, 'bounds')).toEqual(ERRORS.map(([l, c]) => [l, c, 401]));
  const [trainCurve, mcaCurve, lsCurve] = await drawn(el, 'bounds', [ERRORS[0][0], ERRORS[2][0], ERRORS[3][0]]);
  expect(trainCurve.filter((t, i) => !(lsCurve[i] > t && mcaCurve[i] >= lsCurve[i] - 1e-12)).length).toBe(0);
  for (const id of ['elbo', 'kl', 'bounds']) expect((await canvasStats(el, `canvas.${id}`)).inkFraction).toBeGreaterThan(0.03);
  const train = Number(await readout(el, '.r-train'));
  const ls = Number(await readout(el, '.r-ls'));
  const mca = Number(await readout(el, '.r-mcallester'));
  const test_ = Number(await readout(el, '.r-test'));
  expect(ls).toBeGreaterThan(train);
  expect(mca).toBeGreaterThanOrEqual(ls);
  expect(ls).toBeGreaterThan(test_);
  expect(ls).toBeLessThan(1);
  // bits = nats / ln 2, and the description length is KL bits + label bits.
  const nats = Number(await readout(el, '.r-kl-nats'));
  const bits = Number(await readout(el, '.r-kl-bits'));
  expect(Math.abs(bits - nats / Math.LN2)).toBeLessThan(0.01);
  const total = Number(await readout(el, '.r-dl-bits'));
  const data = Number(await readout(el, '.r-data-bits'));
  expect(Math.abs(total - bits - data)).toBeLessThan(0.1);
  expect(Math.abs(total + Number(await readout(el, '.r-elbo')) / Math.LN2)).toBeLessThan(0.1);
  con.check();
});

test('the prior variance slider changes the bits and moves the sweep marker; bad values are rejected; the sweep re-runs with progress', async ({ page }) => {
  test.setTimeout(90000); // the sweep trains 11 runs; the shared test machine can be slow
  const con = watchConsole(page);
  await page.goto('www/examples/description-length.html');
  const el = await ready(page, '#full');
  await el.evaluate((e) => e.setSettings({ steps: 100, testPoints: 200, dataPoints: 60 }));
  await runToEnd(el);
  await sweep(el);
  const bits = await readout(el, '.r-kl-bits');
  const rule = async () => (await sceneOf(el)).panels.map((p) => p.marks.find((m) => m.type === 'rule')?.x[0]);
  expect(await rule()).toEqual([1, 1, undefined, undefined, undefined]);
  const eta = control(el, 'priorVariance');
  await eta.box.fill('0.01');
  await eta.box.press('Enter');
  await expect.poll(() => readout(el, '.r-step')).toBe('0');
  await runToEnd(el);
  expect(await readout(el, '.r-kl-bits')).not.toBe(bits);
  // A new η keeps the sweep (it belongs to the other settings) and moves its marker.
  expect(await el.evaluate((e) => e.sweepDone)).toBe(true);
  expect(await rule()).toEqual([0.01, 0.01, undefined, undefined, undefined]);
  const delta = control(el, 'confidence');
  await delta.box.fill('0.7');
  await delta.box.press('Enter');
  await expect(delta.error).toContainText('confidence must be a number in (0, 0.5]; got 0.7');
  await el.evaluate((e) => e.shadowRoot.querySelector('button[data-name="sweep"]').click());
  await expect(el.locator('.progress')).toContainText('Sweep: training', { timeout: 5000 });
  await expect(el.locator('.progress')).toContainText('Sweep done', { timeout: 45000 });
  expect(curves(await sceneOf(el), 'sweep-error').at(-1)).toEqual([ERRORS[3][0], ORANGE, 11]);
  con.check();
});

test('on the lab page the state round-trips through the URL hash', async ({ page, context }) => {
  const con = watchConsole(page);
  await page.goto('index.html#vb-mdl');
  const el = await ready(page, '#description-length-widget');
  await el.evaluate((e) => e.setSettings({ priorVariance: 0.3, seed: 7, steps: 100 }));
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('description-length.priorVariance=0.3');
  await runToEnd(el);
  const test_ = await readout(el, '.r-test');
  const page2 = await context.newPage();
  await page2.goto(`index.html${hash}`);
  const el2 = await ready(page2, '#description-length-widget');
  expect((await el2.evaluate((e) => e.settings)).seed).toBe('7');
  await runToEnd(el2);
  expect(await readout(el2, '.r-test')).toBe(test_);
  con.check();
});
