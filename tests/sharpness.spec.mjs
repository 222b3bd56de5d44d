// End-to-end tests of <noiselab-sharpness> (SCIENCE.md §1) on its example page and the lab.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';

const EXAMPLE = 'www/examples/sharpness.html';
const SMALL = [0, 114, 178]; // small-batch runs (Okabe–Ito blue)
const LARGE = [213, 94, 0]; // large-batch runs (vermillion)

test('a run to the end draws every panel with real numbers', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#epochs');
  await el.evaluate((e) => e.setSettings({ trainPoints: 128, largeBatch: 128, epochs: 12 }));
  const snapshot = await el.evaluate((e) => e.runToEnd());
  expect(snapshot.stopReason).toBe('done');
  expect(snapshot.runs).toHaveLength(4);
  for (const r of snapshot.runs) {
    expect(r.last.lambdaMax).toBeGreaterThan(0);
    expect(Number.isFinite(r.last.trace)).toBe(true);
    expect(r.last.testError).toBeGreaterThanOrEqual(0);
  }
  // Same epochs: 12·128/8 = 192 steps for B = 8, 12 for B = 128.
  expect(snapshot.runs.map((r) => r.totalSteps)).toEqual([192, 12, 192, 12]);
  await expect(el.locator('.message')).toContainText('Small batch (B = 8)');
  for (const [canvas, colour, min] of [['canvas.curves', SMALL, 150], ['canvas.curves', LARGE, 100], ['canvas.scatter', SMALL, 60], ['canvas.scatter', LARGE, 60], ['canvas.slice', SMALL, 150], ['canvas.rescale', LARGE, 150], ['canvas.func', LARGE, 100]]) {
    const s = await canvasStats(el, canvas, colour);
    expect(s.width, canvas).toBeGreaterThan(200);
    expect(s.inkFraction, canvas).toBeGreaterThan(0.02);
    expect(s.near, `${canvas} ${colour}`).toBeGreaterThan(min);
  }
  const lambda = await el.evaluate((e) => [...e.shadowRoot.querySelectorAll('.r-lambda')].map((b) => b.textContent));
  expect(lambda).toHaveLength(4);
  for (const t of lambda) expect(Number(t)).toBeGreaterThan(0);
  // Changing the quantity redraws the curves.
  const before = await canvasStats(el, 'canvas.curves');
  await el.locator('select.quantity').selectOption('testLoss');
  expect((await canvasStats(el, 'canvas.curves')).hash).not.toBe(before.hash);
  con.check();
});

test('rescaling a changes λ_max but not the function, the loss or the carried-prior KL', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#epochs');
  const at1 = { lambda: await readout(el, '.r-rescale-lambda'), loss: await readout(el, '.r-loss'), kl: await readout(el, '.r-kl') };
  expect(await readout(el, '.r-a')).toBe('1.00');
  const func = await canvasStats(el, 'canvas.func');
  const a = control(el, 'rescale');
  await a.box.fill('10');
  await a.box.press('Enter');
  await expect.poll(() => readout(el, '.r-a')).toBe('10.00');
  const lambda10 = Number(await readout(el, '.r-rescale-lambda'));
  expect(lambda10).toBeGreaterThan(20 * Number(at1.lambda));
  // Equal to rounding (the demo net interpolates: J = 0 at a = 1).
  expect(Math.abs(Number(await readout(el, '.r-loss')) - Number(at1.loss))).toBeLessThan(1e-12);
  expect(await readout(el, '.r-kl')).toBe(at1.kl);
  expect(Number(await readout(el, '.r-change'))).toBeLessThan(1e-12);
  // The function panel is pixel-identical: the curve at a = 10 lies on the curve at a = 1.
  expect((await canvasStats(el, 'canvas.func')).hash).toBe(func.hash);
  // Small a: sharp again, through the layer-1 block.
  await a.box.fill('0.25');
  await a.box.press('Enter');
  await expect.poll(() => readout(el, '.r-a')).toBe('0.25');
  expect(Number(await readout(el, '.r-rescale-lambda'))).toBeGreaterThan(Number(at1.lambda));
  // Out of range: the message names the field and its range; the last valid value stays.
  await a.box.fill('20');
  await a.box.press('Enter');
  await expect(a.error).toContainText('rescale must be a number in [0.25, 10]; got 20');
  expect(await el.evaluate((e) => e.settings.rescale)).toBe('0.25');
  con.check();
});

test('the budget confound changes the steps; bad batch sizes are named; teacher mode', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#steps');
  const shown = await el.evaluate((e) => [...e.shadowRoot.querySelectorAll('.control')].filter((c) => !c.hidden).map((c) => c.dataset.name));
  expect(shown).toEqual(['budget', 'batchNorm', 'rescale']);
  const full = await ready(page, '#epochs');
  expect(await full.evaluate((e) => e.readoutEl.textContent)).toContain('/ 640');
  const budget = control(full, 'budget');
  await budget.box.selectOption('steps');
  await expect.poll(() => full.evaluate((e) => e.readoutEl.textContent)).toContain('/ 1000');
  const small = control(full, 'smallBatch');
  await small.box.fill('0');
  await small.box.press('Enter');
  await expect(small.error).toContainText('smallBatch');
  const large = control(full, 'largeBatch');
  await large.box.fill('5000');
  await large.box.press('Enter');
  await expect(large.error).toContainText('largeBatch must be');
  expect(await full.evaluate((e) => e.settings.largeBatch)).toBe('256');
  // Batch-norm statistics on: a fresh run with finite sharpness after a few steps.
  const bn = control(full, 'batchNorm');
  await bn.box.selectOption('on');
  await expect.poll(() => full.evaluate((e) => e.settings.batchNorm)).toBe('on');
  for (let i = 0; i < 3; i++) await full.evaluate((e) => e.stepOnce());
  expect(await full.evaluate((e) => e.readoutEl.textContent)).toContain('step 3');
  con.check();
});

test('on the lab page the state round-trips through the URL hash', async ({ page, context }) => {
  const con = watchConsole(page);
  await page.goto('index.html#sharp-flat');
  const el = await ready(page, '#sharpness-widget');
  await el.evaluate((e) => e.setSettings({ rescale: 3, budget: 'steps', seed: 7 }));
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('sharp.rescale=3');
  expect(hash).toContain('sharp.budget=steps');
  const lambda = await readout(el, '.r-rescale-lambda');
  const page2 = await context.newPage();
  await page2.goto(`index.html${hash}`);
  const el2 = await ready(page2, '#sharpness-widget');
  const s = await el2.evaluate((e) => e.settings);
  expect([s.rescale, s.budget, s.seed]).toEqual(['3', 'steps', '7']);
  await expect.poll(() => readout(el2, '.r-rescale-lambda')).toBe(lambda);
  con.check();
});
