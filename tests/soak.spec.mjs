// Soak: every widget of the lab on one page (www/examples/gallery.html), all playing, for two
// minutes inside `npm test` and ten in `npm run soak` (SOAK_MS sets the time), with a simulated student
// resetting finished runs and drawing new seeds (so runs are created and freed all along).
// Asserts: no console error; the page's and the workers' JS heaps after GC and every worker's wasm memory flat
// after warm-up (bounds below; the measured series goes to artifacts/soak.json); no main-thread
// freeze (no task over 500 ms); widgets off screen pause. Main-thread long tasks over 50 ms
// (PerformanceObserver; issue 8's target is none) are measured and reported, not asserted: their
// number follows the load on the machine's two cores (see the end). A 1920×1080 screen: the
// student scrolls from widget to widget.
import { test, expect } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { watchConsole } from './helpers.mjs';

const DURATION = Number(process.env.SOAK_MS ?? 120_000);
const WARMUP = Math.min(60_000, DURATION / 4);
const HEAP_GROWTH_MB = 8; // page JS heap after GC: last sample minus first after warm-up
const WASM_GROWTH_MB = 4; // per worker: linear memory only grows; a leak of runs would grow it
const FREEZE_MS = 500; // a main-thread task this long is a visible freeze, whatever the load

test.setTimeout(DURATION + 180_000);

