// End-to-end tests of <noiselab-implicit-reg> (Smith et al. 2021; SCIENCE.md §10) on its
// example page and the lab page.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';
import { sceneOf, marksLabelled } from './scene.mjs';

// One colour per method: SGD vermillion, GD on J ink, GD on J + R blue.
const ORANGE = '#E69F00'; // the point being computed
const METHODS = [['SGD (random shuffling)', '#D55E00'], ['full-batch GD on J', '#222222'], ['full-batch GD on J + R', '#0072B2']];

/** Each method's line on each sweep panel: its colour, with a finite value at all `counts` points. */
async function expectEveryMethod(el, counts) {
  const scene = await sceneOf(el);
  expect(scene.panels.map((p) => p.id)).toEqual(['lr', 'batch']);
  expect(scene.legend.slice(0, 3)).toEqual(METHODS.map(([label]) => label));
  scene.panels.forEach((p, i) => {
    for (const [label, colour] of METHODS) {
      const lines = marksLabelled(scene, label, p.id).filter((m) => m.type === 'line');
      expect(lines.map((m) => [m.colour, m.n]), `${p.id} ${label}`).toEqual([[colour, counts[i]]]);
      expect(lines[0].y, `${p.id} ${label}`).not.toBeNull();
    }
  });
  for (const sel of ['canvas.lr', 'canvas.batch']) expect((await canvasStats(el, sel)).inkFraction, sel).toBeGreaterThan(0.03);
  return scene;
}

// A fast configuration: N = 32, 5 learning rates and batch sizes 1 … 32 (11 points).
const QUICK = { trainPoints: 32, steps: 120, sweepPoints: 5, hiddenUnits: 8, testPoints: 300 };
// Smaller still for the two-page hash test: N = 16, 3 learning rates, B = 1 … 16 (8 points).
const TINY = { trainPoints: 16, steps: 60, sweepPoints: 3, hiddenUnits: 4, testPoints: 200, batchSize: 4 };

test('the quick sweeps fill in, draw every method and report every point', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/implicit-regularizer.html');
  const el = await ready(page, '#small');
  await el.evaluate((e, s) => e.setSettings(s), QUICK);
  // Paused part-way: a grey tick on the x axis at every point still to compute, the next one
  // orange and longer.
  const part = await el.evaluate(async (e) => { e.pause(); await e.stepOnce(); return e.snapshot; });
  expect(part.donePoints).toBeLessThan(11);
  const ticks = (await sceneOf(el)).panels.flatMap((p) => p.marks.filter((m) => m.type === 'rule' && m.length));
  expect(ticks.map((m) => [m.length, m.colour])).toEqual([[8, 'rgba(0,0,0,0.25)'], [14, ORANGE], [8, 'rgba(0,0,0,0.25)'], [14, ORANGE]]);
  expect([ticks[0].n + ticks[2].n, ticks[1].n + ticks[3].n]).toEqual([10 - part.donePoints, 1]);
  const snap = await el.evaluate((e) => e.runToEnd());
  expect(snap.donePoints).toBe(11);
  expect(snap.totalPoints).toBe(11);
  expect(await readout(el, '.r-done')).toBe('11');
  // 5 learning rates, 6 batch sizes; SGD with its ±1 SE bars.
  const scene = await expectEveryMethod(el, [5, 6]);
  expect(scene.panels[0].marks.filter((m) => m.type === 'bars').map((m) => m.colour)).toEqual([METHODS[0][1]]);
  // No point is left to compute: no ticks on the x axes.
  expect(scene.panels.flatMap((p) => p.marks.filter((m) => m.type === 'rule' && m.length).map((m) => m.n))).toEqual([0, 0, 0, 0]);
  // The readout names a best α for every method, and the table has one row per point.
  for (const cls of ['.r-best-sgd', '.r-best-gd', '.r-best-reg']) expect(await readout(el, cls)).toMatch(/^\d+\.\d% at α = [\d.]+$/);
  await expect(el.locator('table.points tbody tr')).toHaveCount(11);
  // At B = N SGD is full-batch GD: its test loss equals GD's, so the B-sweep readout ends equal.
  const ends = (cls) => readout(el, cls).then((t) => t.split(' → ')[1]);
  expect(await ends('.r-b-sgd')).toBe(await ends('.r-b-gd'));
  // Switching the plot (now the `view` setting) redraws: test loss solid, training loss dashed.
  await el.locator('select.quantity').selectOption('loss');
  await expect.poll(async () => (await sceneOf(el)).panels[0].y.label).toBe('cross-entropy (nats)');
  const lines = (await sceneOf(el)).panels[0].marks.filter((m) => m.type === 'line');
  expect(lines.map((m) => m.dash.length > 0)).toEqual([false, true, false, true, false, true]);
  // The teacher-mode embed shows only the batch size.
  const shown = await el.evaluate((e) => [...e.shadowRoot.querySelectorAll('.control')].filter((c) => !c.hidden).map((c) => c.dataset.name));
  expect(shown).toEqual(['batchSize']);
  con.check();
});

