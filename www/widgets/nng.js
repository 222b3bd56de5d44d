// <noiselab-nng>: noisy natural gradient as variational inference (Zhang, Sun, Duvenaud & Grosse
// 2018; Grosse, Lecture 8, "Noisy Natural Gradient"; SCIENCE.md §6). Full NNG (the lecture's
// update), noisy Adam (diagonal precision) and noisy K-FAC (Kronecker-factored precision) fit a
// Gaussian q to the posterior of a Bayesian linear regression with correlated inputs. Left: the
// exact posterior's 2σ ellipse over two weights with each method's 2σ ellipse and recent weight
// samples; noisy Adam's ellipse is axis-aligned (it cannot represent the correlation), noisy
// K-FAC's is tilted like the posterior's. Right: KL(q‖posterior) over steps, with the fixed
// points' KL as reference lines. All numbers come from the Rust core through the worker.
//
// One colour per method in both panels: full NNG green (dashed), noisy Adam vermillion, noisy
// K-FAC blue, the exact posterior black; a method's fixed point is a dotted line of its colour.
// A new setting computes the whole run at once (a few milliseconds at the defaults), so the
// figure shows the claim without pressing anything; Reset shows step 0 (q = the prior, with 300
// draws from it) and Play animates (from step 0 again once the run has finished).
//
// Embed: <script type="module" src=".../www/widgets/noisy-natural-gradient.js"></script>
//        <noiselab-nng feature-correlation="0.9" kl-weight="1"></noiselab-nng>
import { RunWidget, speedField } from '../lib/run-widget.js';
import { OKABE_ITO as C, pointsOf, hullOf } from '../lib/plot.js';
import { WeightPlane } from '../lib/weight-plane.js';

const CSS = `
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; }
@media (max-width: 760px) { .pair { grid-template-columns: minmax(0, 1fr); } }
canvas { aspect-ratio: 1 / 0.9; }
canvas.kl { aspect-ratio: 1 / 0.9; }
.plot-note { font-size: 12px; color: #444; margin: 2px 0 0; min-height: 1em; }
`;

// Order of the core's ellipses and samples: target, full, noisy Adam, noisy K-FAC.
const METHODS = [
  { key: 'full', label: 'full NNG', colour: C.green, dash: [6, 4], width: 2 },
  { key: 'noisyAdam', label: 'noisy Adam (diagonal)', colour: C.vermillion, dash: [], width: 2.5 },
  { key: 'noisyKfac', label: 'noisy K-FAC', colour: C.blue, dash: [], width: 2.5 },
];
const KL_COLUMNS = ['klFull', 'klNoisyAdam', 'klNoisyKfac'];
const TITLES = { plane: 'Posterior and fitted Gaussians', kl: 'KL(q ‖ posterior) over steps' };
const CLAIM = 'In noisy natural gradient the structure of the precision is the structure of q: noisy K-FAC keeps the posterior’s correlation and ends near its fixed point, noisy Adam’s diagonal q cannot, and full NNG reaches the posterior (Zhang, Sun, Duvenaud & Grosse, 2018).';
const fmt = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const sci = (v) => (v >= 1e4 ? v.toExponential(1).replace('e+', 'e') : v.toFixed(0));
const num = (v) => (v === null || v === undefined ? NaN : Number(v));

class NoiselabNng extends WeightPlane(RunWidget) {
  static css = CSS;
  static uiFields = [
    speedField(200, 10),
    { name: 'firstWeight', label: 'horizontal axis: weight', min: 1, max: 8, default: 1, help: 'Which weight w_i is on the horizontal axis of the posterior plot (1 to D).' },
    { name: 'secondWeight', label: 'vertical axis: weight', min: 1, max: 8, default: 2, help: 'Which weight w_j is on the vertical axis of the posterior plot (1 to D).' },
  ];

