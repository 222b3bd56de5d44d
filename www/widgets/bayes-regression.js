// <noiselab-bayes-regression>: one 1-D regression data set, five predictive distributions
// (Grosse, Lecture 8, "Variational Bayes and MDL" / "…and Curvature"; SCIENCE.md §3–§4):
// MAP, Laplace (GGN, diagonal or full Hessian; linearized or sampled), Bayes by Backprop,
// MC dropout and HMC on the same tanh MLP, prior N(0, ηI) and noise σ². The data sit in two
// clusters: between them HMC and the linearized Laplace widen their ±2σ bands, the fully
// factorized BBB posterior much less, MC dropout not at all (Foong et al. 2019). Every number
// comes from the Rust core in the worker, computed in time-budgeted slices.
//
// Embed: <script type="module" src=".../www/widgets/bayes-regression.js"></script>
//        <noiselab-bayes-regression prior-variance="1" noise-variance="0.01"></noiselab-bayes-regression>
import { RunWidget } from '../lib/run-widget.js';
import { valueText } from '../lib/settings.js';
import { OKABE_ITO as C } from '../lib/plot.js';

const CSS = `
canvas.overlay { aspect-ratio: 2 / 1; cursor: crosshair; }
@media (max-width: 600px) { canvas.overlay { aspect-ratio: 4 / 3; } }
/* The five panels in one row on a desktop (about 210 px each), two columns on a phone. */
.multiples { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 8px; }
.multiples figure { margin: 0; display: flex; flex-direction: column; justify-content: flex-end; }
.multiples figcaption { font-size: 12px; font-weight: 600; margin: 0 0 2px 4px; }
.multiples figcaption .ratio { display: block; min-height: 1.3em; font-weight: 400; color: var(--muted); }
.multiples canvas { aspect-ratio: 4 / 3; cursor: crosshair; }
.toggles { display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; font-size: 13px; }
.toggles label { display: inline-flex; align-items: center; gap: 5px; cursor: pointer; }
.toggles .swatch { width: 16px; height: 10px; border: 2px solid; border-radius: 2px; }
.progress { display: flex; gap: 8px; align-items: center; font-size: 12px; color: var(--muted); }
.progress progress { flex: 0 1 240px; }
table.widths { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; }
table.widths th, table.widths td { padding: 2px 10px; text-align: right; border-bottom: 1px solid var(--border); }
table.widths th:first-child, table.widths td:first-child { text-align: left; }
table.widths .se { color: var(--muted); font-size: 12px; }
.note { margin: 4px 2px; font-size: 12px; color: var(--muted); }
.addpoint { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; font-size: 13px; }
.addpoint input { width: 5em; font: inherit; padding: 3px 5px; border: 1px solid var(--border); border-radius: 5px; }
`;

// Band order as in the core (METHODS): map, laplace, bbb, dropout, hmc. One colour per method
// in every panel, the table and the toggles, and far apart in hue and lightness (this morning
// Laplace orange and HMC vermillion looked alike): HMC, the reference, black on grey, the same
// grey band behind every other panel; Laplace red and the variational fit (BBB) green, as in
// Bishop's Fig. 10.1 and the Laplace-vs-VB figure of this lab; MC dropout blue; MAP purple.
const METHODS = [
  { key: 'map', label: 'MAP (noise only)', colour: C.purple, fill: 'rgba(204,121,167,0.22)' },
  { key: 'laplace', label: 'Laplace', colour: '#C8102E', fill: 'rgba(200,16,46,0.16)' },
  { key: 'bbb', label: 'Bayes by Backprop', colour: '#2E9E3E', fill: 'rgba(46,158,62,0.20)' },
  { key: 'dropout', label: 'MC dropout', colour: C.blue, fill: 'rgba(0,114,178,0.18)' },
  { key: 'hmc', label: 'HMC (gold standard)', colour: '#000000', fill: 'rgba(0,0,0,0.13)', edge: 1.5, dash: [] },
];
const HMC = 4;
const GAP_FILL = 'rgba(240, 228, 66, 0.28)'; // Okabe–Ito yellow, pale: the gap between the clusters
const GAP = 'the gap: “width between” is measured here';
// The claim in one sentence (index.html's caption), for the exported figure.
const CLAIM = 'Between two clusters of data the predictive band of HMC and of the linearized Laplace approximation widens about 5–6×, the fully factorized Gaussian of Bayes by Backprop’s only about 2×, and MC dropout’s not at all (Foong et al., 2019, “In-between” uncertainty).';
// Side by side, HMC first (the reference every other panel repeats in grey), MAP last; the
// toggles and the table in the same order.
const PANEL_ORDER = [4, 1, 2, 3, 0];
// Words for how much a band widens between the clusters (ratio of the widths between and
// inside): ≥ 1.5 "widens", ≥ 1.15 "barely widens", below "does not widen".
const WIDENS = 1.5, BARELY = 1.15;
const STAGES = { map: 'MAP training (Adam)', refine: 'MAP polish (damped Newton)', tune: 'tuning η by the evidence', laplace: 'Laplace', bbb: 'Bayes by Backprop', dropout: 'MC dropout training', hmc: 'HMC sampling', done: 'done' };
const fmt = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');

