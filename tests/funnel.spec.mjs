// End-to-end tests of <noiselab-funnel> on the lab's front page and on its example page,
// against the built, served lab in Debian's headless Chromium. The tests that measure the
// machine (frames per second of play, freezes, pausing off screen) are in funnel-timing.spec.mjs,
// which runs alone (playwright.config.mjs, project "serial").
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { watchConsole, ready, canvasStats, readout, control } from './helpers.mjs';
import { sceneOf } from './scene.mjs';

const LAB = 'index.html';
const EXAMPLE = 'www/examples/funnel.html';
const WIDGET = '#funnel-widget';
const VERMILLION = '#D55E00', SKY = '#56B4E9', GREEN = '#009E73'; // this run's mean; the compared σ = 0.5 and σ = 2
const MEAN = 'mean of M noisy runs';
const FLOW = 'gradient flow −α∇J', MODIFIED = 'modified flow −α∇(J + (α/4)‖∇J‖²)'; // SCIENCE.md §9, "Link to §10"
const BLUE = '#0072B2', MODIFIED_COLOUR = 'rgba(204, 121, 167, 0.6)';
/** The scene's marks on panel `id` (the surface's layers: surface-bg, surface; the plot below: series). */
const marksOn = (scene, id) => scene.panels.find((p) => p.id === id).marks;

test('the front page draws the funnel: contours, paths and the mean-x plot', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(LAB);
  const el = await ready(page, WIDGET);
  await el.scrollIntoViewIfNeeded();
  const surface = await canvasStats(el, 'canvas.surface-bg');
  // Filled contours (the static layer): many colours, most pixels inked (not a blank canvas).
  expect(surface.width).toBeGreaterThan(300);
  expect(surface.inkFraction).toBeGreaterThan(0.5);
  expect(surface.colours).toBeGreaterThan(12);
  await el.evaluate((e) => e.runToEnd());
  // The mean path (vermillion) over all 1001 rows, on the surface and on the plot below, with
  // gradient descent (black, dashed) and the mean x's ±1 SE band there; the legends name them.
  const scene = await sceneOf(el);
  const mean = marksOn(scene, 'surface').find((m) => m.type === 'line' && m.label === MEAN);
  expect([mean.colour, mean.n]).toEqual([VERMILLION, 1001]);
  expect(mean.x[1]).toBeGreaterThan(-2); // it moved toward the flat side
  const series = marksOn(scene, 'series');
  expect(series.map((m) => m.type)).toEqual(['band', 'line', 'line', 'line', 'line']);
  expect(series.map((m) => [m.colour, m.dash])).toEqual([[undefined, undefined], [MODIFIED_COLOUR, undefined], [BLUE, [2, 3]], ['#000', [6, 4]], [VERMILLION, undefined]]);
  expect(series[4].n).toBe(1001);
  expect(scene.legend).toEqual([MEAN, 'gradient descent (σ = 0)', MODIFIED, FLOW, 'single noisy runs (greys)', 'current iterates', 'diverged', 'this run (σ = 1) ± 1 SE', MODIFIED, FLOW, 'gradient descent']);
  expect((await canvasStats(el, 'canvas.series')).inkFraction).toBeGreaterThan(0.01);
  expect(await readout(el, '.r-step')).toBe('1000');
  // KaTeX rendered the page's math (no raw TeX left).
  expect(await page.locator('.katex').count()).toBeGreaterThan(5);
  con.check();
});

test('changing σ changes the drift; σ = 0 gives exactly zero drift', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(LAB);
  const el = await ready(page, WIDGET);
  const sigma = control(el, 'noiseStd');
  await sigma.box.fill('0');
  await sigma.box.press('Enter');
  await expect.poll(() => el.evaluate((e) => e.settings.noiseStd)).toBe('0');
  await el.evaluate((e) => e.runToEnd());
  expect(await readout(el, '.r-drift')).toMatch(/^[+−]0\.000$/);
  await sigma.box.fill('2');
  await sigma.box.press('Enter');
  await expect.poll(() => el.evaluate((e) => e.settings.noiseStd)).toBe('2');
  await el.evaluate((e) => e.runToEnd());
  const drift = await readout(el, '.r-drift');
  expect(drift).not.toMatch(/^[+−]0\.000$/);
  expect(drift).not.toContain('NaN');
  con.check();
});

