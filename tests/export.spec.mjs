// Export and import from the widget base (tested on the funnel): data as CSV and JSON, the figure
// as PNG, settings saved as JSON and loaded back (and a malformed file rejected with a message).
import { test, expect } from '@playwright/test';
import { writeFileSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { watchConsole, ready, readout, exportFile } from './helpers.mjs';

const EXAMPLE = 'www/examples/funnel.html';

async function openMenu(el) {
  if (!(await el.evaluate((e) => e.shadowRoot.querySelector('details.export').open))) await el.locator('details.export > summary').click();
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
  expect(saved.experiment).toBe('funnel');
  // The model's settings (what the CLI reads) and the view-only ones (animation speed) apart.
  expect({ ...saved.settings, ...saved.view }).toEqual(await el.evaluate((e) => e.settings));
  expect(Object.keys(saved.view)).toEqual(['speed']);

  // Change settings, then load the saved file back: the state returns exactly.
  await el.evaluate((e) => e.setSettings({ noiseStd: 0.3, seed: 99 }));
  const dir = mkdtempSync(path.join(tmpdir(), 'noiselab-'));
  const good = path.join(dir, 'settings.json');
  writeFileSync(good, JSON.stringify(saved));
  await openMenu(el);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), el.locator('button[data-name="loadSettings"]').click()]);
  await chooser.setFiles(good);
  await expect.poll(() => el.evaluate((e) => e.settings.seed)).toBe('7');
  expect(await el.evaluate((e) => e.settings)).toEqual({ ...saved.settings, ...saved.view });
  expect(await readout(el, '.r-step')).toBe('0');

  // A malformed file changes nothing and says why.
  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, '{ "settings": { "noiseStd": ');
  await openMenu(el);
  const [chooser2] = await Promise.all([page.waitForEvent('filechooser'), el.locator('button[data-name="loadSettings"]').click()]);
  await chooser2.setFiles(bad);
  await expect(el.locator('.message')).toContainText('not valid JSON');
  expect(await el.evaluate((e) => e.settings)).toEqual({ ...saved.settings, ...saved.view });
  // Out-of-range values in a file are reported at their controls.
  const range = path.join(dir, 'range.json');
  writeFileSync(range, JSON.stringify({ settings: { learningRate: 5 } }));
  await openMenu(el);
  const [chooser3] = await Promise.all([page.waitForEvent('filechooser'), el.locator('button[data-name="loadSettings"]').click()]);
  await chooser3.setFiles(range);
  await expect(el.locator('.control[data-name="learningRate"] .error')).toContainText('learningRate must be a number in (0, 1]; got 5');
  con.check();
});

// SVG: every widget's figure as vectors (axes, curves, text) where its plot is vector; the file
// renders to a non-blank image and carries the axis labels as text.
for (const [page_, sel, label] of [
  ['www/examples/funnel.html', '#full', 'x'],
  ['www/examples/laplace-vb.html', '#bishop', 'z'],
]) {
  test(`SVG figure export: ${page_}`, async ({ page }) => {
    const con = watchConsole(page);
    await page.goto(page_);
    const el = await ready(page, sel);
    if (await el.evaluate((e) => e.constructor.runControls)) {
      await el.evaluate((e) => e.setSettings({ steps: 200 }));
      await el.evaluate((e) => e.runToEnd());
    }
    const svg = await exportFile(page, el, 'exportSvg');
    expect(svg.name).toMatch(/\.svg$/);
    const text = svg.bytes.toString('utf8');
    mkdirSync('artifacts', { recursive: true });
    const stem = path.basename(page_, '.html');
    writeFileSync(`artifacts/export-${stem}.svg`, text);
    const info = await page.evaluate(async (t) => {
      const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
      if (doc.querySelector('parsererror')) return { error: doc.querySelector('parsererror').textContent };
      const img = new Image();
      const url = URL.createObjectURL(new Blob([t], { type: 'image/svg+xml' }));
      img.src = url;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const { data } = g.getImageData(0, 0, c.width, c.height);
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) ink++;
      return {
        paths: doc.querySelectorAll('path').length,
        texts: [...doc.querySelectorAll('text')].map((n) => n.textContent),
        images: doc.querySelectorAll('image').length,
        ink: ink / (data.length / 4),
        png: c.toDataURL('image/png'),
      };
    }, text);
    expect(info.error).toBeUndefined();
    writeFileSync(`artifacts/export-${stem}-svg.png`, Buffer.from(info.png.split(',')[1], 'base64'));
    expect(info.paths).toBeGreaterThan(20); // curves, ticks and axes as vector paths
    expect(info.texts.length).toBeGreaterThan(8); // tick labels and axis titles as text
    expect(info.texts.some((t) => t.trim().startsWith(label))).toBe(true);
    expect(info.ink).toBeGreaterThan(0.01);
    con.check();
  });
}