/** Between/inside ratio of a band's widths and its standard error (delta method, from the
    batch-means SEs of the two widths; 0 for an exact band). */
function widening(b) {
  const r = b.widthBetween / b.widthInside;
  const rel = (se, v) => (Number.isFinite(se) ? se / v : 0);
  return { r, se: r * Math.hypot(rel(b.widthBetweenSe, b.widthBetween), rel(b.widthInsideSe, b.widthInside)) };
}

/**
 * The verdict on the in-between claim (Foong, Li, Hernández-Lobato & Turner 2019, "'In-between'
 * uncertainty in Bayesian neural networks"), from the core's band widths: between the clusters
 * HMC's ±2σ band widens, the fully factorized Gaussian of Bayes by Backprop's significantly less
 * (ratios 2 SE apart), MC dropout's not at all; and where the Laplace band stands. `bands` are
 * the snapshot's five summaries, `settings` the widget's valid settings.
 */
export function verdictOf(bands, settings = {}) {
  const pending = METHODS.filter((_, i) => !bands[i].ready).map((m) => m.label);
  if (pending.length) return `The verdict comes when all five bands are computed (waiting for ${pending.join(', ')}).`;
  if (bands.some((b) => !Number.isFinite(b.widthBetween))) return 'No grid point lies between the clusters (farther than 0.75 from every input), so there is no in-between width to compare.';
  const [, lap, bbb, drop, hmc] = bands.map(widening);
  const x = (w) => `×${w.r.toFixed(2)}`;
  const word = (w, name) => `${x(w)} for ${name}${w.r >= WIDENS ? '' : w.r >= BARELY ? ' (barely wider)' : ' (no wider)'}`;
  const clause = `Between the clusters the ±2σ band is ${x(hmc)} as wide as on the data for HMC, ${word(bbb, 'Bayes by Backprop')} and ${word(drop, 'MC dropout')}${hmc.r >= WIDENS ? '' : hmc.r >= BARELY ? ' (HMC barely wider)' : ' (HMC no wider)'}`;
  const hmcWidens = hmc.r >= WIDENS;
  const bbbLess = hmc.r - bbb.r > 2 * Math.hypot(hmc.se, bbb.se);
  const dropNot = drop.r < BARELY;
  let claim;
  if (!hmcWidens) claim = 'HMC itself shows little in-between uncertainty here, so there is none for the others to miss';
  else if (bbbLess && dropNot) claim = 'Bayes by Backprop’s factorized Gaussian less than HMC, MC dropout not at all, as Foong et al. (2019) report';
  else {
    claim = `unlike Foong et al. (2019), ${[!bbbLess && 'Bayes by Backprop widens as much as HMC', !dropNot && 'MC dropout widens too'].filter(Boolean).join(' and ')}`;
  }
  const curvature = { ggn: 'GGN', diagonal: 'diagonal GGN', hessian: 'full Hessian' }[settings.laplace] ?? 'GGN';
  const how = `${curvature}, ${settings.predictive === 'sampled' ? 'sampled weights' : 'linearized'}`;
  let laplace;
  if (bands[1].widthInside > 3 * bands[HMC].widthInside) {
    laplace = `Laplace (${how}) is far too wide even at the data (${bands[1].widthInside.toFixed(2)} vs HMC's ${bands[HMC].widthInside.toFixed(2)})`;
  } else if (hmcWidens && lap.r < 0.67 * hmc.r) {
    laplace = `Laplace (${how}) widens only ${x(lap)}, like a factorized Gaussian`;
  } else {
    laplace = `Laplace (${how}) ${lap.r >= WIDENS ? 'widens' : 'stays'} with HMC (${x(lap)})`;
  }
  return `${clause}: ${claim}. ${laplace}.`;
}

