// <noiselab-one-epoch>: one epoch of SGD, exactly (Grosse, Lecture 8, last section; Smith,
// Dherin, Barrett & De, ICLR 2021; SCIENCE.md §10). For a handful of points the Rust core
// averages the iterate after one epoch of random shuffling over ALL N! orderings and compares it
// with the modified flow dw/dt = −α∇(J + R), solved by RK4, along a ladder α, α/2, α/4, … .
// The gap to the flow on J alone shrinks like α² (≈ 4× per halving), the gap to the flow on
// J + R like α³ (≈ 8×); a wrong R (no trace term, no (N−B)/(N−1), a 1/(N−1) covariance) is
// only second order. Every number comes from the core; this file only draws. The verdict under
// the readout reads the fitted slopes and says whether they are 3 and 2 (and the wrong R's 2).
//
// Embed: <script type="module" src=".../www/widgets/one-epoch.js"></script>
//        <noiselab-one-epoch model="tanh" learning-rate="0.025"></noiselab-one-epoch>
import { RunWidget } from '../lib/run-widget.js';
import { Figure, OKABE_ITO as C } from '../lib/plot.js';

const CSS = `
.table-scroll { overflow-x: auto; max-width: 100%; }
canvas { aspect-ratio: 16 / 10; }
table.gaps { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; margin-top: 4px; }
table.gaps th, table.gaps td { padding: 3px 8px; white-space: nowrap; text-align: right; border-bottom: 1px solid var(--border); }
table.gaps th:first-child, table.gaps td:first-child { text-align: left; }
`;

const VARIANT_LABEL = {
  noTrace: 'wrong R: no tr C term',
  noFactor: 'wrong R: no (N−B)/(N−1)',
  sampleCovariance: 'wrong R: 1/(N−1) covariance',
};
const SERIES = [
  { key: 'flowJ', label: 'flow on J (R = 0)', short: 'J', colour: C.orange, dash: [], marker: 'circle' },
  { key: 'flowJr', label: 'flow on J + R (Smith et al.)', short: 'J + R', colour: C.blue, dash: [], marker: 'square' },
  { key: 'flowVariant', label: 'wrong R', short: 'wrong R', colour: C.green, dash: [6, 4], marker: 'triangle' },
];
const GUIDE = 'rgba(0, 0, 0, 0.45)';
const TITLE = 'Mean SGD iterate after one epoch vs the modified flow';