test('compare σ pins three runs whose drift grows with σ', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(LAB);
  const el = await ready(page, WIDGET);
  await el.locator('button[data-name="compare"]').click();
  await expect(el.locator('.message')).toContainText('σ = 2:', { timeout: 30_000 });
  const text = await el.locator('.message').textContent();
  const drifts = [...text.matchAll(/σ = [\d.]+: ([+−][\d.]+)/g)].map((m) => Number(m[1].replace('−', '-')));
  expect(drifts).toHaveLength(3);
  expect(drifts[0]).toBeLessThan(drifts[1]);
  expect(drifts[1]).toBeLessThan(drifts[2]);
  await expect(el.locator('.series-legend')).toContainText('σ = 0.5');
  con.check();
});

test('the URL hash round-trips to an identical state and identical numbers', async ({ page, context }) => {
  const con = watchConsole(page);
  await page.goto(LAB);
  const el = await ready(page, WIDGET);
  await el.evaluate((e) => e.setSettings({ noiseStd: 1.7, learningRate: 0.08, seed: 4242, trajectories: 250, startX: -1.5, steps: 400, cost: 'valley' }));
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('funnel.noiseStd=1.7');
  expect(hash).toContain('funnel.seed=4242');
  const settings = await el.evaluate((e) => e.settings);
  const snap = await el.evaluate((e) => e.runToEnd());
  const page2 = await context.newPage();
  await page2.goto(`${LAB}${hash}`);
  const el2 = await ready(page2, WIDGET);
  expect(await el2.evaluate((e) => e.settings)).toEqual(settings);
  const snap2 = await el2.evaluate((e) => e.runToEnd());
  expect(snap2).toEqual(snap);
  // "copy link" gives the same funnel state (the page's other widgets add their own parts to
  // the hash as they boot, near ones first and far ones when the page is idle).
  await el2.locator('button[data-name="copyLink"]').click();
  const link = await el2.locator('.share').inputValue();
  const funnelParts = (h) => h.replace(/^#/, '').split('&').filter((p) => p.startsWith('funnel.'));
  expect(funnelParts(new URL(link).hash)).toEqual(funnelParts(hash));
  // A link names the non-default settings only: σ, α, seed, M, x₀, steps and the cost.
  expect(funnelParts(hash)).toHaveLength(7);
  con.check();
});

test('invalid input shows a message at the control and keeps the last valid state', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(LAB);
  const el = await ready(page, WIDGET);
  const before = await el.evaluate((e) => e.settings);
  const rate = control(el, 'learningRate');
  // Each message names the rejected value, so the wait is for this change's message, not the
  // previous one (the next value is typed only once this one is checked).
  for (const [bad, got] of [['abc', '"abc"'], ['-0.5', '-0.5'], ['NaN', '"NaN"'], ['0', '0']]) {
    await rate.box.fill(bad);
    await rate.box.press('Enter');
    await expect(rate.error).toContainText(`learningRate must be a number in (0, 1]; got ${got}`);
    await expect(rate.box).toHaveAttribute('aria-invalid', 'true');
  }
  const m = control(el, 'trajectories');
  await m.box.fill('2001');
  await m.box.press('Enter');
  await expect(m.error).toHaveText('trajectories must be from 1 to 2000; got 2001');
  expect(await el.evaluate((e) => e.settings)).toEqual(before);
  // A valid value is applied and clears the error shown (errors go with the next change).
  await rate.box.fill('0.2');
  await rate.box.press('Enter');
  await expect.poll(() => el.evaluate((e) => e.settings.learningRate)).toBe('0.2');
  await expect(m.error).toHaveText('');
  await expect(rate.error).toHaveText('');
  // A value typed while the last one is still being checked (a busy worker answers late) keeps
  // its text when the check rejects the last one, and is then committed in turn.
  await el.evaluate((e) => {
    const request = e.worker.request.bind(e.worker);
    e.worker.request = async (...args) => { await new Promise((r) => setTimeout(r, 400)); return request(...args); };
  });
  await rate.box.fill('2');
  await rate.box.press('Enter');
  await rate.box.fill('0.3');
  await expect(rate.error).toContainText('learningRate must be a number in (0, 1]; got 2');
  await expect(rate.box).toHaveValue('0.3');
  await rate.box.press('Enter');
  await expect.poll(() => el.evaluate((e) => e.settings.learningRate)).toBe('0.3');
  await expect(rate.error).toHaveText('');
  con.check();
});

