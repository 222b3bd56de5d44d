// <noiselab-sgd-posterior>: "SGD and Implicit Variational Bayes" (Grosse, Lecture 8; Mandt,
// Hoffman & Blei 2017; Welling & Teh 2011; SCIENCE.md §7–§8).
// Left: M chains of SGD, preconditioned SGD or SGLD on J = ½wᵀHw with gradient noise C/B, as a
// cloud over the Bayesian posterior N(0, H⁻¹/N) (shaded), with the predicted stationary
// covariances as 2-sd ellipses: continuous-time (OU, Lyapunov ΣH + HΣ = (α/B)C), exact
// discrete-time (Σ = MΣMᵀ + α²C/B) and the posterior; the ellipses follow α, B, H and C live.
// Right: the posterior variance ratio tr Σ / tr(H⁻¹/N) against α for SGD, C⁻¹-preconditioned
// SGD and SGLD (Welling–Teh and the lecture's rule): where mini-batch noise overtakes the
// injected noise. All numbers come from the Rust core through the worker.
//
// Embed: <script type="module" src=".../www/widgets/sgd-posterior.js"></script>
//        <noiselab-sgd-posterior method="sgld" learning-rate="0.05"></noiselab-sgd-posterior>
import { NoiselabWidget } from '../lib/widget.js';
import { Surface, scale, drawAxes, polyline, OKABE_ITO as C } from '../lib/plot.js';

const CSS = `
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; }
@media (max-width: 760px) { .pair { grid-template-columns: minmax(0, 1fr); } }
canvas.cloud { aspect-ratio: 1 / 0.92; }
canvas.sweep { aspect-ratio: 1 / 0.92; }
table.cov { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; margin-top: 4px; width: 100%; }
table.cov th, table.cov td { padding: 3px 8px; text-align: right; border-bottom: 1px solid var(--border); }
table.cov th:first-child, table.cov td:first-child { text-align: left; }
.tablewrap { overflow-x: auto; }
.mats { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
`;
let sheet;

const METHOD_NAMES = {
  sgd: 'SGD', precondInverseC: 'SGD preconditioned by C⁻¹', precondBayes: 'SGD preconditioned by (2B/αN)C⁻¹', sgld: 'SGLD',
};
// Ellipses: [key, label, colour, dash, width]; order of the core's ellipses() output.
const ELLIPSES = [
  ['posterior', 'Bayesian posterior H⁻¹/N', '#000', [], 2.5],
  ['continuous', 'continuous-time (OU) Lyapunov Σ', C.orange, [8, 5], 2.5],
  ['discrete', 'exact discrete-time Σ_d', C.blue, [], 2.5],
  ['empirical', 'iterates’ covariance (time average)', C.vermillion, [2, 3], 2],
];
const SWEEP = [
  ['sgd', 'SGD', C.orange, [], 2.5],
  ['precondInverseC', 'SGD preconditioned by C⁻¹', C.green, [], 2],
  ['sgldWellingTeh', 'SGLD, Welling–Teh noise N(0, 2α/N)', C.blue, [], 2.5],
  ['sgldWellingTehContinuous', 'SGLD Welling–Teh, continuous-time', C.skyBlue, [6, 4], 1.5],
  ['sgldLecture', 'SGLD, lecture’s noise N(0, α/N)', C.purple, [8, 4], 2],
];
const LIVE = ['learningRate', 'batchSize', 'dataPoints', 'featureCorrelation', 'misspecification', 'noiseVariance', 'h11', 'h12', 'h22', 'c11', 'c12', 'c22'];
const MARGIN = { left: 56, right: 12, top: 12, bottom: 44 };

const num = (v, d = 4) => (Number.isFinite(v) ? (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(d) : v.toExponential(2)) : '—');
const mat = (m) => (m ? `[${num(m[0])}, ${num(m[1])}; ${num(m[2])}, ${num(m[3])}]` : 'none (unstable)');
const trace = (m) => (m ? m[0] + m[3] : NaN);

class NoiselabSgdPosterior extends NoiselabWidget {
  static kind = 'sgd-ou';
  static uiFields = [
    { name: 'speed', label: 'speed (steps per frame)', min: 1, max: 500, default: 10, help: 'Steps computed per animation frame (work per frame is also capped in time).' },
  ];

  extraSheets() {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    return [sheet];
  }

