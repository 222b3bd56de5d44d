// <noiselab-logreg-posterior>: the posterior of a 2-D Bayesian logistic regression, p(y=1|x,w) =
// σ(wᵀx) with prior N(0, ηI) (Grosse, Lecture 8, "BNN Posterior Inference" and "Variational Bayes
// and Curvature"; SCIENCE.md §3–§4). Weight space: the true posterior (quadrature grid) with its
// contours, the Laplace ellipse, the variational Gaussian minimizing KL(q‖p(w|D)) and HMC samples.
// Data space: the points (click to add, shift-click to remove) and the p = 0.1/0.5/0.9 contours of
// the plug-in, probit (Laplace), variational and true predictives. All numbers come from Rust.
//
// Embed: <script type="module" src=".../www/widgets/logreg-posterior.js"></script>
//        <noiselab-logreg-posterior data-points="10" prior-variance="2"></noiselab-logreg-posterior>
import { NoiselabWidget } from '../lib/widget.js';
import { Surface, scale, drawAxes, OKABE_ITO as C } from '../lib/plot.js';

const CSS = `
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; }
@media (max-width: 700px) { .pair { grid-template-columns: minmax(0, 1fr); } }
canvas { aspect-ratio: 1 / 1; }
canvas.data { cursor: crosshair; }
.edit { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; font-size: 13px; }
table.kl { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; margin-top: 4px; }
table.kl th, table.kl td { padding: 3px 10px; text-align: right; border-bottom: 1px solid var(--border); }
table.kl th:first-child, table.kl td:first-child { text-align: left; }
`;
let sheet;

const N_WEIGHT = 81, N_DATA = 49;
const PRED = [
  { label: 'plug-in σ(w_MAPᵀx)', colour: C.vermillion, dash: [2, 3] },
  { label: 'probit (Laplace)', colour: C.orange, dash: [8, 4] },
  { label: 'variational E_q σ(wᵀx)', colour: C.blue, dash: [] },
  { label: 'true predictive', colour: '#111', dash: [] },
];
const fmt = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');
// Settings that define the seeded data set: changing one regenerates the points.
const DATA_FIELDS = ['dataPoints', 'trueWeight1', 'trueWeight2', 'seed'];

class NoiselabLogregPosterior extends NoiselabWidget {
  static kind = 'logregPanel';
  static runControls = false;
  static buttons = [{ name: 'resetData', label: 'Reset data', title: 'Back to the seeded data set (drops added and removed points)' }];

  extraSheets() {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    return [sheet];
  }

  renderFigure() {
    const sw = (c, cls = '') => `<i class="swatch ${cls}" style="border-color:${c}"></i>`;
    return `
      <div class="pair">
        <div><div class="plot-head"><strong>Weight space: p(w | D) and its approximations</strong></div><canvas class="weights" role="img" aria-label="posterior in weight space"></canvas>
          <div class="legend" aria-hidden="true"><span>${sw('#111')}true posterior (r = 1, 2)</span><span>${sw(C.orange, 'dashed')}Laplace N(w_MAP, H̄⁻¹)</span><span>${sw(C.blue)}variational q</span><span><i class="swatch dot" style="background:${C.purple}"></i>HMC samples</span></div></div>
        <div><div class="plot-head"><strong>Data space: predictive p(y = 1 | x)</strong></div><canvas class="data" role="img" aria-label="data and predictive contours"></canvas>
          <div class="legend" aria-hidden="true">${PRED.map((p) => `<span>${sw(p.colour, p.dash.length ? 'dashed' : '')}${p.label}</span>`).join('')}<span>● y = 1, ○ y = 0; lines p = 0.5 (thick), 0.1 and 0.9 (thin)</span></div></div>
      </div>
      <div class="edit"><label>New points get label <select class="new-label" aria-label="label of new points"><option value="1">y = 1 (●)</option><option value="0">y = 0 (○)</option></select></label>
        <span>Click the data plot to add a point; shift-click to remove the nearest one.</span></div>
      <div class="table-scroll" tabindex="0" role="group" aria-label="evidence and KL table of the logistic-regression posterior"><table class="kl" aria-label="evidence and KL divergences"><thead><tr><th>Gaussian q</th><th>mean</th><th>F(q) nats</th><th>KL(q‖p(w|D)) nats</th><th>KL(q‖prior) bits</th></tr></thead><tbody></tbody></table></div>`;
  }

