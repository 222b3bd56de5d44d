// The browser smoke suite, shared by every engine students use (issue 23): Chromium
// (chromedriver), Firefox ESR (geckodriver) and WebKitGTK (WebKitWebDriver under xvfb-run), all
// driven over plain W3C WebDriver against the built lab (dist/, scripts/serve.mjs). The full
// Playwright suite stays on Chromium; this is the part every engine must pass:
//   - every widget on the gallery and on its example page boots, and draws (each shown, opaque
//     canvas holds a real picture: ink > 0.5 %, several colours; hidden views are listed);
//   - play() advances tickCount and pause() stops it; a settings change redraws the figure;
//   - a link's state round-trips (the widget's Copy-link URL, opened, gives the same settings
//     and the same link); bad input is refused with a message naming the field at its control;
//   - no uncaught error, rejection, CSP violation or widget error, and no request leaves the
//     origin (resource timing entries).
// Usage: node tests/engines/smoke.mjs [chromium] [firefox] [webkit]   (default: all three)
//        ENGINES_PORT=N to serve on a fixed port. Prints "smoke: N passed, M failed".
import path from 'node:path';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENGINES, openEngine, startProcess, freePort, waitForHttp } from './webdriver.mjs';
import { installPageLib } from './page-lib.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const engines = wanted.length ? wanted : Object.keys(ENGINES);
for (const e of engines) if (!ENGINES[e]) { console.error(`unknown engine "${e}"; known: ${Object.keys(ENGINES).join(', ')}`); process.exit(2); }
const BOOT_MS = 60_000;

// The example pages (one per widget, plus the course-notes page), from the built site.
const EXAMPLES = readdirSync(path.join(repo, 'dist/www/examples')).filter((f) => f.endsWith('.html') && f !== 'gallery.html').sort();