test('changing B recomputes the α sweep, reuses the cached B sweep, and bad values name the field', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/implicit-regularizer.html');
  const el = await ready(page, '#small');
  await el.evaluate((e, s) => e.setSettings(s), QUICK);
  await el.evaluate((e) => e.runToEnd());
  const best = await readout(el, '.r-loss-sgd');
  const bSweep = await readout(el, '.r-b-reg');
  await control(el, 'batchSize').box.selectOption('2');
  // The 6 batch-sweep points do not depend on the α sweep's B: they come from the worker's cache.
  await expect.poll(() => el.evaluate((e) => e.snapshot.donePoints)).toBeGreaterThanOrEqual(6);
  await el.evaluate((e) => e.runToEnd());
  expect(await readout(el, '.r-b-reg')).toBe(bSweep);
  expect(await readout(el, '.r-loss-sgd')).not.toBe(best);
  // B above N is rejected with a message naming the field; the last valid value stays.
  const r = await el.evaluate((e) => e.setSettings({ batchSize: 64 }));
  expect(r.ok).toBe(false);
  await expect(control(el, 'batchSize').error).toContainText('batchSize must be at most trainPoints (32)');
  expect(await el.evaluate((e) => e.settings.batchSize)).toBe('2');
  // A non-number in a text box on the full widget.
  const full = await ready(page, '#full');
  const steps = control(full, 'steps');
  await steps.box.fill('many');
  await steps.box.press('Enter');
  await expect(steps.error).toContainText('steps must be a whole number from 10 to 20000; got "many"');
  con.check();
});

test('on the lab page the state round-trips through the URL hash', async ({ page, context }) => {
  const con = watchConsole(page);
  await page.goto('index.html#implicit-regularizer');
  const el = await ready(page, '#implicit-reg-widget');
  await el.evaluate((e, s) => e.setSettings({ ...s, seed: 7, learningRate: 0.5 }), TINY);
  await el.evaluate((e) => e.runToEnd());
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('implicit-reg.seed=7');
  expect(hash).toContain('implicit-reg.trainPoints=16');
  const loss = await readout(el, '.r-loss-reg');
  const page2 = await context.newPage();
  await page2.goto(`index.html${hash}`);
  const el2 = await ready(page2, '#implicit-reg-widget');
  const s2 = await el2.evaluate((e) => e.settings);
  expect(s2).toMatchObject({ seed: '7', learningRate: '0.5', trainPoints: '16', steps: '60' });
  await el2.evaluate((e) => e.runToEnd());
  // Same seed and settings: the same numbers.
  expect(await readout(el2, '.r-loss-reg')).toBe(loss);
  expect(loss).toMatch(/^\d+\.\d{3}$/);
  con.check();
});

// ---- issue 17, finding 2: the default state teaches Smith et al.'s claim ---------------------

/** The three methods' numbers as the readout shows them (training loss at the largest α). */
async function trainLossAtTop(el) {
  const n = async (cls) => Number(await readout(el, cls));
  return { S: await n('.r-train-sgd'), R: await n('.r-train-reg'), G: await n('.r-train-gd') };
}
const verdict = (el) => el.evaluate((e) => e.shadowRoot.querySelector('.verdict').textContent);

