// End-to-end tests of <noiselab-dropout> (issue 3) on its example page and the lab's front page,
// against the built, served lab in Debian's headless Chromium.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';

const LAB = 'index.html';
const EXAMPLE = 'www/examples/dropout.html';
const WIDGET = '#dropout-widget';
// Short runs keep the spec fast; the defaults (3000 steps) are exercised by the CLI tests.
const SHORT = { steps: 300 };

const tab = (el, view) => el.locator(`.tabs button[data-view="${view}"]`);

test('training view: heat maps, boundary, network and both loss curves draw', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  await el.evaluate((e, s) => e.setSettings(s), SHORT);
  await el.evaluate((e) => e.runToEnd());
  expect(await readout(el, '.r-step')).toBe('300');
  for (const c of ['canvas.map-dropout', 'canvas.map-plain']) {
    const s = await canvasStats(el, c);
    expect(s.width).toBeGreaterThan(200);
    expect(s.inkFraction).toBeGreaterThan(0.4); // the heat map fills the plot
    expect(s.colours).toBeGreaterThan(15);
    expect(s.near).toBeGreaterThan(50); // vermillion class-1 points / shading
  }
  // Different nets, different pictures.
  expect((await canvasStats(el, 'canvas.map-dropout')).hash).not.toBe((await canvasStats(el, 'canvas.map-plain')).hash);
  // Network diagram: kept units blue and dropped units grey after a step.
  const net = await canvasStats(el, 'canvas.net', [200, 200, 200]);
  expect(net.near).toBeGreaterThan(20);
  expect((await canvasStats(el, 'canvas.net', [0, 114, 178])).near).toBeGreaterThan(20);
  await expect(el.locator('.net-note')).toContainText('units dropped');
  for (const c of ['canvas.loss-train', 'canvas.loss-test']) {
    expect((await canvasStats(el, c)).near).toBeGreaterThan(100); // the dropout curve (vermillion)
    expect((await canvasStats(el, c, [0, 114, 178])).near).toBeGreaterThan(100); // the plain curve
  }
  const text = await el.locator('.readout').textContent();
  expect(text).not.toContain('NaN');
  expect(Number(await readout(el, '.r-test'))).toBeGreaterThan(0);
  con.check();
});

test('test-time view: curves, band and members draw; the K slider changes the numbers', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  await el.evaluate((e, s) => e.setSettings(s), SHORT);
  await el.evaluate((e) => e.runToEnd());
  await tab(el, 'test-time').click();
  await expect.poll(() => readout(el, '.r-k')).toBe('16');
  const curve = await canvasStats(el, 'canvas.tt-curve');
  expect(curve.near).toBeGreaterThan(100);
  expect((await canvasStats(el, 'canvas.tt-gap')).colours).toBeGreaterThan(8);
  const members = await canvasStats(el, 'canvas.members');
  expect(members.inkFraction).toBeGreaterThan(0.2);
  await expect(el.locator('.members-note')).toContainText('D = 128');
  const gap16 = await readout(el, '.r-gap');
  // The slider: K = 2.
  await el.locator('.k-slider').evaluate((s) => { s.value = '2'; s.dispatchEvent(new Event('change')); });
  await expect.poll(() => readout(el, '.r-k')).toBe('2');
  expect(await readout(el, '.r-gap')).not.toBe(gap16);
  expect(await el.evaluate((e) => e.settings.testK)).toBe('2');
  con.check();
});

test('test-time view on a small 1-D net shows the exact 2^D average', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#testtime');
  await el.evaluate((e) => e.setSettings({ steps: 400 }));
  await el.evaluate((e) => e.runToEnd());
  await expect.poll(() => readout(el, '.r-exact-gap')).not.toBe('');
  expect(Number(await readout(el, '.r-exact-gap'))).toBeGreaterThan(0);
  expect((await canvasStats(el, 'canvas.tt-curve', [0, 158, 115])).near).toBeGreaterThan(30); // exact (green)
  await expect(el.locator('.members-note')).toContainText('2^9 = 512');
  // Only the chosen view is shown, without tabs.
  expect(await el.locator('.tabs').count()).toBe(0);
  con.check();
});

test('regularizer view: R(w) over training and linear regression against the closed forms', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  await el.evaluate((e, s) => e.setSettings(s), SHORT);
  await el.evaluate((e) => e.runToEnd());
  await tab(el, 'regularizer').click();
  await expect(el.locator('.lin-note')).toContainText('by enumerating all 2^5 masks');
  expect((await canvasStats(el, 'canvas.reg-curve')).near).toBeGreaterThan(100);
  expect((await canvasStats(el, 'canvas.lin-bars', [0, 158, 115])).near).toBeGreaterThan(100);
  const dist = Number(await readout(el, '.r-lin-dist'));
  expect(dist).toBeGreaterThan(0);
  expect(dist).toBeLessThan(0.2);
  const reg = await readout(el, '.r-reg');
  // ρ changes the regularizer (a fresh run) and the linear-regression solutions.
  const note = await el.locator('.lin-note').textContent();
  await el.evaluate((e) => e.setSettings({ dropoutRate: 0.2 }));
  await expect(el.locator('.lin-note')).not.toHaveText(note);
  await el.evaluate((e) => e.runToEnd());
  expect(await readout(el, '.r-reg')).not.toBe(reg);
  con.check();
});

