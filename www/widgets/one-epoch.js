// <noiselab-one-epoch>: one epoch of SGD, exactly (Grosse, Lecture 8, last section; Smith,
// Dherin, Barrett & De, ICLR 2021; SCIENCE.md §10). For a handful of points the Rust core
// averages the iterate after one epoch of random shuffling over ALL N! orderings and compares it
// with the modified flow dw/dt = −α∇(J + R), solved by RK4, along a ladder α, α/2, α/4, … .
// The gap to the flow on J alone shrinks like α² (≈ 4× per halving), the gap to the flow on
// J + R like α³ (≈ 8×); a wrong R (no trace term, no (N−B)/(N−1), a 1/(N−1) covariance) is
// only second order. Every number comes from the core; this file only draws. The verdict under
// the readout reads the fitted slopes and says whether they are 3 and 2 (and the wrong R's 2).
// `sampling = iid` (SCIENCE.md §10, "Pitfall") averages over i.i.d. minibatches instead (all
// C(N,B)^m batch sequences): then the mean iterate follows J + (α/4)‖∇J‖² (no tr C term) to third
// order and Smith et al.'s R only to second. The second panel always shows both schemes' gaps to
// those two flows, and the readout names the regularizer each scheme's slopes imply.
//
// Embed: <script type="module" src=".../www/widgets/one-epoch.js"></script>
//        <noiselab-one-epoch model="tanh" learning-rate="0.025"></noiselab-one-epoch>
import { RunWidget } from '../lib/run-widget.js';
import { OKABE_ITO as C } from '../lib/plot.js';