test('a malformed hash is reported and the rest of the state is used', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(`${LAB}#funnel.learningRate=-1&funnel.trajectories=5000&funnel.noiseStd=2&funnel.bogus=1&funnel.seed=%E0%A4%A`);
  const el = await ready(page, WIDGET);
  const s = await el.evaluate((e) => e.settings);
  expect(s.noiseStd).toBe('2');
  expect(s.learningRate).toBe('0.1');
  expect(s.trajectories).toBe('2000');
  await expect(control(el, 'learningRate').error).toContainText('learningRate must be a number in (0, 1]; got -1');
  await expect(control(el, 'trajectories').error).toContainText('trajectories must be from 1 to 2000; got 5000');
  await expect(el.locator('.message')).toContainText('unknown setting "bogus"');
  await expect(el.locator('.message')).toContainText('malformed');
  con.check();
});

test('a diverging run is counted and drawn as diverged, never as NaN', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(LAB);
  const el = await ready(page, WIDGET);
  await el.evaluate((e) => e.setSettings({ cost: 'neal', learningRate: 1, noiseStd: 10, trajectories: 300 }));
  await el.evaluate((e) => e.runToEnd());
  const diverged = Number(await readout(el, '.r-diverged'));
  expect(diverged).toBeGreaterThan(10);
  expect(diverged).toBeLessThan(300);
  const text = await el.locator('.readout').textContent();
  expect(text).not.toContain('NaN');
  con.check();
});

test('a Rust panic is caught and shown, and reset recovers', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(LAB);
  const el = await ready(page, WIDGET);
  await el.evaluate((e) => e.debugPanic('test panic from the e2e suite'));
  await expect(el.locator('.message')).toContainText('panicked');
  await expect(el.locator('.message')).toContainText('test panic from the e2e suite');
  await expect(el.locator('button[data-name="play"]')).toBeDisabled();
  await el.locator('button[data-name="reset"]').click();
  await expect(el.locator('button[data-name="play"]')).toBeEnabled();
  await el.locator('button[data-name="step"]').click();
  await expect.poll(() => readout(el, '.r-step')).toBe('1');
  con.check();
});

test('a core that cannot be downloaded is reported, and Reset loads it again and the widget plays', async ({ page }) => {
  // Before, the message asked for Reset but the boot had failed before the buttons existed, and
  // a reset from a script left a widget with no settings that would not play.
  let offline = true;
  await page.route('**/noiselab_wasm_bg.wasm', (route) => (offline ? route.abort() : route.continue()));
  await page.goto(EXAMPLE);
  const el = page.locator('#full');
  await expect(el.locator('.message')).toContainText('could not load the WebAssembly core', { timeout: 15_000 });
  await expect(el.locator('.buttons button')).toHaveText(['Reset']);
  offline = false;
  const con = watchConsole(page);
  await el.locator('button[data-name="reset"]').click();
  await el.evaluate((e) => e.ready);
  await expect(el.locator('.message')).toBeHidden();
  expect(await el.locator('.control').count()).toBeGreaterThan(5);
  await el.locator('button[data-name="play"]').click();
  await expect.poll(() => el.evaluate((e) => e.tickCount)).toBeGreaterThan(3);
  await el.locator('button[data-name="play"]').click();
  expect(Number(await readout(el, '.r-step'))).toBeGreaterThan(0);
  con.check();
});