test('default: the training-loss view shows GD on J + R tracking SGD while GD on J differs, at seeds 1, 2 and 3', async ({ page }) => {
  // The old default plotted accuracy at α up to 3 (GD on J most accurate, 85.4%, SGD at B = 1–2
  // 77–78%), with no verdict and the readout "best train accuracy at α = SGD 1.67".
  test.setTimeout(150_000);
  const con = watchConsole(page);
  await page.goto('www/examples/implicit-regularizer.html');
  const el = await ready(page, '#full');
  expect(await el.evaluate((e) => e.preset)).toBe('default');
  expect(await el.locator('select.quantity').inputValue()).toBe('trainLoss');
  expect(await el.evaluate((e) => [e.settings.learningRateMax, e.settings.learningRate])).toEqual(['1.5', '0.5']);
  for (const seed of [1, 2, 3]) {
    if (seed !== 1) await el.evaluate((e, s) => e.setSettings({ seed: s }), seed);
    await el.evaluate((e) => e.runToEnd());
    const { S, R, G } = await trainLossAtTop(el);
    // SGD with a finite α stops short of GD on J by more than 2 SE; GD on J + R lands closer.
    const se = await el.evaluate((e) => { const k = e.points(0).at(-1); return e.value(k, 'sgdTrainLossSe'); });
    expect(S - G, `seed ${seed}`).toBeGreaterThan(2 * se);
    expect(Math.abs(S - R), `seed ${seed}: |SGD − GD on J + R| < |SGD − GD on J|`).toBeLessThan(Math.abs(S - G));
    const v = await verdict(el);
    expect(v, `seed ${seed}`).toMatch(/^Training loss J at α = 1\.5 \(B = 8\): SGD [\d.]+ ± [\d.]+, GD on J \+ R [\d.]+, GD on J [\d.]+: GD on J \+ R is [\d.]+× closer to SGD than GD on J is \(batch sweep at α = 0\.5: [\d.]+× closer on average over B < N\), as Smith et al\.'s modified loss predicts\.$/);
    expect(Number(v.match(/is ([\d.]+)× closer to SGD/)[1])).toBeCloseTo(Math.abs(S - G) / Math.abs(S - R), 0);
  }
  // The readout reads correctly: each "best" names a percentage at a learning rate.
  const text = await el.evaluate((e) => e.shadowRoot.querySelector('.readout').textContent);
  expect(text).not.toContain('at α = SGD');
  for (const cls of ['.r-best-train-sgd', '.r-best-train-gd']) expect(await readout(el, cls)).toMatch(/^\d+\.\d% at α = [\d.]+$/);
  // One colour per method in the training-loss view: SGD vermillion, GD on J + R blue, GD on J ink.
  const counts = await el.evaluate((e) => [e.points(0).length, e.points(1).length]);
  await expectEveryMethod(el, counts);
  con.check();
});

test('switching the plot recomputes nothing, is a setting in the URL, and the verdict follows the view', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/implicit-regularizer.html');
  const el = await ready(page, '#small');
  await el.evaluate((e, s) => e.setSettings(s), QUICK);
  await el.evaluate((e) => e.runToEnd());
  const rows = await el.evaluate((e) => Array.from(e.rows).join(','));
  expect(await verdict(el)).toMatch(/^Training loss J at α = /);
  await el.locator('select.quantity').selectOption('accuracy');
  await expect.poll(() => verdict(el)).toMatch(/^Test accuracy at α = /);
  expect(await el.evaluate((e) => e.settings.view)).toBe('accuracy');
  expect(await el.evaluate((e) => Array.from(e.rows).join(','))).toBe(rows);
  expect(await el.evaluate((e) => e.snapshot.donePoints)).toBe(11);
  await el.evaluate((e) => e.setSettings({ view: 'regularizer' }));
  expect(await el.locator('select.quantity').inputValue()).toBe('regularizer');
  expect(await verdict(el)).toMatch(/^R\(w\) at the final weights at α = /);
  con.check();
});

