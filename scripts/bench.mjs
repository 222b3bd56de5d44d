// The benchmark suite (issue 7; not a test: it never fails on timing). One command:
//   npm run bench            (setup + release build + this script, which builds bench/pkg)
//   node scripts/bench.mjs [--runs 7] [--quick] [--no-w4] [--no-w5] [--loads 5] [--w4-only] [--w5-only]
//                          [--widgets kind,…] [--changes 12] [--help]   (unknown options: usage, exit 2)
// W1 MLP SGD, W2 funnel noisy GD, W3 sharpness: natively (release `noiselab bench …`, one run in
// its own process after a warm-up run, before each round of the browser part) and in headless
// Chromium (release wasm through the adapter, plus plain-JS and TensorFlow.js peers in the same
// page), interleaved round by round: the load on this shared machine changes from minute to
// minute (native W1 measured 12.6k and 8.7k steps/s half an hour apart), so native runs pooled
// from before and after the browser part did not compare with it.
// W4: cold loads of index.html from scripts/serve.mjs (dist/): time to the first drawn frame of
// every widget, bytes by type, long tasks while all widgets play.
// W5 (issue 22): the latency a student feels, per widget (frame.html?widget=<kind>, dist/): a
// settings change through the element's API and through a real slider drag → the first frame
// drawn with the new settings (p50, p95); for the heavy ones (Bayesian regression bands, the
// implicit-regularizer sweeps, the Wei comparison) also the first partial result and completion.
// Prints one table and writes bench/results.json and bench/results.md.
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import { createReadStream, existsSync, promises as fs, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { launchOptions } from '../tests/browser.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(repo);
const USAGE = `usage: node scripts/bench.mjs [options]
  --runs N        timed runs per implementation (W1-W3; default 7, --quick 3)
  --quick         shorter workloads, fewer runs and loads
  --no-w4         leave W4 (cold loads) out of the full run
  --no-w5         leave W5 (latency) out of the full run
  --loads N       cold loads per section link (W4; default 5, --quick 2; 0: only the top of
                  the page: bytes, all widgets drawn, long tasks while all play)
  --w4-only       W4 alone (prints, writes no results file)
  --w5-only       W5 alone (prints, writes no results file)
  --widgets K,…   W5 for these kinds only (registry.js; also W5_KINDS=K,…); no Wei comparison
                  unless dropout is one of them
  --changes N     W5 settings changes per widget, each way (default 12, --quick 10)
  --help          this text
W5_DEBUG=1 prints every W5 change.`;
const FLAGS = new Set(['quick', 'no-w4', 'no-w5', 'w4-only', 'w5-only', 'help']);
const VALUED = new Set(['runs', 'loads', 'widgets', 'changes']);
const args = {};
{
  const argv = process.argv.slice(2);
  const bad = (why) => { console.error(`bench: ${why}\n${USAGE}`); process.exit(2); };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith('--') ? a.slice(2) : null;
    if (name !== null && FLAGS.has(name)) args[name] = true;
    else if (name !== null && VALUED.has(name)) {
      if (i + 1 >= argv.length) bad(`${a} needs a value`);
      args[name] = argv[++i];
    } else bad(`unknown option ${a}`);
  }
  if (args.help) { console.log(USAGE); process.exit(0); }
  for (const n of ['runs', 'loads', 'changes']) {
    if (n in args && !(Number.isInteger(Number(args[n])) && Number(args[n]) >= (n === 'loads' ? 0 : 1))) bad(`--${n} ${args[n]}: not a count`);
  }
  if (args['w4-only'] && args['w5-only']) bad('--w4-only and --w5-only exclude each other');
}
const opt = (name, dflt) => (name in args ? Number(args[name]) : dflt);
const quick = Boolean(args.quick);
const runs = opt('runs', quick ? 3 : 7);
const loads = opt('loads', quick ? 2 : 5);
const w5Changes = opt('changes', quick ? 10 : 12);
const w5Kinds = (args.widgets ?? process.env.W5_KINDS)?.split(',').map((k) => k.trim()).filter(Boolean) ?? null;
if (w5Kinds) {
  const { EXPERIMENTS } = await import('../www/lib/registry.js');
  const unknown = w5Kinds.filter((k) => !EXPERIMENTS.some((e) => e.kind === k));
  if (unknown.length) { console.error(`bench: unknown widget ${unknown.join(', ')} (kinds: ${EXPERIMENTS.map((e) => e.kind).join(', ')})`); process.exit(2); }
}

