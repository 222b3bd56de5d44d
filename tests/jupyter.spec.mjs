// The notebook widgets in a real JupyterLab (issue 19): the student notebook
// (examples/notebooks/noiselab.ipynb) opened in JupyterLab 4 from the project's .venv (with the
// noiselab wheel installed by scripts/build-python.sh: its server extension is enabled by the
// wheel's own config file, nothing is set up here), its cells run, and then
//   - the widget's figure draws (the lab's element inside the cell's output);
//   - a traitlet set from Python (a cell `w.noise_std = 2.5`) changes the element's settings,
//     its control and its figure;
//   - a value typed into the figure's control reaches Python (a cell printing w.noise_std), and
//     the figure's results are readable from Python (w.results);
//   - no console error or warning from noiselab's code, no failed request for its files, and no
//     request leaves 127.0.0.1.
// The server runs with every Jupyter directory (config, data, runtime, settings, workspaces) in a
// fresh temporary folder, so nothing of the user's own set-up takes part.
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ready, control, drew, canvasStats, freePort } from './helpers.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const JUPYTER = path.join(ROOT, '.venv/bin/jupyter');
const TOKEN = 'noiselab-e2e';

/** The student notebook with the test's own cells after it: one sets a traitlet from Python,
    one a preset, one prints what Python sees. */
function notebookWithChecks() {
  const nb = JSON.parse(readFileSync(path.join(ROOT, 'examples/notebooks/noiselab.ipynb'), 'utf8'));
  const cell = (id, source) => ({ cell_type: 'code', id, metadata: {}, execution_count: null, outputs: [], source });
  nb.cells.push(cell('e2e-set', 'w.noise_std = 2.5'));
  nb.cells.push(cell('e2e-preset', 'w.preset = "sigma-0.5"'));
  nb.cells.push(cell('e2e-read', 'print(f"python sees noise_std = {w.noise_std}, preset {w.preset}"); print("results:", w.results.get("totalSteps"), "steps,", sorted(w.results))'));
  return nb;
}

/** A hash of every visible canvas of the widget (the figure as drawn). */
async function figureHash(el) {
  const classes = await el.evaluate((e) => [...e.shadowRoot.querySelectorAll('canvas')].filter((c) => c.offsetParent !== null).map((c) => c.className.split(' ')[0]));
  const hashes = [];
  for (const cls of classes) hashes.push((await canvasStats(el, cls ? `canvas.${cls}` : 'canvas')).hash);
  return hashes.join(',');
}

let dir, server, base;
const log = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(90_000);
  test.skip(!existsSync(JUPYTER), 'no .venv: run scripts/setup.sh');
  dir = mkdtempSync(path.join(tmpdir(), 'noiselab-jupyter-'));
  const d = (name) => { const p = path.join(dir, name); mkdirSync(p, { recursive: true }); return p; };
  const root = d('notebooks');
  writeFileSync(path.join(root, 'noiselab.ipynb'), JSON.stringify(notebookWithChecks(), null, 1));
  // All cells in the page at once (JupyterLab's default skips rendering cells out of view).
  const settings = d('settings');
  mkdirSync(path.join(settings, '@jupyterlab/notebook-extension'), { recursive: true });
  writeFileSync(path.join(settings, '@jupyterlab/notebook-extension/tracker.jupyterlab-settings'), '{"windowingMode": "none"}');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    JUPYTER_CONFIG_DIR: d('config'), JUPYTER_DATA_DIR: d('data'), JUPYTER_RUNTIME_DIR: d('runtime'),
    IPYTHONDIR: d('ipython'), JUPYTERLAB_SETTINGS_DIR: settings, JUPYTERLAB_WORKSPACES_DIR: d('workspaces'),
    JUPYTER_PLATFORM_DIRS: '1', PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
  // window.jupyterapp: the test drives JupyterLab and Notebook 7 through their commands.
  server = spawn(JUPYTER, ['lab', '--no-browser', '--allow-root', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0',
    `--IdentityProvider.token=${TOKEN}`, `--ServerApp.root_dir=${root}`,
    '--LabApp.expose_app_in_browser=True', '--JupyterNotebookApp.expose_app_in_browser=True'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (b) => log.push(String(b)));
  server.stderr.on('data', (b) => log.push(String(b)));
  try {
    // The server is up, and serves the widgets (the wheel's server extension is on).
    await expect.poll(async () => fetch(`${base}/api/status?token=${TOKEN}`).then((r) => r.status, () => 0), { timeout: 45_000, message: 'jupyter lab answers' }).toBe(200);
    for (const f of ['noiselab.js', 'anywidget.js', 'lib/worker.js', 'pkg/noise/noiselab_wasm_bg.wasm']) {
      const r = await fetch(`${base}/noiselab/static/${f}`);
      expect(r.status, `the server extension serves ${f} (is noiselab installed in .venv? scripts/build-python.sh)`).toBe(200);
      if (f.endsWith('.wasm')) expect(r.headers.get('content-type')).toBe('application/wasm');
    }
  } catch (err) {
    console.log(`jupyter lab's log:\n${log.join('')}`);
    throw err;
  }
});

test.afterAll(async () => {
  if (!server) return;
  await fetch(`${base}/api/shutdown?token=${TOKEN}`, { method: 'POST' }).catch(() => {});
  await new Promise((resolve) => { server.once('exit', resolve); setTimeout(() => { server.kill('SIGKILL'); resolve(); }, 10_000); });
  rmSync(dir, { recursive: true, force: true });
});

/** Open the notebook at `url` (JupyterLab or Notebook 7), run the student's cells and check the
    widget both ways. */
