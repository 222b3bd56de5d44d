// The benchmark suite (issue 7; not a test: it never fails on timing). One command:
//   npm run bench            (setup + release build + this script, which builds bench/pkg)
//   node scripts/bench.mjs [--runs 7] [--quick] [--no-w4] [--loads 5] [--w4-only]
// W1 MLP SGD, W2 funnel noisy GD, W3 sharpness: natively (release `noiselab bench …`, one run in
// its own process after a warm-up run, before each round of the browser part) and in headless
// Chromium (release wasm through the adapter, plus plain-JS and TensorFlow.js peers in the same
// page), interleaved round by round: the load on this shared machine changes from minute to
// minute (native W1 measured 12.6k and 8.7k steps/s half an hour apart), so native runs pooled
// from before and after the browser part did not compare with it.
// W4: cold loads of index.html from scripts/serve.mjs (dist/): time to the first drawn frame of
// every widget, bytes by type, long tasks while all widgets play.
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
const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? Number(argv[i + 1]) : dflt; };
const quick = argv.includes('--quick');
const runs = opt('runs', quick ? 3 : 7);
const loads = opt('loads', quick ? 2 : 5);

// W4 alone, for quick checks while working on load time (prints, writes no results file).
if (argv.includes('--w4-only')) {
  const browser = await chromium.launch(launchOptions());
  try {
    const w4 = await measureW4(browser);
    const top = w4.loads[0];
    for (const [id, sec] of Object.entries(w4.sections)) {
      const ms = sec.runs.map((r) => Math.round(r.ms)).sort((a, b) => a - b);
      console.log(`#${id} [${sec.runs[0].widgets.join(', ')}]: ${ms.join(' ')} ms`);
    }
    console.log(`top: all drawn after ${Math.round(Math.max(...top.widgets.map((w) => top.firstFrameMs[w] ?? Infinity)))} ms; long tasks ${JSON.stringify(top.longTasks)}; bytes ${JSON.stringify(top.bytes)}`);
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
  if (!argv.includes('--no-w4')) w4 = await measureW4(browser);
} finally {
  await browser.close();
  benchServer.close();
}

// ---- W4 ----------------------------------------------------------------------------------------
// "First drawn frame of every visible widget": each widget's section is opened cold by its link
// (index.html#<figure id>, 1440 × 900, new browser context, no service worker), and the time to
// the first inked frame of every widget then in the viewport is recorded. One more cold load of
// the top of the page records when every widget of the page has drawn (the off-screen ones boot
// in the background, one at a time: information, not a target), the bytes by type, and the long
// tasks while all widgets play in a viewport tall enough to show them all.

/** In the page: resolve when every widget matching `which(el)` has a canvas with ink. */
function pollFirstFrames(which) {
  return new Promise((resolve) => {
    const seen = {};
    const poll = () => {
      // Nothing can have drawn while the page is parsed (the widgets' modules run after it), and
      // measuring boxes then would force layouts of the half-parsed page that a reader's browser
      // never does: in a 6-load A/B that cost 60-260 ms of W4's figure.
      if (document.readyState === 'loading') { requestAnimationFrame(poll); return; }
      const widgets = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-'));
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
      if (all || performance.now() > 20000) resolve({ firstFrameMs: seen, widgets: wanted.map((w) => w.localName) });
      else requestAnimationFrame(poll);
    };
    poll();
  });
}

async function measureW4(browser) {
  const server = spawn('node', ['scripts/serve.mjs', '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    server.stdout.once('data', (d) => resolve(String(d).trim()));
    server.once('exit', () => reject(new Error('server exited')));
  });
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
      await page.goto(`${url}index.html`, { waitUntil: 'commit' });
      const load = { ...(await page.evaluate(pollFirstFrames, 'all')), bytes };
      load.figures = await page.evaluate(() => [...document.querySelectorAll('figure[id]')]
        .map((f) => [f.id, [...f.querySelectorAll('*')].find((e) => e.localName.startsWith('noiselab-'))?.localName])
        .filter(([, tag]) => tag));
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
  lines.push('', `Top of the page (no widget in view): all ${top.widgets.length} widgets had drawn after ${f(allDrawn)} ms (off-screen widgets boot in the background, one at a time).`);
  const by = top.bytes;
  lines.push('', `Bytes transferred (top of the page, every widget booted): ${Object.entries(by).map(([k, v]) => `${k} ${(v / 1024).toFixed(1)} KiB`).join(', ')}; wasm: ${Object.keys(w4.wasmModules).length} family modules, ${(Object.values(w4.wasmModules).reduce((a, b) => a + b, 0) / 1024).toFixed(1)} KiB in all, the largest ${(w4.wasmBytes / 1024).toFixed(1)} KiB, before compression.`);
}
lines.push('', 'Targets (issue 7):', ...targets);
const v = out.versions;
lines.push('', `Versions: Chromium ${v.chromium}, TensorFlow.js ${v.tfjs} (wasm backend SIMD: ${v.tfjsWasmSimd}), Node ${v.node}, ${out.machine}; ${runs} runs per implementation after one warm-up, interleaved in the browser, with one native run (its own process, after a warm-up run) before each round. ${out.date}.`);
const md = `# Benchmark results (npm run bench)\n\nMedians of timed runs; ratios are what count on this shared 2-core machine.\n\n${lines.join('\n')}\n`;
console.log(lines.join('\n'));
await fs.mkdir('bench', { recursive: true });
await fs.writeFile('bench/results.json', `${JSON.stringify(out, null, 2)}\n`);
await fs.writeFile('bench/results.md', md);
console.log('\nwrote bench/results.json and bench/results.md');