test('presets: small α agrees, longer training shows the test-loss effect, accuracy is the counterpoint, α = 8 breaks the expansion', async ({ page }) => {
  test.setTimeout(240_000);
  const con = watchConsole(page);
  await page.goto('www/examples/implicit-regularizer.html');
  const el = await ready(page, '#full');
  const run = async (name, seed) => {
    const r = await el.evaluate((e, n) => e.setPreset(n), name);
    expect(r.ok, name).toBe(true);
    if (seed !== undefined) await el.evaluate((e, s) => e.setSettings({ seed: s }), seed);
    await el.evaluate((e) => e.runToEnd());
    expect(await el.evaluate((e) => e.preset)).toBe(name);
    return verdict(el);
  };
  const col = (name) => el.evaluate((e, c) => { const k = e.points(0).at(-1); return e.value(k, c); }, name);

  // Small α: the three agree (R ∝ α is negligible), and the controls show the preset's range.
  let v = await run('small-lr');
  expect(await control(el, 'learningRateMax').box.inputValue()).toBe('0.1');
  expect(await control(el, 'learningRate').box.inputValue()).toBe('0.05');
  const t = await trainLossAtTop(el);
  expect(Math.abs(t.S - t.G)).toBeLessThan(0.005);
  expect(v).toMatch(/all three agree within [\d.]+; at this small α R is negligible/);

  // Test loss after 800 steps: SGD below GD on J by > 2 SE, GD on J + R below GD on J (seeds 1, 2, 3).
  for (const seed of [1, 2, 3]) {
    v = await run('test-loss', seed);
    expect(await el.locator('select.quantity').inputValue()).toBe('loss');
    const [S, e, G, R] = await Promise.all(['sgdTestLoss', 'sgdTestLossSe', 'gdTestLoss', 'regTestLoss'].map(col));
    expect(G - S, `seed ${seed}`).toBeGreaterThan(2 * e);
    expect(R, `seed ${seed}`).toBeLessThan(G);
    expect(v, `seed ${seed}`).toMatch(/GD on J overfits as α grows while SGD, like GD on J \+ R, does not \(SGD lower by [\d.]+ SE\)/);
  }

  // Accuracy, the counterpoint: SGD is not more accurate than GD on J by 2 SE (seeds 1, 2, 3).
  for (const seed of [1, 2, 3]) {
    v = await run('accuracy', seed);
    const [S, e, G] = await Promise.all(['sgdTestAccuracy', 'sgdTestAccuracySe', 'gdTestAccuracy'].map(col));
    expect(S - G, `seed ${seed}`).toBeLessThanOrEqual(2 * e);
    expect(v, `seed ${seed}`).toMatch(/SGD is not more accurate than GD on J .*accuracy does not show the implicit regularizer \(the counterpoint\)/);
  }

  // α = 8: SGD's training loss is above ln 2 and the verdict no longer claims the modified loss.
  v = await run('large-lr');
  expect(await control(el, 'learningRateMax').box.inputValue()).toBe('8');
  expect(await col('sgdTrainLoss')).toBeGreaterThan(Math.LN2);
  expect(v).toMatch(/above ln 2 .*GD on J \+ R does not describe SGD\.$/);
  expect(v).not.toContain('as Smith et al.');
  con.check();
});

// ---- issue 21: i.i.d. minibatches in the sweeps ------------------------------------------------

test('sampling = iid: SGD draws i.i.d. batches, only its numbers change, and the legend, readout and verdict say so', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/implicit-regularizer.html');
  const el = await ready(page, '#small');
  await el.evaluate((e, s) => e.setSettings(s), TINY);
  await el.evaluate((e) => e.runToEnd());
  const rows = () => el.evaluate((e) => { const r = e.exportData(); return r.history; });
  const before = await rows();
  expect(await readout(el, '.r-sampling')).toContain('random reshuffling');
  await el.evaluate((e) => e.setSettings({ sampling: 'iid' }));
  await expect.poll(() => el.evaluate((e) => e.settings.sampling)).toBe('iid');
  await el.evaluate((e) => e.runToEnd());
  const after = await rows();
  expect(after).toHaveLength(before.length);
  // Columns: 5 sgdTrainLoss, 13 gdTrainLoss (POINT_FIELDS): GD is unchanged, SGD changes below
  // B = N and is GD at B = N.
  for (let k = 0; k < after.length; k++) {
    expect(after[k][13], `point ${k}`).toBe(before[k][13]);
    if (after[k][2] === 16) expect(Math.abs(after[k][5] - after[k][13])).toBeLessThan(1e-12);
    else expect(after[k][5], `point ${k}`).not.toBe(before[k][5]);
  }
  const scene = await sceneOf(el);
  expect(scene.legend[0]).toBe('SGD (i.i.d. batches)');
  expect(marksLabelled(scene, 'SGD (i.i.d. batches)', 'lr').filter((m) => m.type === 'line')).toHaveLength(1);
  expect(await readout(el, '.r-sampling')).toContain('i.i.d.');
  const v = await el.evaluate((e) => e.shadowRoot.querySelector('.verdict').textContent);
  expect(v).toMatch(/SGD here draws i\.i\.d\. batches, whose mean iterate follows J \+ \(α\/4\)‖∇J‖² to O\(α²\) with no tr C term; R keeps Smith et al\.'s trace term for random reshuffling \(coefficient [\d.e-]+ at this point\)/);
  con.check();
});
