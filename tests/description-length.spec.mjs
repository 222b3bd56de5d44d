// End-to-end tests of <noiselab-description-length> (SCIENCE.md §4) on its example page and the lab.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';

const GREEN = [0, 158, 115]; // KL in bits
const ORANGE = [230, 159, 0]; // Langford–Seeger bound

async function runToEnd(el) {
  await el.scrollIntoViewIfNeeded(); // widgets pause off screen
  await el.evaluate((e) => e.play());
  await expect.poll(async () => readout(el, '.r-step'), { timeout: 30000 }).toBe(await el.evaluate((e) => e.settings.steps));
}

test('training draws the ELBO, the bits and the bounds; bound ≥ training error', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/description-length.html');
  const el = await ready(page, '#full');
  await el.evaluate((e) => e.setSettings({ steps: 400 }));
  await runToEnd(el);
  expect((await canvasStats(el, 'canvas.kl', GREEN)).near).toBeGreaterThan(100);
  expect((await canvasStats(el, 'canvas.bounds', ORANGE)).near).toBeGreaterThan(100);
  expect((await canvasStats(el, 'canvas.elbo')).inkFraction).toBeGreaterThan(0.03);
  const train = Number(await readout(el, '.r-train'));
  const ls = Number(await readout(el, '.r-ls'));
  const mca = Number(await readout(el, '.r-mcallester'));
  const test_ = Number(await readout(el, '.r-test'));
  expect(ls).toBeGreaterThan(train);
  expect(mca).toBeGreaterThanOrEqual(ls);
  expect(ls).toBeGreaterThan(test_);
  expect(ls).toBeLessThan(1);
  // bits = nats / ln 2.
  const nats = Number(await readout(el, '.r-kl-nats'));
  const bits = Number(await readout(el, '.r-kl-bits'));
  expect(Math.abs(bits - nats / Math.LN2)).toBeLessThan(0.01);
  con.check();
});

test('the prior variance slider changes the bits; bad values are rejected; the sweep runs with progress', async ({ page }) => {
  test.setTimeout(90000); // the sweep trains 13 runs; the shared test machine can be slow
  const con = watchConsole(page);
  await page.goto('www/examples/description-length.html');
  const el = await ready(page, '#full');
  await el.evaluate((e) => e.setSettings({ steps: 100, testPoints: 200, dataPoints: 60 }));
  await runToEnd(el);
  const bits = await readout(el, '.r-kl-bits');
  const eta = control(el, 'priorVariance');
  await eta.box.fill('0.01');
  await eta.box.press('Enter');
  await expect.poll(() => readout(el, '.r-step')).toBe('0');
  await runToEnd(el);
  expect(await readout(el, '.r-kl-bits')).not.toBe(bits);
  const delta = control(el, 'confidence');
  await delta.box.fill('0.7');
  await delta.box.press('Enter');
  await expect(delta.error).toContainText('confidence must be a number in (0, 0.5]; got 0.7');
  const before = await canvasStats(el, 'canvas.sweep', ORANGE);
  await el.evaluate((e) => e.shadowRoot.querySelector('button[data-name="sweep"]').click());
  await expect(el.locator('.progress')).toContainText('Sweep', { timeout: 5000 });
  await expect(el.locator('.progress')).toContainText('Sweep done', { timeout: 45000 });
  const after = await canvasStats(el, 'canvas.sweep', ORANGE);
  expect(after.near).toBeGreaterThan(before.near + 50);
  con.check();
});

test('on the lab page the state round-trips through the URL hash', async ({ page, context }) => {
  const con = watchConsole(page);
  await page.goto('index.html#vb-mdl');
  const el = await ready(page, '#description-length-widget');
  await el.evaluate((e) => e.setSettings({ priorVariance: 0.3, seed: 7, steps: 100 }));
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('mdl.priorVariance=0.3');
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