  renderFigure() {
    const lg = (rows) => rows.map(([, label, colour, dash, width]) => `<span><i class="swatch${dash.length ? ' dashed' : ''}${width < 2 ? ' thin' : ''}" style="border-color:${colour}"></i>${label}</span>`).join('');
    return `
      <div class="pair">
        <div>
          <div class="plot-head"><strong>Iterates and predicted stationary covariances</strong></div>
          <canvas class="cloud" role="img" aria-label="Iterates and stationary covariance ellipses"></canvas>
          <div class="legend" aria-hidden="true"><span><i class="swatch dot" style="background:${C.skyBlue}"></i>iterates (M chains)</span><span><i class="swatch" style="border-color:#c9cfd8"></i>posterior density, 1–3 sd</span>${lg(ELLIPSES)}<span>ellipses: 2 sd (86% of the mass)</span></div>
        </div>
        <div>
          <div class="plot-head"><strong>Posterior variance ratio as α shrinks</strong></div>
          <canvas class="sweep" role="img" aria-label="Variance ratio against learning rate"></canvas>
          <div class="legend" aria-hidden="true">${lg(SWEEP)}<span><i class="swatch dashed" style="border-color:#777"></i>α*: mini-batch noise = injected noise</span><span><i class="swatch dot" style="background:${C.vermillion}"></i>this run (± 2 SE)</span></div>
        </div>
      </div>
      <div class="mats"></div>
      <div class="tablewrap" tabindex="0"><table class="cov" aria-label="stationary covariances"><thead><tr><th>covariance</th><th>Σ₁₁</th><th>Σ₁₂</th><th>Σ₂₁</th><th>Σ₂₂</th><th>tr Σ / tr(H⁻¹/N)</th></tr></thead><tbody></tbody></table></div>`;
  }

  async onReady() {
    this.cloudView = new Surface(this.$('canvas.cloud'), () => this.draw());
    this.sweepView = new Surface(this.$('canvas.sweep'), () => this.draw());
    // Dragging a slider updates the theory (and restarts the chains) live, once per frame.
    for (const name of LIVE) {
      const slider = this.controls[name]?.slider;
      if (!slider) continue;
      slider.addEventListener('input', () => {
        this.pendingLive = { [name]: slider.value };
        if (this.liveQueued) return;
        this.liveQueued = true;
        requestAnimationFrame(() => {
          this.liveQueued = false;
          this.applySettings(this.pendingLive).catch((err) => this.fail(err));
        });
      });
    }
    this.draw();
  }

  modelSettings() {
    return Object.fromEntries(this.fields.map((f) => [f.name, this.valid[f.name]]));
  }

  async onApplied(changed, initial) {
    if (!changed.some((n) => n !== 'speed')) return;
    const wasPlaying = this.playing;
    this.pause();
    this.showMessage('');
    const r = await this.worker.request('create', { kind: 'sgd-ou', handle: this.handle, settings: this.modelSettings() });
    this.ingest(r);
    if (wasPlaying && !initial) this.play();
  }

  ingest(r) {
    if (r.theory) {
      Object.assign(this, { theory: r.theory, problem: r.problem, extent: r.extent, ellipses: r.ellipses, sweep: r.sweep });
      this.K = this.historyFields.length;
      this.hist = new Float64Array((Number(r.snapshot.totalSteps) + 1) * this.K);
      this.rate = 0;
      this.lastTick = 0;
    }
    this.hist.set(r.history, r.from * this.K);
    this.rows = r.from + r.history.length / this.K;
    this.positions = r.positions;
    this.empirical = r.empirical;
    this.snapshot = r.snapshot;
    this.draw();
    this.updateReadout();
    this.dispatchEvent(new CustomEvent('noiselab-frame', { detail: r.snapshot, bubbles: true, composed: true }));
    if (r.snapshot.stopReason) this.onStopped(r.snapshot);
  }

  async tick() {
    const now = performance.now();
    const r = await this.worker.request('advance', { handle: this.handle, steps: Number(this.valid.speed), budgetMs: 12 });
    if (this.lastTick && r.stepsTaken) {
      const inst = r.stepsTaken / ((now - this.lastTick) / 1000);
      this.rate = this.rate ? 0.9 * this.rate + 0.1 * inst : inst;
    }
    this.lastTick = now;
    this.ingest(r);
  }

