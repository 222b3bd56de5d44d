// Every experiment is drivable from a file (issue 21, part 6): for each of the lab's widgets, the
// JSON a student exports from the figure (Export → JSON: the experiment, its settings, the numbers)
// is given as it is to `noiselab run <experiment> --config file.json`, and the CLI recomputes the
// same numbers, bit for bit: the settings, the per-step history and the snapshot or result. The
// widgets run with a changed seed (and fewer steps), so the file, not the defaults, carries the
// state; a matrix setting (the SGD-as-OU Hessian, typed in the widget's text box) travels too.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { watchConsole } from './helpers.mjs';

test.setTimeout(420_000);

const CLI = process.env.NOISELAB_CLI ?? 'target/release/noiselab';

/** Non-finite numbers as JSON writes them (null); object keys sorted (serde_json sorts them). */
const canon = (v) => Array.isArray(v) ? v.map(canon)
  : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canon(x)]))
    : typeof v === 'number' && !Number.isFinite(v) ? null : v;

/** The numbers in `v`, counted (so no comparison below is vacuous). */
const count = (v) => Array.isArray(v) ? v.reduce((n, x) => n + count(x), 0)
  : v && typeof v === 'object' ? Object.values(v).reduce((n, x) => n + count(x), 0) : typeof v === 'number' ? 1 : 0;

/** `a` and `b` restricted to the keys they share (the browser's reply also carries ok/errors). */
const shared = (a, b) => {
  const keys = Object.keys(a).filter((k) => k in b);
  return [Object.fromEntries(keys.map((k) => [k, a[k]])), Object.fromEntries(keys.map((k) => [k, b[k]]))];
};

// Per experiment: what to change in the widget, and the pairs [from the export, from the CLI]
// that must be equal.
const KINDS = {
  funnel: { set: { seed: 5, trajectories: 300, steps: 300 }, pairs: (w, c) => [[w.history, c.history], [w.snapshot, c.snapshot]] },
  // H and C typed as 3×3 matrices in the widget's text boxes (SGD as an OU process in d = 3).
  'sgd-posterior': {
    set: { seed: 5, steps: 800, problem: 'matrix', hessian: '2 0.6 0; 0.6 0.5 0.1; 0 0.1 1', gradientCovariance: '1 0.2 0; 0.2 0.8 0; 0 0 0.5', projectJ: 3 },
    pairs: (w, c) => [[w.history, c.history], [w.snapshot, c.snapshot], [w.theory, c.theory]],
  },
  dropout: { set: { seed: 5, steps: 400 }, pairs: (w, c) => [[w.history, c.history], [w.snapshot, c.snapshot]] },
  nng: { set: { seed: 5, steps: 400 }, pairs: (w, c) => [[w.history, c.history], [w.snapshot, c.snapshot]] },
  'laplace-vb': {
    set: { slope: 12 },
    // The curves: the export's rows [z, p, q…, −log p, −log q…] against the CLI's columns.
    pairs: (w, c) => [[w.analysis, c.analysis],
      [w.history, c.curves.z.map((z, i) => [z, ...c.curves.density.map((d) => d[i]), ...c.curves.negLogDensity.map((d) => d[i])])]],
  },
  'bbb-linreg': {
    set: { seed: 5, steps: 400 },
    pairs: (w, c) => [[w.history, c.history.map((row) => w.historyFields.map((f) => row[f]))], [[w.snapshot.mean, w.snapshot.std], [c.mean, c.std]]],
  },
  'description-length': { set: { seed: 5, steps: 300 }, pairs: (w, c) => [[w.history, c.history], [w.snapshot, c.snapshot]] },
  'logreg-posterior': { set: { seed: 5, importanceSeed: 3, data: '0.5 1 1; -1 0.25 0; 2 -1 1; -0.5 -2 0; 1.5 0.5 0; 0.25 -1.25 1' }, pairs: (w, c) => [shared(w.summary, c.analysis)] },
  'bayes-regression': { set: { seed: 5, trainingSteps: 300, hmcSamples: 100, addedPoints: '0 1.5; -0.25 -0.75' }, pairs: (w, c) => [[w.data, c.data], [w.snapshot, c.snapshot]] },
  sharpness: { set: { seed: 5 }, pairs: (w, c) => [[w.history, c.history], [w.snapshot, c.snapshot]] },
  'implicit-reg': { set: { seed: 5, sweepPoints: 3, sampling: 'iid' }, pairs: (w, c) => [[w.historyFields, c.pointFields], [w.history, c.points]] },
  // One-epoch: i.i.d. batches, typed-in points and initial weights (matrix and vector settings).
  'one-epoch': {
    set: { seed: 5, halvings: 2, sampling: 'iid', points: '1 0.5 1; -0.3 1.2 0; 0.8 -1 1; -1.1 -0.4 0; 0.2 0.3 1', initialWeights: '0.6 -0.4 0.1' },
    pairs: (w, c) => [shared(w.result, c.result)],
  },
};

test('every figure\'s numbers recompute from its exported file alone, in the CLI', async ({ page }) => {
  const con = watchConsole(page);
  await page.setViewportSize({ width: 1600, height: 2400 });
  await page.goto('www/examples/gallery.html');
  const kinds = await page.evaluate(async () => {
    const els = [...document.querySelectorAll('*')].filter((e) => e.localName.startsWith('noiselab-'));
    await Promise.all(els.map(async (e) => { await customElements.whenDefined(e.localName); await e.ready; }));
    return els.map((e) => e.kind);
  });
  expect(kinds.sort()).toEqual(Object.keys(KINDS).sort());
  const dir = mkdtempSync(path.join(tmpdir(), 'noiselab-files-'));
  for (const kind of kinds) {
    const { set, pairs } = KINDS[kind];
    const el = page.locator(`noiselab-${kind}`);
    const known = await el.evaluate((e) => e.fields.map((f) => f.name));
    const changes = Object.fromEntries(Object.entries(set).filter(([k]) => known.includes(k)));
    const reply = await el.evaluate((e, s) => e.setSettings(s), changes);
    expect(reply.ok, `${kind}: ${JSON.stringify(reply.errors)}`).toBe(true);
    const doc = await el.evaluate(async (e) => {
      if (e.constructor.runControls) await e.runToEnd();
      else await e.compute();
      return e.exportData();
    });
    expect(doc.experiment).toBe(kind);
    for (const [k, v] of Object.entries(changes)) expect(doc.settings[k], `${kind}.${k}`).toBe(String(v));
    const file = path.join(dir, `${kind}.json`);
    writeFileSync(file, JSON.stringify(doc));
    const out = path.join(dir, `${kind}-cli.json`);
    execFileSync(CLI, ['run', kind, '--config', file, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    const cli = JSON.parse(readFileSync(out, 'utf8'));
    expect(canon(cli.settings), `${kind}: settings`).toEqual(canon(doc.settings));
    let numbers = 0;
    for (const [i, [web, ours]] of pairs(doc, cli).entries()) {
      expect(canon(ours), `${kind}: pair ${i}`).toEqual(canon(web));
      numbers += count(web);
    }
    expect(numbers, `${kind}: numbers compared`).toBeGreaterThan(20);
  }
  con.check();
});
