// <noiselab-description-length>: Bayes by Backprop on a 2-D logistic regression, read as a
// description length (Grosse, Lecture 8, "Description Length Regularization"; Blundell et al.
// 2015; SCIENCE.md §4). Over training: the ELBO and its two terms, KL(q‖p) in nats and bits, and
// two PAC-Bayes bounds (McAllester; Langford–Seeger, in Dziugaite & Roy's 2017 forms) on the
// stochastic classifier's error next to its measured test error. A sweep over the prior
// variance η (run in the worker, with progress) shows the bound's trade-off. All numbers from Rust.
//
// Embed: <script type="module" src=".../www/widgets/description-length.js"></script>
//        <noiselab-description-length prior-variance="1" data-points="200"></noiselab-description-length>
import { NoiselabWidget } from '../lib/widget.js';
import { Surface, scale, drawAxes, polyline, ticks, OKABE_ITO as C } from '../lib/plot.js';

const CSS = `
.grid4 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; }
@media (max-width: 700px) { .grid4 { grid-template-columns: minmax(0, 1fr); } }
canvas { aspect-ratio: 3 / 2; }
.progress { font-size: 13px; color: var(--muted); min-height: 1.3em; }
`;
let sheet;

const SWEEP = { lo: 0.001, hi: 100, count: 13 };
const fmt = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const SERIES = {
  elbo: { label: 'ELBO F(q)', colour: '#111', dash: [] },
  ell: { label: 'E_q ln p(D|w)', colour: C.blue, dash: [7, 4] },
  kl: { label: 'KL(q‖p) bits', colour: C.green, dash: [] },
  train: { label: 'training error (stochastic)', colour: C.skyBlue, dash: [3, 3] },
  test: { label: 'test error (stochastic)', colour: C.blue, dash: [] },
  mca: { label: 'McAllester bound', colour: C.vermillion, dash: [7, 4] },
  ls: { label: 'Langford–Seeger bound', colour: C.orange, dash: [] },
};
const legend = (keys) => `<div class="legend" aria-hidden="true">${keys.map((k) => `<span><i class="swatch${SERIES[k].dash.length ? ' dashed' : ''}" style="border-color:${SERIES[k].colour}"></i>${SERIES[k].label}</span>`).join('')}</div>`;

class NoiselabDescriptionLength extends NoiselabWidget {
  static kind = 'bbbLogreg';
  static buttons = [{ name: 'sweep', label: 'Sweep prior variance', title: `Train to the end at ${SWEEP.count} prior variances from ${SWEEP.lo} to ${SWEEP.hi} and plot the bounds and the test error` }];

  extraSheets() {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    return [sheet];
  }

  renderFigure() {
    return `
      <div class="grid4">
        <div><div class="plot-head"><strong>ELBO and its likelihood term (nats)</strong></div><canvas class="elbo" role="img" aria-label="ELBO over training"></canvas>${legend(['elbo', 'ell'])}</div>
        <div><div class="plot-head"><strong>Description length KL(q‖p)</strong></div><canvas class="kl" role="img" aria-label="KL in bits over training"></canvas>${legend(['kl'])}</div>
        <div><div class="plot-head"><strong>Error of the stochastic classifier and PAC-Bayes bounds</strong></div><canvas class="bounds" role="img" aria-label="errors and bounds over training"></canvas>${legend(['train', 'test', 'mca', 'ls'])}</div>
        <div><div class="plot-head"><strong>Prior variance sweep (end of training)</strong></div><canvas class="sweep" role="img" aria-label="bounds and test error against the prior variance"></canvas>${legend(['test', 'mca', 'ls', 'kl'])}
          <div class="progress" role="status" aria-live="polite">Press “Sweep prior variance” to train at ${SWEEP.count} values of η.</div></div>
      </div>`;
  }

  async onReady() {
    this.views = ['elbo', 'kl', 'bounds', 'sweep'].map((c) => new Surface(this.$(`canvas.${c}`), () => this.draw()));
    this.draw();
  }

  modelSettings() {
    return Object.fromEntries(this.fields.map((f) => [f.name, this.valid[f.name]]));
  }

  async onApplied(changed, initial) {
    const wasPlaying = this.playing;
    this.pause();
    const r = await this.worker.request('create', { kind: 'bbbLogreg', handle: this.handle, settings: this.modelSettings() });
    this.K = this.historyFields.length;
    this.total = r.snapshot.totalSteps;
    this.hist = new Float64Array((this.total + 1) * this.K);
    this.rows = 0;
    // The sweep belongs to the other settings: any change but the prior variance invalidates it.
    if (initial || changed.some((n) => n !== 'priorVariance')) { this.sweepData = null; this.sweepToken = (this.sweepToken ?? 0) + 1; this.setProgress(''); }
    this.ingest(r);
    if (wasPlaying && !initial) this.play();
  }