  onStopped(s) {
    this.pause();
    if (s.stopReason === 'diverged') {
      this.showMessage(`Stopped: ${s.message ?? 'the iterates diverged'}. Lower the learning rate α.`, 'error');
    } else {
      this.showMessage(`Finished ${s.step} steps: the iterates’ covariance is ${num(s.traceRatio, 3)} ± ${num(s.traceRatioSe, 3)} times the posterior’s (trace; 1 SE), the exact discrete prediction ${num(this.theory.discreteTraceRatio, 3)}.`, 'info');
    }
  }

  onPaused() { this.updateReadout(); }

  /** Public API: one step. */
  async stepOnce() {
    await this.settled();
    this.ingest(await this.worker.request('advance', { handle: this.handle, steps: 1 }));
  }

  /** Public API: run to the end in budgeted slices (the page stays responsive). */
  async runToEnd() {
    await this.settled();
    this.pause();
    for (;;) {
      const r = await this.worker.request('advance', { handle: this.handle, steps: 1e9, budgetMs: 30 });
      this.ingest(r);
      if (r.snapshot.stopReason) return r.snapshot;
      await new Promise(requestAnimationFrame);
    }
  }

  async onReset() {
    this.showMessage('');
    this.ingest(await this.worker.request('reset', { handle: this.handle }));
  }

  // ---- drawing --------------------------------------------------------------------------------

  draw() {
    if (!this.cloudView || !this.theory) return;
    this.drawCloud();
    this.drawSweep();
  }

  drawCloud() {
    const view = this.cloudView;
    const ctx = view.ctx;
    view.clear('#fff');
    const w = view.width - MARGIN.left - MARGIN.right;
    const h = view.height - MARGIN.top - MARGIN.bottom;
    const side = Math.max(10, Math.min(w, h));
    const x0 = MARGIN.left + (w - side) / 2;
    const y0 = MARGIN.top + (h - side) / 2;
    const E = this.extent;
    const x = scale(-E, E, x0, x0 + side);
    const y = scale(-E, E, y0 + side, y0);
    const data = this.valid.problem === 'data';
    drawAxes(ctx, { x, y, xLabel: data ? 'w₁ − w₁* (from the least-squares fit)' : 'w₁', yLabel: data ? 'w₂ − w₂*' : 'w₂', grid: true });
    ctx.save();
    ctx.beginPath(); ctx.rect(x0, y0, side, side); ctx.clip();
    // Posterior density: 3, 2 and 1 sd ellipses, shaded (the 2-sd ellipse scaled).
    const post = this.ellipses[0];
    for (const [k, shade] of [[1.5, '#eef0f4'], [1, '#dde2ea'], [0.5, '#c9cfd8']]) {
      ctx.fillStyle = shade;
      ctx.beginPath();
      for (let i = 0; i < post.length; i += 2) ctx[i ? 'lineTo' : 'moveTo'](x(k * post[i]), y(k * post[i + 1]));
      ctx.fill();
    }
    // The cloud.
    const p = this.positions;
    ctx.fillStyle = 'rgba(86, 180, 233, 0.55)';
    const r = p.length > 4000 ? 1.3 : 1.8;
    for (let i = 0; i < p.length; i += 2) {
      const px = x(p[i]), py = y(p[i + 1]);
      if (Number.isFinite(px) && Number.isFinite(py)) ctx.fillRect(px - r, py - r, 2 * r, 2 * r);
    }
    const all = [...this.ellipses, this.empirical];
    // Posterior first, the iterates' own ellipse last (dotted, on top of the discrete one).
    for (let k = 0; k < ELLIPSES.length; k++) {
      const pts = all[k];
      if (!pts || pts.length < 4) continue;
      const [, , colour, dash, width] = ELLIPSES[k];
      ctx.strokeStyle = colour; ctx.lineWidth = width; ctx.setLineDash(dash);
      polyline(ctx, pts.length / 2, (i) => x(pts[2 * i]), (i) => y(pts[2 * i + 1]));
    }
    ctx.setLineDash([]);
    ctx.restore();
    this.setLive(this.$('canvas.cloud'), `${METHOD_NAMES[this.valid.method]}: ${this.positions.length / 2} iterates at step ${this.snapshot.step}; stationary covariance: continuous ${mat(this.theory.continuous)}, discrete ${mat(this.theory.discrete)}, posterior ${mat(this.theory.posterior)}, iterates ${mat(this.snapshot.averageCovariance)}.`, 'aria-label');
  }