// W4 alone, for quick checks while working on load time (prints, writes no results file).
if (args['w4-only']) {
  const browser = await chromium.launch(launchOptions());
  try {
    const w4 = await measureW4(browser);
    const top = w4.loads[0];
    for (const [id, sec] of Object.entries(w4.sections)) {
      const ms = sec.runs.map((r) => Math.round(r.ms)).sort((a, b) => a - b);
      console.log(`#${id} [${sec.runs[0].widgets.join(', ')}]: ${ms.join(' ')} ms`);
    }
    console.log(`top: ${top.bootedAtTop} widgets booted in 3 s; asked for, all drawn after ${Math.round(Math.max(...top.widgets.map((w) => top.firstFrameMs[w] ?? Infinity)) - top.shownAt)} ms; long tasks ${JSON.stringify(top.longTasks)}; bytes ${JSON.stringify(top.bytes)}`);
  } finally {
    await browser.close();
  }
  process.exit(0);
}

// W5 alone (prints, writes no results file).
if (args['w5-only']) {
  const browser = await chromium.launch(launchOptions());
  try {
    printW5(await measureW5(browser));
  } finally {
    await browser.close();
  }
  process.exit(0);
}

// ---- native -----------------------------------------------------------------------------------
execFileSync('cargo', ['build', '--release', '-q', '-p', 'noiselab-cli'], { stdio: 'inherit' });
const native = (workload, n) => JSON.parse(execFileSync('target/release/noiselab',
  ['bench', workload, '--runs', String(n)], { encoding: 'utf8' }));
// The native workloads timed before each round of a browser workload.
const NATIVE = { W1: ['mlp'], W2: ['funnel'], W3: ['sharpness', 'sharpness-power'] };
const nativeRuns = Object.fromEntries(Object.values(NATIVE).flat().map((w) => [w, []]));
const runNative = (workload) => {
  for (const w of NATIVE[workload]) nativeRuns[w].push(...native(w, 1).runs);
};

// ---- the bench page's wasm: the lab's release module plus the bench entry points (cargo feature
// `bench`, left out of www/pkg), built the same way (wasm-pack, then wasm-opt) into bench/pkg ----
execFileSync('bash', ['scripts/build-wasm.sh', 'bench/pkg', 'all', 'bench'], { stdio: 'inherit' });

// ---- a static server for the bench page (bench/ with bench/pkg, TensorFlow.js) -----------------
const SERVED = ['bench/', 'node_modules/@tensorflow/'];
// The reference peers (issue 22): careful plain-JS implementations kept outside the project, in
// ../shared/peers/ (NOISELAB_PEERS overrides), served as they are under /peers/ and reported as
// "plain JS (reference peer)". Never edited or tuned here; without them the suite says so.
const PEERS = path.resolve(process.env.NOISELAB_PEERS ?? path.join(repo, '..', 'shared', 'peers'));
const peerFile = (rel) => (rel.startsWith('peers/') ? path.join(PEERS, rel.slice('peers/'.length)) : null);
const referencePeer = existsSync(path.join(PEERS, 'funnel.mjs'));
if (!referencePeer) console.warn(`bench: no reference peer at ${PEERS}/funnel.mjs; W2 runs without it`);
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
const benchServer = http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '');
  const peer = peerFile(rel);
  const file = peer ? path.resolve(peer) : path.resolve(repo, rel);
  let ok = peer ? file.startsWith(PEERS + path.sep) : SERVED.some((p) => rel.startsWith(p)) && file.startsWith(repo + path.sep);
  try { ok = ok && statSync(file).isFile(); } catch { ok = false; }
  if (!ok) { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  createReadStream(file).pipe(res);
});
await new Promise((r) => benchServer.listen(0, '127.0.0.1', r));
const benchUrl = `http://127.0.0.1:${benchServer.address().port}/bench/index.html`;

