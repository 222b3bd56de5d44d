// End-to-end tests of <noiselab-sgd-posterior> (SCIENCE.md §7–§8) on its example page and the lab.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';

const EXAMPLE = 'www/examples/sgd-posterior.html';
const BLUE = [0, 114, 178]; // the exact discrete-time ellipse
const SKY = [86, 180, 233]; // the iterates
const number = async (el, cls) => Number(await readout(el, cls));

test('the cloud lands on the discrete Lyapunov ellipse, not the continuous one', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  const cloud = await canvasStats(el, 'canvas.cloud', BLUE);
  expect(cloud.inkFraction).toBeGreaterThan(0.05);
  expect(cloud.near).toBeGreaterThan(150);
  const sweep = await canvasStats(el, 'canvas.sweep', BLUE);
  expect(sweep.near).toBeGreaterThan(150);
  expect(sweep.colours).toBeGreaterThan(6);
  await el.evaluate((e) => e.runToEnd());
  expect(await number(el, '.r-step')).toBe(4000);
  // α = 0.5 on the custom H, C: the discrete prediction differs from the continuous one by ~6%.
  const [emp, se, disc, cont] = [await number(el, '.r-ratio'), await number(el, '.r-ratio-se'), await number(el, '.r-ratio-discrete'), await number(el, '.r-ratio-continuous')];
  expect(Math.abs(emp - disc)).toBeLessThan(4 * se + 0.002);
  expect(Math.abs(emp - cont)).toBeGreaterThan(Math.abs(emp - disc));
  const after = await canvasStats(el, 'canvas.cloud', SKY);
  expect(after.near).toBeGreaterThan(100);
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
  const beforePixels = await canvasStats(el, 'canvas.cloud', BLUE);
  // Dragging the slider (input events only) updates the prediction without a commit.
  await el.evaluate((e) => {
    const s = e.shadowRoot.querySelector('.control[data-name="learningRate"] input[type=range]');
    s.value = '0.2';
    s.dispatchEvent(new Event('input'));
  });
  await expect.poll(() => el.evaluate((e) => e.settings.learningRate)).toBe('0.2');
  await expect.poll(() => readout(el, '.r-ratio-discrete')).not.toBe(before);
  expect((await canvasStats(el, 'canvas.cloud', BLUE)).hash).not.toBe(beforePixels.hash);
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

test('on the lab page the state round-trips through the URL hash', async ({ page, context }) => {
  const con = watchConsole(page);
  await page.goto('index.html#sgd-implicit-vb');
  const el = await ready(page, '#sgd-posterior-widget');
  await el.evaluate((e) => e.setSettings({ method: 'sgld', learningRate: 0.02, batchSize: 8 }));
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('sgd.method=sgld');
  expect(hash).toContain('sgd.learningRate=0.02');
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