  // The lecture's contrasts (Lecture 8, "Noisy Natural Gradient"; SCIENCE.md §6).
  static presets = [
    {
      name: 'uncorrelated', label: 'Uncorrelated features (all methods agree)', settings: { featureCorrelation: 0 },
      note: 'Independent features give a nearly axis-aligned posterior: a diagonal Gaussian can represent it, so noisy Adam, noisy K-FAC and full NNG all end close to it (KL a few hundredths of a nat).',
    },
    {
      name: 'strong-correlation', label: 'Strongly correlated features (c = 0.99)', settings: { featureCorrelation: 0.99 },
      note: 'A very tilted posterior: noisy Adam\'s axis-aligned q is about 1.6 nats from it, noisy K-FAC\'s tilted q about 0.45 (its damping split keeps it short of exact), full NNG about 0.03.',
    },
    {
      name: 'tempered', label: 'Tempered posterior (KL weight λ = 0.5)', settings: { klWeight: 0.5 },
      note: 'λ < 1 targets the posterior with the likelihood raised to 1/λ (a narrower target); the same ordering holds: full NNG reaches it, noisy K-FAC keeps the correlation, noisy Adam cannot.',
    },
  ];

  renderFigure() {
    return `
      <div class="pair">
        <div><div class="plot-head"><strong>${TITLES.plane}</strong><span class="axes-note"></span></div>
          <canvas data-panel="plane" class="plane" role="img" aria-label="posterior ellipses"></canvas></div>
        <div><div class="plot-head"><strong>${TITLES.kl}</strong><span>log scale, nats</span></div>
          <canvas data-panel="kl" class="kl" role="img" aria-label="KL divergence over steps"></canvas></div>
      </div>
      <div class="legend" aria-hidden="true"></div>
      <div class="legend" data-panel="kl" aria-hidden="true"></div>
      <p class="plot-note kl-note"></p>
      <p class="plot-note run-note"></p>`;
  }

  diverged(s) { return `every method diverged (the mean exploded). The mean's step contracts by 1 − αλ/N = ${fmt(1 - s.effectiveRate, 2)}; below −1 it oscillates and grows.`; }

  /** A finished run in which some methods diverged says which. */
  onStopped(s, quiet = false) {
    super.onStopped(s, quiet);
    const diverged = s.stopReason === 'diverged' ? [] : s.methods.filter((m) => m.diverged).map((m) => METHODS.find((x) => x.key === m.method)?.label);
    if (diverged.length) this.showMessage(`Finished ${s.stepsDone} steps. Diverged: ${diverged.join(', ')}.`, 'warn');
  }

  // ---- drawing ------------------------------------------------------------------------------

  /** The plane's box: it holds the exact posterior's ellipse and every method's q, within the
      box of step 0 (q₀ = the prior N(0, ηI) and the posterior), so q at initialization is
      whole on screen, the start-up overshoot does not blow the view up, and the converged fits
      are not dots. It changes only when something leaves it or everything shrinks to under
      60% of it (no jitter while playing). */
  planeBox() {
    const { ellipses: E, ellipsePoints: P } = this.view;
    const r0 = 2 * Math.sqrt(this.valid.priorVariance);
    const want = hullOf(E.slice(0, 8 * P)), start = hullOf(E.slice(0, 2 * P), [-r0, -r0, r0, r0]);
    return this.steadyPlane(want, start);
  }

  /** The KL axis, whole decades: its top is set by the first values (step 0: the prior's KL)
      and the fixed points, not by the start-up overshoot, whose largest value and last step
      (`overMax`, `overLast`) the note under the figure and a ▲ on the top edge report. */
  klAxis() {
    const s = this.snapshot, K = this.K, H = this.hist, rows = this.rows;
    const cols = KL_COLUMNS.map((n) => this.col[n]);
    let lo = Infinity, top = 0;
    const see = (val) => { if (Number.isFinite(val) && val > 0) { lo = Math.min(lo, val); top = Math.max(top, val); } };
    for (const c of cols) see(H[c]); // step 0
    see(num(s.klMeanField)); see(num(s.klKfacFixedPoint));
    for (let r = s.transientEnd ?? rows; r < rows; r++) for (const c of cols) see(H[r * K + c]);
    for (let r = 0; r < rows; r++) for (const c of cols) { const val = H[r * K + c]; if (val > 0 && val < lo) lo = val; }
    if (!Number.isFinite(lo)) { lo = 1e-3; top = 1; }
    const l0 = Math.floor(Math.log10(Math.max(lo, 1e-3))), l1 = Math.max(Math.ceil(Math.log10(top) + 0.05), l0 + 1);
    let overMax = 0, overLast = -1;
    for (let r = 0; r < rows; r++) for (const c of cols) if (H[r * K + c] > 10 ** l1) { overMax = Math.max(overMax, H[r * K + c]); overLast = r; }
    return { domain: [10 ** l0, 10 ** l1], overMax, overLast };
  }

