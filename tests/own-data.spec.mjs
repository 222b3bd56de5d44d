// "Your data" (issue 20) in the five data-driven widgets (www/lib/data-input.js): a CSV file read
// by the core's parser in the worker (the CLI's --data parser) sets the `data` setting; a bad or
// too large file changes nothing and says why (line and column); small data sets travel in the
// link (compact), large ones are named and asked for again; the settings file carries the data.
import { test, expect } from '@playwright/test';
import { watchConsole, ready, readout } from './helpers.mjs';
import { sceneOf } from './scene.mjs';

// ---- test files, made here (deterministic) ------------------------------------------------------

/** A small deterministic generator (mulberry32) and its Gaussian. */
function rng(seed) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { u, g: () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u()) };
}
const r3 = (v) => Number(v.toFixed(3));
const csv = (header, rows, sep = ',') => `${[header, ...rows].map((r) => r.join(sep)).join('\n')}\n`;

/** XOR-like classes, with an id column the parser ignores: 80 rows → 60 train, 20 test. */
function xorCsv(n = 80, seed = 1) {
  const { u } = rng(seed);
  return csv(['id', 'x1', 'x2', 'y'], Array.from({ length: n }, (_, i) => {
    const x1 = r3(2 * u() - 1), x2 = r3(2 * u() - 1);
    return [i + 1, x1, x2, x1 * x2 > 0 ? 1 : 0];
  }));
}
/** Two moons with a split column: 32 train, 32 test (implicit-reg needs 16, 32, 64 or 128). */
function moonsCsv(seed = 2) {
  const { u, g } = rng(seed);
  return csv(['x1', 'x2', 'y', 'split'], Array.from({ length: 64 }, (_, i) => {
    const y = i % 2, a = Math.PI * u();
    const x1 = Math.cos(a) + y + 0.15 * g(), x2 = (y ? 0.5 - Math.sin(a) : Math.sin(a)) + 0.15 * g();
    return [r3(x1), r3(x2), y, i < 32 ? 'train' : 'test'];
  }));
}
/** A 1-D regression in two clusters (x in [−4.5, 4.5]), headed x, t: 31 points. */
function clustersCsv(seed = 3) {
  const { u, g } = rng(seed);
  return csv(['x', 't'], Array.from({ length: 31 }, (_, i) => {
    const x = i % 2 ? -3 + 1.5 * u() : 1.5 + 1.5 * u();
    return [r3(x), r3(0.5 * x + Math.sin(x) + 0.1 * g())];
  }));
}
/** Two Gaussian blobs for the logistic regression, `;`-separated, label column: 30 points. */
function blobsCsv(n = 30, seed = 4) {
  const { g } = rng(seed);
  return csv(['x1', 'x2', 'label'], Array.from({ length: n }, (_, i) => {
    const y = i % 2;
    return [r3((y ? 1.2 : -1) + 0.9 * g()), r3((y ? -0.8 : 0.9) + 0.9 * g()), y];
  }), ';');
}
/** Random classification rows with six decimals (they compress badly): a link too long. */
function bigCsv(n = 2000, seed = 5) {
  const { u } = rng(seed);
  return csv(['x1', 'x2', 'y'], Array.from({ length: n }, () => [(4 * u() - 2).toFixed(6), (4 * u() - 2).toFixed(6), u() < 0.5 ? 0 : 1]));
}

const file = (name, text) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

// ---- helpers ----------------------------------------------------------------------------------

async function open(page, kind, hash = '') {
  await page.goto(`www/frame.html?widget=${kind}${hash}`);
  return ready(page, `noiselab-${kind}`);
}
const pick = (el, f) => el.locator('.control-data input.data-file').setInputFiles(f);
const badge = (el) => el.locator('.data-badge');
const dataError = (el) => el.locator('.control-data .error');
const settingsOf = (el) => el.evaluate((e) => e.settings);
const rowsOf = (el) => el.evaluate((e) => e.settings.data.split(';').length);
/** The `why` line of a control disabled while your data is in use. */
const why = (el, name) => el.locator(`.control[data-name="${name}"] .why`);

// ---- the five widgets ---------------------------------------------------------------------------