const exp = (v) => (Number.isFinite(v) ? v.toExponential(2) : '—');
const num = (v, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const alphaText = (a) => (Number.isFinite(a) ? String(Number(a.toPrecision(4))) : '—');

/** Short names of the wrong regularizers for the verdict. */
const VARIANT_SHORT = {
  noTrace: 'R without its tr C term',
  noFactor: 'R without (N−B)/(N−1)',
  sampleCovariance: 'R with a 1/(N−1) covariance',
};

class NoiselabOneEpoch extends RunWidget {
  static css = CSS;
  static runControls = false;
  // The wrong regularizers of SCIENCE.md §10 and the cases where the "wrong" one is right
  // (slopes measured with the CLI at seeds 12, 1 and 2).
  static presets = [
    {
      name: 'no-factor',
      label: 'Wrong R: no (N−B)/(N−1) factor',
      settings: { variant: 'noFactor' },
      note: 'Without the finite-population factor the trace term is 3/2 too large at B = 2 of N = 4, and the gap falls back to slope 2 (1.96): only the exact R makes the epoch third order.',
    },
    {
      name: 'sample-covariance',
      label: 'Wrong R: 1/(N−1) covariance',
      settings: { variant: 'sampleCovariance' },
      note: 'C must be the population covariance (1/N). With the sample covariance (1/(N−1)) the gap shrinks only like α² (slope 1.94).',
    },
    {
      name: 'batch-1-no-factor',
      label: 'B = 1: the factor is 1 (no difference)',
      settings: { batchSize: 1, variant: 'noFactor' },
      note: 'At B = 1, (N−B)/(N−1) = 1, so leaving the factor out changes nothing: the "wrong" curve lies on the correct one, slope 3.',
    },
    {
      name: 'tanh',
      label: 'Tanh 2-3-1 net on 6 points',
      settings: { model: 'tanh', trainPoints: 6, learningRate: 0.025, halvings: 3 },
      note: 'A nonlinear net with squared loss over all 720 orderings: the gap to J + R is third order here too (slope 2.96, shrink 7.6–7.9× per halving) once α ≤ 0.025.',
    },
  ];

  renderFigure() {
    return `
      <div class="plot-head"><strong>${TITLE}</strong><span>log–log</span></div>
      <canvas data-panel="gaps" class="gaps" role="img" aria-label="gap between the mean SGD epoch iterate and the flows, against the learning rate"></canvas>
      <div class="legend" aria-hidden="true"></div>
      <div class="table-scroll" tabindex="0" role="group" aria-label="table of the gaps for every learning rate"><table class="gaps" aria-label="gaps between the mean SGD epoch iterate and each flow"><thead></thead><tbody></tbody></table></div>`;
  }

  async onReady() {
    this.figure = new Figure(this);
    this.figure.draw();
  }

  async onApplied() { await this.compute(); }

  /** The result of the settings just applied: the verdict reads its variant, B and N. */
  onFrame() {
    this.variant = this.valid.variant;
    this.batchSize = Number(this.valid.batchSize);
    this.trainPoints = Number(this.valid.trainPoints);
    super.onFrame();
  }

  draw() { if (this.result) this.figure?.draw(); }

  series() {
    const r = this.result;
    return SERIES.filter((s) => r[s.key]).map((s) => ({
      ...s,
      label: s.key === 'flowVariant' ? VARIANT_LABEL[this.variant] ?? s.label : s.label,
      data: r[s.key],
    }));
  }

  /**
   * Public API: the figure as data (www/lib/plot.js): one log–log panel, the gap to each flow
   * against α (with markers), and dotted reference slopes 2 and 3 a factor 3 below the J and
   * J + R curves at the smallest α, labelled in the right margin.
   */
  scene() {
    const r = this.result;
    if (!r) return null;
    const a = r.learningRates, aLo = Math.min(...a), aHi = Math.max(...a);
    const guides = [{ slope: 2, at: r.flowJ.gaps.at(-1) / 3 }, { slope: 3, at: r.flowJr.gaps.at(-1) / 3 }].filter((g) => g.at > 0);
    const guideY = (g, alpha) => g.at * (alpha / aLo) ** g.slope;
    return {
      title: 'One epoch of SGD vs the modified flow (Smith, Dherin, Barrett & De, ICLR 2021)',
      caption: this.verdictText(),
      panels: [{
        id: 'gaps', title: TITLE, margin: { right: 64 },
        x: { label: 'learning rate α (log scale)', scale: 'log', domain: [aLo / 1.15, aHi * 1.15], ticks: a }, // every rung of the ladder
        y: { label: '‖w̄_SGD − w_flow‖ (log scale)', short: '‖w̄_SGD − w_flow‖', scale: 'log', pad: 0.04 },
        marks: [
          ...this.series().map((s) => ({ type: 'line', label: s.label, colour: s.colour, dash: s.dash, width: 2.5, markers: s.marker, x: a, y: s.data.gaps })),
          ...guides.flatMap((g) => [
            { type: 'line', label: 'reference slopes 2 and 3', colour: GUIDE, width: 1.25, dash: [2, 4], x: [aLo, aHi], y: [guideY(g, aLo), guideY(g, aHi)] },
            { type: 'text', x: aHi, y: guideY(g, aHi), dx: 8, text: `slope ${g.slope}` },
          ]),
        ],
      }],
    };
  }

  updateReadout() {
    const r = this.result;
    const series = this.series();
    const mean = (v) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN);
    const cls = { flowJ: 'j', flowJr: 'jr', flowVariant: 'variant' };
    this.$('table.gaps thead').innerHTML = `<tr><th>α</th>${series.map((s) => `<th>gap to ${s.short}</th><th>shrink</th>`).join('')}<th>‖w̄_SGD − w₀‖</th></tr>`;
    this.$('table.gaps tbody').innerHTML = r.learningRates.map((alpha, i) => `<tr><td>${alphaText(alpha)}</td>` +
      series.map((s) => `<td>${exp(s.data.gaps[i])}</td><td>${i ? `${num(s.data.shrink[i - 1])}×` : ''}</td>`).join('') +
      `<td>${exp(r.displacement[i])}</td></tr>`).join('');
    const parts = series.map((s) => `<span>${s.label}: slope <b class="r-slope-${cls[s.key]}">${num(s.data.slope)}</b>, shrink per halving <b class="r-shrink-${cls[s.key]}">${num(mean(s.data.shrink))}</b>×</span>`);
    this.setReadout(`${parts.join('')}
      <span>N! = <b class="r-orderings">${r.orderings}</b> orderings, m = <b class="r-steps">${r.stepsPerEpoch}</b> steps per epoch</span>
      <span>at α = ${alphaText(r.learningRates[0])}: R = <b class="r-a">${num(r.coefficients[0], 4)}</b>‖∇J‖² + <b class="r-c">${num(r.coefficients[1], 4)}</b> tr C</span>
      ${r.finite ? '' : '<span class="warn">some numbers are not finite: lower α</span>'}`);
    this.setVerdict(this.verdictText());
    this.setLive(this.$('canvas.gaps'), `Log–log plot of the gap between the mean SGD iterate after one epoch (over all ${r.orderings} orderings) and each flow, against α from ${alphaText(r.learningRates.at(-1))} to ${alphaText(r.learningRates[0])}: ` +
      series.map((s) => `${s.label}, fitted slope ${num(s.data.slope)}`).join('; ') + '.', 'aria-label');
  }

  /**
   * One sentence from the fitted slopes (Smith et al. 2021; SCIENCE.md §10): the gap to the
   * flow on J + R should shrink like α³ and the gap to the flow on J like α², and a wrong R
   * should fall back to α². Says what the slopes show instead when they do not.
   */
  verdictText() {
    const r = this.result;
    if (!r) return '';
    const sJ = r.flowJ.slope, sR = r.flowJr.slope;
    const mean = (v) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN);
    if (!r.finite || !Number.isFinite(sJ) || !Number.isFinite(sR)) return 'Some gaps are not finite at these learning rates, so there is no slope to read: lower α.';
    const head = `The gap to the flow on J + R shrinks like α^${num(sR)} (${num(mean(r.flowJr.shrink), 1)}× per halving), the gap to the flow on J like α^${num(sJ)} (${num(mean(r.flowJ.shrink), 1)}×)`;
    const third = Math.abs(sR - 3) <= 0.15 && Math.abs(sJ - 2) <= 0.15;
    let out = third
      ? `${head}: the mean SGD iterate after one epoch follows the modified flow on J + R to third order, as Smith et al. show`
      : `${head}, not 3 and 2: at these α the ladder is not in the small-α regime of Smith et al.'s expansion (lower α or add halvings)`;
    const v = r.flowVariant;
    if (v && Number.isFinite(v.slope)) {
      const name = VARIANT_SHORT[this.variant] ?? 'the wrong R';
      const same = v.gaps.every((g, i) => Math.abs(g - r.flowJr.gaps[i]) <= 1e-9 * Math.abs(r.flowJr.gaps[i]));
      const why = this.variant === 'noFactor' && this.batchSize === 1 ? ' (at B = 1, (N−B)/(N−1) = 1)'
        : this.variant === 'noTrace' && this.batchSize === this.trainPoints ? ' (at B = N there is no trace term)' : '';
      if (same) out += `; ${name} is the correct R here${why}, so its curve lies on the J + R curve.`;
      else if (v.slope < sR - 0.5) out += `; ${name} falls back to α^${num(v.slope)}, second order like R = 0.`;
      else out += `; ${name} reaches α^${num(v.slope)} too, so at these settings this slope does not tell it from the correct R.`;
    } else {
      out += '.';
    }
    return out;
  }

  /** Public API: the gaps for export. */
  exportData() {
    if (!this.result) return super.exportData();
    const r = this.result;
    const history = r.learningRates.map((alpha, i) => [alpha, r.flowJ.gaps[i], r.flowJr.gaps[i], r.flowVariant ? r.flowVariant.gaps[i] : NaN, r.displacement[i]]);
    return {
      ...this.exportHead(), result: r,
      historyFields: ['learningRate', 'gapFlowJ', 'gapFlowJR', 'gapFlowVariant', 'displacement'],
      history,
    };
  }
}

if (!customElements.get('noiselab-one-epoch')) customElements.define('noiselab-one-epoch', NoiselabOneEpoch);
export { NoiselabOneEpoch };
