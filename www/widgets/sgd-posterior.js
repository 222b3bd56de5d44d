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
.swatch.dotted { border-top-style: dotted; }
.swatch.dot.ring { box-shadow: 0 0 0 1.5px #000; }
`;
let sheet;

// One colour per chain type in both panels (the method, and for SGLD its noise convention); the
// line style says which covariance: solid = exact discrete-time Σ_d, dashed = continuous-time
// (OU) Σ, dotted = the iterates' own time average; black = the Bayesian posterior.
const CHAINS = {
  sgd: { name: 'SGD', colour: C.orange },
  precondInverseC: { name: 'SGD preconditioned by C⁻¹', colour: C.green },
  precondBayes: { name: 'SGD preconditioned by (2B/αN)C⁻¹', colour: C.vermillion },
  sgldWellingTeh: { name: 'SGLD, Welling–Teh noise N(0, 2α/N)', colour: C.blue },
  sgldLecture: { name: 'SGLD, the lecture’s noise N(0, α/N)', colour: C.purple },
};
const POSTERIOR = '#000';
const chainOf = (v) => (v.method === 'sgld' ? (v.convention === 'lecture' ? 'sgldLecture' : 'sgldWellingTeh') : v.method);
// Ellipses on the left, in the order of the core's ellipses() output: [key, label, dash, width];
// the posterior is black, the others take the run's chain colour.
const ELLIPSES = [
  ['posterior', 'Bayesian posterior H⁻¹/N', [], 2.5],
  ['continuous', 'continuous-time (OU) Lyapunov Σ', [8, 5], 2],
  ['discrete', 'exact discrete-time Σ_d', [], 2.5],
  ['empirical', 'the iterates’ own covariance (time average)', [2, 3], 2],
];
// Curves on the right: [sweep key, chain, label, dash, width].
const SWEEP = [
  ['sgd', 'sgd', CHAINS.sgd.name, [], 2.5],
  ['precondInverseC', 'precondInverseC', CHAINS.precondInverseC.name, [], 2],
  ['precondBayes', 'precondBayes', CHAINS.precondBayes.name, [], 2],
  ['sgldWellingTeh', 'sgldWellingTeh', CHAINS.sgldWellingTeh.name, [], 2.5],
  ['sgldWellingTehContinuous', 'sgldWellingTeh', 'SGLD Welling–Teh, continuous-time (dashed)', [6, 4], 1.5],
  ['sgldLecture', 'sgldLecture', CHAINS.sgldLecture.name, [], 2],
];
const H_AND_C = ['h11', 'h12', 'h22', 'c11', 'c12', 'c22'];
const DATA_ONLY = ['featureCorrelation', 'misspecification', 'noiseVariance'];
const SYMBOL = { h11: 'H₁₁', h12: 'H₁₂', h22: 'H₂₂', c11: 'C₁₁', c12: 'C₁₂', c22: 'C₂₂' };
const ENTRY = { h11: ['hessian', 0], h12: ['hessian', 1], h22: ['hessian', 3], c11: ['noiseCovariance', 0], c12: ['noiseCovariance', 1], c22: ['noiseCovariance', 3] };
// The iterates' covariance "is the posterior" when its trace is within 10% (beyond 2 SE) and its
// KL to the posterior, shape included, is under 0.05 nats.
const MATCH_TRACE = 0.1;
const MATCH_KL = 0.05;
const LIVE = ['learningRate', 'batchSize', 'dataPoints', 'featureCorrelation', 'misspecification', 'noiseVariance', 'h11', 'h12', 'h22', 'c11', 'c12', 'c22'];
const MARGIN = { left: 56, right: 12, top: 12, bottom: 44 };

/** A legend entry; `data-chain` names the chain type (or the posterior) its colour stands for. */
const swatch = (chain, colour, label, dash = [], width = 2) => {
  const style = !dash.length ? '' : dash[0] <= 2 ? ' dotted' : ' dashed';
  return `<span data-chain="${chain}" data-colour="${colour}"><i class="swatch${style}${width < 2 ? ' thin' : ''}" style="border-color:${colour}"></i>${label}</span>`;
};
const dotSwatch = (chain, colour, label) => `<span data-chain="${chain}" data-colour="${colour}"><i class="swatch dot ring" style="background:${colour}"></i>${label}</span>`;
const rgba = (hex, a) => `rgba(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)}, ${a})`;

const num = (v, d = 4) => (Number.isFinite(v) ? (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(d) : v.toExponential(2)) : '—');
const mat = (m) => (m ? `[${num(m[0])}, ${num(m[1])}; ${num(m[2])}, ${num(m[3])}]` : 'none (unstable)');
const trace = (m) => (m ? m[0] + m[3] : NaN);

class NoiselabSgdPosterior extends NoiselabWidget {
  static kind = 'sgd-ou';
  static uiFields = [
    { name: 'speed', label: 'speed (steps per frame)', min: 1, max: 500, default: 10, help: 'Steps computed per animation frame (work per frame is also capped in time).' },
  ];

  // The lecture's contrasts (Welling & Teh 2011; Mandt, Hoffman & Blei 2017), all on the default
  // data set (seed 1: α* = 2Bd/(N tr C) = 0.0088 at B = 4, N = 100).
  static presets = [
    {
      name: 'sgld-posterior',
      label: 'SGLD with a small step (samples the posterior)',
      settings: { method: 'sgld', learningRate: 0.0005, steps: 60000, speed: 500 },
      note: 'Welling & Teh: at α = 0.0005, 18 times below α*, the injected noise N(0, 2α/N) is 18 times the mini-batch noise and the iterates’ covariance comes within a few per cent of the posterior’s (predicted 1.035 times its trace). Slow: mixing takes about 1/(αλ_min) ≈ 4,000 steps.',
    },
    {
      name: 'sgld-step-too-large',
      label: 'SGLD step too large (the lecture’s failure mode)',
      settings: { method: 'sgld', learningRate: 0.05 },
      note: 'The lecture: “α has to be very small for the gradient noise to be negligible.” At α = 0.05, 6 times α*, the mini-batch noise is 6 times the injected noise: the iterates spread to about 4.7 times the posterior’s trace, tilted like SGD’s, not like the posterior.',
    },
    {
      name: 'sgld-lecture-noise',
      label: 'SGLD with the lecture’s noise N(0, α) as written (half the posterior)',
      settings: { method: 'sgld', convention: 'lecture', learningRate: 0.0005, steps: 60000, speed: 500 },
      note: 'The slide’s rule injects variance α per unit gradient step, half of Welling–Teh’s 2α: it samples ∝ exp(−2U), about half the posterior covariance (SCIENCE.md §7).',
    },
    {
      name: 'precond-bayes',
      label: 'SGD preconditioned by (2B/αN)C⁻¹ (matches the posterior)',
      settings: { method: 'precondBayes' },
      note: 'Mandt et al., sec. 4: with P = (2B/αN)C⁻¹ the continuous-time stationary covariance is exactly H⁻¹/N, and the discrete chain comes within about 1%. αP = (2B/N)C⁻¹ does not depend on α, so the learning rate is disabled.',
    },
    {
      name: 'mandt-optimal-rate',
      label: 'SGD at Mandt et al.’s optimal rate α* (closest, still not Bayesian)',
      settings: { learningRate: 0.0088, steps: 20000, speed: 200 },
      note: 'Mandt et al.’s Theorem 1: α* = 2Bd/(N tr C) = 0.0088 here minimizes the KL from SGD’s stationary Gaussian to the posterior over constant rates. It is still not the posterior: the gradient noise C is not proportional to H, so the shape is wrong (tilted the other way).',
    },
  ];

  extraSheets() {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    return [sheet];
  }

  renderFigure() {
    return `
      <div class="pair">
        <div>
          <div class="plot-head"><strong>Iterates and predicted stationary covariances</strong></div>
          <canvas class="cloud" role="img" aria-label="Iterates and stationary covariance ellipses"></canvas>
          <div class="legend cloud-legend" aria-hidden="true"></div>
        </div>
        <div>
          <div class="plot-head"><strong>Posterior variance ratio as α shrinks</strong></div>
          <canvas class="sweep" role="img" aria-label="Variance ratio against learning rate"></canvas>
          <div class="legend sweep-legend" aria-hidden="true">${SWEEP.map(([, chain, label, dash, width]) => swatch(chain, CHAINS[chain].colour, label, dash, width)).join('')}${swatch('posterior', POSTERIOR, 'the posterior (ratio 1); dotted: half of it', [], 1)}<span><i class="swatch dashed" style="border-color:#777"></i>α* = 2Bd/(N tr C): Mandt et al.’s optimal SGD rate, where SGLD’s mini-batch noise equals its injected noise</span><span class="this-run"></span></div>
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
      this.updateControlStates();
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

  /**
   * Controls that do not apply are disabled with the reason (issue 17, finding 9: on the data
   * problem the H and C boxes showed typed values while H and C derived from the data ran).
   */
  updateControlStates() {
    const v = this.valid, t = this.theory;
    const data = v.problem === 'data';
    for (const name of H_AND_C) {
      const [key, i] = ENTRY[name];
      this.setControlDisabled(name, data ? `not used: H and C come from the data; in use ${SYMBOL[name]} = ${num(t[key][i])}` : null);
    }
    for (const name of DATA_ONLY) this.setControlDisabled(name, data ? null : 'data only: H and C are typed in below');
    this.setControlDisabled('convention', v.method === 'sgld' ? null : 'SGLD only (no noise is injected)');
    this.setControlDisabled('learningRate', v.method === 'precondBayes' ? 'not used: P = (2B/αN)C⁻¹ cancels α, every step is (2B/N)C⁻¹ times the gradient' : null);
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
      // On data the chains use real mini-batches, whose noise depends on w: their exact
      // prediction is discreteMinibatch (the Gaussian-noise one misses about 5% there).
      const t = this.theory;
      const exact = t.discreteMinibatch
        ? `the exact discrete prediction with real mini-batches ${num(trace(t.discreteMinibatch) / trace(t.posterior), 3)} (with Gaussian noise C/B ${num(t.discreteTraceRatio, 3)})`
        : `the exact discrete prediction ${num(t.discreteTraceRatio, 3)}`;
      this.showMessage(`Finished ${s.step} steps: the iterates’ covariance is ${num(s.traceRatio, 3)} ± ${num(s.traceRatioSe, 3)} times the posterior’s (trace; 1 SE), ${exact}.`, 'info');
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
    // The cloud, in the chain type's colour (light, so the ellipses read over it).
    const chain = chainOf(this.valid);
    const colour = CHAINS[chain].colour;
    const p = this.positions;
    ctx.fillStyle = rgba(colour, 0.4);
    const r = p.length > 4000 ? 1.3 : 1.8;
    for (let i = 0; i < p.length; i += 2) {
      const px = x(p[i]), py = y(p[i + 1]);
      if (Number.isFinite(px) && Number.isFinite(py)) ctx.fillRect(px - r, py - r, 2 * r, 2 * r);
    }
    const all = [...this.ellipses, this.empirical];
    // Posterior first, the iterates' own ellipse last (dotted, on top of the discrete one); each
    // on a white halo so it stays visible over the cloud.
    for (let k = 0; k < ELLIPSES.length; k++) {
      const pts = all[k];
      if (!pts || pts.length < 4) continue;
      const [, , dash, width] = ELLIPSES[k];
      ctx.setLineDash(dash);
      for (const [stroke, lw] of [['rgba(255, 255, 255, 0.85)', width + 2.5], [k ? colour : POSTERIOR, width]]) {
        ctx.strokeStyle = stroke; ctx.lineWidth = lw;
        polyline(ctx, pts.length / 2, (i) => x(pts[2 * i]), (i) => y(pts[2 * i + 1]));
      }
    }
    ctx.setLineDash([]);
    ctx.restore();
    const name = CHAINS[chain].name;
    const legend = [
      dotSwatch(chain, rgba(colour, 0.4), `iterates of ${name} (M chains)`),
      '<span><i class="swatch" style="border-color:#c9cfd8"></i>posterior density, 1–3 sd</span>',
      swatch('posterior', POSTERIOR, ELLIPSES[0][1], [], 2.5),
      ...ELLIPSES.slice(1).map(([, label, dash, width]) => swatch(chain, colour, `${label}, ${name}`, dash, width)),
      '<span>ellipses: 2 sd (86% of the mass)</span>',
    ].join('');
    const el = this.$('.cloud-legend');
    if (el.innerHTML !== legend) el.innerHTML = legend;
    this.setLive(this.$('canvas.cloud'), `${name}: ${this.positions.length / 2} iterates at step ${this.snapshot.step}; stationary covariance: continuous ${mat(this.theory.continuous)}, discrete ${mat(this.theory.discrete)}, posterior ${mat(this.theory.posterior)}, iterates ${mat(this.snapshot.averageCovariance)}.`, 'aria-label');
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
      const [key, chain, , dash, width] = SWEEP[k];
      const ys = s[key];
      ctx.strokeStyle = CHAINS[chain].colour; ctx.lineWidth = width; ctx.setLineDash(dash);
      polyline(ctx, rates.length, (i) => x(rates[i]), (i) => (ys[i] > 0 ? y(ys[i]) : NaN));
    }
    ctx.setLineDash([]);
    // This run: α and the iterates' ratio with ± 2 SE, in the run's chain colour on its curve.
    const chain = chainOf(this.valid);
    const colour = CHAINS[chain].colour;
    const a = Number(this.valid.learningRate);
    vline(a, '#555', [1, 3]);
    const t = this.snapshot.traceRatio, se = this.snapshot.traceRatioSe;
    if (Number.isFinite(t) && t > 0) {
      ctx.strokeStyle = '#000'; ctx.lineWidth = 1.5; ctx.setLineDash([]);
      if (Number.isFinite(se)) { ctx.beginPath(); ctx.moveTo(x(a), y(Math.max(t - 2 * se, lo / 1.3))); ctx.lineTo(x(a), y(t + 2 * se)); ctx.stroke(); }
      ctx.fillStyle = colour;
      ctx.beginPath(); ctx.arc(x(a), y(t), 5, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    }
    ctx.font = '11px system-ui, sans-serif'; ctx.fillStyle = '#333'; ctx.textAlign = 'left'; ctx.textBaseline = 'bottom';
    ctx.fillText('posterior', x.range[0] + 4, y(1) - 2);
    ctx.fillText('½ posterior (the slide’s noise)', x.range[0] + 4, y(0.5) - 2);
    if (Number.isFinite(s.crossoverRate)) { ctx.textBaseline = 'top'; ctx.fillText('α*', x(s.crossoverRate) + 3, y.range[1] + 2); }
    ctx.restore();
    const i = rates.findIndex((r) => r >= a);
    this.setLive(this.$('.this-run'), dotSwatch(chain, colour, `this run, ${CHAINS[chain].name} (± 2 SE)`), 'html');
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
    this.setLive(this.$('.mats'), `H = ${mat(t.hessian)}, C = ${mat(t.noiseCovariance)}${this.valid.problem === 'data' ? ' (both from the data set)' : ' (typed in)'}, ‖HC − CH‖ = ${num(t.commutatorNorm, 3)}${t.commutatorNorm > 1e-9 ? ' (H and C do not commute)' : ' (H and C commute)'}; N = ${p.dataPoints}, P = ${mat(t.preconditioner)}.`, 'text');
    const rate = this.rate ? ` · ${Math.round(this.rate)} steps/s` : '';
    this.setReadout(`
      <span>step <b class="r-step">${s.step}</b> / ${s.totalSteps}${rate}</span>
      <span>tr Σ / tr(H⁻¹/N): iterates <b class="r-ratio">${num(s.traceRatio, 3)}</b> ± <span class="r-ratio-se">${num(s.traceRatioSe, 3)}</span>, discrete <b class="r-ratio-discrete">${num(t.discreteTraceRatio, 3)}</b>, continuous <b class="r-ratio-continuous">${num(t.continuousTraceRatio, 3)}</b></span>
      <span>KL(iterates‖posterior) = <b class="r-kl-iterates">${num(s.averageKl, 3)}</b> nats; KL(N(0, Σ_d)‖posterior) = <b class="r-kl">${num(t.discreteKl, 3)}</b> nats</span>
      <span>correlation: iterates <b class="r-corr">${num(s.averageCorrelation, 2)}</b>, posterior <b class="r-corr-posterior">${num(t.posteriorCorrelation, 2)}</b></span>
      ${this.valid.method === 'precondBayes'
        ? `<span>α cancels in αP: stable iff B·λ_max(C⁻¹H) &lt; N, <b class="r-stable">${t.discrete ? 'stable' : 'unstable'}</b></span>`
        : `<span>stable for α &lt; 2/λ_max(PH) = <b class="r-limit">${num(t.stabilityLimit, 4)}</b></span>`}
      <span>α* = 2dB/(N tr C) = <b class="r-alpha-star">${num(t.optimalRate, 4)}</b>; SGD’s continuous-time KL at α*/2, α*, 2α* (Mandt et al.’s Theorem 1): <b class="r-kl-optimal">${t.optimalRateKl.map((k) => num(k, 3)).join(', ')}</b> nats</span>
      <span>averaged steps <b class="r-averaged">${s.averagedSteps}</b> (burn-in ${s.burnIn})</span>`);
    this.setVerdict(this.verdict());
  }

  /**
   * One sentence from the numbers: the stationary covariance of this chain against the posterior
   * (trace ratio ± SE, correlation, KL), what the lecture predicts for it, and whether the
   * numbers agree. Before any averaged step it uses the exact discrete-time prediction.
   */
  verdict() {
    const t = this.theory, s = this.snapshot, v = this.valid;
    const chain = chainOf(v);
    const name = CHAINS[chain].name;
    const f = (x, d = 2) => (Number.isFinite(x) ? (Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(d) : x.toExponential(1)) : '—');
    const sg = (x) => (x >= 0 ? `+${f(x)}` : `−${f(-x)}`);
    const alpha = chain === 'precondBayes' ? 'with αP = (2B/N)C⁻¹' : `at α = ${v.learningRate}`;
    if (!t.discrete) return `${name} ${alpha} is beyond the stability limit ${num(t.stabilityLimit, 4)}: the iterates diverge, so there is no stationary covariance to compare with the posterior.`;
    const measured = s.averagedSteps > 0 && Number.isFinite(s.traceRatio);
    const ratio = measured ? s.traceRatio : t.discreteTraceRatio;
    const se = measured && Number.isFinite(s.traceRatioSe) ? s.traceRatioSe : 0;
    const kl = measured ? s.averageKl : t.discreteKl;
    const corr = measured ? s.averageCorrelation : t.discreteCorrelation;
    const d = se > 0 && se < 0.01 ? 3 : 2;
    const what = measured ? `the iterates’ covariance (${s.averagedSteps} steps after burn-in) is ${ratio.toFixed(d)} ± ${se.toFixed(d)}` : `the predicted stationary covariance (press Play to average the iterates) is ${f(ratio)}`;
    const numbers = `${what} times the posterior’s (trace), correlation ${sg(corr)} vs ${sg(t.posteriorCorrelation)}, KL ${f(kl, 3)} nats`;
    const matches = Math.abs(ratio - 1) - 2 * se <= MATCH_TRACE && kl < MATCH_KL;
    const times = (x) => `${f(x, x < 10 ? 1 : 0)}×`;
    const aStar = `α* = ${Number(t.optimalRate.toPrecision(2))}`;
    if (chain === 'sgldWellingTeh') {
      const noise = `mini-batch noise ${times(t.minibatchToInjected)} the injected noise`;
      return matches
        ? `SGLD ${alpha} (${aStar}, ${noise}): ${numbers}: it samples the posterior, as Welling & Teh (2011) predict when α is small.`
        : `SGLD ${alpha} (${aStar}, ${noise}): ${numbers}: not the posterior${t.minibatchToInjected > 1 ? '; the step is too large, the mini-batch noise swamps the injected noise (the lecture: α has to be very small)' : ''}.`;
    }
    if (chain === 'sgldLecture') {
      const half = Math.abs(ratio - 0.5) - 2 * se <= MATCH_TRACE;
      return half
        ? `SGLD with the lecture’s noise N(0, α/N) ${alpha}: ${numbers}: about half the posterior, as SCIENCE.md §7 predicts (it samples ∝ exp(−2U)); Welling–Teh’s N(0, 2α/N) samples the posterior.`
        : `SGLD with the lecture’s noise N(0, α/N) ${alpha}: ${numbers}: not the half of the posterior it tends to as α → 0${t.minibatchToInjected > 1 ? ' (here the mini-batch noise dominates)' : ''}.`;
    }
    if (chain === 'precondBayes') {
      return matches
        ? `${name}: ${numbers}: preconditioned SGD samples the posterior, as Mandt et al. (2017, sec. 4) predict.`
        : `${name}: ${numbers}: not the posterior here; the discrete step (2B/N)C⁻¹ is too coarse for the continuous-time result of Mandt et al.`;
    }
    if (chain === 'precondInverseC') {
      const shape = Math.abs(corr - t.posteriorCorrelation) < 0.05;
      return `${name} ${alpha}: ${numbers}: ${shape ? 'the posterior’s shape' : 'not the posterior’s shape'}${shape && !matches ? `, scaled by about αN/2B = ${f(t.continuousTraceRatio)} (Mandt et al.: Σ = (α/2B)H⁻¹ in continuous time)` : ''}${matches ? ', and its size: it matches the posterior' : ''}.`;
    }
    // Plain SGD.
    const [half, atOpt, double] = t.optimalRateKl;
    const near = Math.abs(Number(v.learningRate) / t.optimalRate - 1) < 0.1;
    const thm = near
      ? ` At α ≈ α* its continuous-time KL is ${f(atOpt, 3)} nats, ${atOpt < half && atOpt < double ? 'the least over constant rates' : 'not the least over constant rates, against'} (Mandt et al.’s Theorem 1: ${f(half, 3)} at α*/2, ${f(double, 3)} at 2α*)${atOpt > MATCH_KL ? ', still not zero: C is not ∝ H' : ''}.`
      : '';
    return matches
      ? `SGD ${alpha} (${aStar}): ${numbers}: here SGD’s stationary covariance is the posterior’s.${thm}`
      : `SGD ${alpha} (${times(Number(v.learningRate) / t.optimalRate)} Mandt’s ${aStar}): ${numbers}: not the posterior; SGD’s stationary covariance solves ΣH + HΣ ≈ (α/B)C (Mandt et al. 2017).${thm}`;
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
