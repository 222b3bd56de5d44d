// <noiselab-bbb-linreg>: Bayes by Backprop on Bayesian linear regression, where everything has a
// closed form (Blundell et al. 2015; Grosse, Lecture 8, "Posterior Inference: Variational Bayes";
// SCIENCE.md §4). Left: the ELBO's gap below the exact log evidence, ln p(D) − F(q) =
// KL(q‖p(w|D)), on a log scale, falling to the mean-field floor ½(Σ ln P_jj − ln det P) and no
// further. Middle: each weight's std s_j against the mean-field optimum 1/√P_jj and the true
// marginal std √(P⁻¹)_jj, which is larger. Right: q's 2σ ellipse (axis-aligned) and draws from q
// against the exact posterior's (tilted) ellipse and the mean-field optimum's. Optional local
// reparameterization (Kingma, Salimans & Welling 2015). All numbers from the Rust core.
//
// One colour per object in every panel: q (the run) vermillion, the mean-field optimum blue
// (dashed), the exact posterior black.
//
// A new setting computes the whole run at once (a few milliseconds at the defaults), so the
// figure shows the claim without pressing anything; Reset shows step 0 and Play animates (from
// step 0 again once the run has finished).
//
// Embed: <script type="module" src=".../www/widgets/bbb-linreg.js"></script>
//        <noiselab-bbb-linreg feature-correlation="0.8" local-reparam="on"></noiselab-bbb-linreg>
import { RunWidget, speedField } from '../lib/run-widget.js';
import { OKABE_ITO as C, pointsOf, hullOf } from '../lib/plot.js';
import { WeightPlane } from '../lib/weight-plane.js';

const CSS = `
.trio { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 10px; }
@media (max-width: 900px) { .trio { grid-template-columns: minmax(0, 1fr); } }
canvas { aspect-ratio: 1 / 0.85; }
.plot-note { font-size: 12px; color: #444; margin: 2px 0 0; min-height: 1em; }
`;

const Q = C.vermillion; // q, the run
const MF = C.blue; // the mean-field optimum
const EXACT = '#000'; // the exact posterior
const ML = C.purple; // w_ML
const SAMPLES = 200; // draws from q in the weight plane
const fmt = (v, d = 3) => (Number.isFinite(Number(v)) ? Number(v).toFixed(d) : '—');
const num = (v) => (v === null || v === undefined ? NaN : Number(v));
const list = (a, d = 3) => Array.from(a ?? [], (v) => fmt(num(v), d)).join(', ');
const TITLES = { elbo: 'ELBO gap ln p(D) − F(q) = KL(q‖p(w|D))', std: 'Learned stds sⱼ of q', plane: 'Weight space (2σ ellipses)' };
const CLAIM = 'Bayes by Backprop (Blundell et al., 2015) fits a factorized Gaussian whose ELBO climbs to ln p(D) minus the mean-field gap and no further, with learned standard deviations below the true marginal ones: mean field underestimates the variance of correlated weights.';

class NoiselabBbbLinreg extends WeightPlane(RunWidget) {
  static css = CSS;
  static uiFields = [
    speedField(500, 10),
    { name: 'firstWeight', label: 'horizontal axis: weight', min: 1, max: 10, default: 1, help: 'Which weight w_i is on the horizontal axis of the weight-space plot (1 to D).' },
    { name: 'secondWeight', label: 'vertical axis: weight', min: 1, max: 10, default: 2, help: 'Which weight w_j is on the vertical axis of the weight-space plot (1 to D).' },
  ];

  // The lecture's contrasts (Lecture 8, "Posterior Inference: Variational Bayes"; SCIENCE.md §4).
  static presets = [
    {
      name: 'no-kl', label: 'Without the KL term (q collapses)', settings: { objective: 'likelihood' },
      note: 'The likelihood term alone: nothing keeps q spread out, so its stds shrink far below 1/√P_jj toward a point mass on w_ML (purple ×), and the gap to ln p(D) grows instead of reaching the mean-field floor.',
    },
    {
      name: 'local-reparam', label: 'Local reparameterization on', settings: { localReparam: 'on' },
      note: 'Each example draws its own activation a_i ~ N(x_iᵀμ, Σ_j x_ij² s_j²) (Kingma, Salimans & Welling 2015): the same expected gradient with less noise, so the ELBO settles closer to the mean-field floor; the fixed point is the same.',
    },
    {
      name: 'uncorrelated', label: 'Uncorrelated features (mean field is exact)', settings: { featureCorrelation: 0 },
      note: 'With independent features the posterior is nearly axis-aligned: the mean-field floor is close to 0 and the learned stds match the true marginals. The mean-field error comes from correlation.',
    },
    {
      name: 'strong-correlation', label: 'Strongly correlated features (c = 0.95)', settings: { featureCorrelation: 0.95 },
      note: 'A strongly tilted posterior: the mean-field floor is about 1 nat and the learned stds are less than half the true marginal stds.',
    },
  ];

