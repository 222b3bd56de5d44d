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
import { RunWidget, speedField } from '../lib/run-widget.js';
import { OKABE_ITO as C } from '../lib/plot.js';

const CSS = `
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; }
@media (max-width: 760px) { .pair { grid-template-columns: minmax(0, 1fr); } }
canvas.cloud { aspect-ratio: 1 / 0.92; }
canvas.sweep { aspect-ratio: 1 / 0.92; }
table.cov { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; margin-top: 4px; width: 100%; }
table.cov th, table.cov td { padding: 3px 8px; text-align: right; border-bottom: 1px solid var(--border); }
table.cov th:first-child, table.cov td:first-child { text-align: left; }
.tablewrap { overflow-x: auto; }
table.cov .nw { white-space: nowrap; }
.mats { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
`;

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
// Part 4 (SGD as an OU process in d dimensions): the generated problem's settings, the typed
// d×d matrices, and the two plotted coordinates.
const SPECTRUM_ONLY = ['dimension', 'conditionNumber', 'noiseConditionNumber'];
const MATRIX_ONLY = ['hessian', 'gradientCovariance'];
const PROJECTION = ['projectI', 'projectJ'];
const SUB = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
const SYMBOL = { h11: 'H₁₁', h12: 'H₁₂', h22: 'H₂₂', c11: 'C₁₁', c12: 'C₁₂', c22: 'C₂₂' };
const ENTRY = { h11: ['hessian', 0], h12: ['hessian', 1], h22: ['hessian', 3], c11: ['noiseCovariance', 0], c12: ['noiseCovariance', 1], c22: ['noiseCovariance', 3] };
// The iterates' covariance "is the posterior" when its trace is within 10% (beyond 2 SE) and its
// KL to the posterior, shape included, is under 0.05 nats.
const MATCH_TRACE = 0.1;
const MATCH_KL = 0.05;
const LIVE = ['learningRate', 'batchSize', 'dataPoints', 'featureCorrelation', 'misspecification', 'noiseVariance', 'h11', 'h12', 'h22', 'c11', 'c12', 'c22'];
const CLOUD_TITLE = 'Iterates and predicted stationary covariances';
const SWEEP_TITLE = 'Posterior variance ratio as α shrinks';
const CLAIM = 'SGD with a constant learning rate settles into a Gaussian whose covariance is set by the gradient noise, not the posterior’s (Mandt, Hoffman & Blei, 2017); SGLD with a small enough step (Welling & Teh, 2011), or SGD preconditioned by (2B/αN)C⁻¹, samples the posterior.';

const rgba = (hex, a) => `rgba(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)}, ${a})`;

/** Points [x0, y0, x1, y1, …] scaled by `k` as { x, y } (`closed`: the first point again at the end). */
const xy = (pts, k = 1, closed = false) => {
  const x = [], y = [];
  for (let i = 0; i < pts.length; i += 2) { x.push(k * pts[i]); y.push(k * pts[i + 1]); }
  if (closed && x.length) { x.push(x[0]); y.push(y[0]); }
  return { x, y };
};
const num = (v, d = 4) => (Number.isFinite(v) ? (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(d) : v.toExponential(2)) : '—');
const mat = (m) => (m ? `[${num(m[0])}, ${num(m[1])}; ${num(m[2])}, ${num(m[3])}]` : 'none (unstable)');
const trace = (m) => (m ? m[0] + m[3] : NaN);

class NoiselabSgdPosterior extends RunWidget {
  static css = CSS;
  static uiFields = [speedField(500, 10)];

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

  renderFigure() {
    return `
      <div class="pair">
        <div>
          <div class="plot-head"><strong>${CLOUD_TITLE}</strong></div>
          <canvas data-panel="cloud" class="cloud" role="img" aria-label="Iterates and stationary covariance ellipses"></canvas>
          <div class="legend cloud-legend" data-panel="cloud" aria-hidden="true"></div>
        </div>
        <div>
          <div class="plot-head"><strong>${SWEEP_TITLE}</strong></div>
          <canvas data-panel="sweep" class="sweep" role="img" aria-label="Variance ratio against learning rate"></canvas>
          <div class="legend sweep-legend" data-panel="sweep" aria-hidden="true"></div>
        </div>
      </div>
      <div class="mats"></div>
      <div class="tablewrap" tabindex="0"><table class="cov" aria-label="stationary covariances"><thead><tr><th>covariance</th><th>Σ₁₁</th><th>Σ₁₂</th><th>Σ₂₁</th><th>Σ₂₂</th><th>tr Σ / tr(H⁻¹/N)</th></tr></thead><tbody></tbody></table></div>`;
  }