const browser = await chromium.launch(launchOptions());
const out = { date: new Date().toISOString(), machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`, runs };
let w4 = null;
let w5 = null;
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('[bench page]', e.message));
  await page.exposeFunction('benchNative', runNative);
  await page.goto(benchUrl);
  await page.waitForFunction(() => window.benchSuiteReady === true);
  const browserSide = await page.evaluate((o) => window.benchSuite.run(o),
    quick ? { runs, w1Steps: 500, tfSteps: 300, trajectories: 1000, steps: 300 } : { runs });
  out.browser = browserSide;
  out.versions = { ...browserSide.versions, chromium: browser.version(), node: process.version };
  await page.close();
  if (!args['no-w4']) w4 = await measureW4(browser);
  if (!args['no-w5']) w5 = await measureW5(browser);
} finally {
  await browser.close();
  benchServer.close();
}

// ---- W4 ----------------------------------------------------------------------------------------
// "First drawn frame of every visible widget": each widget's section is opened cold by its link
// (index.html#<figure id>, 1440 × 900, new browser context, no service worker), and the time to
// the first inked frame of every widget then in the viewport is recorded. One more cold load of
// the top of the page records how many widgets boot there (none is near the view), when every
// widget has drawn once the page asks for all of them (they boot one at a time: information,
// not a target), the bytes by type, and the long tasks while all widgets play in a viewport
// as tall as the page.

/** In the page: resolve when every widget matching `which(el)` has a canvas with ink. */
function pollFirstFrames(which) {
  return new Promise((resolve) => {
    const seen = {}, t0 = performance.now();
    const poll = () => {
      // Nothing can have drawn while the page is parsed (the widgets' modules run after it), and
      // measuring boxes then would force layouts of the half-parsed page that a reader's browser
      // never does: in a 6-load A/B that cost 60-260 ms of W4's figure.
      if (document.readyState === 'loading') { requestAnimationFrame(poll); return; }
      // (The widgets, not the exercises' elements, which draw no figure.)
      const widgets = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-') && e.localName !== 'noiselab-exercise');
      const wanted = widgets.filter((w) => {
        if (which === 'all') return true;
        const r = w.getBoundingClientRect();
        return r.bottom > 0 && r.top < innerHeight && r.height > 0;
      });
      for (const w of wanted) {
        if (seen[w.localName] !== undefined || !w.shadowRoot) continue;
        for (const c of w.shadowRoot.querySelectorAll('canvas')) {
          if (!c.width || !c.height) continue;
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let ink = 0;
          for (let i = 0; i < d.length; i += 16) if (d[i + 3] > 128 && (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250)) ink++;
          if (ink > 20) { seen[w.localName] = performance.now(); break; }
        }
      }
      const all = wanted.length > 0 && wanted.every((w) => seen[w.localName] !== undefined);
      if (all || performance.now() - t0 > 30000) resolve({ firstFrameMs: seen, widgets: wanted.map((w) => w.localName) });
      else requestAnimationFrame(poll);
    };
    poll();
  });
}

/** The built lab (dist/) served by scripts/serve.mjs on a free port: the process and its URL. */
async function serveDist() {
  const server = spawn('node', ['scripts/serve.mjs', '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    server.stdout.once('data', (d) => resolve(String(d).trim()));
    server.once('exit', () => reject(new Error('server exited')));
  });
  return { server, url };
}

async function measureW4(browser) {
  const { server, url } = await serveDist();
  const modules = Object.fromEntries(readdirSync('www/pkg').filter((f) => existsSync(`www/pkg/${f}/noiselab_wasm_bg.wasm`))
    .map((f) => [f, statSync(`www/pkg/${f}/noiselab_wasm_bg.wasm`).size]));
  // The largest module is what one widget may have to load; the sum is every family's.
  const result = { loads: [], sections: {}, wasmModules: modules, wasmBytes: Math.max(...Object.values(modules)) };
  const fresh = async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, serviceWorkers: 'block' });
    return { context, page: await context.newPage() };
  };
  try {
    // The top of the page: bytes, every widget's first frame, long tasks while all play.
    {
      const { context, page } = await fresh();
      const bytes = {};
      page.on('response', async (r) => {
        const ext = path.extname(new URL(r.url()).pathname).slice(1) || 'html';
        const kind = { mjs: 'js', woff2: 'font', woff: 'font', ttf: 'font' }[ext] ?? ext;
        try { const b = await r.body(); bytes[kind] = (bytes[kind] ?? 0) + b.length; } catch { /* redirects */ }
      });
      await page.goto(`${url}index.html`, { waitUntil: 'load' });
      // At the top no widget is within a screen of the view: none should boot (schedule.js).
      await page.waitForTimeout(3000);
      const load = { bytes };
      load.bootedAtTop = await page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-') && e.localName !== 'noiselab-exercise' && e.phase && e.phase !== 'waiting').length);
      load.figures = await page.evaluate(() => [...document.querySelectorAll('figure[id]')]
        .map((f) => [f.id, [...f.querySelectorAll('*')].find((e) => e.localName.startsWith('noiselab-'))?.localName])
        .filter(([, tag]) => tag));
      // The page asks for every widget (reads each one's `ready`): they boot one at a time; when
      // has each drawn? Then the whole page in view.
      load.shownAt = await page.evaluate(() => performance.now());
      // (Each once its module has defined it: the front page loads far widgets' modules at idle.)
      await page.evaluate(() => Promise.all([...document.querySelectorAll('*')]
        .filter((e) => e.localName.startsWith('noiselab-') && e.localName !== 'noiselab-exercise')
        .map((e) => customElements.whenDefined(e.localName).then(() => { e.ready; }))));
      Object.assign(load, await page.evaluate(pollFirstFrames, 'all'));
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.setViewportSize({ width: 1440, height: Math.min(height, 16000) });
      // The resize itself is not "while all widgets play": every section now in view is laid
      // out once, in one or two long tasks (107-142 ms in 3 loads, no widget playing), which
      // earlier runs counted. Let it pass before observing.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 500)))));
      load.longTasks = await page.evaluate(async () => {
        const tasks = [];
        const obs = new PerformanceObserver((l) => l.getEntries().forEach((e) => tasks.push(e.duration)));
        obs.observe({ type: 'longtask' });
        for (const w of document.querySelectorAll('*')) if (w.localName.startsWith('noiselab-') && typeof w.play === 'function') w.play();
        await new Promise((r) => setTimeout(r, 5000));
        obs.disconnect();
        return { count: tasks.length, over50: tasks.filter((d) => d > 50).length, maxMs: Math.max(0, ...tasks), seconds: 5 };
      });
      result.loads.push(load);
      await context.close();
    }
    // Each section by its link, cold, `loads` times, interleaved.
    const figures = result.loads[0].figures;
    for (let k = 0; k < loads; k++) {
      for (const [id, tag] of figures) {
        const { context, page } = await fresh();
        await page.goto(`${url}index.html#${id}`, { waitUntil: 'commit' });
        const r = await page.evaluate(pollFirstFrames, 'visible');
        (result.sections[id] ??= { tag, runs: [] }).runs.push({
          ms: Math.max(...r.widgets.map((w) => r.firstFrameMs[w] ?? Infinity)),
          widgets: r.widgets,
        });
        await context.close();
      }
    }
  } finally {
    server.kill();
  }
  return result;
}


