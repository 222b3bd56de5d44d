// The embed package: `npm pack` makes a tarball holding noiselab.js, every widget, the worker and
// the wasm core; unpacked onto another static server next to a page of plain prose, the widgets
// load from one script tag; the iframe page carries state in the hash; Node resolves the
// package's export. Also the repository's own example of notes (www/examples/embed.html).
import { test, expect } from '@playwright/test';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, renameSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { watchConsole, ready, control, drew } from './helpers.mjs';
import { freePort } from './helpers.mjs';
import { EXPERIMENTS } from '../www/lib/registry.js';

test('the repository\'s notes example: two widgets in prose, each with its own attributes', async ({ page }) => {
  const con = watchConsole(page);
  await page.goto('www/examples/embed.html');
  const funnel = await ready(page, '#notes-funnel');
  const laplace = await ready(page, '#notes-laplace');
  expect(await funnel.evaluate((e) => e.settings.noiseStd)).toBe('2');
  expect(await funnel.evaluate((e) => e.settings.trajectories)).toBe('300');
  const visible = await funnel.evaluate((e) => [...e.shadowRoot.querySelectorAll('.control')].filter((c) => !c.hidden).map((c) => c.dataset.name));
  expect(visible).toEqual(['learningRate']);
  expect(await laplace.evaluate((e) => e.settings.slope)).toBe('3');
  await drew(funnel);
  await drew(laplace);
  con.check();
});