  async onReady() {
    this.weightView = new Surface(this.$('canvas.weights'), () => this.draw());
    this.dataView = new Surface(this.$('canvas.data'), () => this.draw());
    this.$('canvas.data').addEventListener('click', (e) => this.onDataClick(e));
    this.draw();
  }

  modelSettings() {
    return Object.fromEntries(this.fields.map((f) => [f.name, this.valid[f.name]]));
  }

  async onApplied(changed, initial) {
    if (initial || changed.some((n) => DATA_FIELDS.includes(n))) this.points = null;
    await this.compute();
  }

  async compute() {
    const r = await this.worker.request('compute', { kind: 'logregPanel', settings: this.modelSettings(), points: this.points, nWeight: N_WEIGHT, nData: N_DATA });
    this.result = r;
    this.points = Array.from(r.points);
    this.draw();
    this.updateReadout();
    this.dispatchEvent(new CustomEvent('noiselab-frame', { detail: r.summary, bubbles: true, composed: true }));
  }

  async onButton(name) {
    if (name === 'resetData') { this.points = null; await this.compute(); }
  }

  onDataClick(event) {
    if (!this.result || !this.dataScale) return;
    const rect = event.currentTarget.getBoundingClientRect();
    const px = event.clientX - rect.left, py = event.clientY - rect.top;
    const { x, y } = this.dataScale;
    const x1 = x.invert(px), x2 = y.invert(py);
    const [lo, hi] = x.domain;
    if (event.shiftKey) {
      let best = -1, bestD = 14 * 14;
      for (let i = 0; i < this.points.length / 3; i++) {
        const dx = x(this.points[3 * i]) - px, dy = y(this.points[3 * i + 1]) - py;
        if (dx * dx + dy * dy < bestD) { bestD = dx * dx + dy * dy; best = i; }
      }
      if (best < 0) return;
      this.points.splice(3 * best, 3);
    } else {
      if (x1 < lo || x1 > hi || x2 < lo || x2 > hi) return;
      this.points.push(x1, x2, Number(this.$('select.new-label').value));
    }
    this.compute().catch((err) => this.fail(err));
  }

  chosen() {
    const s = this.result.summary;
    return this.valid.variationalFamily === 'fullCovariance' ? s.fullCovariance : s.meanField;
  }

  draw() {
    if (!this.weightView || !this.result) return;
    this.drawWeights();
    this.drawData();
  }

  /** Paint an n×n field (row 0 at the top) into the plot box through `colour(v)` → [r, g, b]. */
  paintField(ctx, field, x, y, colour) {
    const { n, values, domain } = field;
    const img = new ImageData(n, n);
    for (let i = 0; i < n * n; i++) {
      const [r, g, b] = colour(values[i]);
      img.data.set([r, g, b, 255], 4 * i);
    }
    const off = new OffscreenCanvas(n, n);
    off.getContext('2d').putImageData(img, 0, 0);
    ctx.save();
    ctx.imageSmoothingEnabled = true;
    const dx = (domain.xMax - domain.xMin) / (n - 1) / 2, dy = (domain.yMax - domain.yMin) / (n - 1) / 2;
    ctx.drawImage(off, x(domain.xMin - dx), y(domain.yMax + dy), x(domain.xMax + dx) - x(domain.xMin - dx), y(domain.yMin - dy) - y(domain.yMax + dy));
    ctx.restore();
  }

  segments(ctx, seg) {
    ctx.beginPath();
    for (let i = 0; i < seg.length; i += 4) { ctx.moveTo(seg[i], seg[i + 1]); ctx.lineTo(seg[i + 2], seg[i + 3]); }
    ctx.stroke();
  }

  box(view) {
    const size = Math.min(view.width - 60, view.height - 52);
    return { x0: 50, y0: 10, size };
  }