  /**
   * Public API: the figure as data (www/lib/plot.js). Left, the weight plane: the exact
   * posterior's 2σ ellipse (filled, + its mean) and each method's, with its recent samples and
   * its mean. Right, KL(q‖posterior) over the steps on a log axis, the fixed points dotted.
   */
  scene() {
    if (!this.view || !this.rows) return null;
    const s = this.snapshot, v = this.view, P = v.ellipsePoints, n = v.sampleCount;
    const [i, j] = v.axes;
    const [bx0, bx1, by0, by1] = this.planeBox();
    const ring = (k) => pointsOf(v.ellipses, k * P, P);
    const exact = ring(0);
    const step = this.column('step'), last = this.rows - 1;
    const kl = this.klAxis();
    const fixed = [[num(s.klMeanField), C.vermillion, 'noisy Adam\'s fixed point (the best diagonal Gaussian)'], [num(s.klKfacFixedPoint), C.blue, 'noisy K-FAC\'s fixed point']];
    const alive = s.methods.map((m, k) => ({ ...METHODS[k], m })).filter((x) => !x.m.diverged);
    return {
      title: 'Noisy natural gradient: full NNG, noisy Adam and noisy K-FAC fit a Gaussian to a correlated posterior',
      caption: `${CLAIM} ${this.verdict()}`,
      panels: [{
        id: 'plane', title: TITLES.plane, aspect: 'equal',
        x: { label: `weight w${i + 1}`, domain: [bx0, bx1] },
        y: { label: `weight w${j + 1}`, domain: [by0, by1] },
        marks: [
          // A closed ring filled down to its first point's height is its inside.
          { type: 'line', ...exact, base: exact.y[0], fill: 'rgba(0, 0, 0, 0.07)', width: 0 },
          ...METHODS.map((m, k) => ({ type: 'dots', ...pointsOf(v.samples, k * n, n), colour: m.colour, opacity: 0.35, shape: 'square', r: 1.72 })),
          { type: 'line', ...exact, colour: '#000', width: 2.5, label: 'exact posterior (2σ)' },
          ...METHODS.map((m, k) => ({ type: 'line', ...ring(k + 1), colour: m.colour, width: m.width, dash: m.dash, label: `${m.label} q (2σ)` })),
          { type: 'dots', x: alive.map((x) => num(x.m.mean[i])), y: alive.map((x) => num(x.m.mean[j])), colours: alive.map((x) => x.colour), r: 4 },
          { type: 'dots', x: [num(s.targetMean[i])], y: [num(s.targetMean[j])], shape: 'plus', r: 4.8, width: 2, colour: '#000' },
          { type: 'key', label: `dots: the last ${n} weight samples w ~ q each method drew (at step 0: ${n} draws from q₀)` },
        ],
      }, {
        id: 'kl', title: TITLES.kl,
        x: { label: 'step k (iterations)', domain: [0, Number(s.totalSteps)] },
        y: { label: 'KL(q‖p(w|D)) (nats)', scale: 'log', domain: kl.domain },
        marks: [
          ...fixed.filter(([val]) => val > 0).map(([val, colour, label]) => ({ type: 'rule', y: val, colour, dash: [2, 3], width: 1.6, label })),
          { type: 'key', label: 'full NNG\'s fixed point is the posterior (KL 0, off the log scale)' },
          ...METHODS.map((m, k) => ({ type: 'line', x: step, y: this.column(KL_COLUMNS[k]), colour: m.colour, width: m.width, dash: m.dash, maxPoints: 800 })),
          // Each method's current KL as a dot (so step 0, a single point, shows too).
          { type: 'dots', x: METHODS.map(() => step[last]), y: KL_COLUMNS.map((c) => this.hist[last * this.K + this.col[c]]), colours: METHODS.map((m) => m.colour), r: 3.5 },
          ...(kl.overMax > 0 ? [{ type: 'text', x: Math.max(1, kl.overLast / 2), y: 'top', baseline: 'top', align: 'center', colour: '#333', text: '▲' }] : []),
        ],
      }],
    };
  }