class NoiselabBayesRegression extends RunWidget {
  static css = CSS;
  // The stages run by themselves, a slice of 25 ms per frame; Step advances 20 steps.
  static tickSteps = 1e9;
  static tickMs = 25;
  static stepSteps = 20;
  static playOnCreate = true;
  static buttons = [
    { name: 'clearPoints', label: 'Remove added points', title: 'Back to the seeded data set' },
  ];
  // The default (GGN Laplace, linearized; ρ = 0.1; η = 1) shows the claim: between the clusters
  // HMC ×5.9 and Laplace ×5.6, BBB ×2.3, MC dropout ×0.68 at seed 1 (×5.6/5.1/2.5/0.74 at seed 2,
  // ×6.2/5.5/2.3/1.06 at seed 3). Numbers in the notes: the native CLI at seeds 1–3.
  static presets = [
    { name: 'diagonal-laplace', label: 'Diagonal Laplace: factorized, like BBB', settings: { laplace: 'diagonal' },
      note: 'The diagonal of the GGN is a fully factorized Gaussian, like Bayes by Backprop’s: its band widens only about ×2 between the clusters (×1.9–2.6 at seeds 1–3), against ×5 for the full GGN and ×6 for HMC.' },
    { name: 'sampled-laplace', label: 'Sampled Laplace: far too wide (a failure mode)', settings: { predictive: 'sampled' },
      note: 'Weights drawn from N(w_MAP, H̄⁻¹) and pushed through the network instead of the linearized predictive: the band is about 13 wide even on the data, where HMC’s is 0.5 (Immer, Korzepa & Bauer 2021 explain why the linearized one is the right predictive).' },
    { name: 'heavy-dropout', label: 'MC dropout at ρ = 0.5: still no in-between uncertainty', settings: { dropoutRate: 0.5 },
      note: 'Five times the dropout rate: MC dropout’s band is still narrower between the clusters than on them (×0.6–0.85 at seeds 1–3), as Foong et al. (2019) found.' },
    { name: 'tight-prior', label: 'Tight prior η = 0.05: little in-between uncertainty', settings: { priorVariance: 0.05 },
      note: 'A tight prior keeps the network nearly linear: even HMC’s band widens only about ×1.9 between the clusters (×5.9 at η = 1), and the methods differ less; MC dropout still does not widen.' },
  ];

  renderFigure() {
    const toggles = PANEL_ORDER.map((i) => [METHODS[i], i]).map(([m, i]) => `<label><input type="checkbox" data-method="${i}" checked><i class="swatch" style="border-color:${m.colour};background:${m.fill}"></i>${m.label}</label>`).join('');
    return `
      <div class="plot-head"><strong>Predictive mean and ±2σ band of a new target</strong>
        <label>View: <select class="view" aria-label="side by side or overlaid"><option value="multiples" selected>side by side</option><option value="overlay">overlaid</option></select></label></div>
      <div class="toggles" role="group" aria-label="methods shown">${toggles}</div>
      <canvas class="overlay" data-panel="overlay" role="img" tabindex="0" aria-label="predictive bands" hidden></canvas>
      <div class="multiples">${PANEL_ORDER.map((i) => { const m = METHODS[i]; return `<figure data-method="${m.key}"><figcaption><i class="swatch" style="border-color:${m.colour}"></i> ${m.label} <span class="ratio"></span></figcaption><canvas data-panel="${i}" role="img" aria-label="${m.label} band"></canvas></figure>`; }).join('')}</div>
      <div class="legend" aria-hidden="true"></div><p class="note view-legend"></p>
      <div class="progress"><progress max="1" value="0" aria-label="computation progress"></progress><span class="stage-text"></span></div>
      <div class="addpoint" role="group" aria-label="add a data point"><label>x <input name="x" type="text" inputmode="decimal" value="0"></label><label>t <input name="t" type="text" inputmode="decimal" value="0"></label><button type="button" class="add">Add point</button></div>
      <div class="table-scroll" tabindex="0" role="group" aria-label="band widths of the five predictive distributions"><table class="widths" aria-label="mean width of the ±2σ band inside the clusters and between them"><thead><tr><th>method</th><th>width inside</th><th>width between</th><th>between / inside</th></tr></thead><tbody></tbody></table></div>
      <p class="note">Widths of sampled bands (Bayes by Backprop, MC dropout, HMC, sampled Laplace) carry ± one batch-means standard error over 10 batches of the draws.</p>`;
  }