test('npm pack: the tarball works from another static server, by script tag and by iframe page', async ({ page }) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'noiselab-pack-'));
  let server;
  try {
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { encoding: 'utf8' });
    const [info] = JSON.parse(out);
    const files = info.files.map((f) => f.path);
    for (const f of ['package.json', 'www/noiselab.js', 'www/lib/worker.js', 'www/lib/registry.js', 'www/pkg/noise/noiselab_wasm.js', 'www/pkg/noise/noiselab_wasm_bg.wasm', 'www/pkg/sharpness/noiselab_wasm_bg.wasm', 'www/widgets/funnel.js', 'www/frame.html']) expect(files).toContain(f);
    expect(files.filter((f) => /^(crates|tests|scripts|target|node_modules)\//.test(f))).toEqual([]);
    const { WIDGETS } = await import('../www/noiselab.js');
    for (const m of Object.values(WIDGETS)) expect(files).toContain(path.posix.join('www', m));

    // Unpack as a folder of the notes' site, next to a page of plain prose.
    const site = path.join(dir, 'site');
    mkdirSync(site);
    execFileSync('tar', ['-xzf', path.join(dir, info.filename), '-C', site]);
    renameSync(path.join(site, 'package'), path.join(site, 'noiselab'));
    writeFileSync(path.join(site, 'notes.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Week 8 notes</title><link rel="icon" href="data:,">
<script type="module" src="noiselab/www/noiselab.js"></script></head><body><main>
<h1>Week 8: implicit regularization</h1><p>Gradient noise pushes SGD toward the wide end of a valley:</p>
<noiselab-funnel id="a" noise-std="0.5" steps="300"></noiselab-funnel>
<p>And the Laplace approximation against variational Bayes:</p>
<noiselab-laplace-vb id="b" slope="5"></noiselab-laplace-vb></main></body></html>`);
    const port = await freePort();
    server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', site], { stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    await expect.poll(async () => (await fetch(`${base}/notes.html`).then((r) => r.status, () => 0)), { timeout: 30_000 }).toBe(200);

    const con = watchConsole(page);
    await page.goto(`${base}/notes.html`);
    const a = await ready(page, '#a');
    const b = await ready(page, '#b');
    expect(await a.evaluate((e) => e.settings.noiseStd)).toBe('0.5');
    expect(await b.evaluate((e) => e.settings.slope)).toBe('5');
    const snap = await a.evaluate((e) => e.runToEnd());
    expect(snap.stopReason).toBe('done');
    await drew(a);
    await drew(b);

    // The iframe page: the widget from the query, its state from the hash.
    await page.goto(`${base}/noiselab/www/frame.html?widget=funnel&trajectories=50#funnel.noiseStd=3&funnel.seed=11`);
    const f = await ready(page, 'noiselab-funnel');
    expect(await f.evaluate((e) => [e.settings.noiseStd, e.settings.seed, e.settings.trajectories])).toEqual(['3', '11', '50']);
    await expect(control(f, 'noiseStd').box).toHaveValue('3');
    con.check();

    await page.goto(`${base}/noiselab/www/frame.html?widget=nonsense`);
    await expect(page.getByRole('alert')).toContainText('widget must be one of ');
    await expect(page.getByRole('alert')).toContainText('got "nonsense"');
    for (const tag of Object.keys(WIDGETS)) await expect(page.getByRole('alert')).toContainText(tag.replace(/^noiselab-/, ''));

    // Node resolves the package's main export.
    const proj = path.join(dir, 'proj');
    mkdirSync(proj);
    writeFileSync(path.join(proj, 'package.json'), '{"name":"notes","version":"1.0.0","type":"module"}');
    execFileSync('npm', ['install', path.join(dir, info.filename), '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: proj, stdio: 'ignore' });
    const resolved = execFileSync('node', ['--input-type=module', '-e', "console.log(import.meta.resolve('noiselab'))"], { cwd: proj, encoding: 'utf8' }).trim();
    expect(resolved).toMatch(/node_modules\/noiselab\/www\/noiselab\.js$/);
    expect(JSON.parse(readFileSync(path.join(proj, 'node_modules/noiselab/package.json'), 'utf8')).exports['.']).toBe('./www/noiselab.js');
  } finally {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the versioned bundle (npm run dist): unpacked into a notes site, two lines of HTML give live widgets, no toolchain', async ({ page }) => {
  // README "Embedding": download dist/noiselab-widgets-<version>.tar.gz, unpack it next to the
  // notes, one script tag and one element. Also the npm tarball beside it, with the version in
  // its name.
  const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
  const archive = path.resolve(`dist/noiselab-widgets-${version}.tar.gz`);
  expect(readFileSync(path.resolve(`dist/noiselab-${version}.tgz`)).length).toBeGreaterThan(100_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'noiselab-bundle-'));
  let server;
  try {
    execFileSync('tar', ['-xzf', archive, '-C', dir]);
    const folder = path.join(dir, `noiselab-widgets-${version}`);
    expect(readFileSync(path.join(folder, 'VERSION'), 'utf8').trim()).toBe(version);
    const listed = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(listed.every((f) => f.startsWith(`noiselab-widgets-${version}/`))).toBe(true);
    // One module per family of widgets (registry.js), and the own-data parser's (www/pkg/data/).
    expect(listed.filter((f) => f.endsWith('.wasm')).length).toBe(new Set(EXPERIMENTS.map((e) => e.family)).size + 1);
    renameSync(folder, path.join(dir, 'noiselab'));
    writeFileSync(path.join(dir, 'week8.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Week 8</title><link rel="icon" href="data:,"></head><body>
<p>Noise pushes SGD to the flat end of the valley:</p>
<script type="module" src="noiselab/noiselab.js"></script>
<noiselab-funnel id="a" noise-std="2" seed="7"></noiselab-funnel></body></html>`);
    const port = await freePort();
    server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir], { stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    await expect.poll(async () => (await fetch(`${base}/week8.html`).then((r) => r.status, () => 0)), { timeout: 30_000 }).toBe(200);
    const con = watchConsole(page);
    const outside = [];
    page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) outside.push(r.url()); });
    await page.goto(`${base}/week8.html`);
    const a = await ready(page, '#a');
    expect(await a.evaluate((e) => [e.settings.noiseStd, e.settings.seed])).toEqual(['2', '7']);
    await drew(a);
    await page.goto(`${base}/noiselab/frame.html?widget=laplace-vb#laplace-vb.slope=5`);
    const b = await ready(page, 'noiselab-laplace-vb');
    expect(await b.evaluate((e) => e.settings.slope)).toBe('5');
    await drew(b);
    expect(outside).toEqual([]);
    con.check();
  } finally {
    server?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('public methods called by the page before a widget is ready: play() plays once ready, pause() cancels it, reset() and stepOnce() wait', async ({ page }) => {
  // A notes page may create a widget and call its methods at once, before its worker has
  // answered. Before: the first run's set-up paused a play() again and the funnel's readout
  // failed on the missing run; reset() and stepOnce() reached for the worker or the fields
  // before the boot had made them and threw TypeErrors at the calling script. Every widget,
  // one at a time (console warnings count as failures: watchConsole).
  const con = watchConsole(page);
  await page.goto('www/examples/embed.html');
  const { plays, waits } = await page.evaluate(async () => {
    const { WIDGETS, load } = await import('../noiselab.js');
    const plays = [];
    const waits = [];
    for (const tag of Object.keys(WIDGETS)) {
      await load(tag);
      const runnable = customElements.get(tag).runControls;
      const errors = [];
      const make = () => {
        const w = document.createElement(tag);
        w.addEventListener('noiselab-error', (e) => errors.push(e.detail.message));
        document.querySelector('main').prepend(w);
        return w;
      };
      for (const method of ['reset', 'stepOnce']) {
        if (method === 'stepOnce' && !runnable) continue;
        const w = make();
        let thrown = null;
        try { await w[method](); } catch (err) { thrown = String(err); }
        waits.push({ tag, method, thrown, errors: errors.splice(0), ready: w.isReady, broken: w.broken });
        w.remove();
      }
      if (!runnable) continue;
      // Some widgets start playing on their own (they retrain on every change): play() then
      // pause() before ready leaves a widget as one nobody asked to play.
      const untouched = make();
      const cancelled = make();
      cancelled.play();
      cancelled.pause();
      const played = make(); // on top, in view (off screen a playing widget waits)
      played.play();
      await Promise.all([played.ready, cancelled.ready, untouched.ready]);
      const ticks = played.tickCount;
      for (let t = 0; t < 50 && played.tickCount <= ticks; t++) await new Promise((r) => setTimeout(r, 100));
      plays.push({ tag, playing: played.playing, ticked: played.tickCount > ticks, cancelledPlaying: cancelled.playing, untouchedPlaying: untouched.playing, errors: errors.splice(0) });
      for (const w of [played, cancelled, untouched]) w.remove();
    }
    return { plays, waits };
  });
  expect(plays.length).toBeGreaterThan(5);
  expect(plays.filter((r) => !r.untouchedPlaying).length).toBeGreaterThan(3);
  for (const r of plays) {
    expect(r.errors, r.tag).toEqual([]);
    expect(r.playing, `${r.tag} plays after play() before ready`).toBe(true);
    expect(r.ticked, `${r.tag} works after play() before ready`).toBe(true);
    expect(r.cancelledPlaying, `${r.tag} after play() then pause() before ready is as if untouched`).toBe(r.untouchedPlaying);
  }
  expect(waits.length).toBeGreaterThan(15);
  for (const r of waits) expect(r, `${r.tag}.${r.method}()`).toEqual({ ...r, thrown: null, errors: [], ready: true, broken: false });
  con.check();
});