const CASES = [
  {
    kind: 'dropout', title: 'dropout, classification', name: 'xor.csv', text: xorCsv(), rows: 80,
    summary: 'Your data: 60 train, 20 test (every fourth row is a test row) from xor.csv; columns x1, x2, y; ignored: id',
    seeded: ['trainPoints', 'noise'],
    async check(el) {
      await expect.poll(() => readout(el, '.r-points')).toBe('60');
      expect(await el.evaluate((e) => e.snapshot.trainPoints)).toBe(60);
    },
  },
  {
    // An x, t file on the default (classification) task: the task follows the file's columns.
    kind: 'dropout', title: 'dropout, regression', name: 'clusters.csv', text: clustersCsv(), rows: 31,
    summary: 'Your data: 24 train, 7 test (every fourth row is a test row) from clusters.csv; columns x, t; task set to regression for its columns',
    seeded: ['trainPoints', 'testPoints'],
    async check(el) {
      expect(await el.evaluate((e) => e.settings.task)).toBe('regression');
      await expect.poll(() => readout(el, '.r-points')).toBe('24');
    },
  },
  {
    kind: 'bayes-regression', name: 'clusters.csv', text: clustersCsv(), rows: 31,
    summary: 'Your data: 31 points from clusters.csv; columns x, t', seeded: ['dataPoints'],
    async check(el) {
      await expect.poll(() => readout(el, '.r-n')).toBe('31');
      // The data drawn are the file's (31 points, x within the clusters).
      const dots = (await sceneOf(el)).panels[0].marks.filter((m) => m.label === 'data');
      expect(dots[0].n).toBe(31);
      expect(dots[0].x[0]).toBeGreaterThanOrEqual(-3);
      expect(dots[0].x[1]).toBeLessThanOrEqual(3);
    },
  },
  {
    kind: 'logreg-posterior', name: 'blobs.csv', text: blobsCsv(), rows: 30,
    summary: 'Your data: 30 points from blobs.csv; columns x1, x2, label', seeded: ['dataPoints', 'trueWeight1'],
    async check(el) {
      await expect.poll(() => readout(el, '.r-n')).toBe('30');
      expect(await el.locator('.readout').textContent()).toContain('your data');
      const scene = await sceneOf(el);
      // No generating weight for your data; its 30 points drawn (each as a ring and a dot).
      expect(scene.legend).not.toContain('generating weight w_true');
      expect(scene.panels[1].marks.filter((m) => m.type === 'dots' && m.colour === '#fff').reduce((n, m) => n + m.n, 0)).toBe(30);
    },
  },
  {
    kind: 'sharpness', name: 'moons.csv', text: moonsCsv(), rows: 64,
    summary: 'Your data: 32 train, 32 test (split column) from moons.csv; columns x1, x2, y, split; largeBatch set to 32 (its training rows)',
    seeded: ['trainPoints', 'labelNoise'],
    async check(el) {
      expect(await el.evaluate((e) => e.settings.largeBatch)).toBe('32');
      // Epochs are counted over your training rows: 2,000 steps of B = 8 over 32 rows.
      await expect(el.locator('.regime')).toContainText('500 and 2,000 epochs');
    },
  },
  {
    kind: 'implicit-reg', name: 'moons.csv', text: moonsCsv(), rows: 64,
    summary: 'Your data: 32 train, 32 test (split column) from moons.csv; columns x1, x2, y, split', seeded: ['task', 'trainPoints'],
    async check(el) {
      await expect.poll(() => el.evaluate((e) => e.snapshot?.trainPoints)).toBe(32);
    },
  },
];

for (const c of CASES) {
  test(`${c.title ?? c.kind}: a CSV from the file picker is the run's data, said in the figure's readout`, async ({ page }) => {
    const con = watchConsole(page);
    const el = await open(page, c.kind);
    await expect(el.locator('.control-data .data-help')).toContainText('100 columns and 1 MiB.');
    await expect(badge(el)).toBeHidden();
    await pick(el, file(c.name, c.text));
    await expect(badge(el)).toHaveText(c.summary);
    expect(await rowsOf(el)).toBe(c.rows);
    await expect(el.locator('.control-data .data-summary')).toHaveText(`In use: ${c.summary[0].toLowerCase()}${c.summary.slice(1)}.`);
    // The seeded data's settings are shown as not used.
    for (const name of c.seeded) await expect(why(el, name)).toContainText('not used: your data is in use');
    await c.check(el);
    // The link carries it compactly with the file's name.
    expect(decodeURIComponent(new URL(page.url()).hash)).toMatch(new RegExp(`${c.kind}\\.data=z\\.[A-Za-z0-9_-]+.*${c.kind}\\.dataName=${c.name}`));
    // "Use the built-in data" goes back to the seeded set.
    await el.locator('.control-data button.data-builtin').click();
    await expect(badge(el)).toBeHidden();
    expect(await el.evaluate((e) => e.settings.data)).toBe('');
    await expect(why(el, c.seeded[0])).toBeEmpty();
    con.check();
  });
}