  ingest(r) {
    this.hist.set(r.history, r.from * this.K);
    this.rows = r.from + r.history.length / this.K;
    this.snapshot = r.snapshot;
    this.draw();
    this.updateReadout();
    this.dispatchEvent(new CustomEvent('noiselab-frame', { detail: r.snapshot, bubbles: true, composed: true }));
  }

  async tick() {
    const r = await this.worker.request('advance', { handle: this.handle, steps: 15, budgetMs: 12 });
    this.ingest(r);
    if (r.snapshot.stopReason) this.pause();
  }

  async stepOnce() {
    await this.settled();
    this.ingest(await this.worker.request('advance', { handle: this.handle, steps: 1 }));
  }

  async onReset() {
    const r = await this.worker.request('reset', { handle: this.handle });
    this.rows = 0;
    this.ingest(r);
  }

  setProgress(text) {
    const el = this.$('.progress');
    if (el) el.textContent = text;
  }

  async onButton(name) {
    if (name !== 'sweep') return;
    const token = (this.sweepToken ?? 0) + 1;
    this.sweepToken = token;
    const grid = await this.worker.request('call', { kind: 'bbbLogreg', name: 'sweepGrid', ...SWEEP });
    const settings = this.modelSettings();
    const points = [];
    this.buttons.sweep.disabled = true;
    try {
      for (let k = 0; k < grid.length; k++) {
        if (this.sweepToken !== token || !this.isConnected) return;
        this.setProgress(`Sweep: training at η = ${grid[k].toPrecision(3)} (${k + 1} of ${grid.length})…`);
        points.push(await this.worker.request('call', { kind: 'bbbLogreg', name: 'sweepPoint', settings, eta: grid[k] }));
        this.sweepData = points.slice();
        this.draw();
      }
      const best = points.reduce((a, p) => (p.evaluation.langfordSeegerBound < a.evaluation.langfordSeegerBound ? p : a));
      this.setProgress(`Sweep done: the smallest Langford–Seeger bound, ${fmt(best.evaluation.langfordSeegerBound)}, is at η = ${best.priorVariance.toPrecision(3)} (test error ${fmt(best.evaluation.testError)}). Choosing η from ${grid.length} values after seeing the data makes it a bound at confidence ${grid.length}δ, not δ.`);
      this.updateReadout();
    } finally {
      this.buttons.sweep.disabled = false;
    }
  }

  series(name) {
    const k = this.col[name];
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.hist[i * this.K + k];
    return out;
  }

  linePlot(view, curves, { yLabel, yMin, yMax, xLabel = 'step' }) {
    const ctx = view.ctx;
    view.clear('#fff');
    let lo = yMin ?? Infinity, hi = yMax ?? -Infinity;
    if (yMin === undefined || yMax === undefined) {
      for (const c of curves) for (const v of c.y) if (Number.isFinite(v)) { if (yMin === undefined) lo = Math.min(lo, v); if (yMax === undefined) hi = Math.max(hi, v); }
    }
    if (!(hi > lo)) { hi = lo + 1; }
    const pad = yMin === undefined || yMax === undefined ? 0.05 * (hi - lo) : 0;
    const x = scale(0, Math.max(1, this.total), 56, view.width - 12);
    const y = scale(lo - (yMin === undefined ? pad : 0), hi + (yMax === undefined ? pad : 0), view.height - 40, 10);
    drawAxes(ctx, { x, y, xLabel, yLabel, grid: true });
    ctx.save();
    ctx.beginPath(); ctx.rect(x.range[0], y.range[1], x.range[1] - x.range[0], y.range[0] - y.range[1]); ctx.clip();
    for (const c of curves) {
      const s = SERIES[c.key];
      ctx.strokeStyle = s.colour; ctx.lineWidth = 2.2; ctx.setLineDash(s.dash);
      polyline(ctx, c.y.length, (i) => x(i), (i) => y(c.y[i]));
    }
    ctx.restore();
  }

  draw() {
    if (!this.views || !this.rows) return;
    const [elboView, klView, boundView, sweepView] = this.views;
    this.linePlot(elboView, [{ key: 'ell', y: this.series('expectedLogLikelihood') }, { key: 'elbo', y: this.series('elbo') }], { yLabel: 'nats' });
    this.linePlot(klView, [{ key: 'kl', y: this.series('klBits') }], { yLabel: 'KL(q‖p) (bits)', yMin: 0 });
    this.linePlot(boundView, [
      { key: 'train', y: this.series('trainError') }, { key: 'test', y: this.series('testError') },
      { key: 'mca', y: this.series('mcallesterBound') }, { key: 'ls', y: this.series('langfordSeegerBound') },
    ], { yLabel: 'error rate', yMin: 0, yMax: 1 });
    this.drawSweep(sweepView);
  }