test('the example page embeds two widgets; teacher mode shows only σ', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(EXAMPLE);
  const full = await ready(page, '#full');
  const teacher = await ready(page, '#teacher');
  expect((await canvasStats(full, 'canvas.surface-bg')).colours).toBeGreaterThan(12);
  expect(await full.evaluate((e) => e.settings.noiseStd)).toBe('2');
  expect(await full.evaluate((e) => e.settings.seed)).toBe('7');
  const visible = await teacher.evaluate((e) => [...e.shadowRoot.querySelectorAll('.control')].filter((c) => !c.hidden).map((c) => c.dataset.name));
  expect(visible).toEqual(['noiseStd']);
  await expect(teacher.locator('button[data-name="newSeed"]')).toBeHidden();
  expect(await teacher.evaluate((e) => e.settings.steps)).toBe('600');
  await teacher.evaluate((e) => e.runToEnd());
  expect(await readout(teacher, '.r-step')).toBe('600');
  // A bad attribute is reported at its control; the default is used.
  await page.evaluate(() => {
    const w = document.createElement('noiselab-funnel');
    w.id = 'bad';
    w.setAttribute('learning-rate', 'fast');
    w.setAttribute('noise-std', '0.5');
    document.querySelector('main').append(w);
  });
  const bad = await ready(page, '#bad');
  await expect(control(bad, 'learningRate').error).toContainText('learningRate must be a number in (0, 1]; got "fast"');
  expect(await bad.evaluate((e) => e.settings.learningRate)).toBe('0.1');
  expect(await bad.evaluate((e) => e.settings.noiseStd)).toBe('0.5');
  con.check();
});

test('the CLI gives the same numbers as the browser for the same settings', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(LAB);
  const el = await ready(page, WIDGET);
  const settings = { noiseStd: '1.3', learningRate: '0.12', seed: '99', trajectories: '64', steps: '250', startX: '-2.5', startY: '0.8' };
  await el.evaluate((e, s) => e.setSettings(s), settings);
  const snap = await el.evaluate((e) => e.runToEnd());
  const data = await el.evaluate((e) => e.exportData());
  const dir = mkdtempSync(path.join(tmpdir(), 'noiselab-'));
  const out = path.join(dir, 'funnel.json');
  const bin = process.env.NOISELAB_CLI ?? 'target/release/noiselab';
  execFileSync(bin, ['run', 'funnel', ...Object.entries(settings).flatMap(([k, v]) => ['--set', `${k}=${v}`]), '--out', out]);
  const cli = JSON.parse(readFileSync(out, 'utf8'));
  expect(cli.snapshot.stats.meanX).toBe(snap.stats.meanX);
  expect(cli.snapshot.drift).toBe(snap.drift);
  expect(cli.history).toEqual(data.history.map((row) => row.map((v) => (Number.isFinite(v) ? v : null))));
  // The gradient and modified flows (adaptive RK4 in the core): bit for bit the same in wasm.
  const flows = await el.evaluate((e) => ({ gradient: Array.from(e.flows.gradientFlow), modified: Array.from(e.flows.modifiedFlow) }));
  expect(cli.gradientFlow.flatMap((p) => [p.x, p.y])).toEqual(flows.gradient);
  expect(cli.modifiedFlow.flatMap((p) => [p.x, p.y])).toEqual(flows.modified);
  expect(cli.modifiedFlow.map((p) => p.t)).toEqual([...Array(251).keys()]);
  // The widget's JSON export carries them in the CLI's form.
  expect(data.gradientFlow).toEqual(cli.gradientFlow);
  expect(data.modifiedFlow).toEqual(cli.modifiedFlow);
  con.check();
});