// ---- paste, drop, bad and large files -----------------------------------------------------------

test('paste: the text in the paste box is parsed and used', async ({ page }) => {
  const con = watchConsole(page);
  const el = await open(page, 'logreg-posterior');
  await el.locator('.control-data button.data-paste-toggle').click();
  const box = el.locator('.control-data .data-paste textarea');
  await expect(box).toBeFocused();
  await box.fill(blobsCsv(12, 9));
  await el.locator('.control-data button.data-paste-use').click();
  await expect(badge(el)).toHaveText('Your data: 12 points; columns x1, x2, label');
  await expect.poll(() => readout(el, '.r-n')).toBe('12');
  await expect(el.locator('.control-data .data-paste')).toBeHidden();
  con.check();
});

test('drag and drop: a .csv dropped on the widget shows a drop target, then is used', async ({ page }) => {
  const con = watchConsole(page);
  const el = await open(page, 'bayes-regression');
  const text = clustersCsv(7);
  // A real DataTransfer holding a File, dispatched as the browser does: dragenter, dragover, drop.
  const dt = await page.evaluateHandle((t) => {
    const d = new DataTransfer();
    d.items.add(new File([t], 'dropped.csv', { type: 'text/csv' }));
    return d;
  }, text);
  const target = el.locator('.figure');
  await target.dispatchEvent('dragenter', { dataTransfer: dt });
  await target.dispatchEvent('dragover', { dataTransfer: dt });
  await expect(el.locator('.drop-hint')).toBeVisible();
  await expect(el.locator('.drop-hint')).toHaveText('Drop a CSV file to use it as your data');
  await target.dispatchEvent('drop', { dataTransfer: dt });
  await expect(el.locator('.drop-hint')).toBeHidden();
  await expect(badge(el)).toHaveText('Your data: 31 points from dropped.csv; columns x, t');
  await expect.poll(() => readout(el, '.r-n')).toBe('31');
  con.check();
});

test('a bad file shows the parser\'s line and column, announced, and changes nothing', async ({ page }) => {
  const con = watchConsole(page);
  const el = await open(page, 'dropout');
  await pick(el, file('xor.csv', xorCsv()));
  await expect(badge(el)).toContainText('from xor.csv');
  const before = await settingsOf(el);
  const hash = new URL(page.url()).hash;
  await pick(el, file('bad.csv', 'x1,x2,y\n0.1,0.2,1\n0.3,abc,0\n0.5,0.5,1\n'));
  await expect(dataError(el)).toHaveText('bad.csv: line 3, column "x2": "abc" is not a number. Nothing was changed.');
  await expect(dataError(el)).toHaveAttribute('role', 'alert');
  expect(await settingsOf(el)).toEqual(before);
  expect(new URL(page.url()).hash).toBe(hash);
  await expect(badge(el)).toContainText('from xor.csv');
  // A class label that is not 0 or 1, and a missing column, are named the same way.
  await pick(el, file('half.csv', 'x1,x2,y\n0.1,0.2,1\n0.3,0.4,0.5\n'));
  await expect(dataError(el)).toContainText('half.csv: line 3, column "y": "0.5" is not a class label (0 or 1)');
  await pick(el, file('cols.csv', 'a,b,c\n1,2,3\n'));
  await expect(dataError(el)).toContainText('missing column');
  expect(await settingsOf(el)).toEqual(before);
  // Not UTF-8: the core checks the file's bytes.
  await pick(el, { name: 'latin1.csv', mimeType: 'text/csv', buffer: Buffer.from([...Buffer.from('x1,x2,y\n0.1,0.2,1\n'), 0xE9, 0x2C, 0x31, 0x2C, 0x30, 0x0A]) });
  await expect(dataError(el)).toContainText('latin1.csv: not UTF-8 text (line 3');
  expect(await settingsOf(el)).toEqual(before);
  // The next good file clears the message.
  await pick(el, file('xor2.csv', xorCsv(40, 2)));
  await expect(badge(el)).toContainText('30 train, 10 test (every fourth row is a test row) from xor2.csv');
  await expect(dataError(el)).toBeHidden();
  con.check();
});