// ---- W5 ----------------------------------------------------------------------------------------
// Per widget, alone on frame.html?widget=<kind> (dist/, 1280 × 900, paused): `changes` settings
// changes through the element's API (`setSettings({seed})`, or the slope for laplace-vb, which
// has no seed), each timed from the call to the first animation frame after the widget drew the
// new run or result (the `noiselab-frame` it dispatches right after drawing: for run widgets the
// first one of the run the change started), and `changes` real slider drags (mouse down on the
// slider of the first real setting, move, up: the slider commits on `change`), timed from the
// first `input` that brought the slider to its final value (a widget may apply it live, before
// the `change`) to the first frame of a run with that value. The heavy ones, also: first partial result and completion after a new
// seed (bayes-regression, implicit-reg: the first frame and the frame with a stop reason), and the
// Wei comparison of the dropout widget (its view `wei`, started by a real click on its button:
// the progress bar's first advance and `complete`).


/** In the page: a latency probe on element `el` (frame.html's one widget). */
function w5Probe() {
  const w = [...document.querySelectorAll('*')].find((e) => e.localName.startsWith('noiselab-'));
  window.__w5 = { el: w, runStarted: -1 };
  const target = window.__w5.el;
  if (typeof target.startRun === 'function') {
    const start = target.startRun.bind(target);
    target.startRun = (r) => { window.__w5.runStarted = performance.now(); window.__w5.runSettings = { ...target.valid }; return start(r); };
  }
  // Every frame the widget draws: when, the run it belongs to (the last startRun), whether the
  // run had ended, and the next animation frame (when it was shown). Recorded from the start, so
  // a frame drawn before a waiting promise is set up is not missed.
  window.__w5.frames = [];
  target.addEventListener('noiselab-frame', () => {
    // `preview`: a compute-once widget's first frame of a change, before its costly part
    // (logreg-posterior's variational fits), which a later frame of the same change draws.
    const rec = { at: performance.now(), run: window.__w5.runStarted, settings: window.__w5.runSettings ?? target.valid, stopped: Boolean(target.snapshot?.stopReason), preview: Boolean(target.result?.preview), shown: null };
    window.__w5.frames.push(rec);
    requestAnimationFrame(() => { rec.shown = performance.now(); });
  });
  /** Resolve with the time the first frame of the new settings drawn after `t0` (ms since
      navigation) was shown (for run widgets the first frame of a run started after `t0`;
      `stopped`: the first with the run ended; `want`: name → value the run's settings must
      have; `final`: the first that is not a preview), or null after 20 s. */
  window.__w5.frameAfter = (t0, stopped = false, want = null, final = false) => new Promise((resolve) => {
    const runs = typeof target.startRun === 'function' && target.constructor.runControls !== false;
    const until = performance.now() + 20000;
    const poll = () => {
      const rec = window.__w5.frames.find((r) => r.at >= t0 && (!runs || r.run >= t0) && (!stopped || r.stopped) && (!final || !r.preview) && (!want || Object.entries(want).every(([n, v]) => Number(r.settings?.[n]) === Number(v))));
      if (rec && rec.shown !== null) resolve(rec.shown);
      else if (performance.now() > until) resolve(null);
      else setTimeout(poll, 2);
    };
    poll();
  });
}