  renderFigure() {
    const panel = (id, label, note) => `<div><div class="plot-head"><strong>${TITLES[id]}</strong>${note}</div>
          <canvas data-panel="${id}" class="${id}" role="img" aria-label="${label}"></canvas>
          <div class="legend" data-panel="${id}" aria-hidden="true"></div></div>`;
    return `
      <div class="trio">
        ${panel('elbo', 'ELBO gap over training', '<span>nats, log scale</span>')}
        ${panel('std', 'learned standard deviations over training', '<span>weight units</span>')}
        ${panel('plane', 'posterior and q ellipses', '<span class="axes-note"></span>')}
      </div>
      <p class="plot-note run-note"></p>`;
  }

  /** The weights on the plane's axes (0-based), and the number of draws from q shown. */
  axes() { return { ...super.axes(), count: SAMPLES }; }

  onRunStart(r) {
    super.onRunStart(r);
    this.D = r.snapshot.mean.length;
    this.params = new Float64Array((Number(r.snapshot.totalSteps) + 1) * 2 * this.D);
  }

  onFrame(r) {
    this.params.set(r.parameters, r.from * 2 * this.D);
    super.onFrame(r);
  }

  diverged() { return 'the run diverged (non-finite μ or s).'; }

  // ---- drawing ------------------------------------------------------------------------------

  /** The plane's box: it holds the exact posterior's and the mean-field ellipses, q's ellipse
      and w_ML, within the box of step 0 (q₀ = N(0, s₀²I) and the posterior), so q at
      initialization is whole on screen and the converged q is not a dot. It changes only when
      something leaves it or everything shrinks to under 60% of it (no jitter while playing). */
  planeBox() {
    const E = this.view.ellipses, n = this.view.ellipsePoints;
    const [i, j] = this.view.axes;
    const ml = this.view.reference.maxLikelihood, mlPoint = ml ? [num(ml[i]), num(ml[j])] : [];
    const r0 = 2 * this.valid.initStd;
    const want = hullOf(E.slice(0, 6 * n), mlPoint), start = hullOf(E.slice(0, 4 * n), [-r0, -r0, r0, r0], mlPoint);
    return this.steadyPlane(want, start);
  }

