// Export and import from the widget base (tested on the funnel): data as CSV and JSON, the figure
// as PNG, settings saved as JSON and loaded back (and a malformed file rejected with a message).
import { test, expect } from '@playwright/test';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { watchConsole, ready, readout } from './helpers.mjs';

const EXAMPLE = 'www/examples/funnel.html';

async function openMenu(el) {
  if (!(await el.evaluate((e) => e.shadowRoot.querySelector('details.export').open))) await el.locator('details.export > summary').click();
}

async function exportFile(page, el, name) {
  await openMenu(el);
  const [dl] = await Promise.all([page.waitForEvent('download'), el.locator(`button[data-name="${name}"]`).click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: readFileSync(file) };
}

test('data, figure and settings export; settings load back', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const el = await ready(page, '#full');
  await el.evaluate((e) => e.setSettings({ steps: 120, trajectories: 50 }));
  await el.evaluate((e) => e.runToEnd());

  const csv = await exportFile(page, el, 'exportCsv');
  expect(csv.name).toBe('noiselab-funnel-seed7.csv');
  const lines = csv.bytes.toString('utf8').trim().split('\n');
  expect(lines[0]).toBe('step,meanX,meanY,seMeanX,sdX,sdY,meanY2,seMeanY2,fractionDiverged,alive,gdX,gdY,meanCost');
  expect(lines).toHaveLength(122); // header + steps 0 … 120
  expect(lines[121].split(',')[0]).toBe('120');

  const json = JSON.parse((await exportFile(page, el, 'exportJson')).bytes.toString('utf8'));
  expect(json.settings.steps).toBe('120');
  expect(json.history).toHaveLength(121);
  expect(json.snapshot.stats.step).toBe(120);

  const png = await exportFile(page, el, 'exportPng');
  expect(png.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.bytes.length).toBeGreaterThan(20_000); // a drawn figure, not a blank image

  const saved = JSON.parse((await exportFile(page, el, 'saveSettings')).bytes.toString('utf8'));
  expect(saved.widget).toBe('noiselab-funnel');
  expect(saved.settings).toEqual(await el.evaluate((e) => e.settings));

  // Change settings, then load the saved file back: the state returns exactly.
  await el.evaluate((e) => e.setSettings({ noiseStd: 0.3, seed: 99 }));
  const dir = mkdtempSync(path.join(tmpdir(), 'noiselab-'));
  const good = path.join(dir, 'settings.json');
  writeFileSync(good, JSON.stringify(saved));
  await openMenu(el);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), el.locator('button[data-name="loadSettings"]').click()]);
  await chooser.setFiles(good);
  await expect.poll(() => el.evaluate((e) => e.settings.seed)).toBe('7');
  expect(await el.evaluate((e) => e.settings)).toEqual(saved.settings);
  expect(await readout(el, '.r-step')).toBe('0');

  // A malformed file changes nothing and says why.
  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, '{ "settings": { "noiseStd": ');
  await openMenu(el);
  const [chooser2] = await Promise.all([page.waitForEvent('filechooser'), el.locator('button[data-name="loadSettings"]').click()]);
  await chooser2.setFiles(bad);
  await expect(el.locator('.message')).toContainText('not valid JSON');
  expect(await el.evaluate((e) => e.settings)).toEqual(saved.settings);
  // Out-of-range values in a file are reported at their controls.
  const range = path.join(dir, 'range.json');
  writeFileSync(range, JSON.stringify({ settings: { learningRate: 5 } }));
  await openMenu(el);
  const [chooser3] = await Promise.all([page.waitForEvent('filechooser'), el.locator('button[data-name="loadSettings"]').click()]);
  await chooser3.setFiles(range);
  await expect(el.locator('.control[data-name="learningRate"] .error')).toContainText('learningRate must be a number in (0, 1]; got 5');
  con.check();
});