  drawWeights() {
    const view = this.weightView, ctx = view.ctx;
    view.clear('#fff');
    const f = this.result.density;
    const { x0, y0, size } = this.box(view);
    const x = scale(f.domain.xMin, f.domain.xMax, x0, x0 + size);
    const y = scale(f.domain.yMin, f.domain.yMax, y0 + size, y0);
    let peak = 0;
    for (const v of f.values) peak = Math.max(peak, v);
    ctx.save();
    ctx.beginPath(); ctx.rect(x0, y0, size, size); ctx.clip();
    this.paintField(ctx, f, x, y, (v) => { const t = 1 - 0.35 * Math.min(1, v / peak); return [255 * t, 255 * t, 255 * t]; });
    // True posterior contours (levels ascending: r = 2 then r = 1).
    ctx.strokeStyle = '#111';
    f.contours.forEach((seg, k) => {
      ctx.lineWidth = k === f.contours.length - 1 ? 2 : 1.2;
      const px = new Float64Array(seg.length);
      for (let i = 0; i < seg.length; i += 2) { px[i] = x(seg[i]); px[i + 1] = y(seg[i + 1]); }
      this.segments(ctx, px);
    });
    // HMC samples.
    const s = this.result.hmcSamples;
    ctx.fillStyle = 'rgba(204, 121, 167, 0.55)';
    for (let i = 0; i < s.length; i += 2) ctx.fillRect(x(s[i]) - 1.5, y(s[i + 1]) - 1.5, 3, 3);
    // Ellipses: Laplace (orange, dashed) and the variational q (blue).
    const ell = (pts, colour, width, dash) => {
      ctx.strokeStyle = colour; ctx.lineWidth = width; ctx.setLineDash(dash);
      ctx.beginPath();
      for (let i = 0; i < pts.length; i += 2) (i ? ctx.lineTo : ctx.moveTo).call(ctx, x(pts[i]), y(pts[i + 1]));
      ctx.stroke();
      ctx.setLineDash([]);
    };
    for (const [k, w] of [[0, 1.5], [1, 2.5]]) {
      ell(this.result.ellipses[0][k], C.orange, w, [7, 4]);
      ell(this.result.ellipses[1][k], C.blue, w, []);
    }
    const sum = this.result.summary;
    const mark = (p, colour) => { ctx.strokeStyle = colour; ctx.lineWidth = 2; const X = x(p[0]), Y = y(p[1]); ctx.beginPath(); ctx.moveTo(X - 5, Y); ctx.lineTo(X + 5, Y); ctx.moveTo(X, Y - 5); ctx.lineTo(X, Y + 5); ctx.stroke(); };
    mark(sum.laplace.map, C.orange);
    mark(this.chosen().mean, C.blue);
    mark(sum.posteriorMean, '#111');
    ctx.restore();
    drawAxes(ctx, { x, y, xLabel: 'weight w₁', yLabel: 'weight w₂' });
  }

  drawData() {
    const view = this.dataView, ctx = view.ctx;
    view.clear('#fff');
    const fields = this.result.predictive;
    const d = fields[0].domain;
    const { x0, y0, size } = this.box(view);
    const x = scale(d.xMin, d.xMax, x0, x0 + size);
    const y = scale(d.yMin, d.yMax, y0 + size, y0);
    this.dataScale = { x, y };
    ctx.save();
    ctx.beginPath(); ctx.rect(x0, y0, size, size); ctx.clip();
    // Background: the true predictive, blue (y = 1) to vermillion (y = 0), faint.
    this.paintField(ctx, fields[3], x, y, (p) => {
      const a = 0.28 * Math.abs(2 * p - 1);
      const [r, g, b] = p > 0.5 ? [0, 114, 178] : [213, 94, 0];
      return [255 + (r - 255) * a, 255 + (g - 255) * a, 255 + (b - 255) * a];
    });
    fields.forEach((f, k) => {
      const c = PRED[k];
      ctx.strokeStyle = c.colour; ctx.setLineDash(c.dash);
      f.contours.forEach((seg, j) => {
        ctx.lineWidth = j === 1 ? 2.5 : 1;
        const px = new Float64Array(seg.length);
        for (let i = 0; i < seg.length; i += 2) { px[i] = x(seg[i]); px[i + 1] = y(seg[i + 1]); }
        this.segments(ctx, px);
      });
    });
    ctx.setLineDash([]);
    const p = this.points;
    for (let i = 0; i < p.length; i += 3) {
      const X = x(p[i]), Y = y(p[i + 1]);
      ctx.beginPath(); ctx.arc(X, Y, 4.5, 0, 2 * Math.PI);
      ctx.lineWidth = 1.8;
      if (p[i + 2] === 1) { ctx.fillStyle = C.blue; ctx.fill(); ctx.strokeStyle = '#fff'; ctx.stroke(); } else { ctx.fillStyle = '#fff'; ctx.fill(); ctx.strokeStyle = C.vermillion; ctx.stroke(); }
    }
    ctx.restore();
    drawAxes(ctx, { x, y, xLabel: 'input x₁', yLabel: 'input x₂' });
  }