async function measureW5(browser, changes = w5Changes) {
  const { server, url } = await serveDist();
  const { EXPERIMENTS } = await import('../www/lib/registry.js');
  const W5_HEAVY = ['bayes-regression', 'implicit-reg'];
  const result = { changes, widgets: {}, wei: null };
  const open = async (query) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[W5 ${query}]`, e.message));
    await page.goto(`${url}www/frame.html?${query}`);
    await page.waitForFunction(() => [...document.querySelectorAll('*')].some((e) => e.localName.startsWith('noiselab-') && e.isReady));
    await page.evaluate(w5Probe);
    await page.evaluate(async () => { const e = window.__w5.el; e.pause?.(); await e.settled(); await new Promise((r) => setTimeout(r, 300)); });
    return { context, page };
  };
  try {
    const only = w5Kinds;
    for (const { kind } of EXPERIMENTS.filter((e) => !only || only.includes(e.kind))) {
      const { context, page } = await open(`widget=${kind}`);
      const row = { api: [], apiFinal: [], slider: [], sliderField: null, runs: await page.evaluate(() => window.__w5.el.constructor.runControls !== false) };
      // Through the API.
      for (let i = 0; i < changes; i++) {
        const ms = await page.evaluate(async (i) => {
          const e = window.__w5.el;
          const change = 'seed' in e.settings ? { seed: 1000 + i } : { slope: 10 + (i % 2) * 5 + i / 10 };
          const t0 = performance.now();
          const shown = window.__w5.frameAfter(t0);
          const final = window.__w5.frameAfter(t0, false, null, true);
          await e.setSettings(change);
          const [t1, t2] = await Promise.all([shown, final]);
          e.pause?.();
          await e.settled();
          await new Promise((r) => setTimeout(r, 100));
          return [t1 === null ? null : t1 - t0, t2 === null ? null : t2 - t0];
        }, i);
        row.api.push(ms[0]);
        row.apiFinal.push(ms[1]);
        if (process.env.W5_DEBUG) console.log(`[W5] ${kind} API change ${i}: ${ms[0]} ms (final frame ${ms[1]} ms)`);
      }
      // Through a real slider drag.
      const slider = await page.evaluate(() => {
        const e = window.__w5.el;
        // The first real-valued setting with a slider (an integer one such as one-epoch's N may be
        // tied to another setting and refuse the change), else the first slider.
        const all = [...e.shadowRoot.querySelectorAll('.control')].filter((c) => !c.hidden && c.querySelector('input[type=range]') && !c.querySelector('input[type=range]').disabled);
        const c = all.find((c) => c.classList.contains('control-real')) ?? all[0];
        if (!c) return null;
        const s = c.querySelector('input[type=range]');
        s.scrollIntoView({ block: 'center' });
        const b = s.getBoundingClientRect();
        // A widget may apply a slider's value live while it is dragged (sgd-posterior, once per
        // frame on `input`): the run of the final value can then start before the `change`
        // of the mouse-up, which applies nothing new. So a drag is timed from the first `input`
        // that brought the slider to its final value (the change's, if no input did), to the
        // first frame of a run started after it with that value in its settings.
        window.__w5.changeAt = [];
        window.__w5.inputs = [];
        s.addEventListener('input', (ev) => window.__w5.inputs.push({ t: ev.timeStamp, value: s.value }));
        s.addEventListener('change', (ev) => {
          const inputs = window.__w5.inputs;
          let t0 = ev.timeStamp;
          for (let k = inputs.length - 1; k >= 0 && inputs[k].value === s.value; k--) t0 = inputs[k].t;
          window.__w5.inputs = [];
          window.__w5.changeAt.push({ t0, value: s.value, name: c.dataset.name });
        });
        return { name: c.dataset.name, x: b.left, y: b.top + b.height / 2, w: b.width };
      });
      if (slider) {
        row.sliderField = slider.name;
        for (let i = 0; i < changes; i++) {
          const shown = page.evaluate(() => new Promise((resolve) => {
            const n = window.__w5.changeAt.length;
            const until = performance.now() + 5000; // a drag that committed nothing counts as missing
            const wait = () => (window.__w5.changeAt.length > n ? resolve(window.__w5.changeAt[n]) : performance.now() > until ? resolve(null) : setTimeout(wait, 1));
            wait();
          }).then((ch) => (ch === null ? null : window.__w5.frameAfter(ch.t0, false, { [ch.name]: ch.value }).then((t1) => (t1 === null ? null : t1 - ch.t0)))));
          const [a, b] = i % 2 ? [0.7, 0.35] : [0.35, 0.7];
          // Where the slider is now (a readout or message above it may have changed height).
          const box = await page.evaluate((name) => {
            const s = window.__w5.el.shadowRoot.querySelector(`.control[data-name="${name}"] input[type=range]`);
            s.scrollIntoView({ block: 'center' });
            const r = s.getBoundingClientRect();
            return { x: r.left, y: r.top + r.height / 2, w: r.width };
          }, slider.name);
          await page.mouse.move(box.x + a * box.w, box.y);
          await page.mouse.down();
          await page.mouse.move(box.x + b * box.w, box.y, { steps: 4 });
          await page.mouse.up();
          row.slider.push(await shown);
          if (process.env.W5_DEBUG) console.log(`[W5] ${kind} drag ${i}: ${row.slider.at(-1)} ms`);
          await page.evaluate(async () => { const e = window.__w5.el; e.pause?.(); await e.settled(); await new Promise((r) => setTimeout(r, 100)); });
        }
      }
      // The heavy ones: first partial result and completion of a new seed.
      if (W5_HEAVY.includes(kind)) {
        row.heavy = [];
        for (let i = 0; i < Math.min(changes, 5); i++) {
          row.heavy.push(await page.evaluate(async (i) => {
            const e = window.__w5.el;
            const t0 = performance.now();
            const first = window.__w5.frameAfter(t0);
            const done = window.__w5.frameAfter(t0, true);
            await e.setSettings({ seed: 2000 + i });
            if (!e.playing && !e.snapshot?.stopReason) e.play();
            const [t1, t2] = await Promise.all([first, done]);
            return { firstMs: t1 === null ? null : t1 - t0, completeMs: t2 === null ? null : t2 - t0 };
          }, i));
        }
      }
      result.widgets[kind] = row;
      console.log(`[W5] ${kind}: API ${row.api.map((x) => (x === null ? '—' : Math.round(x))).join(' ')}${row.apiFinal.some((x, i) => x !== row.api[i]) ? ` (final frames ${row.apiFinal.map((x) => (x === null ? '—' : Math.round(x))).join(' ')})` : ''}; slider ${row.slider.map((x) => (x === null ? '—' : Math.round(x))).join(' ')}${row.heavy ? `; heavy ${JSON.stringify(row.heavy)}` : ''}`);
      await context.close();
    }
    // The Wei comparison (dropout, view "wei"): a real click on its button.
    if (!only || only.includes('dropout')) {
      const { context, page } = await open('widget=dropout&view=wei');
      await page.waitForFunction(() => window.__w5.el.wei?.complete === true, null, { timeout: 60000 });
      const runs = [];
      for (let i = 0; i < (quick ? 2 : 3); i++) {
        const watch = page.evaluate(() => new Promise((resolve) => {
          const e = window.__w5.el;
          const b = e.buttons.runWei;
          let t0 = null, first = null;
          b.addEventListener('click', (ev) => { t0 = ev.timeStamp; }, { once: true });
          const poll = () => {
            if (t0 !== null && first === null && e.$('.wei-progress').value > 0) first = performance.now() - t0;
            if (t0 !== null && e.wei?.complete && !e.weiRunning) resolve({ firstMs: first, completeMs: performance.now() - t0 });
            else requestAnimationFrame(poll);
          };
          poll();
        }));
        await page.locator('noiselab-dropout').locator('button', { hasText: 'Run Wei comparison' }).click();
        runs.push(await watch);
      }
      result.wei = runs;
      await context.close();
    }
  } finally {
    server.kill();
  }
  return result;
}

/** The q-quantile of the numbers of `v` (nulls: changes that never drew, left out), linear. */
function quantile(v, q) {
  const s = v.filter((x) => x !== null).sort((a, b) => a - b);
  if (!s.length) return null;
  const i = (s.length - 1) * q, lo = Math.floor(i), hi = Math.ceil(i);
  return s[lo] + (s[hi] - s[lo]) * (i - lo);
}

/** W5's table rows and its target lines. */
function w5Lines(w5) {
  const fm = (v) => (v === null || v === Infinity ? '—' : v.toFixed(0));
  const lines = ['| widget | API change p50 / p95 | slider drag p50 / p95 (field) | first partial / completion (median) |', '| --- | ---: | ---: | ---: |'];
  const targets = [];
  // The 100 ms target is for widgets whose run advances per frame; the compute-only ones
  // (laplace-vb, logreg-posterior, one-epoch: one computation per setting) are reported.
  let worst = { p95: 0 }, heavyWorst = { first: 0, complete: 0 }, compute = { p95: 0 };
  for (const [kind, r] of Object.entries(w5.widgets)) {
    const a = [quantile(r.api, 0.5), quantile(r.api, 0.95)], s = [quantile(r.slider, 0.5), quantile(r.slider, 0.95)];
    const missing = r.api.filter((x) => x === null).length + r.slider.filter((x) => x === null).length;
    let heavy = '';
    // A compute-once widget that draws a preview first: its final frame after an API change.
    const af = r.apiFinal ?? [];
    if (!r.runs && af.some((x, i) => x !== r.api[i])) heavy = `final frame (API) ${fm(quantile(af, 0.5))} / ${fm(quantile(af, 0.95))} ms`;
    if (r.heavy) {
      const f1 = quantile(r.heavy.map((h) => h.firstMs), 0.5), f2 = quantile(r.heavy.map((h) => h.completeMs), 0.5);
      heavy = `${fm(f1)} / ${fm(f2)} ms`;
      heavyWorst = { first: Math.max(heavyWorst.first, f1 ?? Infinity), complete: Math.max(heavyWorst.complete, f2 ?? Infinity) };
    }
    lines.push(`| ${kind} | ${fm(a[0])} / ${fm(a[1])} ms | ${r.sliderField ? `${fm(s[0])} / ${fm(s[1])} ms (${r.sliderField})` : 'no slider'} | ${heavy}${missing ? ` (${missing} changes never drew)` : ''} |`);
    const bucket = r.runs ? worst : compute;
    for (const p of [a[1], r.sliderField ? s[1] : a[1]]) if ((p ?? Infinity) > bucket.p95) Object.assign(bucket, { p95: p ?? Infinity, kind });
  }
  if (w5.wei) {
    const f1 = quantile(w5.wei.map((h) => h.firstMs), 0.5), f2 = quantile(w5.wei.map((h) => h.completeMs), 0.5);
    lines.push(`| dropout, Wei comparison (click) | | | ${fm(f1)} / ${fm(f2)} ms |`);
    heavyWorst = { first: Math.max(heavyWorst.first, f1 ?? Infinity), complete: Math.max(heavyWorst.complete, f2 ?? Infinity) };
  }
  targets.push([worst.p95 <= 100, `W5 p95 ≤ 100 ms from a settings change to its first frame, every widget whose run advances per frame (API and slider): ${worst.kind ? `worst ${fm(worst.p95)} ms (${worst.kind})` : 'none measured'}; compute-once widgets (reported): ${compute.kind ? `worst ${fm(compute.p95)} ms (${compute.kind})` : 'none measured'}`]);
  // (None measured when --widgets leaves out every heavy one: no target line then.)
  const heavyMeasured = w5.wei || Object.values(w5.widgets).some((r) => r.heavy);
  if (heavyMeasured) {
    targets.push([heavyWorst.first <= 250, `W5 heavy widgets: first partial result ≤ 250 ms: worst median ${fm(heavyWorst.first)} ms`]);
    targets.push([heavyWorst.complete <= 2000, `W5 heavy widgets: completion ≤ 2 s at the defaults: worst median ${fm(heavyWorst.complete)} ms`]);
  }
  return { lines, targets };
}

function printW5(w5) {
  const { lines, targets } = w5Lines(w5);
  console.log(lines.join('\n'));
  for (const [ok, text] of targets) console.log(`- ${ok ? 'MET' : 'MISSED'}: ${text}`);
}

// ---- the table ---------------------------------------------------------------------------------
const stats = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return { median: n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2, min: s[0], max: s[n - 1], runs: v };
};
const WL = {
  W1: { native: 'mlp', unit: 'steps/s', higher: true, title: 'W1 MLP SGD (2-64-64-1, batch 32)' },
  W2: { native: 'funnel', unit: 'ns/traj-step', higher: false, title: 'W2 funnel noisy GD (1000 × 1000)' },
  W3: { native: 'sharpness', unit: 'ms', higher: false, title: 'W3 top Hessian eigenvalue (256 pts, 1e-6; Lanczos unless noted)' },
};
const rows = [];
for (const [w, spec] of Object.entries(WL)) {
  const b = out.browser.results[w];
  const wasm = stats(b['noiselab wasm'].runs).median;
  const nat = stats(nativeRuns[spec.native]);
  const impls = [['noiselab native (release)', nat], ...Object.entries(b).map(([k, v]) => [k, stats(v.runs)])];
  if (w === 'W3') {
    const p = 'sharpness-power';
    impls.splice(1, 0, ['noiselab native, power iteration', stats(nativeRuns[p])]);
  }
  for (const [name, s] of impls) {
    // Speed relative to the project's wasm: > 1 means faster than noiselab in the browser.
    const speed = spec.higher ? s.median / wasm : wasm / s.median;
    rows.push({ workload: w, title: spec.title, implementation: name, unit: spec.unit, ...s, speedVsWasm: speed });
  }
}
out.rows = rows;
out.native = nativeRuns;
out.w4 = w4;
out.w5 = w5;

const f = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const lines = [];
lines.push(`| workload | implementation | median | min–max | unit | speed vs noiselab wasm |`);
lines.push(`| --- | --- | ---: | ---: | --- | ---: |`);
for (const r of rows) lines.push(`| ${r.workload} | ${r.implementation} | ${f(r.median)} | ${f(r.min)}–${f(r.max)} | ${r.unit} | ${r.speedVsWasm.toFixed(2)}× |`);
const get = (w, impl) => rows.find((r) => r.workload === w && r.implementation === impl);
const peersW1 = rows.filter((r) => r.workload === 'W1' && !r.implementation.startsWith('noiselab'));
const bestPeer = peersW1.reduce((a, b) => (a.median > b.median ? a : b));
const targets = [];
const t = (ok, text) => targets.push(`- ${ok ? 'MET' : 'MISSED'}: ${text}`);
const w1w = get('W1', 'noiselab wasm'), w1n = get('W1', 'noiselab native (release)');
t(w1w.median >= 0.8 * w1n.median, `W1 wasm ≥ 0.8× native: ${(w1w.median / w1n.median).toFixed(2)}×`);
t(w1w.median >= 4 * bestPeer.median, `W1 wasm ≥ 4× the fastest browser peer (${bestPeer.implementation}): ${(w1w.median / bestPeer.median).toFixed(2)}×`);
t(get('W2', 'noiselab wasm').median <= 10, `W2 wasm ≤ 10 ns/traj-step: ${f(get('W2', 'noiselab wasm').median)} ns`);
const ref = get('W2', 'plain JS (reference peer)');
if (ref) t(ref.speedVsWasm <= 1 / 5, `W2 wasm ≥ 5× the reference peer (issue 22), same page: ${(1 / ref.speedVsWasm).toFixed(2)}×`);
else targets.push(`- NOT MEASURED: W2 against the reference peer (no ${PEERS}/funnel.mjs)`);
t(get('W3', 'noiselab wasm').median <= 25, `W3 wasm ≤ 25 ms: ${f(get('W3', 'noiselab wasm').median)} ms`);
if (w4) {
  const ff = Object.fromEntries(Object.entries(w4.sections).map(([id, sec]) => [id, { tag: sec.tag, visible: sec.runs[0].widgets, ...stats(sec.runs.map((r) => r.ms)) }]));
  w4.firstFrame = ff;
  const worst = Math.max(...Object.values(ff).map((s) => s.median));
  t(worst <= 1000, `W4 first frame of every visible widget ≤ 1 s cold (each section opened by its link): slowest median ${f(worst)} ms`);
  t(w4.wasmBytes <= 250000, `W4 wasm ≤ 250 KB (250,000 bytes) before compression: largest of the ${Object.keys(w4.wasmModules).length} family modules ${w4.wasmBytes} bytes (${Object.entries(w4.wasmModules).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  const top = w4.loads[0];
  const lt = top.longTasks;
  t(lt.over50 === 0, `W4 zero long tasks > 50 ms while all play: ${lt.over50} (of ${lt.count}, max ${f(lt.maxMs)} ms in ${lt.seconds} s)`);
  lines.push('', `W4 cold loads of index.html#<figure> at 1440 × 900 (${loads} loads each, new context, no service worker): ms from navigation until every widget in view has drawn`, '');
  lines.push('| section link | widgets in view | median | min–max |', '| --- | --- | ---: | ---: |');
  for (const [id, s] of Object.entries(ff)) lines.push(`| #${id} | ${s.visible.join(', ')} | ${f(s.median)} | ${f(s.min)}–${f(s.max)} |`);
  const allDrawn = Math.max(...top.widgets.map((w) => top.firstFrameMs[w] ?? Infinity));
  lines.push('', `Top of the page (no widget in view): ${top.bootedAtTop} of ${top.widgets.length} widgets booted in its first 3 s (a widget boots when the reader comes within a screen of it, or when the page asks for it); asked for all at once (each one's \`ready\` read), all ${top.widgets.length} had drawn ${f(allDrawn - top.shownAt)} ms later, booting one at a time.`);
  const by = top.bytes;
  lines.push('', `Bytes transferred (the top of the page, then every widget booted): ${Object.entries(by).map(([k, v]) => `${k} ${(v / 1024).toFixed(1)} KiB`).join(', ')}; wasm: ${Object.keys(w4.wasmModules).length} family modules, ${(Object.values(w4.wasmModules).reduce((a, b) => a + b, 0) / 1024).toFixed(1)} KiB in all, the largest ${(w4.wasmBytes / 1024).toFixed(1)} KiB, before compression.`);
}
if (w5) {
  const r = w5Lines(w5);
  lines.push('', `W5 latency a student feels (issue 22), per widget alone on frame.html?widget=<kind> (1280 × 900, paused): ms from a settings change (${w5.changes} through the element's API, ${w5.changes} real slider drags) to the first animation frame after the new settings were drawn; heavy widgets: first partial result and completion of a new seed (median of ${Math.min(w5.changes, 5)}), the Wei comparison from a click on its button`, '', ...r.lines);
  for (const [ok, text] of r.targets) t(ok, text);
}
lines.push('', 'Targets (issues 7, 22):', ...targets);
const v = out.versions;
lines.push('', `Versions: Chromium ${v.chromium}, TensorFlow.js ${v.tfjs} (wasm backend SIMD: ${v.tfjsWasmSimd}), Node ${v.node}, ${out.machine}; ${runs} runs per implementation after one warm-up, interleaved in the browser, with one native run (its own process, after a warm-up run) before each round. ${out.date}.`);
const md = `# Benchmark results (npm run bench)\n\nMedians of timed runs; ratios are what count on this shared 2-core machine.\n\n${lines.join('\n')}\n`;
console.log(lines.join('\n'));
await fs.mkdir('bench', { recursive: true });
await fs.writeFile('bench/results.json', `${JSON.stringify(out, null, 2)}\n`);
await fs.writeFile('bench/results.md', md);
console.log('\nwrote bench/results.json and bench/results.md');