  async onReady() {
    this.shown = METHODS.map(() => true);
    this.view = 'multiples';
    this.updateLegend();
    await super.onReady();
    for (const box of this.root.querySelectorAll('.toggles input')) {
      box.addEventListener('change', () => { this.shown[Number(box.dataset.method)] = box.checked; this.draw(); });
    }
    this.$('select.view').addEventListener('change', (e) => {
      this.view = e.target.value;
      this.$('canvas.overlay').hidden = this.view !== 'overlay';
      this.$('.multiples').hidden = this.view === 'overlay';
      // The canvases shown again draw at their size now, not after the next resize notification.
      for (const surface of this.figure.surfaces.values()) surface?.fit();
      this.updateLegend();
      this.draw();
    });
    const onClick = (e) => this.onPlotClick(e).catch((err) => this.fail(err));
    this.$('canvas.overlay').addEventListener('click', onClick);
    for (const c of this.root.querySelectorAll('.multiples canvas')) c.addEventListener('click', onClick);
    const add = () => this.addPoint(Number(this.$('.addpoint input[name=x]').value), Number(this.$('.addpoint input[name=t]').value)).catch((err) => this.fail(err));
    this.$('.addpoint button.add').addEventListener('click', add);
    for (const input of this.root.querySelectorAll('.addpoint input')) input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } });
    this.draw();
  }

  // ---- added points: the `addedPoints` setting ("x t; x t"), so the hash, exports and the CLI
  // carry them; links made before it wrote `<key>.points=x,t;x,t`, which reads as the same text.

  settingsFromHash() {
    const r = super.settingsFromHash();
    if ('points' in r.settings) {
      r.settings.addedPoints ??= r.settings.points;
      delete r.settings.points;
    }
    return r;
  }

  onFrame(r) {
    this.result = r;
    this.draw();
    this.updateReadout();
  }

  onStopped(s) {
    this.pause();
    if (s.stopReason === 'diverged') {
      this.showMessage(`Stopped during ${STAGES[s.stage]}: the computation diverged (a non-finite loss). Try a larger noise variance σ² or prior variance η.`, 'error');
    } else {
      this.showMessage('');
    }
  }

  async onButton(name) {
    if (name === 'clearPoints') await this.applySettings({ addedPoints: '' });
  }

  /** Public API: add a data point (x in the plotted range) and recompute everything: one more
      row of the `addedPoints` setting (the core checks the bounds and says which row is out). */
  async addPoint(x, t) {
    await this.ready;
    const rows = this.valid.addedPoints ? `${this.valid.addedPoints}; ` : '';
    return this.applySettings({ addedPoints: `${rows}${valueText(x)} ${valueText(t)}` });
  }

  async onPlotClick(e) {
    const s = this.figure?.scales[e.target.dataset.panel];
    if (!s) return;
    const rect = e.target.getBoundingClientRect();
    const x = s.x.invert(e.clientX - rect.left), t = s.y.invert(e.clientY - rect.top);
    const [x0, x1] = s.x.domain, [y0, y1] = s.y.domain;
    if (x < x0 || x > x1 || t < y0 || t > y1) return;
    await this.addPoint(Number(x.toFixed(3)), Number(t.toFixed(3)));
  }

  // ---- drawing ------------------------------------------------------------------------------

  /** Method i's ±2σ band as marks (mean, dashed edges, fill); HMC's as the thinner reference. */
  bandMarks(i, reference = false) {
    const r = this.result, G = r.grid.length, m = METHODS[i];
    const mean = r.bands.subarray(i * 2 * G, i * 2 * G + G);
    const std = r.bands.subarray(i * 2 * G + G, (i + 1) * 2 * G);
    if (!Number.isFinite(std[0])) return [];
    const hi = mean.map((v, k) => v + 2 * std[k]), lo = mean.map((v, k) => v - 2 * std[k]);
    const edge = { type: 'line', x: r.grid, colour: m.colour, width: reference ? 1 : m.edge ?? 1, dash: m.dash ?? [4, 3] };
    return [
      { type: 'band', label: m.label, fill: m.fill, x: r.grid, lo, hi },
      { ...edge, y: hi }, { ...edge, y: lo },
      { type: 'line', label: m.label, colour: m.colour, width: reference ? 1 : 2, x: r.grid, y: mean },
    ];
  }

  /**
   * Public API: the figure as data (www/lib/plot.js). Side by side: one panel per method shown,
   * with the gap between the clusters shaded (where the core measures the width "between": its
   * grid runs widened by half a grid step), HMC's band behind as the reference, the method's
   * band and the data. Overlaid: one panel, HMC at the back and MAP in front.
   */
  scene() {
    const r = this.result;
    if (!r || !this.shown) return null;
    const g = r.grid, half = (g[1] - g[0]) / 2;
    let lo = -1.5, hi = 1.5;
    for (const t of r.targets) { lo = Math.min(lo, t); hi = Math.max(hi, t); }
    const y = [lo - 1.2, hi + 1.2];
    const gap = (this.snapshot?.betweenIntervals ?? []).map(([a, b]) => ({ type: 'band', label: GAP, fill: GAP_FILL, x: [a - half, b + half], lo: [y[0], y[0]], hi: [y[1], y[1]] }));
    // The data: black dots on a white rim.
    const data = [{ type: 'dots', label: 'data', colour: '#111', rim: '#fff', rimWidth: 1, r: 3.2, x: r.inputs, y: r.targets }];
    const panel = (id, title, bands) => ({ id, title, x: { label: 'input x', domain: [g[0], g.at(-1)] }, y: { label: 'target t', domain: y }, marks: [...gap, ...bands, ...data] });
    const panels = this.view === 'overlay'
      ? [panel('overlay', 'All methods overlaid', [4, 3, 2, 1, 0].filter((i) => this.shown[i]).flatMap((i) => this.bandMarks(i)))]
      : PANEL_ORDER.filter((i) => this.shown[i]).map((i) => panel(String(i), METHODS[i].label, [...(i === HMC ? [] : this.bandMarks(HMC, true)), ...this.bandMarks(i)]));
    if (!panels.length) return null;
    const done = this.snapshot?.bands.every((b) => b.ready);
    return {
      title: 'Predictive mean and ±2σ band of a new target: MAP, Laplace, Bayes by Backprop, MC dropout and HMC', columns: 3,
      caption: `${CLAIM}${done ? ` This run: ${verdictOf(this.snapshot.bands, this.valid)}` : ''}`, panels,
    };
  }

  updateLegend() {
    this.$('.view-legend').textContent = this.view === 'overlay'
      ? 'overlaid: every method ticked above on one plot, HMC’s grey band at the back; click the plot to add a point'
      : 'grey band, black line: HMC (the gold standard), also behind every other panel; click a plot to add a point';
  }

  draw() {
    if (!this.figure) return;
    for (const [i, m] of METHODS.entries()) this.$(`.multiples figure[data-method="${m.key}"]`).hidden = !this.shown[i];
    this.figure.draw();
  }

  updateReadout() {
    const s = this.snapshot;
    // With η tuned by the evidence the η control only starts the first MAP fit: say so at the
    // control, with the η in use once the search is done, so the two never disagree unexplained.
    const tuned = this.valid.tunePrior === 'evidence';
    const searching = !['map', 'refine', 'tune'].includes(s.stage) ? `η = ${fmt(s.priorVariance, 4)} in use` : 'searching';
    const why = tuned ? `Tuned by the evidence (${searching}); this value only starts the first MAP fit.` : null;
    if (why !== this.etaWhy) { this.etaWhy = why; this.setControlDisabled('priorVariance', why); }
    const total = Math.max(1, s.stageTotal);
    const done = s.stage === 'done';
    const prog = this.$('progress');
    prog.value = done ? 1 : Math.min(1, s.stageStep / total);
    this.setLive(this.$('.stage-text'), done ? `all five methods computed (${s.stepsDone.toLocaleString('en')} steps)` : `${STAGES[s.stage]}: ${s.stageStep} / ${total}`, 'text');
    const rows = PANEL_ORDER.map((i) => [METHODS[i], i]).map(([m, i]) => {
      const b = s.bands[i];
      const ratio = b.ready ? b.widthBetween / b.widthInside : NaN;
      const se = (v) => (b.ready && Number.isFinite(v) ? ` <span class="se">± ${fmt(v)}</span>` : '');
      return `<tr><td><i class="swatch" style="border-color:${m.colour}"></i> ${m.label}</td><td><span class="r-${m.key}-inside">${b.ready ? fmt(b.widthInside) : '…'}</span>${se(b.widthInsideSe)}</td><td><span class="r-${m.key}-between">${b.ready ? fmt(b.widthBetween) : '…'}</span>${se(b.widthBetweenSe)}</td><td>${b.ready ? fmt(ratio, 2) : '…'}</td></tr>`;
    }).join('');
    this.setLive(this.$('table.widths tbody'), rows, 'html');
    for (const [i, m] of METHODS.entries()) {
      const b = s.bands[i];
      const text = b.ready && Number.isFinite(b.widthBetween) ? `between / inside ×${fmt(b.widthBetween / b.widthInside, 2)}` : '';
      this.setLive(this.$(`.multiples figure[data-method="${m.key}"] .ratio`), text, 'text');
    }
    this.setVerdict(verdictOf(s.bands, this.valid));
    const e = s.elbo;
    this.setReadout(`
      <span>stage <b class="r-stage">${s.stage}</b></span>
      <span>N = <b class="r-n">${s.dataPoints}</b>, P = ${s.params}</span>
      <span>η = <b class="r-eta">${fmt(s.priorVariance, 4)}</b>${this.valid.tunePrior === 'evidence' ? ' (tuned)' : ''}</span>
      <span>Laplace ln p(D) ≈ <b class="r-evidence">${fmt(s.logEvidence, 2)}</b> (GGN ${fmt(s.logEvidenceGgn, 2)}, diagonal ${fmt(s.logEvidenceDiagonal, 2)}, Hessian ${s.hessianIndefinite ? 'not positive definite' : fmt(s.logEvidenceHessian, 2)})</span>
      <span>BBB ELBO <b class="r-elbo">${fmt(e.elbo, 2)}</b> = E<sub>q</sub> ln p(D|w) ${fmt(e.expectedLogLikelihood, 2)} − KL ${fmt(e.klNats, 2)} nats (${fmt(e.klBits, 1)} bits)</span>
      <span>HMC acceptance <b class="r-accept">${fmt(s.hmcAcceptance, 2)}</b> (${s.hmcKept} samples)</span>`);
    const b = s.bands;
    const between = (i) => (b[i].ready ? fmt(b[i].widthBetween, 2) : 'pending');
    this.setLive(this.$('canvas.overlay'), `Predictive ±2σ bands on ${s.dataPoints} points in two clusters. Mean band width between the clusters: HMC ${between(4)}, Laplace ${between(1)}, Bayes by Backprop ${between(2)}, MC dropout ${between(3)}, MAP ${between(0)}.`, 'aria-label');
    if (s.hessianIndefinite && this.valid.laplace === 'hessian') this.showMessage('The full Hessian at the MAP is not positive definite: the Laplace band uses the GGN instead.', 'warn');
  }

  /** Public API: the bands for export (one row per grid x). */
  exportData() {
    const r = this.result;
    if (!r) return super.exportData();
    const G = r.grid.length;
    const historyFields = ['x', ...METHODS.flatMap((m) => [`${m.key}Mean`, `${m.key}Std`])];
    const history = Array.from(r.grid, (x, k) => [x, ...METHODS.flatMap((_, i) => [r.bands[i * 2 * G + k], r.bands[i * 2 * G + G + k]])]);
    return { ...this.exportHead(), snapshot: r.snapshot, data: { inputs: Array.from(r.inputs), targets: Array.from(r.targets) }, historyFields, history };
  }
}

if (!customElements.get('noiselab-bayes-regression')) customElements.define('noiselab-bayes-regression', NoiselabBayesRegression);
export { NoiselabBayesRegression };