  /**
   * Public API: the figure as data (www/lib/plot.js). Left, ln p(D) − F over the steps on a log
   * axis, from the first value (step 0) down to below the mean-field floor, so the whole descent
   * and the floor are on screen from the first frame. Middle, each s_j over the steps against
   * 1/√P_jj and √(P⁻¹)_jj. Right, the weight plane: the ellipses, q's draws, the means and w_ML.
   */
  scene() {
    if (!this.view || !this.rows) return null;
    const s = this.snapshot, ref = this.view.reference, D = this.D, rows = this.rows, last = rows - 1;
    const steps = { domain: [0, Math.max(1, Number(s.totalSteps))], label: 'step (iterations)' };
    const step = this.column('step');
    // The gap panel's decades.
    const logZ = num(ref.logEvidence), floor = num(ref.meanFieldGap);
    const gap = this.column('elbo').map((f) => logZ - f);
    let lo = Infinity, hi = -Infinity;
    for (const g of [...gap, floor]) if (Number.isFinite(g) && g > 0) { lo = Math.min(lo, g); hi = Math.max(hi, g); }
    if (!Number.isFinite(lo)) { lo = 0.01; hi = 100; }
    const e0 = Math.floor(Math.log10(Math.max(lo, 1e-4)) - 0.05);
    const e1 = Math.max(Math.ceil(Math.log10(hi) + 0.05), e0 + 1);
    // The std panel: s_j of every row; the labels s1, s2, … of the first ten.
    const std = Array.from({ length: D }, (_, j) => Array.from({ length: rows }, (_, r) => this.params[r * 2 * D + D + j]));
    const now = std.map((v) => v[last]).slice(0, 10);
    const shown = now.map((v, j) => j).filter((j) => Number.isFinite(now[j]));
    return {
      title: 'Bayes by Backprop on Bayesian linear regression, against the closed forms',
      caption: `${CLAIM} ${this.verdict()}`,
      panels: [{
        id: 'elbo', title: TITLES.elbo, x: steps, margin: { right: 26 },
        y: { label: 'ln p(D) − F(q)  (nats)', scale: 'log', domain: [10 ** e0, 10 ** e1] },
        marks: [
          ...(floor > 0 ? [{ type: 'rule', y: floor, colour: MF, dash: [7, 4], width: 2, label: 'mean-field floor ½(Σ ln Pⱼⱼ − ln det P)' }] : []),
          { type: 'line', x: step, y: gap, colour: Q, width: 2.2, maxPoints: 800, label: 'q: ln p(D) − F(q), exact at μ, s' },
          // The current step as a dot, so step 0 (a single point) shows too.
          { type: 'dots', x: [Number(s.stepsDone)], y: [logZ - num(s.elbo)], colour: Q, r: 3.5 },
          { type: 'key', label: '0 (off the log scale) = the exact posterior' },
        ],
      }, {
        id: 'std', title: TITLES.std, x: steps, margin: { right: 26 },
        y: { label: 'std of q (weight units)', domain: [0, null], pad: 0.08 },
        marks: [
          ...std.flatMap((v, j) => [
            { type: 'rule', y: num(ref.meanFieldStd[j]), colour: MF, dash: [7, 4], width: 1.8, label: 'mean-field optimum 1/√Pⱼⱼ' },
            { type: 'rule', y: num(ref.marginalStd[j]), colour: EXACT, dash: [2, 3], width: 1.4, label: 'exact posterior: true marginal √(P⁻¹)ⱼⱼ' },
            { type: 'line', x: step, y: v, colour: Q, width: 2, maxPoints: 800, label: 'q: sⱼ (labelled s1, s2, …)' },
          ]),
          // Each s_j's current value as a dot (so step 0 shows too), labelled at the right.
          { type: 'dots', x: shown.map(() => step[last]), y: shown.map((j) => now[j]), colour: Q },
          ...shown.map((j) => ({ type: 'text', x: step[last], y: now[j], dx: 5, dy: j % 2 ? 6 : -6, colour: Q, text: `s${j + 1}` })),
        ],
      }, this.plane()],
    };
  }

  /** The weight-space panel of the scene. */
  plane() {
    const [i, j] = this.view.axes;
    const E = this.view.ellipses, n = this.view.ellipsePoints;
    const [bx0, bx1, by0, by1] = E.length ? this.planeBox() : [-1, 1, -1, 1];
    const panel = { id: 'plane', title: TITLES.plane, aspect: 'equal', x: { label: `weight w${i + 1}`, domain: [bx0, bx1] }, y: { label: `weight w${j + 1}`, domain: [by0, by1] }, marks: [] };
    if (!E.length) return panel;
    const exact = pointsOf(E, 0, n), S = this.view.samples ?? [];
    const s = this.snapshot, ref = this.view.reference, m = ref.posteriorMean, ml = ref.maxLikelihood;
    const qLabel = `q = N(μ, diag s²); dots: ${SAMPLES} draws w = μ + s⊙ε (the same ε at every step)`;
    panel.marks = [
      // A closed ring filled down to its first point's height is its inside.
      { type: 'line', ...exact, base: exact.y[0], fill: 'rgba(0, 0, 0, 0.07)', width: 0 },
      { type: 'dots', ...pointsOf(S, 0, S.length / 2), colour: Q, opacity: 0.35, shape: 'square', r: 1.72, label: qLabel },
      { type: 'line', ...exact, colour: EXACT, width: 2.5, label: 'exact posterior N(m, P⁻¹) (+ its mean)' },
      { type: 'line', ...pointsOf(E, n, n), colour: MF, width: 2, dash: [7, 4], label: 'mean-field optimum' },
      { type: 'line', ...pointsOf(E, 2 * n, n), colour: Q, width: 2.5, label: qLabel },
      { type: 'dots', x: [num(s.mean[i])], y: [num(s.mean[j])], colour: Q, r: 4 },
      { type: 'dots', x: [num(m[i])], y: [num(m[j])], shape: 'plus', r: 4.8, width: 2, colour: EXACT },
      ...(ml ? [{ type: 'dots', x: [num(ml[i])], y: [num(ml[j])], colour: ML, shape: 'cross', r: 5, width: 2.2, label: 'w_ML' }] : []),
    ];
    return panel;
  }