test('limits: a file over 1 MiB is refused before it is read, too many rows are refused by the parser, without a freeze', async ({ page }) => {
  const con = watchConsole(page);
  const el = await open(page, 'dropout');
  await expect(el.locator('.control-data .data-help')).toHaveText('A CSV file whose header row names x1, x2, y (0 or 1) and optionally split (train or test). At most 2,000 rows, 100 columns and 1 MiB.');
  await expect(el.locator('.control-data .data-more p')).toContainText('without it every fourth data row is a test row');
  const before = await settingsOf(el);
  const huge = `x1,x2,y\n${'0.123456,0.654321,1\n'.repeat(60000)}`; // 1.2 MB
  const t0 = Date.now();
  await pick(el, file('huge.csv', huge));
  await expect(dataError(el)).toContainText('huge.csv: file too large: 1,200,008 bytes (at most 1 MiB = 1,048,576 bytes). Nothing was changed.');
  // The page stayed responsive: the refusal came at once, and a frame is drawn right after.
  expect(Date.now() - t0).toBeLessThan(5000);
  await page.evaluate(() => new Promise(requestAnimationFrame));
  await pick(el, file('rows.csv', bigCsv(2001)));
  await expect(dataError(el)).toContainText('rows.csv: too many rows: 2,001 (at most 2,000 for dropout)');
  expect(await settingsOf(el)).toEqual(before);
  con.check();
});

// ---- links and settings files -------------------------------------------------------------------

test('a link carries small data compactly: reload gives the same data and the same numbers; Copy link and the iframe embed too', async ({ page }) => {
  const con = watchConsole(page);
  let el = await open(page, 'logreg-posterior');
  await pick(el, file('blobs.csv', blobsCsv()));
  await expect(badge(el)).toContainText('from blobs.csv');
  const data = await el.evaluate((e) => e.settings.data);
  const numbers = await el.evaluate((e) => [e.result.summary.logEvidence, e.result.summary.laplace.map]);
  const href = page.url();
  expect(href).toMatch(/#logreg-posterior\.data=z\.[A-Za-z0-9_-]+&logreg-posterior\.dataName=blobs\.csv$/);
  expect(href.length).toBeLessThan(data.length + 200); // compact: shorter than the plain rows
  expect(await el.evaluate((e) => e.shareText())).toContain(new URL(href).hash.slice(1));
  const embed = await el.evaluate((e) => e.embedText());
  const src = /<iframe src="([^"]+)"/.exec(embed)[1].replace(/&amp;/g, '&');
  expect(src).toContain('logreg-posterior.data=z.');
  await page.reload();
  el = await ready(page, 'noiselab-logreg-posterior');
  expect(await el.evaluate((e) => e.settings.data)).toBe(data);
  expect(await el.evaluate((e) => [e.result.summary.logEvidence, e.result.summary.laplace.map])).toEqual(numbers);
  await expect(badge(el)).toHaveText('Your data: 30 rows from blobs.csv (from the link)');
  await expect(why(el, 'dataPoints')).toContainText('not used');
  // The link written back is the same.
  expect(page.url()).toBe(href);
  // The embed's iframe (frame.html with the data and the seed in its hash) shows the same run.
  await page.goto(src);
  el = await ready(page, 'noiselab-logreg-posterior');
  expect(await el.evaluate((e) => [e.settings.data, e.result.summary.logEvidence])).toEqual([data, numbers[0]]);
  // Plain text in a link still reads (hand-written or made before the compact form).
  await page.goto('www/frame.html?widget=logreg-posterior#logreg-posterior.data=1%202%201%3B%20-1%20-2%200%3B%200.5%201%201');
  el = await ready(page, 'noiselab-logreg-posterior');
  await expect.poll(() => readout(el, '.r-n')).toBe('3');
  // A cut compact link says so and runs the built-in data.
  await page.goto('www/frame.html?widget=logreg-posterior#logreg-posterior.data=z.AAAA');
  el = await ready(page, 'noiselab-logreg-posterior');
  await expect(dataError(el)).toContainText('the link\'s data could not be read');
  expect(await el.evaluate((e) => e.settings.data)).toBe('');
  con.check();
});