let passed = 0, failed = 0;
const failures = [];
function result(engine, name, ok, detail = '') {
  if (ok) passed++; else { failed++; failures.push(`${engine}: ${name}${detail ? ` — ${detail}` : ''}`); }
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${ENGINES[engine].label}: ${name}${detail ? ` (${detail})` : ''}`);
}

async function open(session, url) {
  await session.navigate(url);
  await session.run(installPageLib);
}
const smoke = (session, method, ...args) => session.run(async (m, a) => window.__smoke[m](...a), method, args);

/** The page-wide checks: no error of any kind, every request to the page's own origin. */
async function pageChecks(engine, session, page) {
  const problems = await session.run(() => window.__smoke.problems);
  result(engine, `${page}: no uncaught error`, problems.length === 0, problems.slice(0, 3).join(' | '));
  const o = await smoke(session, 'origins');
  result(engine, `${page}: no request leaves the origin`, o.ok && o.count > 0, o.ok ? `${o.count} requests` : o.foreign.slice(0, 3).join(', '));
}

async function runEngine(engine, base) {
  const t0 = Date.now();
  let opened;
  try {
    opened = await openEngine(engine);
  } catch (err) {
    result(engine, 'WebDriver session', false, err.message);
    return;
  }
  const { session, stop } = opened;
  const caps = session.capabilities ?? {};
  console.log(`# ${ENGINES[engine].label} ${caps.browserVersion ?? ''} (${caps.browserName ?? ''})`);
  try {
    // The gallery: every widget, every check.
    await open(session, `${base}/www/examples/gallery.html`);
    const boot = await smoke(session, 'boot', BOOT_MS);
    const f = await smoke(session, 'features');
    result(engine, 'has what the lab uses (WebAssembly, module workers, constructable stylesheets)', f.missing.length === 0, f.missing.length ? `missing: ${f.missing.join(', ')}` : `OffscreenCanvas ${f.offscreen ? 'yes' : 'no (a <canvas> stands in)'}; ${f.ua}`);
    for (const w of boot.widgets) result(engine, `gallery <${w.tag}> boots`, w.ok, w.why);
    result(engine, `gallery: all ${boot.widgets.length} widgets (12 or more) ready`, boot.widgets.length >= 12, `${boot.ms} ms`);
    const links = [];
    let canvases = 0, drawn = 0;
    const hidden = [];
    for (const [i, w] of boot.widgets.entries()) {
      if (!w.ok) continue;
      const d = await smoke(session, 'draws', i);
      canvases += d.total; drawn += d.drawn;
      hidden.push(...d.hidden.map((c) => `${w.tag}.${c}`), ...d.layers.map((c) => `${w.tag}.${c} (layer)`));
      result(engine, `gallery <${w.tag}> draws`, d.ok, d.ok ? `${d.drawn} pictures` : d.bad.join('; '));
      const p = await smoke(session, 'playPause', i);
      result(engine, `gallery <${w.tag}> plays and pauses`, p.ok, p.note);
      const c = await smoke(session, 'change', i);
      result(engine, `gallery <${w.tag}> a settings change redraws`, c.ok, `${c.field} = ${c.value}${c.errors?.length ? `: ${JSON.stringify(c.errors)}` : ''}`);
      links.push({ tag: w.tag, ...c });
      const b = await smoke(session, 'badInput', i);
      result(engine, `gallery <${w.tag}> bad input shows its message`, b.ok, `${b.field} = ${b.bad}: "${b.shown || b.message}"`);
    }
    console.log(`#   gallery: ${drawn} of ${canvases} canvases hold pictures; the rest are hidden views or transparent layers: ${hidden.join(', ')}`);
    await pageChecks(engine, session, 'gallery');

    // A link's state round-trips: the Copy-link URL, opened, gives the same settings and link.
    for (const l of links) {
      if (!l.link) continue;
      await open(session, l.link);
      const got = await smoke(session, 'linked', BOOT_MS);
      const problems = await session.run(() => window.__smoke.problems);
      const same = JSON.stringify(got.settings) === JSON.stringify(l.settings) && got.link === l.link && !got.broken;
      result(engine, `link round-trips <${l.tag}>`, same && problems.length === 0, !same ? `${got.link} vs ${l.link}` : problems.length ? problems.slice(0, 2).join(' | ') : new URL(l.link).hash);
    }
    await pageChecks(engine, session, 'frame.html (the last link)');

    // Each example page: its widgets boot, draw, play and pause.
    for (const page of EXAMPLES) {
      await open(session, `${base}/www/examples/${page}`);
      const b = await smoke(session, 'boot', BOOT_MS);
      for (const [i, w] of b.widgets.entries()) {
        const name = `${page} <${w.tag}${w.id ? ` #${w.id}` : ''}>`;
        if (!w.ok) { result(engine, `${name} boots`, false, w.why); continue; }
        const d = await smoke(session, 'draws', i);
        const p = await smoke(session, 'playPause', i);
        result(engine, `${name} boots, draws, plays and pauses`, d.ok && p.ok, `${d.ok ? `${d.drawn} pictures` : d.bad.join('; ')}; ${p.note}`);
      }
      await pageChecks(engine, session, page);
    }
  } catch (err) {
    result(engine, 'the run', false, err.message);
  } finally {
    await stop();
    console.log(`# ${ENGINES[engine].label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

const port = Number(process.env.ENGINES_PORT ?? await freePort());
const server = startProcess('node', [path.join(repo, 'scripts/serve.mjs'), '--port', String(port), '--quiet']);
const base = `http://127.0.0.1:${port}`;
try {
  await waitForHttp(`${base}/www/pkg/noise/noiselab_wasm.js`, 20_000, 'scripts/serve.mjs');
  for (const engine of engines) await runEngine(engine, base);
} finally {
  await server.stop();
}
if (failures.length) console.log(`\nFailures:\n  ${failures.join('\n  ')}`);
console.log(`smoke: ${passed} passed, ${failed} failed (${engines.map((e) => ENGINES[e].label).join(', ')})`);
process.exit(failed ? 1 : 0);
