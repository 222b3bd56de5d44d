import { chromium } from '@playwright/test';
import { launchOptions } from '../tests/browser.mjs';
const browser = await chromium.launch(launchOptions());
const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
await page.addInitScript(() => { window.__lt = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lt.push(Math.round(e.duration)); }).observe({ type: 'longtask', buffered: true }); });
await page.goto('http://127.0.0.1:4190/www/examples/gallery.html');
await page.evaluate(async () => { const els = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-')); await Promise.all(els.map(async (e) => { await customElements.whenDefined(e.localName); await e.ready; })); });
const tags = await page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-') && e.constructor.runControls).map((e) => e.localName));
for (const tag of tags) {
  await page.evaluate((t) => { for (const e of document.querySelectorAll('*')) if (e.localName.startsWith('noiselab-') && e.constructor.runControls) e.pause(); document.querySelector(t).scrollIntoView({ block: 'start' }); }, tag);
  await page.waitForTimeout(1000);
  await page.evaluate(async (t) => { const el = document.querySelector(t); await el.reset(); window.__lt = []; for (const e of document.querySelectorAll('*')) if (e.localName.startsWith('noiselab-') && e.constructor.runControls && e.visible) e.play(); }, tag);
  await page.waitForTimeout(8000);
  const r = await page.evaluate(() => ({ lt: window.__lt, playing: [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-') && e.playing).map((e) => `${e.localName.replace('noiselab-', '')}:${e.tickCount}`) }));
  console.log(tag.padEnd(28), 'long', r.lt.length, r.lt.sort((a, b) => a - b).join(','), '|', r.playing.join(' '));
}
await browser.close();
