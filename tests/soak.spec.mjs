// Soak: every widget of the lab on one page (www/examples/gallery.html), all playing, for ten
// minutes (SOAK_MS overrides, e.g. SOAK_MS=60000 for a quick local run), with a simulated student
// resetting finished runs and drawing new seeds (so runs are created and freed all along).
// Asserts: no console error; the page's JS heap after GC and every worker's wasm memory flat
// after warm-up (bounds below; the measured series goes to artifacts/soak.json); main-thread long
// tasks after load (PerformanceObserver) none over 120 ms and few over 50 ms (see the bound at the
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
  const loadedAt = await page.evaluate(() => performance.now());

  const cdp = await page.context().newCDPSession(page);
  const sample = async () => {
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
        spacer.style.height = '6000px';
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
  const longTasks = (await page.evaluate(() => window.__longTasks)).filter((l) => l.start > loadedAt);
  mkdirSync('artifacts', { recursive: true });
  writeFileSync('artifacts/soak.json', JSON.stringify({ durationMs: DURATION, samples, longTasks }, null, 1));
  const first = samples[0], last = samples.at(-1);
  const heapGrowth = last.heapMB - first.heapMB;
  console.log(`[soak] ${samples.length} samples over ${Math.round(DURATION / 1000)} s: page heap ${first.heapMB.toFixed(1)} → ${last.heapMB.toFixed(1)} MB; wasm per worker ${first.wasm.map((w) => (w.wasmBytes / 2 ** 20).toFixed(1)).join('/')} → ${last.wasm.map((w) => (w.wasmBytes / 2 ** 20).toFixed(1)).join('/')} MB; long tasks after load: ${longTasks.length}`);
  expect(heapGrowth).toBeLessThan(HEAP_GROWTH_MB);
  first.wasm.forEach((w, i) => expect(last.wasm[i].wasmBytes - w.wasmBytes, `${w.tag} wasm memory grew`).toBeLessThanOrEqual(WASM_GROWTH_MB * 2 ** 20));
  last.wasm.forEach((w) => expect(w.runs, `${w.tag} holds more runs than it shows`).toBeLessThanOrEqual(4));
  // With ten widgets playing on one 1900×2600 screen (software rendering in CI), a few frames
  // still take just over 50 ms (measured: 5–6 per minute at 50–60 ms, none above 100 ms, after
  // the shared frame pump). One widget alone has none (funnel.spec.mjs asserts that). Bound it:
  expect(longTasks.filter((l) => l.duration > 120), JSON.stringify(longTasks)).toEqual([]);
  expect(longTasks.length, JSON.stringify(longTasks)).toBeLessThanOrEqual(Math.ceil((DURATION / 60_000) * 10));
  con.check();
});