const CSS = `
.table-scroll { overflow-x: auto; max-width: 100%; }
canvas { aspect-ratio: 16 / 10; }
canvas.schemes { aspect-ratio: 16 / 8; }
.r-implied { display: block; }
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
const SCHEMES_TITLE = 'Which regularizer each sampling scheme implies';
const SAMPLING = { reshuffle: 'random reshuffling', iid: 'i.i.d. batches' };
const NT = 'J + (α/4)‖∇J‖²';
/** The second panel's four curves: per scheme, the gap to J + R (blue) and to J + (α/4)‖∇J‖² (vermillion). */
const SCHEME_SERIES = [
  { scheme: 'reshuffle', key: 'flowJr', flow: 'J + R', colour: C.blue, dash: [], marker: 'square' },
  { scheme: 'reshuffle', key: 'flowNoTrace', flow: NT, colour: C.vermillion, dash: [], marker: 'diamond' },
  { scheme: 'iid', key: 'flowJr', flow: 'J + R', colour: C.blue, dash: [5, 4], marker: 'triangle' },
  { scheme: 'iid', key: 'flowNoTrace', flow: NT, colour: C.vermillion, dash: [5, 4], marker: 'circle' },
];

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
    {
      name: 'iid',
      label: 'I.i.d. batches: no trace term',
      settings: { sampling: 'iid' },
      note: 'Each step draws a fresh uniform batch of B (all 36 sequences of one epoch at N = 4, B = 2). The mean iterate now follows J + (α/4)‖∇J‖², full-batch GD\'s modified loss: slope 3.01 (8.0–8.2× per halving) to that flow, only 1.99 (≈ 4×) to J + R. The trace term comes from sampling without replacement within an epoch.',
    },
  ];

  renderFigure() {
    return `
      <div class="plot-head"><strong>${TITLE}</strong><span>log–log</span></div>
      <canvas data-panel="gaps" class="gaps" role="img" aria-label="gap between the mean SGD epoch iterate and the flows, against the learning rate"></canvas>
      <div class="legend" aria-hidden="true"></div>
      <div class="plot-head"><strong>${SCHEMES_TITLE}</strong><span>log–log, both schemes</span></div>
      <canvas data-panel="schemes" class="schemes" role="img" aria-label="gap of each sampling scheme's mean epoch iterate to the flows on J + R and on J + (α/4)‖∇J‖², against the learning rate"></canvas>
      <div class="legend" data-panel="schemes" aria-hidden="true"></div>
      <div class="table-scroll" tabindex="0" role="group" aria-label="table of the gaps for every learning rate"><table class="gaps" aria-label="gaps between the mean SGD epoch iterate and each flow"><thead></thead><tbody></tbody></table></div>`;
  }

  async onReady() {
    await super.onReady();
    // What the two matrix settings hold when empty (the generic placeholder shows a 2 × 2 example).
    const hint = { points: 'empty: the six built-in points; e.g. 1 0.5 1; −0.3 1.2 0; 0.8 −1 1; −1.1 −0.4 0', initialWeights: 'empty: seeded; e.g. 0.6 −0.4 0.1' };
    for (const [name, text] of Object.entries(hint)) if (this.controls?.[name]?.box) this.controls[name].box.placeholder = text;
  }

  async onApplied() { await this.compute(); }

  /** The result of the settings just applied: the verdict reads its variant, B and N. */
  onFrame() {
    this.variant = this.valid.variant;
    this.sampling = this.valid.sampling ?? 'reshuffle';
    this.batchSize = Number(this.valid.batchSize);
    this.trainPoints = Number(this.valid.trainPoints);
    super.onFrame();
  }

  /** The first panel's curves: J, J + R and the wrong R (with i.i.d. batches the "wrong" no-trace R is the right one). */
  series() {
    const r = this.result;
    const iid = r.sampling === 'iid';
    return SERIES.filter((s) => r[s.key]).map((s) => ({
      ...s,
      label: s.key !== 'flowVariant' ? s.label
        : iid && this.variant === 'noTrace' ? `flow on ${NT} (no tr C)` : VARIANT_LABEL[this.variant] ?? s.label,
      data: r[s.key],
    }));
  }

  /** Both schemes' results: { reshuffle, iid }, each with flowJ, flowJr, flowNoTrace, orderings. */
  schemes() {
    const r = this.result;
    const own = { flowJ: r.flowJ, flowJr: r.flowJr, flowNoTrace: r.flowNoTrace, orderings: r.orderings, displacement: r.displacement };
    return { [r.sampling]: own, [r.comparison.sampling]: r.comparison };
  }

  schemeSeries() {
    const sc = this.schemes();
    return SCHEME_SERIES.map((s) => ({ ...s, label: `${SAMPLING[s.scheme]}: gap to ${s.flow}`, data: sc[s.scheme][s.key] }));
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
    // The slope-3 guide sits under the flow the scheme follows to third order (J + R for
    // reshuffling, J + (α/4)‖∇J‖² for i.i.d. batches).
    const third = r.sampling === 'iid' ? r.flowNoTrace : r.flowJr;
    const guides = [{ slope: 2, at: r.flowJ.gaps.at(-1) / 3 }, { slope: 3, at: third.gaps.at(-1) / 3 }].filter((g) => g.at > 0);
    const guideY = (g, alpha) => g.at * (alpha / aLo) ** g.slope;
    return {
      title: 'One epoch of SGD vs the modified flow (Smith, Dherin, Barrett & De, ICLR 2021)',
      caption: `${this.verdictText()} ${this.impliedText()}`,
      panels: [{
        id: 'gaps', title: `${TITLE} (${SAMPLING[r.sampling]})`, margin: { right: 64 },
        x: { label: 'learning rate α (log scale)', scale: 'log', domain: [aLo / 1.15, aHi * 1.15], ticks: a }, // every rung of the ladder
        y: { label: '‖w̄_SGD − w_flow‖ (log scale)', short: '‖w̄_SGD − w_flow‖', scale: 'log', pad: 0.04 },
        marks: [
          ...this.series().map((s) => ({ type: 'line', label: s.label, colour: s.colour, dash: s.dash, width: 2.5, markers: s.marker, x: a, y: s.data.gaps })),
          ...guides.flatMap((g) => [
            { type: 'line', label: 'reference slopes 2 and 3', colour: GUIDE, width: 1.25, dash: [2, 4], x: [aLo, aHi], y: [guideY(g, aLo), guideY(g, aHi)] },
            { type: 'text', x: aHi, y: guideY(g, aHi), dx: 8, text: `slope ${g.slope}` },
          ]),
        ],
      }, {
        id: 'schemes', title: SCHEMES_TITLE, margin: { right: 64 },
        x: { label: 'learning rate α (log scale)', scale: 'log', domain: [aLo / 1.15, aHi * 1.15], ticks: a },
        y: { label: '‖w̄ − w_flow‖ (log scale)', short: '‖w̄ − w_flow‖', scale: 'log', pad: 0.04 },
        // Reshuffling wide and solid under i.i.d.'s narrow dashes: where a second-order curve of
        // one scheme lies on the other's, both stay visible.
        marks: [
          ...this.schemeSeries().map((s) => ({ type: 'line', label: s.label, colour: s.colour, dash: s.dash, width: s.dash.length ? 1.75 : 3.25, markers: s.marker, x: a, y: s.data.gaps })),
          ...this.slopeLabels(aHi),
        ],
      }],
    };
  }

  /**
   * Text in the right margin of the schemes panel: the fitted slope at the end of each curve (to
   * one decimal; the readout has two), curves ending within a factor 1.6 of each other (3 when
   * their labels agree) sharing one label with their mean slope.
   */
  slopeLabels(aHi) {
    const ends = this.schemeSeries().map((s) => ({ y: s.data.gaps[0], slope: s.data.slope }))
      .filter((e) => e.y > 0 && Number.isFinite(e.slope)).sort((p, q) => q.y - p.y);
    const groups = [];
    for (const e of ends) {
      const g = groups.at(-1);
      // Ends within 1.6× share a label; so do ends within 3× whose labels would read the same.
      if (g && (g.y / e.y < 1.6 || (g.y / e.y < 3 && num(g.slopes[0], 1) === num(e.slope, 1)))) g.slopes.push(e.slope);
      else groups.push({ y: e.y, slopes: [e.slope] });
    }
    return groups.map((g) => ({ type: 'text', x: aHi, y: g.y, dx: 8, text: `slope ${num(g.slopes.reduce((p, q) => p + q) / g.slopes.length, 1)}` }));
  }

  /**
   * The regularizer each scheme's slopes imply (SCIENCE.md §10 and its "Pitfall"): third order
   * (slope ≥ 2.7) to one of the two flows and second order (< 2.4) to the other names it; at
   * B = N (no trace term) the two flows coincide; otherwise the slopes do not decide.
   */
  implied(scheme) {
    const s = this.schemes()[scheme];
    const jr = s.flowJr.slope, nt = s.flowNoTrace.slope;
    const slopes = `α^${num(jr)} to J + R, α^${num(nt)} to ${NT}`;
    if (this.result.coefficients[1] === 0) return { code: 'same', text: `${slopes}: at B = N there is no tr C term, the two flows coincide` };
    if (jr >= 2.7 && nt < 2.4) return { code: 'jr', text: `${slopes}: follows J + R, Smith et al.'s R with its tr C term` };
    if (nt >= 2.7 && jr < 2.4) return { code: 'nt', text: `${slopes}: follows ${NT}, no tr C term (full-batch GD's regularizer)` };
    return { code: 'unclear', text: `${slopes}: neither is clearly third order at these α` };
  }

  impliedText() {
    if (!this.result) return '';
    return `Random reshuffling: ${this.implied('reshuffle').text}. I.i.d. batches: ${this.implied('iid').text}.`;
  }

  updateReadout() {
    const r = this.result;
    // The no-trace flow J + (α/4)‖∇J‖² is the variant noTrace; otherwise it is a column of its own.
    const ntIsVariant = this.variant === 'noTrace';
    const series = this.series();
    const columns = ntIsVariant ? series : [...series, { key: 'flowNoTrace', short: NT, label: `flow on ${NT}`, data: r.flowNoTrace }];
    const mean = (v) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN);
    const cls = { flowJ: 'j', flowJr: 'jr', flowVariant: ntIsVariant ? 'variant r-slope-nt' : 'variant', flowNoTrace: 'nt' };
    const shrinkCls = { flowJ: 'j', flowJr: 'jr', flowVariant: ntIsVariant ? 'variant r-shrink-nt' : 'variant', flowNoTrace: 'nt' };
    this.$('table.gaps thead').innerHTML = `<tr><th>α</th>${columns.map((s) => `<th>gap to ${s.short}</th><th>shrink</th>`).join('')}<th>‖w̄_SGD − w₀‖</th></tr>`;
    this.$('table.gaps tbody').innerHTML = r.learningRates.map((alpha, i) => `<tr><td>${alphaText(alpha)}</td>` +
      columns.map((s) => `<td>${exp(s.data.gaps[i])}</td><td>${i ? `${num(s.data.shrink[i - 1])}×` : ''}</td>`).join('') +
      `<td>${exp(r.displacement[i])}</td></tr>`).join('');
    const parts = columns.map((s) => `<span>${s.label}: slope <b class="r-slope-${cls[s.key]}">${num(s.data.slope)}</b>, shrink per halving <b class="r-shrink-${shrinkCls[s.key]}">${num(mean(s.data.shrink))}</b>×</span>`);
    const count = r.sampling === 'iid'
      ? `C(N,B)^m = <b class="r-orderings">${r.orderings}</b> i.i.d. batch sequences`
      : `N! = <b class="r-orderings">${r.orderings}</b> orderings`;
    const imp = (k) => this.implied(k);
    this.setReadout(`${parts.join('')}
      <span>${count}, m = <b class="r-steps">${r.stepsPerEpoch}</b> steps per epoch</span>
      <span class="r-implied">mean iterate with random reshuffling — <span class="r-implied-reshuffle" data-code="${imp('reshuffle').code}">${imp('reshuffle').text}</span></span>
      <span class="r-implied">mean iterate with i.i.d. batches — <span class="r-implied-iid" data-code="${imp('iid').code}">${imp('iid').text}</span></span>
      <span>Smith et al.'s R at α = ${alphaText(r.learningRates[0])}: R = <b class="r-a">${num(r.coefficients[0], 4)}</b>‖∇J‖² + <b class="r-c">${num(r.coefficients[1], 4)}</b> tr C</span>
      ${r.finite ? '' : '<span class="warn">some numbers are not finite: lower α</span>'}`);
    this.setVerdict(this.verdictText());
    this.setLive(this.$('canvas.gaps'), `Log–log plot of the gap between the mean SGD iterate after one epoch (${SAMPLING[r.sampling]}, over all ${r.orderings} index sequences) and each flow, against α from ${alphaText(r.learningRates.at(-1))} to ${alphaText(r.learningRates[0])}: ` +
      series.map((s) => `${s.label}, fitted slope ${num(s.data.slope)}`).join('; ') + '.', 'aria-label');
    this.setLive(this.$('canvas.schemes'), `Log–log plot of both sampling schemes' gaps: ${this.impliedText()}`, 'aria-label');
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
    if (r.sampling === 'iid') return this.iidVerdict();
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

  /**
   * The verdict for i.i.d. batches (SCIENCE.md §10, "Pitfall"): the gap to the flow on
   * J + (α/4)‖∇J‖² should shrink like α³ and the gap to the flow on J + R like α².
   */
  iidVerdict() {
    const r = this.result;
    const sN = r.flowNoTrace.slope, sR = r.flowJr.slope;
    const mean = (v) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN);
    if (!Number.isFinite(sN)) return 'Some gaps are not finite at these learning rates, so there is no slope to read: lower α.';
    if (r.coefficients[1] === 0) return `With B = N every i.i.d. batch is the full batch and R has no tr C term: the gap to the flow on ${NT} shrinks like α^${num(sN)} (${num(mean(r.flowNoTrace.shrink), 1)}× per halving), full-batch GD's modified loss.`;
    const head = `The gap to the flow on ${NT} shrinks like α^${num(sN)} (${num(mean(r.flowNoTrace.shrink), 1)}× per halving), the gap to the flow on J + R like α^${num(sR)} (${num(mean(r.flowJr.shrink), 1)}×)`;
    return Math.abs(sN - 3) <= 0.15 && Math.abs(sR - 2) <= 0.15
      ? `${head}: with i.i.d. batches the mean iterate follows ${NT}, full-batch GD's modified loss, with no tr C term; Smith et al.'s R is for random reshuffling.`
      : `${head}, not 3 and 2: at these α the ladder is not in the small-α regime of the expansion (lower α or add halvings).`;
  }

  /** Public API: the gaps for export. */
  exportData() {
    if (!this.result) return super.exportData();
    const r = this.result;
    const c = r.comparison;
    const history = r.learningRates.map((alpha, i) => [alpha, r.flowJ.gaps[i], r.flowJr.gaps[i], r.flowVariant ? r.flowVariant.gaps[i] : NaN, r.displacement[i],
      r.flowNoTrace.gaps[i], c.flowJ.gaps[i], c.flowJr.gaps[i], c.flowNoTrace.gaps[i], c.displacement[i]]);
    return {
      // The result without the worker's reply fields (ok, errors, created, settings: the
      // settings are the export's own).
      ...this.exportHead(), result: Object.fromEntries(Object.entries(r).filter(([k]) => !['ok', 'errors', 'created', 'settings'].includes(k))),
      // The CLI's CSV columns (crates/cli/src/one_epoch.rs).
      historyFields: ['learningRate', 'gapFlowJ', 'gapFlowJR', 'gapFlowVariant', 'displacement', 'gapFlowNoTrace',
        'comparisonGapFlowJ', 'comparisonGapFlowJR', 'comparisonGapFlowNoTrace', 'comparisonDisplacement'],
      history,
    };
  }
}

if (!customElements.get('noiselab-one-epoch')) customElements.define('noiselab-one-epoch', NoiselabOneEpoch);
export { NoiselabOneEpoch };