  updateReadout() {
    const s = this.result.summary;
    const q = this.chosen();
    const rows = [
      ['Laplace', s.laplace.map, s.logEvidence - s.klToPosterior[2], s.klToPosterior[2], null],
      ['mean field', s.meanField.mean, s.meanField.elbo, s.klToPosterior[0], s.meanField.klPriorBits],
      ['full covariance', s.fullCovariance.mean, s.fullCovariance.elbo, s.klToPosterior[1], s.fullCovariance.klPriorBits],
    ];
    this.$('table.kl tbody').innerHTML = rows.map(([name, m, f, kl, bits]) => `<tr><td>${name}</td><td>(${fmt(m[0])}, ${fmt(m[1])})</td><td>${fmt(f, 4)}</td><td>${fmt(kl, 4)}</td><td>${bits === null ? '—' : fmt(bits, 2)}</td></tr>`).join('');
    this.setReadout(`
      <span>N = <b class="r-n">${s.dataPoints}</b></span>
      <span>ln p(D) = <b class="r-logz">${fmt(s.logEvidence, 4)}</b> (Laplace <b class="r-logz-laplace">${fmt(s.laplace.logEvidence, 4)}</b>)</span>
      <span>w_MAP = (<b class="r-map">${fmt(s.laplace.map[0])}, ${fmt(s.laplace.map[1])}</b>)</span>
      <span>E[w|D] = (${fmt(s.posteriorMean[0])}, ${fmt(s.posteriorMean[1])}); HMC mean (${fmt(s.hmcMean[0])}, ${fmt(s.hmcMean[1])}), acceptance ${fmt(s.hmcAcceptance, 2)}</span>
      <span>KL(q‖p(w|D)) of the drawn q: <b class="r-kl-q">${fmt(this.valid.variationalFamily === 'fullCovariance' ? s.klToPosterior[1] : s.klToPosterior[0], 4)}</b> nats; Laplace <b class="r-kl-laplace">${fmt(s.klToPosterior[2], 4)}</b></span>`);
    this.setLive(this.$('canvas.weights'), `Posterior in weight space: MAP (${fmt(s.laplace.map[0])}, ${fmt(s.laplace.map[1])}), true mean (${fmt(s.posteriorMean[0])}, ${fmt(s.posteriorMean[1])}), variational mean (${fmt(q.mean[0])}, ${fmt(q.mean[1])}), ${this.result.hmcSamples.length / 2} HMC samples.`, 'aria-label');
    this.setLive(this.$('canvas.data'), `${s.dataPoints} data points with the p = 0.1, 0.5 and 0.9 contours of four predictives.`, 'aria-label');
  }

  /** Public API: the data and the summary for export. */
  exportData() {
    if (!this.result) return super.exportData();
    const p = this.points;
    const history = [];
    for (let i = 0; i < p.length; i += 3) history.push([p[i], p[i + 1], p[i + 2]]);
    return { experiment: 'logregPanel', settings: this.settings, summary: this.result.summary, hmcSamples: Array.from(this.result.hmcSamples), historyFields: ['x1', 'x2', 'y'], history };
  }
}

if (!customElements.get('noiselab-logreg-posterior')) customElements.define('noiselab-logreg-posterior', NoiselabLogregPosterior);
export { NoiselabLogregPosterior };