  drawSweep() {
    const view = this.sweepView;
    const ctx = view.ctx;
    view.clear('#fff');
    const s = this.sweep;
    const rates = s.learningRate;
    let lo = Infinity, hi = -Infinity;
    for (const [key] of SWEEP) for (const v of s[key]) if (Number.isFinite(v) && v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    lo = Math.max(lo, 1e-3); hi = Math.min(Math.max(hi, 2), 1e3);
    const logScale = (d0, d1, r0, r1) => {
      const l = scale(Math.log10(d0), Math.log10(d1), r0, r1);
      const f = (v) => l(Math.log10(v));
      f.domain = [d0, d1]; f.range = [r0, r1];
      return f;
    };
    const decades = (a, b) => { const out = []; for (let e = Math.ceil(Math.log10(a) - 1e-9); e <= Math.floor(Math.log10(b) + 1e-9); e++) out.push(10 ** e); return out; };
    const x = logScale(rates[0], rates[rates.length - 1], MARGIN.left, view.width - MARGIN.right);
    const y = logScale(lo / 1.3, hi * 1.3, view.height - MARGIN.bottom, MARGIN.top);
    drawAxes(ctx, { x, y, xLabel: 'learning rate α (log scale)', yLabel: 'tr Σ / tr(H⁻¹/N) (log)', xTicks: decades(...x.domain), yTicks: decades(...y.domain), grid: true });
    ctx.save();
    ctx.beginPath(); ctx.rect(MARGIN.left, MARGIN.top, view.width - MARGIN.left - MARGIN.right, view.height - MARGIN.top - MARGIN.bottom); ctx.clip();
    const vline = (a, colour, dash) => { ctx.strokeStyle = colour; ctx.lineWidth = 1.5; ctx.setLineDash(dash); ctx.beginPath(); ctx.moveTo(x(a), y.range[0]); ctx.lineTo(x(a), y.range[1]); ctx.stroke(); };
    // The posterior (ratio 1) and half of it (the lecture's rule as α → 0).
    for (const [v, dash] of [[1, []], [0.5, [2, 3]]]) {
      ctx.strokeStyle = '#000'; ctx.lineWidth = 1; ctx.setLineDash(dash);
      ctx.beginPath(); ctx.moveTo(x.range[0], y(v)); ctx.lineTo(x.range[1], y(v)); ctx.stroke();
    }
    if (Number.isFinite(s.crossoverRate)) vline(s.crossoverRate, '#777', [6, 4]);
    for (let k = SWEEP.length - 1; k >= 0; k--) {
      const [key, , colour, dash, width] = SWEEP[k];
      const ys = s[key];
      ctx.strokeStyle = colour; ctx.lineWidth = width; ctx.setLineDash(dash);
      polyline(ctx, rates.length, (i) => x(rates[i]), (i) => (ys[i] > 0 ? y(ys[i]) : NaN));
    }
    ctx.setLineDash([]);
    // This run: α and the empirical ratio with ± 2 SE.
    const a = Number(this.valid.learningRate);
    vline(a, C.vermillion, [1, 3]);
    const t = this.snapshot.traceRatio, se = this.snapshot.traceRatioSe;
    if (Number.isFinite(t) && t > 0) {
      ctx.strokeStyle = C.vermillion; ctx.fillStyle = C.vermillion; ctx.lineWidth = 2; ctx.setLineDash([]);
      if (Number.isFinite(se)) { ctx.beginPath(); ctx.moveTo(x(a), y(Math.max(t - 2 * se, lo / 1.3))); ctx.lineTo(x(a), y(t + 2 * se)); ctx.stroke(); }
      ctx.beginPath(); ctx.arc(x(a), y(t), 4.5, 0, 2 * Math.PI); ctx.fill();
    }
    ctx.font = '11px system-ui, sans-serif'; ctx.fillStyle = '#333'; ctx.textAlign = 'left'; ctx.textBaseline = 'bottom';
    ctx.fillText('posterior', x.range[0] + 4, y(1) - 2);
    ctx.fillText('½ posterior (the slide’s noise)', x.range[0] + 4, y(0.5) - 2);
    if (Number.isFinite(s.crossoverRate)) { ctx.textBaseline = 'top'; ctx.fillText('α*', x(s.crossoverRate) + 3, y.range[1] + 2); }
    ctx.restore();
    const i = rates.findIndex((r) => r >= a);
    this.setLive(this.$('canvas.sweep'), `Variance ratio against α: as α shrinks SGLD with Welling–Teh noise tends to 1 (the posterior), the lecture's rule to 1/2 and SGD to 0; mini-batch noise overtakes injected noise above α* = ${num(s.crossoverRate)}.${i >= 0 ? ` At α = ${a}: SGD ${num(s.sgd[i], 3)}, SGLD ${num(s.sgldWellingTeh[i], 3)}.` : ''}`, 'aria-label');
  }

  updateReadout() {
    const t = this.theory, s = this.snapshot;
    if (!t || !s) return;
    const post = trace(t.posterior);
    const rows = [
      ['Bayesian posterior H⁻¹/N', t.posterior],
      ['continuous-time (OU)', t.continuous],
      ['exact discrete-time', t.discrete],
      ...(t.discreteMinibatch ? [['exact, real mini-batches (w-dependent noise)', t.discreteMinibatch]] : []),
      ...(this.valid.method === 'sgd' ? [['co-diagonal shortcut (α/2B)H⁻¹C', t.codiagonalShortcut]] : []),
    ];
    const se = s.averageCovarianceSe;
    this.setLive(this.$('table.cov tbody'), rows.map(([name, m]) => `<tr><td>${name}</td>${m ? m.map((v) => `<td>${num(v)}</td>`).join('') : '<td colspan="4">none: beyond the stability limit</td>'}<td>${num(trace(m) / post, 3)}</td></tr>`).join('')
      + `<tr><td>iterates (time average ± 1 SE)</td>${s.averageCovariance.map((v, k) => `<td>${num(v)}${Number.isFinite(se[k]) ? ` ± ${num(se[k], 4)}` : ''}</td>`).join('')}<td>${num(s.traceRatio, 3)}</td></tr>`, 'html');
    const p = this.problem;
    this.setLive(this.$('.mats'), `H = ${mat(t.hessian)}, C = ${mat(t.noiseCovariance)}, ‖HC − CH‖ = ${num(t.commutatorNorm, 3)}${t.commutatorNorm > 1e-9 ? ' (H and C do not commute)' : ' (H and C commute)'}; N = ${p.dataPoints}, P = ${mat(t.preconditioner)}.`, 'text');
    const rate = this.rate ? ` · ${Math.round(this.rate)} steps/s` : '';
    this.setReadout(`
      <span>step <b class="r-step">${s.step}</b> / ${s.totalSteps}${rate}</span>
      <span>tr Σ / tr(H⁻¹/N): iterates <b class="r-ratio">${num(s.traceRatio, 3)}</b> ± <span class="r-ratio-se">${num(s.traceRatioSe, 3)}</span>, discrete <b class="r-ratio-discrete">${num(t.discreteTraceRatio, 3)}</b>, continuous <b class="r-ratio-continuous">${num(t.continuousTraceRatio, 3)}</b></span>
      <span>KL(N(0, Σ_d)‖posterior) = <b class="r-kl">${num(t.discreteKl, 3)}</b> nats</span>
      <span>stable for α &lt; 2/λ_max(PH) = <b class="r-limit">${num(t.stabilityLimit, 4)}</b></span>
      <span>α* = 2dB/(N tr C) = <b class="r-alpha-star">${num(t.optimalRate, 4)}</b></span>
      <span>averaged steps <b class="r-averaged">${s.averagedSteps}</b> (burn-in ${s.burnIn})</span>`);
  }

  /** Public API: the per-step history and the theory for export. */
  exportData() {
    const rows = [];
    for (let i = 0; i < (this.rows ?? 0); i++) rows.push(Array.from(this.hist.subarray(i * this.K, (i + 1) * this.K)));
    return { experiment: 'sgd-ou', settings: this.settings, theory: this.theory, problem: this.problem, rateSweep: this.sweep, snapshot: this.snapshot, historyFields: this.historyFields, history: rows };
  }
}

if (!customElements.get('noiselab-sgd-posterior')) customElements.define('noiselab-sgd-posterior', NoiselabSgdPosterior);
export { NoiselabSgdPosterior };
