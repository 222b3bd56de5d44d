// <noiselab-bbb-linreg>: Bayes by Backprop on Bayesian linear regression, where everything has a
// closed form (Blundell et al. 2015; Grosse, Lecture 8, "Posterior Inference: Variational Bayes";
// SCIENCE.md §4). Left: the ELBO over training climbing toward the exact log evidence ln p(D),
// stopping at the mean-field gap below it. Middle: each weight's std s_j against the mean-field
// optimum 1/√P_jj and the true marginal std √(P⁻¹)_jj, which is larger. Right: q's 2σ ellipse
// (axis-aligned) against the exact posterior's (tilted) and the mean-field optimum's. Optional
// local reparameterization (Kingma, Salimans & Welling 2015). All numbers from the Rust core.
//
// Embed: <script type="module" src=".../www/widgets/bbb-linreg.js"></script>
//        <noiselab-bbb-linreg feature-correlation="0.8" local-reparam="on"></noiselab-bbb-linreg>
import { NoiselabWidget } from '../lib/widget.js';
import { Surface, scale, drawAxes, polyline, OKABE_ITO as C, ticks } from '../lib/plot.js';

const CSS = `
.trio { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 10px; }
@media (max-width: 900px) { .trio { grid-template-columns: minmax(0, 1fr); } }
canvas { aspect-ratio: 1 / 0.85; }
`;
let sheet;

const MARGIN = { left: 58, right: 20, top: 12, bottom: 42 };
const WEIGHT_COLOURS = [C.blue, C.vermillion, C.green, C.orange, C.purple, C.skyBlue, C.yellow, '#555'];
const fmt = (v, d = 3) => (Number.isFinite(Number(v)) ? Number(v).toFixed(d) : '—');
const num = (v) => (v === null || v === undefined ? NaN : Number(v));

class NoiselabBbbLinreg extends NoiselabWidget {
  static kind = 'bbbLinreg';
  static uiFields = [
    { name: 'speed', label: 'speed (steps per frame)', min: 1, max: 500, default: 10, help: 'Steps computed per animation frame.' },
    { name: 'firstWeight', label: 'horizontal axis: weight', min: 1, max: 10, default: 1, help: 'Which weight w_i is on the horizontal axis of the weight-space plot (1 to D).' },
    { name: 'secondWeight', label: 'vertical axis: weight', min: 1, max: 10, default: 2, help: 'Which weight w_j is on the vertical axis of the weight-space plot (1 to D).' },
  ];

  extraSheets() {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    return [sheet];
  }

  renderFigure() {
    return `
      <div class="trio">
        <div><div class="plot-head"><strong>ELBO vs exact log evidence</strong><span>nats</span></div>
          <canvas class="elbo" role="img" aria-label="ELBO over training"></canvas>
          <div class="legend" aria-hidden="true">
            <span><i class="swatch" style="border-color:#111"></i>ELBO F(q) (exact at μ, s)</span>
            <span><i class="swatch dashed" style="border-color:${C.vermillion}"></i>ln p(D)</span>
            <span><i class="swatch dashed" style="border-color:${C.blue}"></i>ln p(D) − mean-field gap</span>
          </div></div>
        <div><div class="plot-head"><strong>Learned stds s<sub>j</sub> of q</strong></div>
          <canvas class="std" role="img" aria-label="learned standard deviations over training"></canvas>
          <div class="legend" aria-hidden="true">
            <span><i class="swatch" style="border-color:#111"></i>s<sub>j</sub> (one colour per weight)</span>
            <span><i class="swatch dashed" style="border-color:#111"></i>mean-field optimum 1/√P<sub>jj</sub></span>
            <span><i class="swatch dashed thin" style="border-color:#777"></i>true marginal √(P⁻¹)<sub>jj</sub></span>
          </div></div>
        <div><div class="plot-head"><strong>Weight space (2σ ellipses)</strong><span class="axes-note"></span></div>
          <canvas class="plane" role="img" aria-label="posterior and q ellipses"></canvas>
          <div class="legend" aria-hidden="true">
            <span><i class="swatch ink"></i>exact posterior N(m, P⁻¹)</span>
            <span><i class="swatch dashed" style="border-color:${C.blue}"></i>mean-field optimum</span>
            <span><i class="swatch" style="border-color:${C.vermillion}"></i>q = N(μ, diag s²)</span>
          </div></div>
      </div>`;
  }

  async onReady() {
    this.views = ['elbo', 'std', 'plane'].map((c) => new Surface(this.$(`canvas.${c}`), () => this.draw()));
    this.draw();
  }

  modelSettings() {
    return Object.fromEntries(this.fields.map((f) => [f.name, this.valid[f.name]]));
  }