  // ---- readout and verdict --------------------------------------------------------------------

  /** The batch size as the control reads it, and what it means (B ≥ N: the full batch). */
  batchText() {
    const b = this.valid.batchSize, n = this.valid.dataPoints;
    return b >= n ? `B = ${b} ≥ N = ${n}: the full batch` : `B = ${b} of N = ${n} examples per step`;
  }

  /** One sentence from the numbers (never asserted blindly): each method's KL over the second
      half of the run against its fixed point, and the correlation each q keeps. */
  verdict() {
    const s = this.snapshot;
    if (!s) return '';
    const [full, adam, kfac] = s.methods;
    if (s.stopReason === 'diverged') return 'Every method diverged, so the run says nothing about the posterior: lower the learning rate α.';
    const steps = Number(s.stepsDone);
    if (steps === 0) return `Step 0: every q is the prior N(0, ηI), ${fmt(num(full.kl), 0)} nats from the posterior. Press Play to watch the three methods fit it, or pick a preset.`;
    const [kFull, kAdam, kKfac] = s.klTailMean.map(num);
    const settled = s.transientEnd !== null && s.transientEnd !== undefined && steps >= 2 * s.transientEnd + 100;
    if (!settled) return `Still converging (step ${steps}): KL full ${fmt(num(full.kl), 2)}, noisy Adam ${fmt(num(adam.kl), 2)}, noisy K-FAC ${fmt(num(kfac.kl), 2)} nats.`;
    const rho = num(s.targetCorrelation), rK = num(kfac.correlation), rA = num(adam.correlation);
    const out = [full, adam, kfac].filter((m) => m.diverged).map((m) => METHODS.find((x) => x.key === m.method).label);
    const lost = out.length ? ` (${out.join(', ')} diverged)` : '';
    const kls = `KL to the posterior over the second half of the run: full NNG ${fmt(kFull, 3)}, noisy K-FAC ${fmt(kKfac, 3)}, noisy Adam ${fmt(kAdam, 3)} nats`;
    if (Math.abs(rho) < 0.3) {
      const spread = Math.max(kFull, kAdam, kKfac);
      return spread < 0.1
        ? `The posterior is nearly uncorrelated (ρ(w1, w2) = ${fmt(rho, 2)}), so a diagonal q can represent it and all three methods agree: ${kls} (best diagonal ${fmt(num(s.klMeanField), 3)}).${lost}`
        : `The posterior is nearly uncorrelated (ρ = ${fmt(rho, 2)}), yet the methods do not all end close to it: ${kls}.${lost}`;
    }
    const keeps = Math.abs(rK - rho) < 0.25 * Math.abs(rho);
    if (kKfac < kAdam && keeps && kFull < kKfac) {
      return `Noisy K-FAC keeps the posterior's correlation (ρ = ${fmt(rK, 2)} vs ${fmt(rho, 2)}); noisy Adam's diagonal q cannot (ρ = ${fmt(rA, 2)}), so it stays ${fmt(kAdam, 2)} nats away (its fixed point, the best diagonal Gaussian: ${fmt(num(s.klMeanField), 2)}) against K-FAC's ${fmt(kKfac, 2)} (fixed point ${fmt(num(s.klKfacFixedPoint), 2)}), and full NNG reaches the posterior (${fmt(kFull, 3)}), as Zhang et al. (2018) describe.${lost}`;
    }
    return `Here the ordering the lecture describes does not hold: ${kls}; correlation ρ(w1, w2) posterior ${fmt(rho, 2)}, K-FAC ${fmt(rK, 2)}, noisy Adam ${fmt(rA, 2)}.${lost}`;
  }