  // ---- readout and verdict --------------------------------------------------------------------

  /** One sentence from the numbers (never asserted blindly): where the ELBO settles against the
      mean-field floor, and the learned stds against 1/√P_jj and the true marginals. */
  verdict() {
    const s = this.snapshot, ref = this.view?.reference;
    if (!s || !ref) return '';
    if (s.stopReason === 'diverged') return 'The run diverged, so it says nothing about the posterior: lower the learning rate α.';
    const steps = Number(s.stepsDone), total = Number(s.totalSteps);
    if (steps === 0) return `Step 0: q = N(0, s₀²I) is the starting guess, ${fmt(num(s.gap), 1)} nats below ln p(D). Press Play to watch BBB fit it, or pick a preset.`;
    const mfGap = num(ref.meanFieldGap), gapTail = num(ref.gapTailMean);
    const sAvg = s.averagedStd.map(num), mfStd = ref.meanFieldStd.map(num), marg = ref.marginalStd.map(num);
    const toMf = ref.averagedStdOverMeanField.map(num), toMarg = ref.averagedStdOverMarginal.map(num);
    const likelihoodOnly = this.valid.objective === 'likelihood';
    if (likelihoodOnly) {
      const worst = Math.max(...toMf);
      if (worst < 0.8) {
        const ratio = Math.max(...s.std.map((v, j) => num(v) / mfStd[j]));
        return `Without the KL term q collapses toward a point mass on w_ML: its stds (${list(s.std)}) are ${fmt(1 / ratio, 1)}× or more below the mean-field optimum 1/√P_jj (${list(mfStd)}) and still shrinking, and the ELBO is ${fmt(num(s.gap), 2)} nats below ln p(D), far above the mean-field floor ${fmt(mfGap, 2)}.`;
      }
      return `Without the KL term q should collapse onto w_ML, but after ${steps} steps its stds (${list(s.std)}) are still near 1/√P_jj (${list(mfStd)}): run longer to see it.`;
    }
    const settled = steps >= Math.min(total, 400) && gapTail - mfGap < 0.25 && toMf.every((r) => Math.abs(r - 1) < 0.15);
    const noise = ref.gradientNoise.map(num);
    const local = this.valid.localReparam === 'on'
      ? ` Local reparameterization: the μ-gradient's spread is ${fmt(noise[1], 2)} against ${fmt(noise[0], 2)} with one shared weight sample${noise[1] < noise[0] ? ', lower, as Kingma, Salimans & Welling (2015) report' : ' — not lower here'}.`
      : '';
    if (!settled) {
      return `Still converging (step ${steps} of ${total}): the ELBO is ${fmt(gapTail, 2)} nats below ln p(D), above the mean-field floor ${fmt(mfGap, 2)}; the stds over 1/√P_jj are ${list(toMf, 2)}.${local}`;
    }
    const correlated = mfStd.some((m, j) => m / marg[j] < 0.9);
    if (!correlated) {
      return `The posterior is nearly uncorrelated here: the mean-field floor is only ${fmt(mfGap, 3)} nats, and the learned stds (${list(sAvg)}) match both 1/√P_jj (${list(mfStd)}) and the true marginal stds (${list(marg)}) — mean field is (almost) exact.${local}`;
    }
    const under = toMarg.every((r) => r < 0.95);
    return `The ELBO settles ${fmt(gapTail, 2)} nats below ln p(D) (mean over the second half of the run), ${fmt(Math.max(0, gapTail - mfGap), 2)} above the mean-field floor ${fmt(mfGap, 2)}, the closest a factorized q like Blundell et al.'s can get. The learned stds (${list(sAvg)}) match 1/√P_jj (${list(mfStd)})${under
      ? ` and are below the true marginal stds (${list(marg)}), ${list(toMarg, 2)} of them: mean field underestimates the variance of correlated weights.`
      : `, but they are not below the true marginal stds (${list(marg)}) here.`}${local}`;
  }