test('Compare σ gives the numbers of noiselab run funnel-compare at the defaults', async ({ page }) => {
  // One experiment with settings (issue 18): the browser's side run and the CLI's run of
  // funnel-compare agree bit for bit, drifts, SEs and the pinned curves.
  test.setTimeout(120_000);
  const con = watchConsole(page);
  await page.goto(FRAME);
  const el = await ready(page, 'noiselab-funnel');
  await el.locator('button[data-name="compare"]').click();
  await expect(el.locator('.message')).toContainText('σ = 2:', { timeout: 90_000 });
  const browser = await el.evaluate((e) => ({
    results: e.compared.results,
    grows: e.compared.grows,
    pins: e.pins.map((p) => ({ label: p.label, meanX: Array.from(p.meanX), meanY2: Array.from(p.meanY2), gdX: Array.from(p.gdX) })),
  }));
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'noiselab-')), 'compare.json');
  execFileSync(process.env.NOISELAB_CLI ?? 'target/release/noiselab', ['run', 'funnel-compare', '--out', out]);
  const cli = JSON.parse(readFileSync(out, 'utf8'));
  expect(cli.snapshot.noiseStds).toEqual([0.5, 1, 2]);
  expect(browser.results).toEqual(cli.snapshot.runs.map((r, k) => ({ sigma: cli.snapshot.noiseStds[k], drift: r.drift, se: r.seDrift, step: 1000 })));
  expect(browser.grows).toBe(true);
  expect(cli.snapshot.grows).toBe(true);
  const column = (name) => cli.history.map((row) => row[cli.historyFields.indexOf(name)]);
  expect(browser.pins.map((p) => p.label)).toEqual(['σ = 0.5 (M = 2000)', 'σ = 1 (M = 2000)', 'σ = 2 (M = 2000)']);
  browser.pins.forEach((p, k) => {
    expect(p.meanX).toEqual(column(`sigma${k + 1}MeanX`));
    expect(p.meanY2).toEqual(column(`sigma${k + 1}MeanY2`));
    expect(p.gdX).toEqual(column('gdX'));
  });
  con.check();
});

const FRAME = 'www/frame.html?widget=funnel';
const verdict = (el) => el.evaluate((e) => e.shadowRoot.querySelector('.verdict').textContent);
const num = async (el, cls) => Number((await readout(el, cls)).replace('−', '-'));
/** The drift and its SE as read out (the readout shows "drift = +0.584 ± 0.081"). */
async function drift(el) {
  const text = await el.evaluate((e) => e.shadowRoot.querySelector('.r-drift').parentElement.textContent);
  const m = text.match(/drift = ([+−][\d.]+) ± ([\d.]+)/);
  return { drift: Number(m[1].replace('−', '-')), se: Number(m[2]), gdX: await num(el, '.r-gdx') };
}