// Widgets with a scene (www/lib/plot.js) export it as a slide: 960 CSS px wide (the PNG at 2×),
// with the figure's and the panels' titles, every axis label, the legend and a caption naming
// the settings and the seed, nothing cut off. Before the plot layer these exports were copies of
// the screen canvases: no title, no legend, no caption, and y-axis titles cut at the left edge.
// laplace-vb and one-epoch name their expected texts by hand; every other widget's expected
// texts are read from its own scene (panel titles, axis labels, legend labels): the export must
// render each of them inside the image.
const FROM_SCENE = null;
for (const [page_, sel, expected] of [
  ['www/examples/laplace-vb.html', '#bishop', ['Densities', 'Negative log densities', 'density', '− ln density', 'z', 'true p(z)', 'Laplace N(z₀, 1/A)', 'moment matched argmin KL(p‖q)', 'mode z₀']],
  ['www/examples/one-epoch.html', '#logreg', ['Mean SGD iterate after one epoch vs the modified flow', 'learning rate α (log scale)', '‖w̄_SGD − w_flow‖ (log scale)', 'flow on J (R = 0)', 'flow on J + R (Smith et al.)', 'reference slopes 2 and 3', 'slope 3']],
  ...['funnel', 'sgd-posterior', 'sharpness', 'implicit-regularizer', 'noisy-natural-gradient', 'bbb-linreg', 'description-length', 'logreg-posterior', 'bayes-regression', 'dropout']
    .map((stem) => [`www/examples/${stem}.html`, '[data-noiselab-first]', FROM_SCENE]),
]) {
  test(`slide export from the scene: ${page_}`, async ({ page }) => {
    const con = watchConsole(page);
    await page.goto(page_);
    // The page's first widget, unless the row names one.
    if (sel === '[data-noiselab-first]') await page.evaluate(() => [...document.querySelectorAll('*')].find((n) => n.localName.startsWith('noiselab-')).setAttribute('data-noiselab-first', ''));
    const el = await ready(page, sel);
    // A still figure: the scene once drawn and a run that plays by itself (bayes-regression's
    // methods, implicit-reg's sweep) given 20 s to finish, then paused, so the caption's verdict
    // is the same in both exports.
    await el.evaluate(async (e) => {
      const wait = () => new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 200 && !e.scene(); i++) await wait();
      await e.settled();
      for (let i = 0; i < 400 && e.playing; i++) await wait();
      e.pause();
      await e.settled();
    });
    const want = expected ?? await el.evaluate((e) => {
      const panels = e.scene().panels.filter((p) => !p.over);
      const legend = panels.flatMap((p) => p.marks.map((m) => m.label)).filter(Boolean);
      return [...new Set([...panels.flatMap((p) => [p.title, p.x?.label, p.y?.label]).filter(Boolean), ...legend])];
    });
    expect(want.length).toBeGreaterThan(3);
    const settings = await el.evaluate((e) => e.fields.map((f) => `${f.name} = ${e.valid[f.name]}`).join(', '));
    const svg = (await exportFile(page, el, 'exportSvg')).bytes.toString('utf8');
    const stem = path.basename(page_, '.html');
    mkdirSync('artifacts', { recursive: true });
    writeFileSync(`artifacts/slide-${stem}.svg`, svg);
    const info = await page.evaluate((t) => {
      const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
      if (doc.querySelector('parsererror')) return { error: doc.querySelector('parsererror').textContent };
      const host = document.createElement('div');
      host.style.cssText = 'position:absolute;left:0;top:0';
      host.innerHTML = t.replace(/^<\?xml[^>]*>/, '');
      document.body.append(host);
      const root = host.querySelector('svg'), box = root.getBoundingClientRect();
      const [, , W, H] = root.getAttribute('viewBox').split(' ').map(Number);
      const texts = [...root.querySelectorAll('text')].map((n) => {
        const r = n.getBoundingClientRect();
        return { text: n.textContent, left: r.left - box.left, top: r.top - box.top, right: r.right - box.left, bottom: r.bottom - box.top };
      });
      host.remove();
      return { W, H, texts };
    }, svg);
    expect(info.error).toBeUndefined();
    expect(info.W).toBe(960);
    const texts = info.texts.map((t) => t.text);
    // (a long title may wrap over several text lines)
    const all = texts.join(' ').replace(/\s+/g, ' ');
    for (const w of want) expect(texts.includes(w) || all.includes(w.replace(/\s+/g, ' ')), w).toBe(true);
    // The caption ends with the element and every setting (the seed among them where it has one).
    expect(texts.join(' ').replace(/\s+/g, ' ')).toContain(`settings: ${settings}`);
    // Nothing clipped: every text lies inside the image.
    const out = info.texts.filter((t) => t.left < 0 || t.top < 0 || t.right > info.W + 0.5 || t.bottom > info.H + 0.5);
    expect(out, JSON.stringify(out)).toEqual([]);

    // The PNG is the same slide at 2×, with ink in each third of its height (no blank band).
    const png = (await exportFile(page, el, 'exportPng')).bytes;
    writeFileSync(`artifacts/slide-${stem}.png`, png);
    const bands = await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const third = Math.floor(c.height / 3), ink = [];
      for (let k = 0; k < 3; k++) {
        const { data } = g.getImageData(0, k * third, c.width, third);
        let n = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) n++;
        ink.push(n / (data.length / 4));
      }
      return { width: img.width, height: img.height, ink };
    }, png.toString('base64'));
    expect(bands.width).toBe(1920);
    expect(bands.height).toBe(2 * info.H);
    for (const f of bands.ink) expect(f).toBeGreaterThan(0.005);
    con.check();
  });
}