async function notebookRoundTrip(page, url) {
  // Requests: none may leave 127.0.0.1; none of noiselab's may fail.
  const outside = [];
  const ours = [];
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.hostname === '127.0.0.1') return route.continue();
    outside.push(u.href);
    return route.abort();
  });
  page.on('response', (r) => { if (r.url().includes('/noiselab/static/') && r.status() >= 400) ours.push(`${r.status()} ${r.url()}`); });
  page.on('requestfailed', (r) => { if (r.url().includes('/noiselab/static/')) ours.push(`failed ${r.url()}`); });
  // Console and uncaught errors: those from noiselab's code (its files, the blob: anywidget runs
  // it from, or a message naming it) fail the test.
  const problems = [];
  page.on('console', (m) => {
    if (!['error', 'warning'].includes(m.type()) || m.text().includes('willReadFrequently')) return;
    const where = m.location()?.url ?? '';
    if (/noiselab/i.test(where) || /noiselab/i.test(m.text()) || where.startsWith('blob:')) problems.push(`${m.type()}: ${m.text()} (${where})`);
  });
  page.on('pageerror', (e) => {
    // (Notebook 7 itself throws two uncaught errors at start-up here: a settings schema and
    // 'filebrowser:open-path'; only noiselab's are this test's business.)
    if (/noiselab|blob:/i.test(`${e.message}\n${e.stack}`)) problems.push(`page error: ${e.message}\n${e.stack}`);
  });

  await page.goto(`${base}${url}?token=${TOKEN}`);
  await page.waitForFunction(() => {
    const nb = window.jupyterapp?.shell.currentWidget;
    return nb?.content?.widgets?.length > 0 && nb.sessionContext?.session?.kernel?.connectionStatus === 'connected';
  }, null, { timeout: 45_000 });
  // A cell's output, read from the notebook's model (the JSON of its outputs); a cell run.
  const cellOutput = (id) => page.evaluate((cid) => {
    const nb = window.jupyterapp.shell.currentWidget.content;
    return JSON.stringify(nb.widgets.find((c) => c.model.id === cid).model.outputs.toJSON());
  }, id);
  const run = (command, id) => page.evaluate(async ([cmd, cid]) => {
    const nb = window.jupyterapp.shell.currentWidget.content;
    nb.activeCellIndex = nb.widgets.findIndex((c) => c.model.id === cid);
    await window.jupyterapp.commands.execute(cmd);
  }, [command, id]);
  // The student's notebook: every cell above the test's own (Run > Run All Above).
  await run('notebook:run-all-above', 'e2e-set');

  // The widget's element appears in the output of `w`, boots and draws; the cell after `w`
  // set σ = 1 from Python.
  const el = page.locator('noiselab-funnel');
  await el.waitFor({ timeout: 45_000 });
  await el.scrollIntoViewIfNeeded();
  await ready(page, 'noiselab-funnel');
  await expect.poll(() => el.evaluate((e) => e.settings.noiseStd), { timeout: 30_000 }).toBe('1');
  await expect(control(el, 'noiseStd').box).toHaveValue('1');
  await el.evaluate((e) => e.runToEnd());
  await drew(el);
  const before = await figureHash(el);

  // Python → figure: the cell `w.noise_std = 2.5` sets the element, its control and its figure.
  await run('notebook:run-cell', 'e2e-set');
  await expect.poll(() => el.evaluate((e) => e.settings.noiseStd), { timeout: 30_000 }).toBe('2.5');
  await expect(control(el, 'noiseStd').box).toHaveValue('2.5');
  await el.evaluate((e) => e.runToEnd());
  await expect.poll(() => figureHash(el), { timeout: 30_000 }).not.toBe(before);
  await drew(el);

  // Figure → Python: type σ = 3.5 into the figure's control; Python sees it, and the results.
  const box = control(el, 'noiseStd').box;
  await box.fill('3.5');
  await box.press('Enter');
  await expect.poll(() => el.evaluate((e) => e.settings.noiseStd), { timeout: 30_000 }).toBe('3.5');
  await expect.poll(async () => { await run('notebook:run-cell', 'e2e-read'); return cellOutput('e2e-read'); }, { timeout: 30_000, intervals: [1000, 2000] })
    .toContain('python sees noise_std = 3.5');
  expect(await cellOutput('e2e-read')).toMatch(/results: 1000 steps, \[.*'drift'.*'stopReason'/);

  // A preset chosen in Python: the figure takes it, and Python sees the preset's settings.
  await run('notebook:run-cell', 'e2e-preset');
  await expect.poll(() => el.evaluate((e) => [e.preset, e.settings.noiseStd]), { timeout: 30_000 }).toEqual(['sigma-0.5', '0.5']);
  await expect.poll(async () => { await run('notebook:run-cell', 'e2e-read'); return cellOutput('e2e-read'); }, { timeout: 30_000, intervals: [1000, 2000] })
    .toContain('python sees noise_std = 0.5, preset sigma-0.5');

  expect(problems, problems.join('\n')).toEqual([]);
  expect(ours, ours.join('\n')).toEqual([]);
  expect(outside, `requests that would leave 127.0.0.1:\n${outside.join('\n')}`).toEqual([]);
}

test('JupyterLab 4: the notebook\'s Funnel widget draws and syncs both ways with Python', async ({ page }) => {
  test.setTimeout(90_000);
  await notebookRoundTrip(page, '/lab/tree/noiselab.ipynb');
});

test('Notebook 7: the same notebook, the same widget, both ways', async ({ page }) => {
  test.setTimeout(90_000);
  await notebookRoundTrip(page, '/notebooks/noiselab.ipynb');
});