  axes() {
    return [Number(this.valid.firstWeight) - 1, Number(this.valid.secondWeight) - 1];
  }

  async onApplied(changed) {
    const model = changed.filter((n) => !['speed', 'firstWeight', 'secondWeight'].includes(n));
    if (!model.length) {
      if (changed.some((n) => n === 'firstWeight' || n === 'secondWeight') && this.hist) {
        const [i, j] = this.axes();
        Object.assign(this.view, await this.worker.request('method', { handle: this.handle, name: 'axes', i, j }));
        this.bounds = null;
        this.draw();
        this.updateReadout();
      }
      return;
    }
    const wasPlaying = this.playing;
    this.pause();
    const result = await this.worker.request('create', { kind: 'bbbLinreg', handle: this.handle, settings: this.modelSettings() });
    const [i, j] = this.axes();
    if (i !== 0 || j !== 1) Object.assign(result, await this.worker.request('method', { handle: this.handle, name: 'axes', i, j }));
    this.startBuffers(result);
    if (wasPlaying) this.play();
  }

  startBuffers(result) {
    this.K = this.historyFields.length;
    this.D = result.snapshot.mean.length;
    const rows = Number(result.snapshot.totalSteps) + 1;
    this.hist = new Float64Array(rows * this.K);
    this.params = new Float64Array(rows * 2 * this.D);
    this.rows = 0;
    this.bounds = null;
    this.showMessage('');
    this.ingest(result);
  }

  ingest(r) {
    this.hist.set(r.history, r.from * this.K);
    this.params.set(r.parameters, r.from * 2 * this.D);
    this.rows = r.from + r.history.length / this.K;
    this.view = r;
    this.snapshot = r.snapshot;
    this.draw();
    this.updateReadout();
    this.dispatchEvent(new CustomEvent('noiselab-frame', { detail: r.snapshot, bubbles: true, composed: true }));
  }

  async tick() {
    const r = await this.worker.request('advance', { handle: this.handle, steps: Number(this.valid.speed), budgetMs: 12 });
    this.ingest(r);
    if (r.snapshot.stopReason) this.onStopped(r.snapshot);
  }

  onStopped(s) {
    this.pause();
    if (s.stopReason === 'diverged') {
      this.showMessage(`Stopped at step ${s.stepsDone}: the run diverged (non-finite μ or s). Lower the learning rate α.`, 'error');
    } else {
      this.showMessage(`Finished ${s.stepsDone} steps.`, 'info');
    }
  }

  onPaused() { this.draw(); this.updateReadout(); }

  /** Public API: one step. */
  async stepOnce() {
    await this.settled();
    const r = await this.worker.request('advance', { handle: this.handle, steps: 1 });
    this.ingest(r);
    if (r.snapshot.stopReason) this.onStopped(r.snapshot);
  }

  /** Public API: run to the end (budgeted slices; the page stays responsive). */
  async runToEnd() {
    await this.settled();
    this.pause();
    for (;;) {
      const r = await this.worker.request('advance', { handle: this.handle, steps: 1e9, budgetMs: 30 });
      this.ingest(r);
      if (r.snapshot.stopReason) { this.onStopped(r.snapshot); return r.snapshot; }
      await new Promise(requestAnimationFrame);
    }
  }

  async onReset() {
    const r = await this.worker.request('reset', { handle: this.handle });
    this.startBuffers(r);
  }

  // ---- drawing ------------------------------------------------------------------------------

  draw() {
    if (!this.views || !this.view || !this.rows) return;
    this.drawElbo();
    this.drawStd();
    this.drawPlane();
  }

  frameFor(v, x, y, xLabel, yLabel, yTicks) {
    drawAxes(v.ctx, { x, y, xLabel, yLabel, yTicks, grid: true });
    v.ctx.save();
    v.ctx.beginPath(); v.ctx.rect(x.range[0], y.range[1], x.range[1] - x.range[0], y.range[0] - y.range[1]); v.ctx.clip();
  }

  hline(ctx, x, yv, colour, dash) {
    if (!Number.isFinite(yv)) return;
    ctx.strokeStyle = colour; ctx.lineWidth = 1.6; ctx.setLineDash(dash);
    ctx.beginPath(); ctx.moveTo(x.range[0], yv); ctx.lineTo(x.range[1], yv); ctx.stroke();
    ctx.setLineDash([]);
  }

