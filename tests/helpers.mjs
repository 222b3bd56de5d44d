// Shared helpers for the browser tests: console capture, canvas pixel statistics, widget access.
import { expect } from '@playwright/test';
import { readFileSync } from 'node:fs';

/** Collect console errors and page errors; call `check()` at the end of a test. */
export function watchConsole(page) {
  const errors = [];
  // Warnings count too: a widget reports a JavaScript fault (not a worker's typed error) with
  // console.warn as well as at its control. Chromium's hint about the tests' own pixel reads
  // (canvasStats' getImageData) is not the page's.
  page.on('console', (m) => {
    if (m.type() === 'warning' && m.text().includes('willReadFrequently')) return;
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { errors, check: () => expect(errors, errors.join('\n')).toEqual([]) };
}

/** Wait until the widget matching `selector` has booted (worker, controls, first run). */
export async function ready(page, selector) {
  const el = page.locator(selector);
  await el.evaluate(async (e) => { await customElements.whenDefined(e.localName); await e.ready; });
  return el;
}

/**
 * Pixel statistics of a canvas in the widget's shadow root: the fraction of pixels that are
 * opaque and not white, the number of distinct colours (quantized to 4 bits per channel), the
 * count of pixels near `rgb` (±40 per channel), and a hash of all pixels. `index` picks one of
 * several canvases matching the selector (the first by default).
 */
export async function canvasStats(el, canvasSelector, rgb = [213, 94, 0], index = 0) {
  return el.evaluate((e, [sel, target, at]) => {
    const c = e.shadowRoot.querySelectorAll(sel)[at];
    const ctx = c.getContext('2d');
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let ink = 0, near = 0, hash = 2166136261;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
      if (a < 128) continue; // transparent (a layer over another canvas)
      if (r < 250 || g < 250 || b < 250) ink++;
      if (Math.abs(r - target[0]) < 40 && Math.abs(g - target[1]) < 40 && Math.abs(b - target[2]) < 40) near++;
      colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
      hash = Math.imul(hash ^ r ^ (g << 8) ^ (b << 16), 16777619) >>> 0;
    }
    const n = data.length / 4;
    return { width: c.width, height: c.height, inkFraction: ink / n, colours: colours.size, near, hash };
  }, [canvasSelector, rgb, index]);
}

/** The widget drew: at least one of its visible canvases has a figure on it (several colours of
    ink). Hidden canvases (an unused overlay, a view not shown) do not count. */
export async function drew(el) {
  const visible = await el.evaluate((e) => [...e.shadowRoot.querySelectorAll('canvas')].flatMap((c, i) => (c.offsetParent !== null ? [i] : [])));
  expect(visible.length).toBeGreaterThan(0);
  let best = 0;
  for (const i of visible) {
    const s = await canvasStats(el, 'canvas', undefined, i);
    best = Math.max(best, s.inkFraction > 0.005 ? s.colours : 0);
  }
  expect(best).toBeGreaterThan(4);
}

/** The text of a readout field (`.r-drift`, `.r-step`, …). */
/** Click the widget's export-menu item `name` (exportSvg, exportPng, …): the download's file name and bytes. */
export async function exportFile(page, el, name) {
  if (!(await el.evaluate((e) => e.shadowRoot.querySelector('details.export').open))) await el.locator('details.export > summary').click();
  const [dl] = await Promise.all([page.waitForEvent('download'), el.locator(`button[data-name="${name}"]`).click()]);
  return { name: dl.suggestedFilename(), bytes: readFileSync(await dl.path()) };
}

export async function readout(el, cls) {
  return el.evaluate((e, c) => e.shadowRoot.querySelector(c)?.textContent ?? '', cls);
}

/** A control's text box and error line inside the shadow root. */
export function control(el, name) {
  return {
    box: el.locator(`.control[data-name="${name}"] .num, .control[data-name="${name}"] select, .control[data-name="${name}"] textarea`),
    error: el.locator(`.control[data-name="${name}"] .error`),
    row: el.locator(`.control[data-name="${name}"]`),
  };
}

/** A TCP port free on 127.0.0.1 right now (for a second static server in a test). */
export async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

/**
 * Play a finished run (the widget's Play button) and return the first step shown after the
 * replay shows step 0 (`undefined` never: the poll fails first if no replay starts). Every value
 * the `.r-step` readout takes is recorded by a MutationObserver, so a replay that is quick on an
 * idle machine (or a poll that comes late on a loaded one) cannot skip past the frames between
 * 0 and the end. Pauses the replay if it is still playing.
 */
export async function replayedFirstStep(page, el) {
  await el.evaluate((e) => {
    window.__steps = [];
    window.__stepObs = new MutationObserver(() => {
      const t = e.shadowRoot.querySelector('.r-step')?.textContent;
      if (t !== undefined) window.__steps.push(Number(t));
    });
    window.__stepObs.observe(e.shadowRoot, { subtree: true, childList: true, characterData: true });
  });
  await el.locator('button[data-name="play"]').click();
  const replayed = () => page.evaluate(() => (window.__steps.includes(0) ? window.__steps.slice(window.__steps.indexOf(0)).filter((n) => n > 0) : []));
  await expect.poll(async () => (await replayed()).length, 'a step after 0 is shown').toBeGreaterThan(0);
  const [first] = await replayed();
  await page.evaluate(() => window.__stepObs.disconnect());
  if (await el.evaluate((e) => e.playing)) await el.locator('button[data-name="play"]').click();
  return first;
}
