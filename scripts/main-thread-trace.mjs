// Where the page's main thread spends its time with every widget of a page playing:
//   node scripts/main-thread-trace.mjs URL [viewportHeight=2600] [seconds=8]
// (URL served by scripts/serve.mjs). Records a Chromium trace, then prints the main thread's
// time by trace event and, for every task over 50 ms, what it was made of (layout, paint,
// commit, script …). Used to find the soak test's long frames (tests/soak.spec.mjs).
import { chromium } from '@playwright/test';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchOptions } from '../tests/browser.mjs';

const [url, height = '2600', seconds = '8'] = process.argv.slice(2);
if (!url) { console.error('usage: node scripts/main-thread-trace.mjs URL [viewportHeight] [seconds]'); process.exit(2); }
const path = join(mkdtempSync(join(tmpdir(), 'noiselab-trace-')), 'trace.json');
const browser = await chromium.launch(launchOptions());
const page = await browser.newPage({ viewport: { width: 1900, height: Number(height) } });
await page.goto(url);
await page.evaluate(async () => {
  const els = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-'));
  await Promise.all(els.map(async (e) => { await customElements.whenDefined(e.localName); await e.ready; }));
  for (const e of els) if (e.constructor.runControls) e.play();
});
await page.waitForTimeout(1000);
await browser.startTracing(page, { path, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink', 'cc'] });
await page.waitForTimeout(Number(seconds) * 1000);
await browser.stopTracing();
const ticks = await page.evaluate(() => [...document.querySelectorAll('*')]
  .filter((e) => e.localName.startsWith('noiselab-') && e.constructor.runControls).map((e) => `${e.localName}:${e.tickCount}`));
await browser.close();

const raw = JSON.parse(readFileSync(path, 'utf8'));
const events = raw.traceEvents ?? raw;
const names = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
const main = events.filter((e) => e.ph === 'X' && e.dur && /CrRendererMain/.test(names.get(`${e.pid}:${e.tid}`) ?? ''));
const label = (e) => (e.name === 'FunctionCall' ? `FunctionCall ${e.args?.data?.functionName ?? ''} ${(e.args?.data?.url ?? '').split('/').pop()}:${e.args?.data?.lineNumber ?? ''}` : e.name);
const total = new Map();
for (const e of main) { const a = total.get(e.name) ?? [0, 0]; a[0] += e.dur; a[1]++; total.set(e.name, a); }
console.log(`widgets' ticks in ${seconds} s: ${ticks.join(' ')}`);
console.log('main thread, ms (inclusive) and count by event:');
for (const [k, [d, n]] of [...total].sort((a, b) => b[1][0] - a[1][0]).slice(0, 20)) console.log(`${(d / 1000).toFixed(0).padStart(8)} ${String(n).padStart(6)}  ${k}`);
const long = main.filter((e) => e.name === 'RunTask' && e.dur > 50_000);
console.log(`tasks over 50 ms: ${long.length}`);
for (const t of long) {
  const parts = new Map();
  for (const e of main) if (e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur) parts.set(label(e), (parts.get(label(e)) ?? 0) + e.dur);
  console.log(`${(t.dur / 1000).toFixed(0).padStart(5)} ms: ${[...parts].sort((a, b) => b[1] - a[1]).slice(1, 9).map(([k, d]) => `${k} ${(d / 1000).toFixed(1)}`).join(' | ')}`);
}