  drawElbo() {
    const v = this.views[0], ctx = v.ctx;
    v.clear('#fff');
    const ref = this.view.reference, K = this.K, H = this.hist, c = this.col.elbo;
    const logZ = num(ref.logEvidence), best = logZ - num(ref.meanFieldGap);
    // Range: from the ELBO after the first tenth of the run (the start is far below) to just
    // above ln p(D), so the approach and the gap are visible.
    const skip = Math.min(this.rows - 1, Math.max(1, Math.floor(this.rows / 10)));
    let lo = Infinity;
    for (let r = skip; r < this.rows; r++) { const e = H[r * K + c]; if (Number.isFinite(e)) lo = Math.min(lo, e); }
    if (!Number.isFinite(lo)) lo = logZ - 10;
    lo = Math.min(lo, best - 0.5);
    const hi = logZ + Math.max(0.3, 0.08 * (logZ - lo));
    const x = scale(0, Math.max(1, Number(this.snapshot.totalSteps)), MARGIN.left, v.width - MARGIN.right);
    const y = scale(lo, hi, v.height - MARGIN.bottom, MARGIN.top);
    this.frameFor(v, x, y, 'step (iterations)', 'nats', ticks(lo, hi, 5));
    this.hline(ctx, x, y(logZ), C.vermillion, [7, 4]);
    this.hline(ctx, x, y(best), C.blue, [3, 3]);
    ctx.strokeStyle = '#111'; ctx.lineWidth = 2.2;
    polyline(ctx, this.rows, (r) => x(H[r * K]), (r) => y(H[r * K + c]), 800);
    ctx.restore();
  }

  drawStd() {
    const v = this.views[1], ctx = v.ctx;
    v.clear('#fff');
    const ref = this.view.reference, D = this.D, P = this.params;
    let hi = 0;
    for (let j = 0; j < D; j++) hi = Math.max(hi, num(ref.marginalStd[j]), num(ref.meanFieldStd[j]));
    for (let r = 0; r < this.rows; r++) for (let j = 0; j < D; j++) { const s = P[r * 2 * D + D + j]; if (Number.isFinite(s)) hi = Math.max(hi, s); }
    hi = hi * 1.08 || 1;
    const x = scale(0, Math.max(1, Number(this.snapshot.totalSteps)), MARGIN.left, v.width - MARGIN.right);
    const y = scale(0, hi, v.height - MARGIN.bottom, MARGIN.top);
    this.frameFor(v, x, y, 'step (iterations)', 'std of q (weight units)', ticks(0, hi, 5));
    for (let j = 0; j < D; j++) {
      const colour = WEIGHT_COLOURS[j % WEIGHT_COLOURS.length];
      this.hline(ctx, x, y(num(ref.meanFieldStd[j])), colour, [7, 4]);
      ctx.globalAlpha = 0.6;
      this.hline(ctx, x, y(num(ref.marginalStd[j])), colour, [2, 3]);
      ctx.globalAlpha = 1;
      ctx.strokeStyle = colour; ctx.lineWidth = 2;
      polyline(ctx, this.rows, (r) => x(r), (r) => y(P[r * 2 * D + D + j]), 800);
    }
    ctx.restore();
  }

