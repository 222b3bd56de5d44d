import { chromium } from '@playwright/test';
import { launchOptions } from '../tests/browser.mjs';
const browser = await chromium.launch(launchOptions());
const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 2 });
await page.goto('http://127.0.0.1:8125/index.html#funnel');
const el = page.locator('#funnel-widget');
await el.evaluate(async (e) => { await customElements.whenDefined('noiselab-funnel'); await e.ready; });
console.log(await el.evaluate(async (e) => {
  await e.runToEnd();
  const s = e.surfaceScales();
  const c = e.trailsView.canvas; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let minx = 1e9, maxx = 0, miny = 1e9, maxy = 0; for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) if (d[(y * c.width + x) * 4 + 3] > 0) { minx = Math.min(minx, x); maxx = Math.max(maxx, x); miny = Math.min(miny, y); maxy = Math.max(maxy, y); }
  const r = c.getBoundingClientRect(); const r2 = e.surfaceView.canvas.getBoundingClientRect();
  return { bbox: [minx, maxx, miny, maxy], rect: [r.width, r.height, r.left, r.top], rect2: [r2.width, r2.height, r2.left, r2.top], style: getComputedStyle(c).position, k: e.k, rows: e.rows, first: Array.from(e.pathBuf.subarray(0, 12)), row500: Array.from(e.pathBuf.subarray(500 * 6, 500 * 6 + 6)), sx: s.x(-2), sy: s.y(1), sxr: s.x.range, syr: s.y.range };
}));
await browser.close();