test('Compare σ keeps this run and its surface, and draws the compared means on the surface', async ({ page }) => {
  // Before (issue 17, finding 10): after "Compare σ" the surface showed nothing of the
  // comparison (no σ path anywhere on it), so on a fresh widget it stayed empty.
  const con = watchConsole(page);
  await page.goto(FRAME);
  const el = await ready(page, 'noiselab-funnel');
  await el.evaluate((e) => e.setSettings({ steps: 400 }));
  const lines = async (id) => marksOn(await sceneOf(el), id).filter((m) => m.type === 'line');
  expect((await lines('surface')).map((m) => m.colour)).toEqual(['#000', VERMILLION, MODIFIED_COLOUR, BLUE]); // GD, the mean, the two flows
  await el.locator('button[data-name="compare"]').click();
  await expect(el.locator('.message')).toContainText('σ = 2:', { timeout: 60_000 });
  // The three means are on the surface (σ = 2 drawn first), in the colours of the plot below
  // and its legend, each over the comparison's 401 rows.
  const compared = { 'σ = 2 (M = 2000)': GREEN, 'σ = 1 (M = 2000)': '#E69F00', 'σ = 0.5 (M = 2000)': SKY };
  const surface = (await lines('surface')).slice(0, 3);
  expect(surface.map((m) => [m.label, m.colour, m.n])).toEqual(Object.entries(compared).map(([l, c]) => [`mean, ${l}`, c, 401]));
  expect(surface[0].x[1]).toBeGreaterThan(surface[2].x[1]); // σ = 2 went further toward the flat side
  const below = (await lines('series')).filter((m) => m.label in compared);
  expect(below.map((m) => [m.label, m.colour])).toEqual(Object.entries(compared).reverse());
  const legend = (await sceneOf(el)).legend.filter((l) => l.startsWith('mean, σ'));
  expect(legend).toEqual(Object.keys(compared).reverse().map((l) => `mean, ${l}`));
  // This run is still at step 0; the verdict reads the comparison's own numbers.
  expect(await el.evaluate((e) => e.snapshot.stats.step)).toBe(0);
  expect(await verdict(el)).toContain('Compare σ (M = 2000, step 400)');
  expect((await canvasStats(el, 'canvas.surface-bg')).inkFraction).toBeGreaterThan(0.5);
  // This run: played to step ≥ 100, compared while playing; it keeps its step and its numbers,
  // its mean is still drawn, and it plays on afterwards.
  await el.evaluate((e) => e.play());
  await expect.poll(() => el.evaluate((e) => e.snapshot.stats.step)).toBeGreaterThan(100);
  // The button is disabled while the comparison runs: recorded as it happens (a 400-step
  // comparison can end between two polls).
  const before = await el.evaluate((e) => {
    window.__compareRan = false;
    new MutationObserver(() => { if (e.buttons.compare.disabled) window.__compareRan = true; })
      .observe(e.buttons.compare, { attributes: true, attributeFilter: ['disabled'] });
    return e.snapshot.stats.step;
  });
  await el.locator('button[data-name="compare"]').click();
  await expect.poll(() => page.evaluate(() => window.__compareRan)).toBe(true);
  await expect.poll(() => el.evaluate((e) => e.buttons.compare.disabled), { timeout: 60_000 }).toBe(false);
  const after = await el.evaluate((e) => ({ step: e.snapshot.stats.step, playing: e.playing }));
  expect(after.playing).toBe(true);
  expect(after.step).toBeGreaterThanOrEqual(before);
  await el.evaluate((e) => e.pause());
  const mean = (await lines('surface')).find((m) => m.label === MEAN); // this run's mean, drawn over all its rows
  expect([mean.colour, mean.n]).toEqual([VERMILLION, await el.evaluate((e) => e.rows)]);
  expect((await canvasStats(el, 'canvas.surface')).inkFraction).toBeGreaterThan(0.005);
  con.check();
});

test('every label on the curvature strip has at least 4.5:1 contrast against the strip behind it', async ({ page }) => {
  // Before (issue 17, finding 10): "flat (h ≈ 0.004945)" was #222 on the strip's blue end
  // (rgb 0, 114, 178): 3.1:1. The widget now picks black or white by the background's
  // luminance; here the contrast is measured on the pixels.
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((c) => { const v = c / 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)]; return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  for (const [width, height] of [[1440, 900], [390, 844]]) {
    await page.setViewportSize({ width, height });
    await page.goto(FRAME);
    const el = await ready(page, 'noiselab-funnel');
    for (const cost of ['funnel', 'neal', 'valley']) {
      await el.evaluate((e, c) => e.setSettings({ cost: c }), cost);
      await expect.poll(() => el.evaluate((e) => e.surfaceData && e.stripFor === e.surfaceData && e.stripLabels.length > 0)).toBe(true);
      const labels = await el.evaluate((e) => {
        const c = e.shadowRoot.querySelector('canvas.surface-bg');
        const dpr = c.width / c.clientWidth;
        const { data, width: W } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
        const px = (x, y) => { const i = 4 * (Math.round(y * dpr) * W + Math.round(x * dpr)); return [data[i], data[i + 1], data[i + 2]]; };
        return e.stripLabels.map((l) => {
          // Background: the strip's row 1 px below its top edge (above the glyphs), across the label.
          const behind = [];
          for (let x = Math.ceil(l.x0); x <= Math.floor(l.x1); x++) behind.push(px(x, l.top + 1));
          // Text: pixels inside the label's box close to its text colour.
          let inked = 0;
          for (let x = Math.ceil(l.x0); x <= Math.floor(l.x1); x++) {
            for (let y = l.top + 3; y < l.top + l.height - 2; y++) {
              const p = px(x, y);
              if (p.every((v, k) => Math.abs(v - l.fg[k]) < 60)) inked++;
            }
          }
          return { text: l.text, fg: l.fg, behind, inked, minContrast: l.minContrast };
        });
      });
      expect(labels.length).toBeGreaterThan(0);
      for (const l of labels) {
        const worst = Math.min(...l.behind.map((b) => contrast(l.fg, b)));
        expect(worst, `${width}px ${cost}: "${l.text}" (text rgb ${l.fg})`).toBeGreaterThanOrEqual(4.5);
        expect(l.minContrast).toBeGreaterThanOrEqual(4.5);
        expect(l.inked, `"${l.text}" is drawn in its colour`).toBeGreaterThan(10);
      }
      if (cost === 'funnel') {
        // The flat end is the saturated blue: its label is white there.
        const flat = labels.find((l) => l.text.startsWith('flat'));
        expect(flat.fg).toEqual([255, 255, 255]);
      }
    }
  }
});