  async onReady() {
    await super.onReady();
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

  onRunStart(r) {
    Object.assign(this, { theory: r.theory, problem: r.problem, extent: r.extent, ellipses: r.ellipses, sweep: r.sweep });
    this.updateControlStates();
  }

  onFrame(r) {
    this.positions = r.positions;
    this.empirical = r.empirical;
    this.draw();
    this.updateReadout();
  }

  /**
   * Controls that do not apply are disabled with the reason (issue 17, finding 9: on the data
   * problem the H and C boxes showed typed values while H and C derived from the data ran).
   */
  updateControlStates() {
    const v = this.valid, t = this.theory;
    const data = v.problem === 'data', custom = v.problem === 'custom', twoD = data || custom;
    for (const name of H_AND_C) {
      const [key, i] = ENTRY[name];
      this.setControlDisabled(name, data ? `not used: H and C come from the data; in use ${SYMBOL[name]} = ${num(t[key][i])}` : custom ? null : `not used: problem = ${v.problem} (H and C are d×d)`);
    }
    for (const name of DATA_ONLY) this.setControlDisabled(name, data ? null : custom ? 'data only: H and C are typed in below' : `data only: problem = ${v.problem}`);
    for (const name of SPECTRUM_ONLY) this.setControlDisabled(name, v.problem === 'spectrum' ? null : 'spectrum only (generated H and C in d dimensions)');
    for (const name of MATRIX_ONLY) this.setControlDisabled(name, v.problem === 'matrix' ? null : 'matrix only (H and C typed as d×d matrices)');
    for (const name of PROJECTION) this.setControlDisabled(name, twoD ? 'd = 2 here: the figure shows both coordinates' : null);
    this.setControlDisabled('convention', v.method === 'sgld' ? null : 'SGLD only (no noise is injected)');
    this.setControlDisabled('learningRate', v.method === 'precondBayes' ? 'not used: P = (2B/αN)C⁻¹ cancels α, every step is (2B/N)C⁻¹ times the gradient' : null);
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

  // ---- drawing: the scene (www/lib/plot.js) ---------------------------------------------------

  draw() {
    if (!this.figure || !this.theory) return;
    this.figure.draw();
    const t = this.theory, s = this.sweep, a = this.valid.learningRate, name = CHAINS[chainOf(this.valid)].name;
    this.setLive(this.$('canvas.cloud'), `${name}: ${this.positions.length / 2} iterates at step ${this.snapshot.step}; stationary covariance: continuous ${mat(t.continuous)}, discrete ${mat(t.discrete)}, posterior ${mat(t.posterior)}, iterates ${mat(this.snapshot.averageCovariance)}.`, 'aria-label');
    const i = s.learningRate.findIndex((r) => r >= a);
    this.setLive(this.$('canvas.sweep'), `Variance ratio against α: as α shrinks SGLD with Welling–Teh noise tends to 1 (the posterior), the lecture's rule to 1/2 and SGD to 0; mini-batch noise overtakes injected noise above α* = ${num(s.crossoverRate)}.${i >= 0 ? ` At α = ${a}: SGD ${num(s.sgd[i], 3)}, SGLD ${num(s.sgldWellingTeh[i], 3)}.` : ''}`, 'aria-label');
  }

  /**
   * Public API: the figure as data (www/lib/plot.js): the cloud over the posterior with the
   * stationary-covariance ellipses (a square plot), and the variance ratio against α (log–log).
   * Marks carry `chain`: the chain type (or the posterior) their colour stands for.
   */
  scene() {
    if (!this.theory || !this.snapshot) return null;
    const chain = chainOf(this.valid);
    return {
      title: 'Is SGD sampling the posterior? (Mandt, Hoffman & Blei 2017; Welling & Teh 2011)',
      caption: `${CLAIM} ${this.verdict()}`,
      panels: [this.cloudPanel(chain), this.sweepPanel(chain)],
    };
  }

  cloudPanel(chain) {
    const { name, colour } = CHAINS[chain], E = this.extent, data = this.valid.problem === 'data';
    // A square plot (equal units on both axes, so the ellipses keep their shape): the spare
    // width goes to the right, the spare height above and below.
    const v = this.figure?.surfaces.get('cloud'), w = (v?.width ?? 400) - 68, h = (v?.height ?? 368) - 56, side = Math.max(10, Math.min(w, h));
    const post = this.ellipses[0], all = [...this.ellipses, this.empirical];
    return {
      id: 'cloud', title: CLOUD_TITLE, aspect: 'equal',
      margin: { left: 56, right: 12 + w - side, top: 12 + (h - side) / 2, bottom: 44 + (h - side) / 2 },
      x: { label: data ? 'w₁ − w₁* (from the least-squares fit)' : this.axisLabel(0), domain: [-E, E] },
      y: { label: data ? 'w₂ − w₂*' : this.axisLabel(1), domain: [-E, E] },
      marks: [
        // Posterior density: 3, 2 and 1 sd ellipses, shaded (the 2-sd ellipse scaled), filled as
        // closed lines (fill down to the first point's y: the path is the polygon itself).
        ...[[1.5, '#eef0f4'], [1, '#dde2ea'], [0.5, '#c9cfd8']].map(([k, fill]) => {
          const e = xy(post, k, true);
          return { type: 'line', width: 0, fill, base: e.y[0], ...e };
        }),
        { type: 'key', label: 'posterior density, 1–3 sd', fill: '#c9cfd8' },
        // The cloud, in the chain type's colour (light, so the ellipses read over it).
        { type: 'dots', label: `iterates of ${name} (M chains)`, chain, shape: 'square', r: this.positions.length > 4000 ? 1.5 : 2.05, colour: rgba(colour, 0.4), ...xy(this.positions) },
        // Posterior first, the iterates' own ellipse last (dotted, on top of the discrete one);
        // each on a white halo so it stays visible over the cloud.
        ...ELLIPSES.flatMap(([, label, dash, width], k) => {
          const e = xy(all[k]?.length >= 4 ? all[k] : []); // the iterates' own: none before averaging
          return [{ type: 'line', colour: 'rgba(255, 255, 255, 0.85)', width: width + 2.5, dash, ...e },
            { type: 'line', label: k ? `${label}, ${name}` : label, chain: k ? chain : 'posterior', colour: k ? colour : POSTERIOR, width, dash, ...e }];
        }),
        { type: 'key', label: 'ellipses: 2 sd (86% of the mass)' },
      ],
    };
  }

  /** The plotted coordinate k (0 or 1) as an axis label: w_i, and in d > 2 "(projection of d)". */
  axisLabel(k) {
    const f = this.theory.full, i = f.projection[k];
    return f.dimension > 2 ? `w${SUB[i] ?? i} (coordinate ${i} of d = ${f.dimension})` : `w${SUB[i] ?? i}`;
  }

  sweepPanel(chain) {
    const s = this.sweep, rates = s.learningRate, a = this.valid.learningRate;
    let lo = Infinity, hi = -Infinity;
    for (const [key] of SWEEP) for (const v of s[key]) if (Number.isFinite(v) && v > 0) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    lo = Math.max(lo, 1e-3) / 1.3; hi = Math.min(Math.max(hi, 2), 1e3) * 1.3;
    const t = this.snapshot.traceRatio, se = this.snapshot.traceRatioSe, seTh = this.snapshot.traceRatioSeTheory, star = Number.isFinite(s.crossoverRate);
    const dot = { x: [a], y: [t] };
    const curve = ([key, c, label, dash, width]) => ({ label, chain: c, colour: CHAINS[c].colour, dash, width, x: rates, y: s[key] });
    return {
      id: 'sweep', title: SWEEP_TITLE,
      x: { label: 'learning rate α (log scale)', scale: 'log', domain: [rates[0], rates.at(-1)] },
      y: { label: this.theory.full.dimension > 2 ? 'tr Σ / tr(H⁻¹/N), plotted block (log)' : 'tr Σ / tr(H⁻¹/N) (log)', scale: 'log', domain: [lo, hi] },
      marks: [
        // The legend lists the curves in SWEEP's order; they are drawn in reverse (SGD on top).
        ...SWEEP.map((c) => ({ type: 'key', ...curve(c) })),
        // The posterior (ratio 1) and half of it (the lecture's rule as α → 0).
        { type: 'rule', y: 1, label: 'the posterior (ratio 1); dotted: half of it', chain: 'posterior', colour: POSTERIOR },
        { type: 'rule', y: 0.5, colour: POSTERIOR, dash: [2, 3] },
        ...(star ? [{ type: 'rule', x: s.crossoverRate, label: 'α* = 2Bd/(N tr C): Mandt et al.’s optimal SGD rate, where SGLD’s mini-batch noise equals its injected noise', colour: '#777', dash: [6, 4], width: 1.5 }] : []),
        ...SWEEP.map((c) => ({ type: 'line', ...curve(c) })).reverse(),
        // This run: α and the iterates' ratio with ± 2 SE, in the run's chain colour on its curve.
        { type: 'rule', x: a, colour: '#555', dash: [1, 3], width: 1.5 },
        ...(Number.isFinite(se) ? [{ type: 'line', colour: '#000', width: 1.5, x: [a, a], y: [Math.max(t - 2 * se, lo), t + 2 * se] }] : []),
        // Beside it (a little to the right), the closed-form ± 2 SE √(τ/TM) (SCIENCE.md §8).
        ...(Number.isFinite(seTh) ? [{ type: 'line', colour: '#777', width: 3, x: [a * 1.07, a * 1.07], y: [Math.max(t - 2 * seTh, lo), t + 2 * seTh], extent: false },
          { type: 'key', label: `± 2 SE: black from 20 groups of chains, grey closed form √(τ/TM)${this.theory.errorBarsExact ? '' : ' (approximate with real mini-batches)'}`, colour: '#777' }] : []),
        { type: 'dots', ...dot, r: 5.75, colour: '#000' },
        { type: 'dots', ...dot, r: 4.25, colour: CHAINS[chain].colour, label: `this run, ${CHAINS[chain].name} (± 2 SE)`, chain },
        { type: 'text', x: 'left', y: 1, dx: 4, dy: -2, baseline: 'bottom', text: 'posterior' },
        { type: 'text', x: 'left', y: 0.5, dx: 4, dy: -2, baseline: 'bottom', text: '½ posterior (the slide’s noise)' },
        ...(star ? [{ type: 'text', x: s.crossoverRate, y: 'top', dx: 3, dy: 2, baseline: 'top', text: 'α*' }] : []),
      ],
    };
  }

  updateReadout() {
    const t = this.theory, s = this.snapshot;
    if (!t || !s) return;
    const post = trace(t.posterior);
    // The table's column heads name the plotted coordinates (Σ₁₁ … in 2-D).
    const [a, b] = t.full.projection.map((k) => SUB[k] ?? k);
    this.setLive(this.$('table.cov thead'), `<tr><th>covariance${t.full.dimension > 2 ? ` (projection onto w${a}, w${b})` : ''}</th><th>Σ${a}${a}</th><th>Σ${a}${b}</th><th>Σ${b}${a}</th><th>Σ${b}${b}</th><th>tr Σ / tr(H⁻¹/N)</th></tr>`, 'html');
    const rows = [
      ['Bayesian posterior H⁻¹/N', t.posterior],
      ['continuous-time (OU)', t.continuous],
      ['exact discrete-time', t.discrete],
      ...(t.discreteMinibatch ? [['exact, real mini-batches (w-dependent noise)', t.discreteMinibatch]] : []),
      ...(this.valid.method === 'sgd' ? [['co-diagonal shortcut (α/2B)H⁻¹C', t.codiagonalShortcut]] : []),
    ];
    const se = s.averageCovarianceSe, seTh = s.averageCovarianceSeTheory ?? [], approx = t.errorBarsExact ? '' : '≈';
    // The iterates' row: ± the empirical SE (20 groups of chains), and under it the closed-form
    // SE √(τ_ij/(T·M)) of SCIENCE.md §8 (≈: approximate with real mini-batches).
    const e2 = (x) => (Math.abs(x) >= 0.01 ? x.toFixed(3) : x.toExponential(1));
    const cell = (v, k) => `<td>${num(v)}${Number.isFinite(se[k]) ? `<span class="nw"> ± ${e2(se[k])}</span>` : ''}${Number.isFinite(seTh[k]) ? `<br><small class="se-theory nw">closed form ${approx}± ${e2(seTh[k])}</small>` : ''}</td>`;
    this.setLive(this.$('table.cov tbody'), rows.map(([name, m]) => `<tr><td>${name}</td>${m ? m.map((v) => `<td>${num(v)}</td>`).join('') : '<td colspan="4">none: beyond the stability limit</td>'}<td>${num(trace(m) / post, 3)}</td></tr>`).join('')
      + `<tr><td>iterates (time average ± 1 SE)</td>${s.averageCovariance.map(cell).join('')}<td>${num(s.traceRatio, 3)}${Number.isFinite(s.traceRatioSeTheory) ? `<br><small>± ${num(s.traceRatioSe, 3)}, closed form ${approx}± ${num(s.traceRatioSeTheory, 3)}</small>` : ''}</td></tr>`, 'html');
    const p = this.problem, f = t.full;
    const vec = (v) => `(${v.map((x) => num(x, 3)).join(', ')})`;
    if (f.dimension > 2) {
      this.setLive(this.$('.mats'), `d = ${f.dimension}: eigenvalues of H ${vec(f.hessianEigenvalues)}, of C ${vec(f.noiseEigenvalues)}${this.valid.problem === 'spectrum' ? ' (H diagonal, C rotated by a seeded rotation)' : ' (typed in)'}, ‖HC − CH‖ = ${num(t.commutatorNorm, 3)}; N = ${p.dataPoints}. The figure and the table show the projection onto (w${SUB[f.projection[0]]}, w${SUB[f.projection[1]]}): every Σ’s 2×2 sub-block; its blocks of H and C are ${mat(t.hessian)} and ${mat(t.noiseCovariance)}.`, 'text');
    } else this.setLive(this.$('.mats'), `H = ${mat(t.hessian)}, C = ${mat(t.noiseCovariance)}${this.valid.problem === 'data' ? ' (both from the data set)' : ' (typed in)'}, ‖HC − CH‖ = ${num(t.commutatorNorm, 3)}${t.commutatorNorm > 1e-9 ? ' (H and C do not commute)' : ' (H and C commute)'}; N = ${p.dataPoints}, P = ${mat(t.preconditioner)}.`, 'text');
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
      ${f.dimension > 2 ? `<span>in all d = <b class="r-dimension">${f.dimension}</b> dimensions: tr Σ_d / tr(H⁻¹/N) = <b class="r-ratio-full">${num(f.discreteTraceRatio, 3)}</b>, KL(N(0, Σ_d)‖posterior) = <b class="r-kl-full">${num(f.discreteKl, 3)}</b> nats; at α* = 2BD/(N tr C) = ${num(f.optimalRate, 4)} SGD’s continuous-time KL is <b class="r-kl-optimal-full">${num(f.optimalRateKl, 3)}</b> nats (plotted: coordinates ${f.projection.join(' and ')})</span>` : ''}
      <span>averaged steps <b class="r-averaged">${s.averagedSteps}</b> (burn-in ${s.burnIn})</span>
      <span>closed-form SE of the trace ratio √(τ/TM) = <b class="r-ratio-se-theory">${num(s.traceRatioSeTheory, 3)}</b> (empirical, 20 groups: ${num(s.traceRatioSe, 3)}); autocorrelation time of w${SUB[f.projection[0]] ?? f.projection[0]}² <b class="r-tau">${num(t.autocorrelationTime?.[0], 1)}</b> steps${t.errorBarsExact ? '' : ' (approximate: real mini-batches are not Gaussian noise)'}</span>`);
    this.setVerdict(this.verdict());
  }

  /**
   * One sentence from the numbers: the stationary covariance of this chain against the posterior
   * (trace ratio ± SE, correlation, KL), what the lecture predicts for it, and whether the
   * numbers agree. Before any averaged step it uses the exact discrete-time prediction.
   */
  verdict() {
    const f = this.theory.full, says = this.verdictOfPlot();
    return f.dimension > 2 ? `${says} (Plotted: coordinates ${f.projection.join(' and ')} of d = ${f.dimension}; in all ${f.dimension} dimensions KL(N(0, Σ_d)‖posterior) = ${num(f.discreteKl, 3)} nats, and at α* SGD’s continuous-time KL is ${num(f.optimalRateKl, 3)} nats.)` : says;
  }

  /** The verdict on the plotted coordinates (all of them in 2-D). */
  verdictOfPlot() {
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
    const near = Math.abs(v.learningRate / t.optimalRate - 1) < 0.1;
    const thm = near
      ? ` At α ≈ α* its continuous-time KL is ${f(atOpt, 3)} nats, ${atOpt < half && atOpt < double ? 'the least over constant rates' : 'not the least over constant rates, against'} (Mandt et al.’s Theorem 1: ${f(half, 3)} at α*/2, ${f(double, 3)} at 2α*)${atOpt > MATCH_KL ? ', still not zero: C is not ∝ H' : ''}.`
      : '';
    return matches
      ? `SGD ${alpha} (${aStar}): ${numbers}: here SGD’s stationary covariance is the posterior’s.${thm}`
      : `SGD ${alpha} (${times(v.learningRate / t.optimalRate)} Mandt’s ${aStar}): ${numbers}: not the posterior; SGD’s stationary covariance solves ΣH + HΣ ≈ (α/B)C (Mandt et al. 2017).${thm}`;
  }

  /** Public API: the per-step history and the theory for export. */
  exportData() {
    // The CLI's document (crates/cli/src/sgd_posterior.rs) but the d-dimensional chains.
    return { ...super.exportData(), theory: this.theory, problem: this.problem, rateSweep: this.sweep, positions: Array.from(this.positions ?? []) };
  }
}

if (!customElements.get('noiselab-sgd-posterior')) customElements.define('noiselab-sgd-posterior', NoiselabSgdPosterior);
export { NoiselabSgdPosterior };