// The plot layer's marks for figures once drawn by hand (issue 18), drawn into the SVG recorder
// the export uses: a panel without axes, dots with a rim, error bars with caps (none on a bar
// shorter than its caps), ticks on the x axis (rules with a length), a colour bar in the legend,
// and a constant or near-constant series (a y span of 1, or minSpan, not 0).
test('plot layer: axis-less panels, rims, capped error bars, axis ticks, colour bars and constant series in the SVG', async ({ page }) => {
  await page.goto('www/examples/laplace-vb.html');
  const r = await page.evaluate(async () => {
    const { drawPanel, drawLegend, legendOf } = await import('/www/lib/plot.js');
    const { svgContext } = await import('/www/lib/svg.js');
    const draw = (panel) => { const g = svgContext(400, 300), s = drawPanel(g, panel, { width: 400, height: 300 }); return { svg: g.markup(), x: [...s.x.range], y: [...s.y.range], yd: [...s.y.domain] }; };
    const legend = svgContext(400, 40);
    drawLegend(legend, legendOf([{ type: 'key', label: 'p(class 1)', ramp: [[0, [0, 0, 0]], [1, [255, 255, 255]]] }]), { left: 0, top: 0, width: 400 });
    const line = (y, minSpan) => draw({ y: { minSpan }, marks: [{ type: 'line', x: [0, 1, 2], y }] }).yd;
    return {
      bare: draw({ axes: false, margin: { left: 10, right: 10, top: 10, bottom: 10 }, marks: [{ type: 'dots', x: [0, 1], y: [0, 1], r: 4, colour: '#0072B2', rim: '#000' }, { type: 'text', x: 0.5, y: 'bottom', text: 'unit' }] }),
      bars: draw({ marks: [{ type: 'bars', colour: '#D55E00', x: [1, 2], lo: [0, 1.99], hi: [1, 2.01] }, { type: 'rule', x: [1.5, 1.7], length: 8, colour: '#E69F00' }] }),
      legend: legend.markup(),
      spans: [line([3, 3, 3]), line([3, 3 + 1e-14, 3]), line([3, 3 + 1e-14, 3], 0.1)],
    };
  });
  // No axes: the frame [0, 1]² fills the box inside the margins, and the only text is the mark's.
  expect([r.bare.x, r.bare.y]).toEqual([[10, 390], [290, 10]]);
  expect([...r.bare.svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1])).toEqual(['unit']);
  expect(r.bare.svg).toMatch(/fill="#0072B2" stroke="none"/);
  expect(r.bare.svg).toMatch(/fill="none" stroke="#000" stroke-width="1.2"/);
  // Two bars, caps on the long one only; two ticks 8 px up from the x axis.
  const bars = r.bars.svg.match(/d="([^"]*)" fill="none" stroke="#D55E00"/)[1];
  expect(bars.match(/M/g)).toHaveLength(4);
  const ticks = [...r.bars.svg.match(/d="([^"]*)" fill="none" stroke="#E69F00"/)[1].matchAll(/M([\d.]+) ([\d.]+)L([\d.]+) ([\d.]+)/g)];
  expect(ticks.map((m) => [m[1] === m[3], Math.round(Number(m[2]) - Number(m[4]))])).toEqual([[true, 8], [true, 8]]);
  // The colour bar: 23 steps from the ramp's low to its high colour, then the label.
  const steps = [...r.legend.matchAll(/fill="(rgb\([^)]*\))"/g)].map((m) => m[1]);
  expect([steps.length, steps[0], steps[22]]).toEqual([23, 'rgb(0,0,0)', 'rgb(255,255,255)']);
  expect(r.legend).toContain('>p(class 1)</text>');
  // A constant series spans 1 (± the 6% pad), a near-constant one too, or minSpan when given.
  const span = ([lo, hi]) => Number((hi - lo).toFixed(6));
  expect(r.spans.map(span)).toEqual([1.12, 1.12, 0.112]);
});
