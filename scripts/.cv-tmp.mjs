import { chromium } from '@playwright/test';
import { launchOptions } from '../tests/browser.mjs';
const browser = await chromium.launch(launchOptions());
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await page.addInitScript(() => {
  window.__draws = new Map();
  const P = CanvasRenderingContext2D.prototype;
  for (const m of ['clearRect', 'fillRect', 'drawImage', 'putImageData', 'stroke', 'fill', 'fillText']) {
    const orig = P[m];
    P[m] = function (...a) { const c = this.canvas; let s = window.__draws.get(c); if (!s) { s = { calls: 0, frames: new Set() }; window.__draws.set(c, s); } s.calls++; s.frames.add(window.__frame); return orig.apply(this, a); };
  }
  window.__frame = 0; const f = () => { window.__frame++; requestAnimationFrame(f); }; requestAnimationFrame(f);
});
const url = process.argv[2];
await page.goto(url);
await page.evaluate(async () => { const els = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-')); await Promise.all(els.map(async (e) => { await customElements.whenDefined(e.localName); await e.ready; })); });
await page.evaluate(() => { window.__draws.clear(); const e = [...document.querySelectorAll('*')].find((x) => x.localName.startsWith('noiselab-')); e.scrollIntoView(); e.play(); window.__t0 = window.__frame; });
await page.waitForTimeout(5000);
console.log(await page.evaluate(() => { const e = [...document.querySelectorAll('*')].find((x) => x.localName.startsWith('noiselab-')); const out = [`${e.localName} ticks ${e.tickCount} frames ${window.__frame - window.__t0}`]; for (const [c, s] of window.__draws) out.push(`  canvas ${c.width}x${c.height} class=${c.className} id=${c.id}: ${s.frames.size} frames drawn, ${s.calls} calls`); return out.join('\n'); }));
await browser.close();