test('Wei view: the four rules train in the worker with progress and an honest finding', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  await el.evaluate((e) => e.setSettings({ steps: 200, dropK: 4 }));
  await tab(el, 'wei').click();
  await expect(el.locator('.wei-status')).toHaveText('done', { timeout: 40_000 });
  expect(await el.locator('.wei-progress').evaluate((p) => p.value)).toBe(1);
  await expect(el.locator('.wei-finding')).toContainText('Final test loss (seed 1, α = 0.3, ρ = 0.7)');
  await expect(el.locator('.wei-finding')).toContainText('DROP_4');
  const w = await canvasStats(el, 'canvas.wei-curve');
  expect(w.near).toBeGreaterThan(50);
  expect((await canvasStats(el, 'canvas.wei-curve', [0, 158, 115])).near).toBeGreaterThan(50);
  for (const c of ['.r-wei-drop1', '.r-wei-dropk', '.r-wei-knock', '.r-wei-explicit', '.r-wei-none']) {
    expect(Number(await readout(el, c))).toBeGreaterThan(0);
  }
  // The comparison runs with the preset (α = 0.3, ρ = 0.7) by default; the plain settings give other numbers.
  const preset = await readout(el, '.r-wei-drop1');
  await el.locator('select.wei-settings').selectOption('current');
  await expect(el.locator('.wei-status')).toHaveText('done', { timeout: 40_000 });
  await expect.poll(async () => { const v = await readout(el, '.r-wei-drop1'); return v !== '' && v !== preset; }, { timeout: 40_000 }).toBe(true);
  await expect(el.locator('.wei-finding')).toContainText('Final test loss (seed 1):');
  con.check();
});

test('clicking the map adds a point; shift-click removes one', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  expect(await readout(el, '.r-points')).toBe('40');
  const map = el.locator('canvas.map-dropout');
  const box = await map.boundingBox();
  await map.click({ position: { x: box.width * 0.6, y: box.height * 0.4 } });
  await expect.poll(() => readout(el, '.r-points')).toBe('41');
  await map.click({ position: { x: box.width * 0.6, y: box.height * 0.4 }, modifiers: ['Shift'] });
  await expect.poll(() => readout(el, '.r-points')).toBe('40');
  await map.click({ position: { x: box.width * 0.3, y: box.height * 0.3 } });
  await expect.poll(() => readout(el, '.r-points')).toBe('41');
  await el.locator('button[data-name="restoreData"]').click();
  await expect.poll(() => readout(el, '.r-points')).toBe('40');
  // The keyboard alternative: arrows move the cross, Enter adds, Delete removes.
  await map.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect.poll(() => readout(el, '.r-points')).toBe('41');
  await page.keyboard.press('Delete');
  await expect.poll(() => readout(el, '.r-points')).toBe('40');
  con.check();
});

test('invalid ρ, K and batch size show a message naming the field', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  const before = await el.evaluate((e) => e.settings);
  const cases = [['dropoutRate', '1', 'dropoutRate'], ['dropoutRate', '-0.1', 'dropoutRate'], ['dropK', '0', 'dropK'], ['batchSize', '100', 'batchSize']];
  for (const [name, bad, field] of cases) {
    const c = control(el, name);
    await c.box.fill(bad);
    await c.box.press('Enter');
    await expect(c.error).toContainText(field);
    await expect(c.box).toHaveAttribute('aria-invalid', 'true');
  }
  await expect(control(el, 'batchSize').error).toContainText('trainPoints (40)');
  expect(await el.evaluate((e) => e.settings)).toEqual(before);
  con.check();
});

test('the URL hash round-trips to identical settings and numbers on the front page', async ({ page, context }) => {
  const con = watchConsole(page);
  await page.goto(LAB);
  const el = await ready(page, WIDGET);
  await el.evaluate((e) => e.setSettings({ dropoutRate: 0.3, seed: 77, steps: 200, task: 'moons', hidden: '32,32' }));
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('dropout.dropoutRate=0.3');
  expect(hash).toContain('dropout.seed=77');
  const settings = await el.evaluate((e) => e.settings);
  const snap = await el.evaluate((e) => e.runToEnd());
  const page2 = await context.newPage();
  await page2.goto(`${LAB}${hash}`);
  const el2 = await ready(page2, WIDGET);
  expect(await el2.evaluate((e) => e.settings)).toEqual(settings);
  const snap2 = await el2.evaluate((e) => e.runToEnd());
  expect(snap2).toEqual(snap);
  expect(snap2.stepsDone).toBe(200);
  con.check();
});