  updateReadout() {
    const s = this.snapshot, ref = this.view?.reference;
    if (!s || !ref) return;
    const stop = s.stopReason === 'diverged' ? ' — <b>diverged</b> (the run stopped: non-finite values)' : '';
    const noise = ref.gradientNoise ?? [];
    this.setReadout(`
      <span>step <b class="r-step">${s.stepsDone}</b> / ${s.totalSteps}${stop}</span>
      <span>ELBO F = <b class="r-elbo">${fmt(num(s.elbo), 4)}</b>, ln p(D) = <b class="r-log-evidence">${fmt(num(ref.logEvidence), 4)}</b> nats</span>
      <span>gap ln p(D) − F = <b class="r-gap">${fmt(num(s.gap), 4)}</b> nats (mean over the last half of the steps <b class="r-gap-tail">${fmt(num(ref.gapTailMean), 4)}</b>; mean-field floor <b class="r-mf-gap">${fmt(num(ref.meanFieldGap), 4)}</b>)</span>
      <span>s<sub>j</sub> = <b class="r-std">${list(s.std)}</b>; 1/√P<sub>jj</sub> = <b class="r-mf-std">${list(ref.meanFieldStd)}</b>; √(P⁻¹)<sub>jj</sub> = <b class="r-marginal-std">${list(ref.marginalStd)}</b></span>
      <span>s²·P<sub>jj</sub> (→ 1) = <b class="r-ratio-mf">${list(ref.varianceRatioMeanField)}</b></span>
      <span>s²/(P⁻¹)<sub>jj</sub> (true marginal) = <b class="r-ratio-marginal">${list(ref.varianceRatioMarginal)}</b></span>
      <span>KL(q‖p) = ${fmt(num(s.klNats), 3)} nats = <b class="r-kl-bits">${fmt(num(s.klBits), 2)}</b> bits</span>
      <span>gradient: ${this.valid.localReparam === 'on' ? 'local reparameterization' : 'one weight sample'}, S = ${this.valid.samplesPerStep}; μ-gradient spread now: one weight sample <b class="r-noise-plain">${fmt(num(noise[0]), 3)}</b>, local <b class="r-noise-local">${fmt(num(noise[1]), 3)}</b></span>`);
    this.setVerdict(this.verdict());
    this.setLive(this.$('.run-note'), s.stepsDone === s.totalSteps && s.stopReason === 'done'
      ? `The whole run (${s.totalSteps} steps) is shown; Reset goes back to step 0 and Play animates it.` : '', 'text');
    this.setLive(this.$('canvas.elbo'), `ELBO gap ln p(D) − F on a log scale: ${fmt(num(s.gap), 3)} nats at step ${s.stepsDone}; mean-field floor ${fmt(num(ref.meanFieldGap), 3)} nats; ln p(D) = ${fmt(num(ref.logEvidence), 3)}.`, 'aria-label');
    this.setLive(this.$('canvas.std'), `Stds of q: ${list(s.std)}; mean-field optimum ${list(ref.meanFieldStd)}; true marginals ${list(ref.marginalStd)}.`, 'aria-label');
    const [i, j] = this.view.axes;
    this.setLive(this.$('.axes-note'), this.view.ellipses.length ? `w${i + 1} vs w${j + 1} of D = ${this.D}` : 'choose two different weights (1 to D)', 'text');
    this.setLive(this.$('canvas.plane'), `Weights w${i + 1} and w${j + 1}: the exact posterior's 2σ ellipse, the mean-field optimum's and q's (axis-aligned) with ${SAMPLES} draws from q at step ${s.stepsDone}.`, 'aria-label');
  }

  /** Public API: the run's history for export. */
  exportData() {
    return { ...super.exportData(), reference: this.view?.reference };
  }
}

if (!customElements.get('noiselab-bbb-linreg')) customElements.define('noiselab-bbb-linreg', NoiselabBbbLinreg);
export { NoiselabBbbLinreg };