test('default: the noisy mean drifts toward the flat side while GD does not, at three seeds, and the verdict says so', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto(FRAME);
  const el = await ready(page, 'noiselab-funnel');
  expect(await verdict(el)).toContain('Step 0');
  for (const seed of ['1', '2', '3']) {
    await el.evaluate((e, s) => e.setSettings({ seed: s }), seed);
    await el.evaluate((e) => e.runToEnd());
    const d = await drift(el);
    // M = 2000, t = 1000, σ = 1: +0.58 ± 0.08, +0.62 ± 0.08, +0.67 ± 0.08.
    expect(d.drift).toBeGreaterThan(4 * d.se);
    expect(Math.abs(d.gdX - -2)).toBeLessThan(0.1); // GD went straight down (x: −2 → −1.97)
    const v = await verdict(el);
    expect(v).toContain(`drift E[x] − x_GD = +${d.drift.toFixed(3)} ± ${d.se.toFixed(3)}`);
    expect(v).toContain('toward the flat side, as the lecture says');
  }
  con.check();
});

// Each preset's claim, checked on its numbers at seed 1 (t = 1000, M = 2000).
const FUNNEL_PRESETS = {
  'sigma-0.5': (d, v) => { expect(d.drift).toBeGreaterThan(2 * d.se); expect(d.drift).toBeLessThan(0.3); expect(v).toContain('toward the flat side'); },
  'sigma-1': (d, v) => { expect(d.drift).toBeGreaterThan(5 * d.se); expect(v).toContain('toward the flat side'); },
  'sigma-2': (d, v) => { expect(d.drift).toBeGreaterThan(10 * d.se); expect(d.drift).toBeGreaterThan(1.5); expect(v).toContain('toward the flat side'); },
  'gradient-descent': (d, v) => { expect(d.drift).toBe(0); expect(v).toContain('σ = 0 is gradient descent'); },
  'no-flat-side': (d, v) => { expect(Math.abs(d.drift)).toBeLessThan(2 * d.se); expect(v).toContain('within 2 SE of 0, as expected'); },
};

test('each preset’s numbers support its claim; Compare σ’s drifts grow with σ beyond their SEs', async ({ page }) => {
  test.setTimeout(120_000);
  const con = watchConsole(page);
  await page.goto(FRAME);
  const el = await ready(page, 'noiselab-funnel');
  const names = await el.evaluate((e) => e.constructor.presets.map((p) => p.name));
  expect(names).toEqual(Object.keys(FUNNEL_PRESETS));
  const drifts = {};
  for (const name of names) {
    expect((await el.evaluate((e, n) => e.setPreset(n), name)).ok).toBe(true);
    // σ = 1 is the default itself; chosen by name, the menu keeps that name.
    expect(await el.evaluate((e) => e.preset)).toBe(name);
    await el.evaluate((e) => e.runToEnd());
    drifts[name] = await drift(el);
    FUNNEL_PRESETS[name](drifts[name], await verdict(el));
  }
  // "Larger amounts of noise create a stronger bias towards flatness."
  const [a, b, c] = ['sigma-0.5', 'sigma-1', 'sigma-2'].map((n) => drifts[n]);
  expect(b.drift - a.drift).toBeGreaterThan(2 * Math.hypot(a.se, b.se));
  expect(c.drift - b.drift).toBeGreaterThan(2 * Math.hypot(b.se, c.se));
  // Compare σ says the same in the verdict, from its own runs.
  await el.evaluate((e) => e.setPreset('default'));
  await el.locator('button[data-name="compare"]').click();
  await expect(el.locator('.message')).toContainText('σ = 2:', { timeout: 60_000 });
  await el.evaluate((e) => e.runToEnd());
  expect(await verdict(el)).toContain('larger σ drifts further toward the flat side');
  // A setting the comparison depends on changes: the comparison is dropped from the verdict.
  await el.evaluate((e) => e.setSettings({ learningRate: 0.05 }));
  expect(await verdict(el)).not.toContain('Compare σ');
  con.check();
});

