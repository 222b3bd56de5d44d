import { chromium } from '@playwright/test';
import { launchOptions } from '../tests/browser.mjs';
const browser = await chromium.launch(launchOptions());
const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
await page.addInitScript(() => { window.__lt = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lt.push(Math.round(e.duration)); }).observe({ type: 'longtask', buffered: true }); });
await page.goto('http://127.0.0.1:4190/www/examples/gallery.html');
await page.evaluate(async () => { const els = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-')); await Promise.all(els.map(async (e) => { await customElements.whenDefined(e.localName); await e.ready; })); for (const e of els) if (e.constructor.runControls) e.play(); });
await page.waitForTimeout(3000);
const tags = await page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-') && e.constructor.runControls).map((e) => e.localName));
const take = () => page.evaluate(() => { const l = window.__lt; window.__lt = []; return l.join(','); });
await take();
for (const tag of tags) {
  await page.evaluate((t) => document.querySelector(t).scrollIntoView({ block: 'start' }), tag);
  await page.waitForTimeout(3000);
  const scroll = await take();
  await page.evaluate(async (t) => { const e = document.querySelector(t); await e.reset(); e.play(); }, tag);
  await page.waitForTimeout(3000);
  const reset = await take();
  await page.evaluate(async (t) => { const e = document.querySelector(t); if ('seed' in e.settings) await e.setSettings({ seed: '12345' }); e.play(); }, tag);
  await page.waitForTimeout(3000);
  const seed = await take();
  console.log(tag.padEnd(28), `scroll [${scroll}] reset [${reset}] seed [${seed}]`);
}
await browser.close();