  planeBounds() {
    if (this.bounds) return this.bounds;
    const E = this.view.ellipses, n = this.view.ellipsePoints;
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let k = 0; k < n; k++) {
      const px = E[2 * k], py = E[2 * k + 1];
      x0 = Math.min(x0, px); x1 = Math.max(x1, px); y0 = Math.min(y0, py); y1 = Math.max(y1, py);
    }
    if (!Number.isFinite(x0)) return [-1, 1, -1, 1];
    const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    const h = Math.max(x1 - x0, y1 - y0, 1e-6) * 0.85;
    this.bounds = [cx - h, cx + h, cy - h, cy + h];
    return this.bounds;
  }

  drawPlane() {
    const v = this.views[2], ctx = v.ctx;
    v.clear('#fff');
    const [i, j] = this.view.axes;
    const [bx0, bx1, by0, by1] = this.planeBounds();
    const x = scale(bx0, bx1, MARGIN.left, v.width - MARGIN.right);
    const y = scale(by0, by1, v.height - MARGIN.bottom, MARGIN.top);
    drawAxes(ctx, { x, y, xLabel: `weight w${i + 1}`, yLabel: `weight w${j + 1}`, xTicks: ticks(bx0, bx1, 5), yTicks: ticks(by0, by1, 5), grid: true });
    const E = this.view.ellipses, n = this.view.ellipsePoints;
    this.setLive(this.$('.axes-note'), E.length ? `w${i + 1} vs w${j + 1} of D = ${this.D}` : 'choose two different weights (1 to D)', 'text');
    if (!E.length) return;
    ctx.save();
    ctx.beginPath(); ctx.rect(x.range[0], y.range[1], x.range[1] - x.range[0], y.range[0] - y.range[1]); ctx.clip();
    const ring = (k) => [(p) => x(E[2 * (k * n + p)]), (p) => y(E[2 * (k * n + p) + 1])];
    const [tx, ty] = ring(0);
    ctx.beginPath();
    for (let p = 0; p < n; p++) (p ? ctx.lineTo : ctx.moveTo).call(ctx, tx(p), ty(p));
    ctx.fillStyle = 'rgba(0, 0, 0, 0.07)'; ctx.fill();
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#000'; ctx.lineWidth = 2.5; polyline(ctx, n, tx, ty);
    const [mx, my] = ring(1);
    ctx.strokeStyle = C.blue; ctx.lineWidth = 2; ctx.setLineDash([7, 4]); polyline(ctx, n, mx, my);
    const [qx, qy] = ring(2);
    ctx.strokeStyle = C.vermillion; ctx.lineWidth = 2.5; ctx.setLineDash([]); polyline(ctx, n, qx, qy);
    const s = this.snapshot, m = this.view.reference.posteriorMean;
    ctx.fillStyle = C.vermillion; ctx.beginPath(); ctx.arc(x(num(s.mean[i])), y(num(s.mean[j])), 4, 0, 2 * Math.PI); ctx.fill();
    const cx = x(num(m[i])), cy = y(num(m[j]));
    ctx.strokeStyle = '#000'; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(cx - 6, cy); ctx.lineTo(cx + 6, cy); ctx.moveTo(cx, cy - 6); ctx.lineTo(cx, cy + 6); ctx.stroke();
    ctx.restore();
  }

  updateReadout() {
    const s = this.snapshot, ref = this.view?.reference;
    if (!s || !ref) return;
    const list = (a, d = 3) => a.map((v) => fmt(num(v), d)).join(', ');
    const stop = s.stopReason === 'diverged' ? ' — <b>diverged</b> (the run stopped: non-finite values)' : '';
    this.setReadout(`
      <span>step <b class="r-step">${s.stepsDone}</b> / ${s.totalSteps}${stop}</span>
      <span>ELBO F = <b class="r-elbo">${fmt(num(s.elbo), 4)}</b>, ln p(D) = <b class="r-log-evidence">${fmt(num(ref.logEvidence), 4)}</b> nats</span>
      <span>gap ln p(D) − F = <b class="r-gap">${fmt(num(s.gap), 4)}</b> nats (mean-field minimum <b class="r-mf-gap">${fmt(num(ref.meanFieldGap), 4)}</b>)</span>
      <span>s²·P<sub>jj</sub> (→ 1) = <b class="r-ratio-mf">${list(ref.varianceRatioMeanField)}</b></span>
      <span>s²/(P⁻¹)<sub>jj</sub> (true marginal) = <b class="r-ratio-marginal">${list(ref.varianceRatioMarginal)}</b></span>
      <span>KL(q‖p) = ${fmt(num(s.klNats), 3)} nats = <b class="r-kl-bits">${fmt(num(s.klBits), 2)}</b> bits</span>
      <span>gradient: ${this.valid.localReparam === 'on' ? 'local reparameterization' : 'one weight sample'}, S = ${this.valid.samplesPerStep}</span>`);
    this.setLive(this.$('canvas.elbo'), `ELBO ${fmt(num(s.elbo), 3)} nats at step ${s.stepsDone}; ln p(D) = ${fmt(num(ref.logEvidence), 3)}; gap ${fmt(num(s.gap), 3)} nats, mean-field minimum ${fmt(num(ref.meanFieldGap), 3)}.`, 'aria-label');
    this.setLive(this.$('canvas.std'), `Stds of q: ${list(s.std)}; mean-field optimum ${list(ref.meanFieldStd)}; true marginals ${list(ref.marginalStd)}.`, 'aria-label');
    const [i, j] = this.view.axes;
    this.setLive(this.$('canvas.plane'), `Weights w${i + 1} and w${j + 1}: the exact posterior's 2σ ellipse, the mean-field optimum's and q's (axis-aligned) at step ${s.stepsDone}.`, 'aria-label');
  }

  /** Public API: the run's history for export. */
  exportData() {
    const rows = [];
    for (let r = 0; r < (this.rows ?? 0); r++) rows.push(Array.from(this.hist.subarray(r * this.K, (r + 1) * this.K)));
    return { experiment: 'bbbLinreg', settings: this.settings, historyFields: this.historyFields, history: rows, snapshot: this.snapshot, reference: this.view?.reference };
  }
}

if (!customElements.get('noiselab-bbb-linreg')) customElements.define('noiselab-bbb-linreg', NoiselabBbbLinreg);
export { NoiselabBbbLinreg };