test('the gradient flow and the modified flow are drawn on both panels, named in the legends, and read out', async ({ page }) => {
  // SCIENCE.md §9, "Link to §10": the modified flow dw/dt = −α∇(J + (α/4)‖∇J‖²) tracks GD to
  // O(α²) and has no σ in it, so it cannot be the noisy mean's drift toward the flat side.
  const con = watchConsole(page);
  await page.goto(FRAME);
  const el = await ready(page, 'noiselab-funnel');
  await el.evaluate((e) => e.setSettings({ steps: 600 }));
  await el.evaluate((e) => e.runToEnd());
  let scene = await sceneOf(el);
  const on = (id, label) => marksOn(scene, id).find((m) => m.type === 'line' && m.label === label);
  for (const id of ['surface', 'series']) {
    const [flow, modified] = [on(id, FLOW), on(id, MODIFIED)];
    expect([flow.colour, flow.dash, flow.n]).toEqual([BLUE, [2, 3], 601]);
    expect([modified.colour, modified.n]).toEqual([MODIFIED_COLOUR, 601]);
  }
  // Both legends name them (the surface's, then the plot's).
  expect(scene.legend.filter((l) => l === FLOW || l === MODIFIED)).toEqual([MODIFIED, FLOW, MODIFIED, FLOW]);
  // On the surface both start at the start point and end on the valley floor next to GD.
  const gd = on('surface', 'gradient descent (σ = 0)');
  expect(on('surface', MODIFIED).y[1]).toBe(1);
  expect(Math.abs(on('surface', MODIFIED).x[1] - gd.x[1])).toBeLessThan(0.01);
  // The drift view: the flows' gaps to GD are tiny next to the drift.
  await el.locator('select.quantity').selectOption('drift');
  scene = await sceneOf(el);
  const drift = await el.evaluate((e) => e.snapshot.drift);
  expect(drift).toBeGreaterThan(0.2);
  for (const label of ['modified flow − GD', 'gradient flow − GD']) {
    const m = on('series', label);
    expect(m.n).toBe(601);
    expect(Math.max(...m.y.map(Math.abs))).toBeLessThan(0.05 * drift);
  }
  // The readout has both flows' x and the verdict draws the conclusion from the numbers.
  const flowX = await num(el, '.r-flowx'), modX = await num(el, '.r-modx'), gdX = await num(el, '.r-gdx');
  expect(Math.abs(modX - gdX)).toBeLessThan(0.002);
  expect(Math.abs(flowX - gdX)).toBeLessThan(0.005);
  const v = await verdict(el);
  expect(v).toContain('The gradient flow is at x = ');
  expect(v).toContain('and the modified flow');
  expect(v).toContain('has no σ in it, so it does not explain the drift');
  // The flows do not depend on σ: σ = 2 gives the very same arrays.
  const before = await el.evaluate((e) => Array.from(e.flows.modifiedFlow));
  await el.evaluate((e) => e.setSettings({ noiseStd: 2 }));
  expect(await el.evaluate((e) => Array.from(e.flows.modifiedFlow))).toEqual(before);
  con.check();
});