  updateReadout() {
    const s = this.snapshot;
    if (!s) return;
    const [a, f, k] = s.methods;
    this.setReadout(`
      <span>step <b class="r-step">${s.stepsDone}</b> / ${s.totalSteps}</span>
      <span>KL(q‖p) full <b class="r-kl-full">${fmt(num(a.kl), 4)}</b></span>
      <span>noisy Adam <b class="r-kl-adam">${fmt(num(f.kl), 4)}</b> (best diagonal <b class="r-kl-mf">${fmt(num(s.klMeanField), 4)}</b>)</span>
      <span>noisy K-FAC <b class="r-kl-kfac">${fmt(num(k.kl), 4)}</b> (fixed point <b class="r-kl-kfac-fp">${fmt(num(s.klKfacFixedPoint), 4)}</b>)</span>
      <span>mean KL over the second half: full <b class="r-tail-full">${fmt(num(s.klTailMean[0]), 4)}</b>, noisy Adam <b class="r-tail-adam">${fmt(num(s.klTailMean[1]), 4)}</b>, noisy K-FAC <b class="r-tail-kfac">${fmt(num(s.klTailMean[2]), 4)}</b></span>
      <span>correlation ρ(w1, w2): posterior <b class="r-rho-target">${fmt(num(s.targetCorrelation))}</b>, K-FAC <b class="r-rho-kfac">${fmt(num(k.correlation))}</b>, Adam <b class="r-rho-adam">${fmt(num(f.correlation))}</b></span>
      <span>‖Λ − Λ*‖/‖Λ*‖ <b class="r-precision">${fmt(num(s.precisionErrorFull), 4)}</b></span>
      <span>γ<sub>in</sub> = λ/(Nη) = ${fmt(num(s.intrinsicDamping), 4)}, αλ/N = <b class="r-rate">${fmt(num(s.effectiveRate), 3)}</b>, <span class="r-batch">${this.batchText()}</span></span>`);
    this.setVerdict(this.verdict());
    this.setLive(this.$('.run-note'), s.stepsDone === s.totalSteps && s.stopReason === 'done'
      ? `The whole run (${s.totalSteps} steps) is shown; Reset goes back to step 0 and Play animates it.` : '', 'text');
    const [i, j] = this.view.axes;
    const { overMax, overLast } = this.klAxis();
    this.setLive(this.$('.kl-note'), overMax
      ? `▲ Off the top of the KL plot: up to ${sci(overMax)} nats in steps 1–${overLast}. q starts at the prior, whose precision Λ₀ = I/η is far below the posterior's, so the first stochastic Newton steps overshoot until the precision's moving average has caught up.`
      : '', 'text');
    this.setLive(this.$('.axes-note'), i === j ? 'choose two different weights' : `w${i + 1} vs w${j + 1} of D = ${s.targetMean.length}`, 'text');
    this.setLive(this.$('canvas.plane'), `Weights w${i + 1} and w${j + 1}: the exact posterior's 2σ ellipse (correlation ${fmt(num(s.targetCorrelation), 2)} between w1 and w2) with the fitted Gaussians of full NNG, noisy Adam (correlation ${fmt(num(f.correlation), 2)}) and noisy K-FAC (correlation ${fmt(num(k.correlation), 2)}) at step ${s.stepsDone}.`, 'aria-label');
    this.setLive(this.$('canvas.kl'), `KL(q‖posterior) over ${s.stepsDone} steps on a log scale: full ${fmt(num(a.kl), 3)}, noisy Adam ${fmt(num(f.kl), 3)}, noisy K-FAC ${fmt(num(k.kl), 3)} nats.`, 'aria-label');
  }

  /** Public API: the run's data for export. */
}

if (!customElements.get('noiselab-nng')) customElements.define('noiselab-nng', NoiselabNng);
export { NoiselabNng };
