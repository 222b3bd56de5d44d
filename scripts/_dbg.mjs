import { chromium } from '@playwright/test';
import { launchOptions } from '../tests/browser.mjs';
const b = await chromium.launch(launchOptions());
const p = await b.newPage({ viewport: { width: 1440, height: 900 } });
p.on('console', (m) => console.log('console', m.type(), m.text().slice(0, 300)));
p.on('pageerror', (e) => console.log('pageerror', e.message));
await p.goto('http://127.0.0.1:4399/www/examples/gallery.html');
await p.evaluate(() => { window.__r = {}; for (const e of document.querySelectorAll('*')) if (e.localName.startsWith('noiselab-')) customElements.whenDefined(e.localName).then(() => e.ready).then(() => { window.__r[e.localName] = performance.now(); }); });
for (let i = 0; i < 6; i++) { await p.waitForTimeout(5000); console.log(JSON.stringify(await p.evaluate(() => window.__r))); }
await b.close();
