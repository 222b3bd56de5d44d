// <noiselab-nng>: noisy natural gradient as variational inference (Zhang, Sun, Duvenaud & Grosse
// 2018; Grosse, Lecture 8, "Noisy Natural Gradient"; SCIENCE.md §6). Full NNG (the lecture's
// update), noisy Adam (diagonal precision) and noisy K-FAC (Kronecker-factored precision) fit a
// Gaussian q to the posterior of a Bayesian linear regression with correlated inputs. Left: the
// exact posterior's 2σ ellipse over two weights with each method's 2σ ellipse and recent weight
// samples; noisy Adam's ellipse is axis-aligned (it cannot represent the correlation), noisy
// K-FAC's is tilted like the posterior's. Right: KL(q‖posterior) over steps, with the fixed
// points' KL as reference lines. All numbers come from the Rust core through the worker.
//
// Embed: <script type="module" src=".../www/widgets/noisy-natural-gradient.js"></script>
//        <noiselab-nng feature-correlation="0.9" kl-weight="1"></noiselab-nng>
import { NoiselabWidget } from '../lib/widget.js';
import { Surface, scale, drawAxes, polyline, OKABE_ITO as C, ticks } from '../lib/plot.js';

const CSS = `
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; }
@media (max-width: 760px) { .pair { grid-template-columns: minmax(0, 1fr); } }
canvas { aspect-ratio: 1 / 0.9; }
canvas.kl { aspect-ratio: 1 / 0.9; }
`;
let sheet;

// Order of the core's ellipses and samples: target, full, noisy Adam, noisy K-FAC.
const METHODS = [
  { key: 'full', label: 'full NNG', colour: C.green, dash: [6, 4], width: 2 },
  { key: 'noisyAdam', label: 'noisy Adam (diagonal)', colour: C.vermillion, dash: [], width: 2.5 },
  { key: 'noisyKfac', label: 'noisy K-FAC', colour: C.blue, dash: [], width: 2.5 },
];
const KL_COLUMNS = ['klFull', 'klNoisyAdam', 'klNoisyKfac'];
const MARGIN = { left: 56, right: 14, top: 12, bottom: 42 };
const fmt = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const num = (v) => (v === null || v === undefined ? NaN : Number(v));