  drawSweep(view) {
    const ctx = view.ctx;
    if (!view.stale(this.sweepData, this.valid?.priorVariance)) return;
    view.clear('#fff');
    const lx = scale(Math.log10(SWEEP.lo), Math.log10(SWEEP.hi), 56, view.width - 48);
    const y = scale(0, 1, view.height - 40, 10);
    const xt = ticks(Math.log10(SWEEP.lo), Math.log10(SWEEP.hi), 5).filter(Number.isInteger);
    drawAxes(ctx, { x: lx, y, xLabel: 'prior variance η (log scale; tick labels are log₁₀ η)', yLabel: 'error rate', xTicks: xt, grid: true });
    const eta = Number(this.valid?.priorVariance);
    if (Number.isFinite(eta)) {
      ctx.strokeStyle = 'rgba(0,0,0,0.35)'; ctx.setLineDash([3, 3]); ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(lx(Math.log10(eta)), y.range[0]); ctx.lineTo(lx(Math.log10(eta)), y.range[1]); ctx.stroke(); ctx.setLineDash([]);
    }
    const pts = this.sweepData;
    if (!pts?.length) return;
    const px = (i) => lx(Math.log10(pts[i].priorVariance));
    let klMax = 1;
    for (const p of pts) klMax = Math.max(klMax, p.evaluation.klBits);
    const ky = scale(0, klMax * 1.05, view.height - 40, 10);
    // Right axis: KL in bits.
    ctx.save();
    ctx.fillStyle = C.green; ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    for (const t of ticks(0, klMax * 1.05, 4)) ctx.fillText(`${Number(t.toPrecision(3))}`, view.width - 44, ky(t));
    ctx.fillText('bits', view.width - 44, 16);
    ctx.restore();
    const draw = (key, f, yy = y) => {
      const s = SERIES[key];
      ctx.strokeStyle = s.colour; ctx.lineWidth = 2.2; ctx.setLineDash(s.dash);
      polyline(ctx, pts.length, px, (i) => yy(f(pts[i].evaluation)));
      ctx.setLineDash([]);
      ctx.fillStyle = s.colour;
      for (let i = 0; i < pts.length; i++) { ctx.beginPath(); ctx.arc(px(i), yy(f(pts[i].evaluation)), 2.5, 0, 2 * Math.PI); ctx.fill(); }
    };
    draw('kl', (e) => e.klBits, ky);
    draw('test', (e) => e.testError);
    draw('mca', (e) => e.mcallesterBound);
    draw('ls', (e) => e.langfordSeegerBound);
  }

  updateReadout() {
    const s = this.snapshot;
    if (!s) return;
    const e = s.evaluation;
    const stop = s.stopReason === 'diverged' ? ' — <b>diverged</b> (the run stopped: non-finite values)' : '';
    this.setReadout(`
      <span>step <b class="r-step">${s.stepsDone}</b> / ${s.totalSteps}${stop}</span>
      <span>F = <b class="r-elbo">${fmt(e.elbo, 2)}</b> = E ln p(D|w) <b class="r-ell">${fmt(e.expectedLogLikelihood, 2)}</b> − KL <b class="r-kl-nats">${fmt(e.klNats, 3)}</b> nats</span>
      <span>description length <b class="r-kl-bits">${fmt(e.klBits, 2)}</b> bits</span>
      <span>error: training <b class="r-train">${fmt(e.trainError)}</b>, test <b class="r-test">${fmt(e.testError)}</b></span>
      <span>bounds (δ = ${this.valid.confidence}): McAllester <b class="r-mcallester">${fmt(e.mcallesterBound)}</b>, Langford–Seeger <b class="r-ls">${fmt(e.langfordSeegerBound)}</b></span>
      <span>q: μ = (${fmt(s.mean[0])}, ${fmt(s.mean[1])}), s = (${fmt(s.std[0])}, ${fmt(s.std[1])})</span>`);
    this.setLive(this.$('canvas.bounds'), `At step ${s.stepsDone}: training error ${fmt(e.trainError)}, test error ${fmt(e.testError)}, McAllester bound ${fmt(e.mcallesterBound)}, Langford–Seeger bound ${fmt(e.langfordSeegerBound)}.`, 'aria-label');
    this.setLive(this.$('canvas.kl'), `KL(q‖p) = ${fmt(e.klBits, 2)} bits at step ${s.stepsDone}.`, 'aria-label');
  }

  /** Public API: the per-step history (and the sweep) for export. */
  exportData() {
    const rows = [];
    for (let i = 0; i < (this.rows ?? 0); i++) rows.push(Array.from(this.hist.subarray(i * this.K, (i + 1) * this.K)));
    return { experiment: 'bbbLogreg', settings: this.settings, historyFields: this.historyFields, history: rows, snapshot: this.snapshot, sweep: this.sweepData ?? [] };
  }
}

if (!customElements.get('noiselab-description-length')) customElements.define('noiselab-description-length', NoiselabDescriptionLength);
export { NoiselabDescriptionLength };