test('a large file\'s link names it and asks for it again; the built-in data runs until then', async ({ page }) => {
  const con = watchConsole(page);
  let el = await open(page, 'dropout');
  const big = bigCsv();
  await pick(el, file('big.csv', big));
  await expect(badge(el)).toContainText('1,500 train, 500 test (every fourth row is a test row) from big.csv');
  const hash = new URL(page.url()).hash;
  expect(hash).toContain('dropout.dataName=big.csv');
  expect(hash).not.toContain('dropout.data=');
  expect(page.url().length).toBeLessThan(500);
  await page.reload();
  el = await ready(page, 'noiselab-dropout');
  const asked = el.locator('.control-data .data-asked');
  await expect(asked).toBeVisible();
  await expect(asked).toContainText('This link used your data file “big.csv”: load it again');
  expect(await el.evaluate((e) => e.settings.data)).toBe('');
  await expect.poll(() => readout(el, '.r-points')).toBe('40'); // the built-in data
  // The link still names the file while it is asked for.
  expect(new URL(page.url()).hash).toContain('dropout.dataName=big.csv');
  const chooser = page.waitForEvent('filechooser');
  await asked.locator('button').click();
  await (await chooser).setFiles(file('big.csv', big));
  await expect(asked).toBeHidden();
  await expect.poll(() => readout(el, '.r-points')).toBe('1500');
  con.check();
});

test('the settings file carries the data in full and its file name; loading it restores both', async ({ page }) => {
  const con = watchConsole(page);
  let el = await open(page, 'bayes-regression');
  await pick(el, file('clusters.csv', clustersCsv()));
  await expect(badge(el)).toContainText('from clusters.csv');
  const download = page.waitForEvent('download');
  await el.locator('details.export > summary').click();
  await el.locator('button[data-name="saveSettings"]').click();
  const doc = JSON.parse(await (await (await download).createReadStream()).toArray().then((b) => Buffer.concat(b).toString()));
  const data = await el.evaluate((e) => e.settings.data);
  expect(doc.settings.data).toBe(data);
  expect(doc.dataName).toBe('clusters.csv');
  await page.goto('www/frame.html?widget=bayes-regression');
  el = await ready(page, 'noiselab-bayes-regression');
  await el.evaluate((e, t) => e.loadSettingsText(t), JSON.stringify(doc));
  expect(await el.evaluate((e) => e.settings.data)).toBe(data);
  await expect(badge(el)).toHaveText('Your data: 31 rows from clusters.csv (from the settings file)');
  await expect.poll(() => readout(el, '.r-n')).toBe('31');
  con.check();
});

// ---- the data module (issue 22, W4) ---------------------------------------------------------------

test('the parser is the data module\'s: a page without data never fetches it, a link\'s data need not, the first file does', async ({ page }) => {
  const con = watchConsole(page);
  const fetched = [];
  // Requests of the page and of its workers (the worker loads the data module).
  page.context().on('request', (r) => { if (/\/pkg\/data\//.test(r.url())) fetched.push(new URL(r.url()).pathname.replace(/.*\/pkg\//, 'pkg/')); });
  let el = await open(page, 'dropout');
  // The help comes from the core's spec (the family's module): columns and limits.
  await expect(el.locator('.control-data .data-help')).toHaveText('A CSV file whose header row names x1, x2, y (0 or 1) and optionally split (train or test). At most 2,000 rows, 100 columns and 1 MiB.');
  expect(fetched).toEqual([]);
  await pick(el, file('xor.csv', xorCsv()));
  await expect(badge(el)).toContainText('from xor.csv');
  expect(fetched.sort()).toEqual(['pkg/data/noiselab_wasm.js', 'pkg/data/noiselab_wasm_bg.wasm']);
  const href = page.url();
  const data = await el.evaluate((e) => e.settings.data);
  fetched.length = 0;
  await page.reload();
  el = await ready(page, 'noiselab-dropout');
  // Its link's compact data, decoded and checked by the family's module: nothing to parse.
  expect(href).toContain('dropout.data=z.');
  await expect(badge(el)).toHaveText('Your data: 80 rows from xor.csv (from the link)');
  expect(await el.evaluate((e) => e.settings.data)).toBe(data);
  // The seeded data's settings (the core's spec) are shown as not used.
  await expect(why(el, 'trainPoints')).toContainText('not used: your data is in use');
  expect(fetched).toEqual([]);
  // A second file in the same widget: the data module is loaded once.
  await pick(el, file('xor2.csv', xorCsv(40, 2)));
  await expect(badge(el)).toContainText('from xor2.csv');
  await pick(el, file('xor3.csv', xorCsv(48, 3)));
  await expect(badge(el)).toContainText('from xor3.csv');
  expect(fetched.filter((f) => f.endsWith('.wasm'))).toEqual(['pkg/data/noiselab_wasm_bg.wasm']);
  con.check();
});