function rgba(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

class NoiselabNng extends NoiselabWidget {
  static kind = 'nng';
  static uiFields = [
    { name: 'speed', label: 'speed (steps per frame)', min: 1, max: 200, default: 4, help: 'Steps computed per animation frame.' },
    { name: 'firstWeight', label: 'horizontal axis: weight', min: 1, max: 8, default: 1, help: 'Which weight w_i is on the horizontal axis of the posterior plot (1 to D).' },
    { name: 'secondWeight', label: 'vertical axis: weight', min: 1, max: 8, default: 2, help: 'Which weight w_j is on the vertical axis of the posterior plot (1 to D).' },
  ];

  extraSheets() {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    return [sheet];
  }

  renderFigure() {
    const legend = [
      '<span><i class="swatch ink"></i>exact posterior (2σ)</span>',
      ...METHODS.map((m) => `<span><i class="swatch${m.dash.length ? ' dashed' : ''}" style="border-color:${m.colour}"></i>${m.label} q (2σ)</span>`),
      '<span>dots: recent weight samples w ~ q</span>',
    ].join('');
    return `
      <div class="pair">
        <div><div class="plot-head"><strong>Posterior and fitted Gaussians</strong><span class="axes-note"></span></div>
          <canvas class="plane" role="img" aria-label="posterior ellipses"></canvas></div>
        <div><div class="plot-head"><strong>KL(q ‖ posterior) over steps</strong><span>log scale, nats</span></div>
          <canvas class="kl" role="img" aria-label="KL divergence over steps"></canvas></div>
      </div>
      <div class="legend" aria-hidden="true">${legend}</div>
      <div class="legend kl-legend" aria-hidden="true">
        <span><i class="swatch dashed" style="border-color:${C.vermillion}"></i>best diagonal Gaussian (mean-field optimum)</span>
        <span><i class="swatch dashed" style="border-color:${C.blue}"></i>noisy K-FAC fixed point</span>
      </div>`;
  }

  async onReady() {
    this.planeView = new Surface(this.$('canvas.plane'), () => this.draw());
    this.klView = new Surface(this.$('canvas.kl'), () => this.draw());
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
        const r = await this.worker.request('method', { handle: this.handle, name: 'axes', i, j });
        this.bounds = null;
        this.view = r;
        this.draw();
        this.updateReadout();
      }
      return;
    }
    const wasPlaying = this.playing;
    this.pause();
    const result = await this.worker.request('create', { kind: 'nng', handle: this.handle, settings: this.modelSettings() });
    const [i, j] = this.axes();
    if (i !== 0 || j !== 1) Object.assign(result, await this.worker.request('method', { handle: this.handle, name: 'axes', i, j }));
    this.startBuffers(result);
    if (wasPlaying) this.play();
  }

  startBuffers(result) {
    const K = this.historyFields.length;
    this.K = K;
    this.hist = new Float64Array((Number(result.snapshot.totalSteps) + 1) * K);
    this.rows = 0;
    this.bounds = null;
    this.showMessage('');
    this.ingest(result);
  }

  ingest(r) {
    this.hist.set(r.history, r.from * this.K);
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
      this.showMessage(`Stopped at step ${s.stepsDone}: every method diverged (the mean exploded). The mean's step contracts by 1 − αλ/N = ${fmt(1 - s.effectiveRate, 2)}; below −1 it oscillates and grows. Lower the learning rate α.`, 'error');
    } else {
      const diverged = s.methods.filter((m) => m.diverged).map((m) => METHODS.find((x) => x.key === m.method)?.label);
      this.showMessage(`Finished ${s.stepsDone} steps.${diverged.length ? ` Diverged: ${diverged.join(', ')}.` : ''}`, diverged.length ? 'warn' : 'info');
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
    if (!this.planeView || !this.view) return;
    this.drawPlane();
    this.drawKl();
  }

  /** Plot bounds: a square box around the exact posterior's 2σ ellipse (fixed for a run, so
      the methods' ellipses visibly converge into it from the prior, which starts wider). */
  planeBounds() {
    if (this.bounds) return this.bounds;
    const { ellipses, ellipsePoints: P } = this.view;
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let k = 0; k < P; k++) {
      const x = ellipses[2 * k], y = ellipses[2 * k + 1];
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
    const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    const h = Math.max(x1 - x0, y1 - y0, 1e-6) * 0.8;
    this.bounds = [cx - h, cx + h, cy - h, cy + h];
    return this.bounds;
  }

  drawPlane() {
    const v = this.planeView, ctx = v.ctx;
    v.clear('#fff');
    const [bx0, bx1, by0, by1] = this.planeBounds();
    const x = scale(bx0, bx1, MARGIN.left, v.width - MARGIN.right);
    const y = scale(by0, by1, v.height - MARGIN.bottom, MARGIN.top);
    const [i, j] = this.view.axes;
    drawAxes(ctx, { x, y, xLabel: `weight w${i + 1}`, yLabel: `weight w${j + 1}`, xTicks: ticks(bx0, bx1, 5), yTicks: ticks(by0, by1, 5), grid: true });
    ctx.save();
    ctx.beginPath(); ctx.rect(x.range[0], y.range[1], x.range[1] - x.range[0], y.range[0] - y.range[1]); ctx.clip();
    const P = this.view.ellipsePoints, E = this.view.ellipses;
    const ring = (k) => [(n) => x(E[2 * (k * P + n)]), (n) => y(E[2 * (k * P + n) + 1])];
    // Target: filled grey with a black outline.
    const [tx, ty] = ring(0);
    ctx.beginPath();
    for (let n = 0; n < P; n++) (n ? ctx.lineTo : ctx.moveTo).call(ctx, tx(n), ty(n));
    ctx.fillStyle = 'rgba(0, 0, 0, 0.07)';
    ctx.fill();
    // Samples, then ellipses on top.
    const S = this.view.samples, count = this.view.sampleCount;
    METHODS.forEach((m, k) => {
      ctx.fillStyle = rgba(m.colour, 0.35);
      ctx.beginPath();
      for (let s = 0; s < count; s++) {
        const px = x(S[2 * (k * count + s)]), py = y(S[2 * (k * count + s) + 1]);
        if (Number.isFinite(px) && Number.isFinite(py)) ctx.rect(px - 1.5, py - 1.5, 3, 3);
      }
      ctx.fill();
    });
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#000'; ctx.lineWidth = 2.5; ctx.setLineDash([]);
    polyline(ctx, P, tx, ty);
    METHODS.forEach((m, k) => {
      const [ex, ey] = ring(k + 1);
      ctx.strokeStyle = m.colour; ctx.lineWidth = m.width; ctx.setLineDash(m.dash);
      polyline(ctx, P, ex, ey);
    });
    ctx.setLineDash([]);
    // Means: the target's as a cross, each method's as a dot.
    const s = this.snapshot;
    const mark = (mx, my, colour) => { ctx.fillStyle = colour; ctx.beginPath(); ctx.arc(x(mx), y(my), 4, 0, 2 * Math.PI); ctx.fill(); };
    s.methods.forEach((m, k) => { if (!m.diverged) mark(num(m.mean[i]), num(m.mean[j]), METHODS[k].colour); });
    const cx = x(num(s.targetMean[i])), cy = y(num(s.targetMean[j]));
    ctx.strokeStyle = '#000'; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(cx - 6, cy); ctx.lineTo(cx + 6, cy); ctx.moveTo(cx, cy - 6); ctx.lineTo(cx, cy + 6); ctx.stroke();
    ctx.restore();
    this.setLive(this.$('.axes-note'), i === j ? 'choose two different weights' : `w${i + 1} vs w${j + 1} of D = ${s.targetMean.length}`, 'text');
  }

  drawKl() {
    const v = this.klView, ctx = v.ctx;
    v.clear('#fff');
    const s = this.snapshot, K = this.K, H = this.hist, rows = this.rows;
    const total = Number(s.totalSteps);
    const cols = KL_COLUMNS.map((n) => this.col[n]);
    let lo = Infinity, hi = -Infinity;
    const see = (val) => { if (Number.isFinite(val) && val > 0) { lo = Math.min(lo, val); hi = Math.max(hi, val); } };
    for (let r = 0; r < rows; r++) for (const c of cols) see(H[r * K + c]);
    see(num(s.klMeanField)); see(num(s.klKfacFixedPoint));
    if (!Number.isFinite(lo)) { lo = 1e-3; hi = 1; }
    const l0 = Math.floor(Math.log10(Math.max(lo, 1e-6))), l1 = Math.max(Math.ceil(Math.log10(hi)), l0 + 1);
    const x = scale(0, total, MARGIN.left, v.width - MARGIN.right);
    const ly = scale(l0, l1, v.height - MARGIN.bottom, MARGIN.top);
    const y = (val) => ly(Math.log10(Math.max(val, 10 ** l0)));
    const yTicks = [];
    for (let e = l0; e <= l1; e++) yTicks.push(e);
    drawAxes(ctx, { x, y: ly, xLabel: 'step k (iterations)', yLabel: 'KL(q‖p(w|D)) (nats)', yTicks, grid: true });
    // Relabel the log ticks as powers of ten (drawAxes printed the exponents).
    ctx.save();
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, MARGIN.top - 8, MARGIN.left - 5, v.height - MARGIN.top - MARGIN.bottom + 16);
    ctx.fillStyle = '#333'; ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    for (const e of yTicks) ctx.fillText(e === 0 ? '1' : `1e${e}`, MARGIN.left - 6, ly(e));
    ctx.save();
    ctx.translate(14, (ly.range[0] + ly.range[1]) / 2); ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center'; ctx.font = '12px system-ui, sans-serif';
    ctx.fillText('KL(q‖p(w|D)) (nats)', 0, 0);
    ctx.restore();
    ctx.restore();
    ctx.save();
    ctx.beginPath(); ctx.rect(x.range[0], ly.range[1], x.range[1] - x.range[0], ly.range[0] - ly.range[1]); ctx.clip();
    ctx.setLineDash([5, 4]); ctx.lineWidth = 1.5;
    for (const [val, colour] of [[num(s.klMeanField), C.vermillion], [num(s.klKfacFixedPoint), C.blue]]) {
      if (!(val > 0)) continue;
      ctx.strokeStyle = colour;
      ctx.beginPath(); ctx.moveTo(x.range[0], y(val)); ctx.lineTo(x.range[1], y(val)); ctx.stroke();
    }
    ctx.setLineDash([]);
    METHODS.forEach((m, k) => {
      ctx.strokeStyle = m.colour; ctx.lineWidth = m.width; ctx.setLineDash(m.dash);
      const c = cols[k];
      polyline(ctx, rows, (r) => x(H[r * K]), (r) => { const val = H[r * K + c]; return val > 0 ? y(val) : NaN; }, 800);
    });
    ctx.restore();
  }

  updateReadout() {
    const s = this.snapshot;
    if (!s) return;
    const [a, f, k] = s.methods;
    this.setReadout(`
      <span>step <b class="r-step">${s.stepsDone}</b> / ${s.totalSteps}</span>
      <span>KL(q‖p) full <b class="r-kl-full">${fmt(num(a.kl), 4)}</b></span>
      <span>noisy Adam <b class="r-kl-adam">${fmt(num(f.kl), 4)}</b> (best diagonal ${fmt(num(s.klMeanField), 4)})</span>
      <span>noisy K-FAC <b class="r-kl-kfac">${fmt(num(k.kl), 4)}</b> (fixed point ${fmt(num(s.klKfacFixedPoint), 4)})</span>
      <span>correlation ρ(w1, w2): posterior <b class="r-rho-target">${fmt(num(s.targetCorrelation))}</b>, K-FAC <b class="r-rho-kfac">${fmt(num(k.correlation))}</b>, Adam <b class="r-rho-adam">${fmt(num(f.correlation))}</b></span>
      <span>‖Λ − Λ*‖/‖Λ*‖ <b class="r-precision">${fmt(num(s.precisionErrorFull), 4)}</b></span>
      <span>γ<sub>in</sub> = λ/(Nη) = ${fmt(num(s.intrinsicDamping), 4)}, αλ/N = <b class="r-rate">${fmt(num(s.effectiveRate), 3)}</b>, B = ${s.batchSize}</span>`);
    const [i, j] = this.view.axes;
    this.setLive(this.$('canvas.plane'), `Weights w${i + 1} and w${j + 1}: the exact posterior's 2σ ellipse (correlation ${fmt(num(s.targetCorrelation), 2)} between w1 and w2) with the fitted Gaussians of full NNG, noisy Adam (correlation ${fmt(num(f.correlation), 2)}) and noisy K-FAC (correlation ${fmt(num(k.correlation), 2)}) at step ${s.stepsDone}.`, 'aria-label');
    this.setLive(this.$('canvas.kl'), `KL(q‖posterior) over ${s.stepsDone} steps: full ${fmt(num(a.kl), 3)}, noisy Adam ${fmt(num(f.kl), 3)}, noisy K-FAC ${fmt(num(k.kl), 3)} nats.`, 'aria-label');
  }

  /** Public API: the run's data for export. */
  exportData() {
    const rows = [];
    for (let r = 0; r < this.rows; r++) rows.push(Array.from(this.hist.subarray(r * this.K, (r + 1) * this.K)));
    return { experiment: 'nng', settings: this.settings, historyFields: this.historyFields, history: rows, snapshot: this.snapshot };
  }
}

if (!customElements.get('noiselab-nng')) customElements.define('noiselab-nng', NoiselabNng);
export { NoiselabNng };
