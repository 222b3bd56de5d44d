// The dropout widget's "Regularizer" view: the MC estimate of R(w) over training, and dropout on
// linear regression against least squares, the closed-form minimizer and uniform ridge
// (SCIENCE.md §2.1; Srivastava et al. 2014, sec. 9.1).
import { OKABE_ITO as C } from '../../lib/plot.js';
import { fmt, curvePanel } from './common.js';

/** The regularizer panel (inside the widget's tab panel). */
export const regularizerPanel = (id) => `
        <div class="plot-head"><strong>R(w) = E[loss with masks] − loss at the test-time weights, on the training set</strong></div>
        <canvas class="wide reg-curve" data-panel="reg-curve" role="img" aria-label="explicit regularizer over training"></canvas>
        <div class="legend" data-panel="reg-curve" aria-hidden="true"></div>
        <div class="plot-head"><strong>Linear regression with input dropout (ρ from the settings): where each solution puts the weights</strong></div>
        <canvas class="wide lin-bars" data-panel="lin-bars" role="img" aria-label="weights of least squares, dropout SGD, the closed-form minimizer and uniform ridge"></canvas>
        <div class="legend legend-lin" data-panel="lin-bars" aria-hidden="true"></div>
        <p class="note lin-note"></p>`;

export const RegularizerView = (Base) => class extends Base {
  /** The regularizer view's panels: R(w) over training, and the linear-regression weights. */
  regularizerPanels() {
    const l = this.snapshot.last;
    this.setLive(this.$('canvas.reg-curve'), `Explicit regularizer over training: R = ${fmt(l.regularizer)} ± ${fmt(l.seRegularizer)} for the dropout net, ${fmt(l.plainRegularizer)} ± ${fmt(l.sePlainRegularizer)} for the plain net's weights.`, 'aria-label');
    const reg = curvePanel('reg-curve', 'R(w) = E[loss with masks] − loss at the test-time weights, on the training set', {
      x: this.column('step'), xMax: Number(this.snapshot.totalSteps), xLabel: 'step (iterations)', yLabel: 'R(w) (nats or ½ squared error)', yMin: 0, key: [this.curvesAt],
      series: [
        { label: 'plain net’s weights under the same dropout', y: this.column('plainRegularizer'), colour: C.blue, se: this.column('sePlainRegularizer'), fill: 'rgba(0, 114, 178, 0.18)' },
        { label: 'its second-order R̂', y: this.column('taylorRegularizer'), colour: C.purple, dash: [6, 4], width: 1.8 },
        { label: 'dropout net: MC estimate ± 1 SE', y: this.column('regularizer'), colour: C.vermillion, se: this.column('seRegularizer') },
      ],
    });
    return this.linear ? [reg, this.linearPanel()] : [reg];
  }

  async refreshLinear() {
    const { dropoutRate: rho, seed } = this.valid;
    const key = `${rho}/${seed}`;
    if (this.linear?.key === key) return;
    // The core's linear view (SCIENCE §2.1) at its defaults but for the run's ρ and seed.
    const r = await this.call('linear', { dropoutRate: rho, seed });
    this.linear = { key, r };
  }

  /** Per feature, the weights of least squares, dropout SGD, the closed form and uniform ridge as bars. */
  linearPanel() {
    const r = this.linear.r, D = r.d;
    const groups = [
      { key: 'leastSquares', label: 'least squares (ρ = 0)', colour: '#888888' },
      { key: 'finalAverage', label: 'dropout SGD (average of the iterates after burn-in)', colour: C.vermillion },
      { key: 'minimizer', label: 'closed-form minimizer w* of J + R', colour: C.green },
      { key: 'uniformRidge', label: 'ridge with one uniform penalty of the same mean strength', colour: C.skyBlue },
    ];
    const bw = 1 / (groups.length + 1.5);
    const marks = [];
    for (let j = 0; j < D; j++) {
      groups.forEach((g, i) => {
        const x0 = j + bw * (0.75 + i), w = r[g.key][j];
        marks.push({ type: 'band', label: g.label, fill: g.colour, x: [x0, x0 + 0.9 * bw], lo: [0, 0], hi: [w, w] });
      });
      marks.push({ type: 'text', x: j + 0.5, y: 'bottom', dy: 6, align: 'center', baseline: 'top', colour: '#333', text: `${j + 1}: S = ${r.secondMoments[j].toFixed(2)}` });
    }
    marks.push({ type: 'rule', label: 'true weights', y: 1, colour: '#444', dash: [4, 3] });
    const note = `N = ${r.n} points, D = ${D} features, ρ = ${r.rho}: R(w*) = ${fmt(r.regularizerAtMinimizer, 4)} in closed form, ${fmt(r.enumerated, 4)} by enumerating all 2^${D} masks, ${fmt(r.mc, 4)} ± ${fmt(r.seMc, 4)} by Monte Carlo (40 passes). `
      + `Dropout SGD (α = ${r.config.learningRate}, B = ${r.config.batchSize}, ${r.config.steps.toLocaleString('en')} steps) ends ${fmt(r.distance, 4)} from w* (its iterates keep fluctuating; the average converges). `
      + 'Dropout shrinks each weight by its own feature’s second moment Sⱼ: ridge with penalty λⱼ = ρ/(1−ρ)·Sⱼ, not one uniform penalty.';
    this.$('.lin-note').textContent = r.rho === 0 ? `ρ = 0: no dropout, so all solutions equal least squares. ${note}` : note;
    this.setLive(this.$('canvas.lin-bars'), `Weights per feature: least squares ${Array.from(r.leastSquares, (w) => w.toFixed(2)).join(', ')}; dropout SGD ${Array.from(r.finalAverage, (w) => w.toFixed(2)).join(', ')}; closed form ${Array.from(r.minimizer, (w) => w.toFixed(2)).join(', ')}.`, 'aria-label');
    return {
      id: 'lin-bars', title: 'Linear regression with input dropout: where each solution puts the weights', key: [this.linear],
      x: { label: 'feature j (scale sⱼ from 0.5 to 2; true weight 1 each)', domain: [0, D], ticks: [] },
      y: { label: 'weight wⱼ', domain: [0, 1.1 * Math.max(0, ...groups.flatMap((g) => Array.from(r[g.key])))] }, marks,
    };
  }

  regularizerVerdict() {
    const l = this.snapshot.last, parts = [];
    if (!this.snapshot.stepsDone) parts.push('Step 0: both nets have the same weights, so the same R(w); press Play');
    else if (l.regularizer + 2 * l.seRegularizer < l.plainRegularizer - 2 * l.sePlainRegularizer) parts.push(`R(w) = ${fmt(l.regularizer)} ± ${fmt(l.seRegularizer)} for the dropout net vs ${fmt(l.plainRegularizer)} ± ${fmt(l.sePlainRegularizer)} for the plain net’s weights: training on J + R keeps the penalty small, the net becomes robust to dropped units`);
    else parts.push(`R(w) = ${fmt(l.regularizer)} ± ${fmt(l.seRegularizer)} for the dropout net vs ${fmt(l.plainRegularizer)} ± ${fmt(l.sePlainRegularizer)} for the plain net’s weights: not smaller here`);
    const r = this.linear?.r;
    if (r && r.rho > 0) {
      const dist = (a, b) => Math.sqrt(a.reduce((s2, x, j) => s2 + (x - b[j]) ** 2, 0));
      const toRidge = dist(r.finalAverage, r.uniformRidge);
      parts.push(r.distance < toRidge
        ? `linear regression: dropout SGD lands ${fmt(r.distance, 3)} from w* (ridge with per-feature penalty ρ/(1−ρ)·Sⱼ) and ${fmt(toRidge, 3)} from uniform ridge, as Srivastava et al. derive`
        : `linear regression: dropout SGD lands ${fmt(r.distance, 3)} from w* but ${fmt(toRidge, 3)} from uniform ridge: not resolved here`);
    }
    return `${parts.join('; ')}.`;
  }

  /** The readout's regularizer numbers. */
  regularizerReadout() {
    const l = this.snapshot.last;
    return `<span>R(w) = <b class="r-reg">${fmt(l.regularizer, 4)}</b> ± ${fmt(l.seRegularizer, 4)}</span><span>R̂ (2nd order) <b>${fmt(l.taylorRegularizer, 4)}</b></span><span>plain net’s R = <b class="r-plain-reg">${fmt(l.plainRegularizer, 4)}</b> ± ${fmt(l.sePlainRegularizer, 4)}</span>`
      + (this.linear ? `<span>linear: ‖SGD average − w*‖ = <b class="r-lin-dist">${fmt(this.linear.r.distance, 4)}</b></span>` : '');
  }
};
