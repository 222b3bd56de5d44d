// End-to-end tests of <noiselab-implicit-reg> (Smith et al. 2021; SCIENCE.md §10) on its
// example page and the lab page.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';

const VERMILLION = [213, 94, 0]; // SGD
const BLUE = [0, 114, 178]; // GD on J + R

// A fast configuration: N = 32, 5 learning rates and batch sizes 1 … 32 (11 points).
const QUICK = { trainPoints: 32, steps: 120, sweepPoints: 5, hiddenUnits: 8, testPoints: 300 };
// Smaller still for the two-page hash test: N = 16, 3 learning rates, B = 1 … 16 (8 points).
const TINY = { trainPoints: 16, steps: 60, sweepPoints: 3, hiddenUnits: 4, testPoints: 200, batchSize: 4 };

test('the quick sweeps fill in, draw every method and report every point', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/implicit-regularizer.html');
  const el = await ready(page, '#small');
  await el.evaluate((e, s) => e.setSettings(s), QUICK);
  const snap = await el.evaluate((e) => e.runToEnd());
  expect(snap.donePoints).toBe(11);
  expect(snap.totalPoints).toBe(11);
  expect(await readout(el, '.r-done')).toBe('11');
  for (const sel of ['canvas.lr', 'canvas.batch']) {
    const sgd = await canvasStats(el, sel, VERMILLION);
    expect(sgd.inkFraction, sel).toBeGreaterThan(0.03);
    expect(sgd.near, `${sel} SGD`).toBeGreaterThan(150);
    expect((await canvasStats(el, sel, BLUE)).near, `${sel} GD on J + R`).toBeGreaterThan(150);
  }
  // The readout names a best α for every method, and the table has one row per point.
  for (const cls of ['.r-best-sgd', '.r-best-gd', '.r-best-reg']) expect(await readout(el, cls)).toMatch(/^\d+\.\d% at α = [\d.]+$/);
  await expect(el.locator('table.points tbody tr')).toHaveCount(11);
  // At B = N SGD is full-batch GD: its test loss equals GD's, so the B-sweep readout ends equal.
  const ends = (cls) => readout(el, cls).then((t) => t.split(' → ')[1]);
  expect(await ends('.r-b-sgd')).toBe(await ends('.r-b-gd'));
  // Switching the plot to the regularizer redraws.
  const before = await canvasStats(el, 'canvas.lr');
  await el.locator('select.quantity').selectOption('loss');
  expect((await canvasStats(el, 'canvas.lr')).hash).not.toBe(before.hash);
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
