// Screenshot a page of the lab with headless Chromium and print its console errors.
// Usage: node scripts/shot.mjs URL out.png [width] [height] [--full] [--play MS]
import { chromium } from '@playwright/test';
import { launchOptions } from '../tests/browser.mjs';

const [url, out, w = '1440', h = '900', ...rest] = process.argv.slice(2);
const full = rest.includes('--full');
const playMs = rest.includes('--play') ? Number(rest[rest.indexOf('--play') + 1]) : 0;
const browser = await chromium.launch(launchOptions());
const page = await browser.newPage({ viewport: { width: Number(w), height: Number(h) }, deviceScaleFactor: 1 });
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`[console.${m.type()}] ${m.text()}`); });
page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
await page.goto(url, { waitUntil: 'load' });
await page.waitForTimeout(2500);
if (playMs) {
  await page.evaluate(() => document.querySelectorAll('noiselab-funnel').forEach((el) => el.play()));
  await page.waitForTimeout(playMs);
}
await page.screenshot({ path: out, fullPage: full });
await browser.close();
console.log(`wrote ${out}`);