test(`soak: every widget playing for ${Math.round(DURATION / 1000)} s`, async ({ page }) => {
  const con = watchConsole(page);
  // A laptop-sized screen: the widgets in view play, those out of view pause (issue 8), and
  // the student below scrolls from widget to widget so that each one plays in view in turn.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: Math.round(e.startTime), duration: Math.round(e.duration) });
    }).observe({ type: 'longtask', buffered: true });
    // The same frames seen by the Long Animation Frames API, which says how much of each was
    // the page's own script (the rest is the browser rendering, or waiting for a core).
    window.__longFrames = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const scripts = e.scripts.map((x) => ({ ms: Math.round(x.duration), what: `${x.invoker} ${String(x.sourceURL).split('/').pop()}:${x.sourceFunctionName}` }));
        window.__longFrames.push({ start: Math.round(e.startTime), duration: Math.round(e.duration), scriptMs: scripts.reduce((a, x) => a + x.ms, 0), renderMs: Math.round(e.startTime + e.duration - (e.renderStart || e.startTime + e.duration)), scripts: scripts.filter((x) => x.ms >= 5) });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
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
  // The forced full GC below is the test's own doing (a real page never triggers one): long
  // tasks overlapping a sampling window are not counted against the page.
  const sampling = [];
  const sample = async () => {
    const from = await page.evaluate(() => performance.now());
    try { return await measure(); } finally { sampling.push([from, await page.evaluate(() => performance.now())]); }
  };
  // The workers' own JS heaps (after a GC in each), through the browser's DevTools protocol:
  // a dedicated worker has no performance.memory.
  const browserCdp = await page.context().browser().newBrowserCDPSession();
  let nextId = 1;
  const waiting = new Map();
  browserCdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    waiting.get(m.id)?.(m.result ?? m.error);
    waiting.delete(m.id);
  });
  const inTarget = (sessionId, method) => new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    browserCdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params: {} }) });
  });
  const workerHeapsMB = async () => {
    const { targetInfos } = await browserCdp.send('Target.getTargets');
    const heaps = [];
    for (const t of targetInfos.filter((x) => x.type === 'worker' && x.url.includes('/worker.js'))) {
      const { sessionId } = await browserCdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false });
      await inTarget(sessionId, 'HeapProfiler.collectGarbage');
      const { usedSize } = await inTarget(sessionId, 'Runtime.getHeapUsage');
      await browserCdp.send('Target.detachFromTarget', { sessionId });
      heaps.push(usedSize / 2 ** 20);
    }
    return heaps;
  };
  const measure = async () => {
    const workerHeaps = await workerHeapsMB();
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const wasm = await page.evaluate(async () => {
      const els = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-'));
      return Promise.all(els.map(async (e) => ({ tag: e.localName, ...(await e.worker.request('stats')) })));
    });
    return { t: Math.round((await page.evaluate(() => performance.now()) - loadedAt) / 1000), heapMB: usedSize / 2 ** 20, workerHeapMB: workerHeaps.reduce((a, b) => a + b, 0), workers: workerHeaps.length, wasm };
  };

  // The student: keep every runnable widget playing; restart finished runs; now and then a new
  // seed. One widget at a time, a few hundred ms apart, as a person would.
  const shown = new Set();
  const student = (round) => page.evaluate(async (r) => {
    const els = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-') && e.constructor.runControls);
    const focus = els[r % els.length];
    const log = (what) => (window.__actions ??= []).push({ t: Math.round(performance.now()), what });
    log(`round ${r}: scroll to ${focus.localName}`);
    focus.scrollIntoView({ block: 'start' });
    await new Promise((res) => setTimeout(res, 300));
    for (const [i, e] of els.entries()) {
      if (e.broken) continue;
      if (r % 4 === i % 4 && 'seed' in e.settings) {
        log(`new seed ${e.localName}`);
        await e.setSettings({ seed: String(1 + ((r * 7919 + i * 104729) % 100000)) }).then(() => e.play());
      } else if (!e.playing) {
        log(`restart ${e.localName}`);
        await e.reset().then(() => e.play());
      } else continue;
      await new Promise((res) => setTimeout(res, 300));
    }
    return focus.localName;
  }, round).then((tag) => shown.add(tag));

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
      // Growing the page by a screen and more and shrinking it back re-lays out everything: the
      // test's doing, so this window does not count for long tasks either.
      const from = await page.evaluate(() => performance.now());
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
      sampling.push([from, await page.evaluate(() => performance.now())]);
    }
  }
  samples.push({ ...(await sample()), wall: Date.now() - t0 });
  const longTasks = (await page.evaluate(() => window.__longTasks))
    .filter((l) => l.start > loadedAt && !sampling.some(([a, b]) => l.start < b + 5 && l.start + l.duration > a - 5));
  mkdirSync('artifacts', { recursive: true });
  const actions = await page.evaluate(() => window.__actions ?? []);
  const longFrames = (await page.evaluate(() => window.__longFrames))
    .filter((l) => l.start > loadedAt && !sampling.some(([a, b]) => l.start < b + 5 && l.start + l.duration > a - 5));
  writeFileSync('artifacts/soak.json', JSON.stringify({ durationMs: DURATION, samples, sampling, actions, longTasks, longFrames }, null, 1));
  const first = samples[0], last = samples.at(-1);
  const heapGrowth = last.heapMB - first.heapMB;
  console.log(`[soak] ${samples.length} samples over ${Math.round(DURATION / 1000)} s: page heap ${first.heapMB.toFixed(1)} → ${last.heapMB.toFixed(1)} MB; wasm per worker ${first.wasm.map((w) => (w.wasmBytes / 2 ** 20).toFixed(1)).join('/')} → ${last.wasm.map((w) => (w.wasmBytes / 2 ** 20).toFixed(1)).join('/')} MB; long tasks after load: ${longTasks.length}`);
  expect(heapGrowth).toBeLessThan(HEAP_GROWTH_MB);
  // The workers' JS heaps, summed (every widget has one worker; a restarted worker is a new one).
  console.log(`[soak] workers' JS heap after GC: ${first.workerHeapMB.toFixed(1)} → ${last.workerHeapMB.toFixed(1)} MB over ${last.workers} workers`);
  expect(last.workers).toBeGreaterThanOrEqual(tags.onPage.length);
  expect(last.workerHeapMB - first.workerHeapMB).toBeLessThan(HEAP_GROWTH_MB);
  first.wasm.forEach((w, i) => expect(last.wasm[i].wasmBytes - w.wasmBytes, `${w.tag} wasm memory grew`).toBeLessThanOrEqual(WASM_GROWTH_MB * 2 ** 20));
  last.wasm.forEach((w) => expect(w.runs, `${w.tag} holds more runs than it shows`).toBeLessThanOrEqual(4));
  // Every widget the student scrolled to really played.
  const worked = await page.evaluate(() => [...document.querySelectorAll('*')]
    .filter((e) => e.localName.startsWith('noiselab-') && e.constructor.runControls).map((e) => ({ tag: e.localName, ticks: e.tickCount })));
  for (const w of worked) if (shown.has(w.tag)) expect(w.ticks, `${w.tag} hardly played`).toBeGreaterThan(20);
  console.log(`[soak] frames of work per widget: ${worked.map((w) => `${w.tag} ${w.ticks}`).join(', ')}`);
  // Main-thread long tasks (issue 8's target: none over 50 ms). Traced with
  // scripts/main-thread-trace.mjs and the Long Animation Frames above, what is left is Chromium's
  // own rendering in software (layout, paint, compositor commit, copying canvases) or the main
  // thread waiting for a core, not the lab's JavaScript, so the count follows the load on the
  // machine's two cores: 0–1.5 per minute at 50–60 ms on an idle machine; 6.4 per minute (max
  // 285 ms, in bursts) in a CI run on a busy host; 17–146 per minute with other jobs running
  // (load 4–11). A count that depends on the host is a timing measurement, which the project
  // reports but never asserts (README, "Benchmarks"): it is printed here, written to
  // artifacts/soak.json and measured again by the benchmark's W4. Asserted: no freeze a student
  // would take for a hang, no task over FREEZE_MS.
  const stats = longTasks.map((l) => l.duration).sort((a, b) => a - b);
  const busy = stats.reduce((a, d) => a + d, 0);
  console.log(`[soak] long tasks: ${stats.length} (${(stats.length / (DURATION / 60_000)).toFixed(1)}/min; issue 8's target 0), median ${stats[stats.length >> 1] ?? 0} ms, max ${stats.at(-1) ?? 0} ms, ${(100 * busy / DURATION).toFixed(1)} % of the time`);
  const worstScript = longFrames.reduce((m, f) => (f.scriptMs > (m?.scriptMs ?? -1) ? f : m), null);
  console.log(`[soak] long animation frames: ${longFrames.length}; the most script in one: ${worstScript ? `${worstScript.scriptMs} of ${worstScript.duration} ms (${worstScript.scripts.map((x) => `${x.what} ${x.ms}`).join(', ')})` : 'none'}`);
  // Each long task beside the student's last action before it and the animation frame it fell
  // in: whether it follows a scroll, a reset or a new seed, or came during steady play.
  for (const l of longTasks.slice(0, 10)) {
    const before = actions.filter((a) => a.t <= l.start).at(-1);
    const frame = longFrames.find((f) => f.start <= l.start + l.duration && f.start + f.duration >= l.start);
    console.log(`[soak]   long task at ${((l.start - loadedAt) / 1000).toFixed(1)} s, ${l.duration} ms: ${before ? `${l.start - before.t} ms after "${before.what}"` : 'before any action'}; ${frame ? `its frame ${frame.duration} ms, ${frame.scriptMs} ms script, ${frame.renderMs} ms rendering` : 'no long animation frame over it'}`);
  }
  expect(stats.filter((d) => d > FREEZE_MS), JSON.stringify(longTasks)).toEqual([]);
  con.check();
});
