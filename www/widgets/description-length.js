// <noiselab-description-length>: Bayes by Backprop on a 2-D logistic regression, read as a
// description length (Grosse, Lecture 8, "Description Length Regularization"; Blundell et al.
// 2015; SCIENCE.md §4). Over training: the ELBO and its two terms, KL(q‖p) in nats and bits, and
// two PAC-Bayes bounds (McAllester; Langford–Seeger, in Dziugaite & Roy's 2017 forms) on the
// stochastic classifier's error next to its measured test error. A sweep over the prior
// variance η (run in the worker, with progress) shows the bound's trade-off. All numbers from Rust.
//
// The claim (Lecture 8, "Description Length Regularization"; Hinton & van Camp 1993; Dziugaite &
// Roy 2017): −F/ln 2 = KL(q‖p) bits (the weights) + −E_q log₂ p(D|w) bits (the labels) is a
// description length, and a prior matched to the scale of the solution gives the shortest one:
// a prior too tight keeps KL small but q cannot fit (the labels cost more bits, the error rises),
// a prior too broad fits as well but pays more bits for the weights. The PAC-Bayes bound, which
// adds KL/N to the training error, is lowest near the same η. The sweep runs by itself at boot
// (issue 17: it was empty until a button was pressed) over η = 10^(−3) … 10², half a decade
// apart. Default N = 50 (at N = 200 the few bits of a 2-D weight vector are small beside
// ln(N/δ) and the bounds stayed within 0.43–0.46): at seeds 1, 2, 3 the shortest code is at
// η ≈ 1–3 (41.4, 36.5, 33.9 bits), the η = 0.001 prior costs 8–16 bits more in labels (test
// error ≈ 0.42 vs 0.22), and the Langford–Seeger bound runs 0.71 → 0.56 → 0.61 at seed 1.
// KL alone is not monotone in η: a prior just too tight to hold the weights pays the most bits.
//
// Embed: <script type="module" src=".../www/widgets/description-length.js"></script>
//        <noiselab-description-length prior-variance="1" data-points="200"></noiselab-description-length>
import { RunWidget } from '../lib/run-widget.js';
import { OKABE_ITO as C } from '../lib/plot.js';

const CSS = `
.grid4 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; }
.grid3 { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 10px; }
@media (max-width: 900px) { .grid3 { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
@media (max-width: 700px) { .grid4, .grid3 { grid-template-columns: minmax(0, 1fr); } }
.section-head { font-size: 14px; margin: 10px 0 4px; }
canvas { aspect-ratio: 3 / 2; }
.progress { font-size: 13px; color: var(--muted); min-height: 1.3em; }
`;

// The Rust core's sweep (bbb_logreg::SWEEP_LO/HI/COUNT; the CLI's too): 11 values, half a decade apart.
const SWEEP = { lo: 0.001, hi: 100, count: 11 };
// The sweep starts by itself up to N × steps × S = 2.4M per run (8× the defaults' 300k; about a
// second per run in WebAssembly); larger ones wait for the button.
const AUTO_SWEEP_COST = 2_400_000;
const fmt = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');
// One colour per quantity across the five panels: black the ELBO / total code length (−F), blue
// the likelihood term / the labels' code length, green KL, purple the Gibbs classifier's errors.
const SERIES = {
  elbo: { label: 'ELBO F(q)', colour: '#111', dash: [] },
  ell: { label: 'E_q ln p(D|w)', colour: C.blue, dash: [7, 4] },
  kl: { label: 'KL(q‖p) bits', colour: C.green, dash: [] },
  klSweep: { label: 'KL(q‖p): bits for the weights', colour: C.green, dash: [] },
  data: { label: '−E_q log₂ p(D|w): bits for the labels', colour: C.blue, dash: [7, 4] },
  total: { label: 'total description length −F/ln 2', colour: '#111', dash: [] },
  train: { label: 'training error (stochastic)', colour: C.purple, dash: [3, 3] },
  test: { label: 'test error (stochastic)', colour: C.purple, dash: [] },
  mca: { label: 'McAllester bound', colour: C.vermillion, dash: [7, 4] },
  ls: { label: 'Langford–Seeger bound', colour: C.orange, dash: [] },
};
// The five panels: title (above the canvas and in the export) and text alternative.
const PANELS = {
  sweep: { title: 'Description length against η (bits)', aria: 'description length in bits against the prior variance' },
  'sweep-error': { title: 'Error and PAC-Bayes bounds against η', aria: 'bounds and errors against the prior variance' },
  elbo: { title: 'ELBO and its likelihood term (nats)', aria: 'ELBO over training' },
  kl: { title: 'KL(q‖p): bits for the weights', aria: 'KL in bits over training' },
  bounds: { title: 'Error of the stochastic classifier and PAC-Bayes bounds', aria: 'errors and bounds over training' },
};
const panelHtml = (id) => `<div><div class="plot-head"><strong>${PANELS[id].title}</strong></div><canvas data-panel="${id}" class="${id}" role="img" aria-label="${PANELS[id].aria}"></canvas><div class="legend" data-panel="${id}" aria-hidden="true"></div></div>`;
// The sweep's x axis (η, log) and each panel's curves: [series, field of a history row or of a
// sweep point's evaluation].
const ETA_AXIS = { label: 'prior variance η', scale: 'log', domain: [SWEEP.lo, SWEEP.hi] };
const ERRORS = [['train', 'trainError'], ['test', 'testError'], ['mca', 'mcallesterBound'], ['ls', 'langfordSeegerBound']];
const CURVES = {
  sweep: [['total', 'descriptionLengthBits'], ['data', 'dataBits'], ['klSweep', 'klBits']],
  'sweep-error': ERRORS,
  elbo: [['elbo', 'elbo'], ['ell', 'expectedLogLikelihood']],
  kl: [['kl', 'klBits']],
  bounds: ERRORS,
};
const line = (k, x, y, extra) => ({ type: 'line', ...SERIES[k], width: 2.2, x, y, ...extra });

class NoiselabDescriptionLength extends RunWidget {
  static css = CSS;
  static tickSteps = 15;
  static buttons = [{ name: 'sweep', label: 'Re-run the η sweep', title: `Train again to the end at ${SWEEP.count} prior variances from ${SWEEP.lo} to ${SWEEP.hi} (the sweep runs by itself when the data change)` }];
  static presets = [
    { name: 'larger-weights', label: 'Larger weights (4, −2): the matched prior moves out', settings: { trueWeight1: 4, trueWeight2: -2 },
      note: 'The solution is larger (|w|² ≈ 20), so the prior that gives the shortest code moves out to η ≈ 10: the matched prior follows the scale of the weights.' },
    { name: 'no-signal', label: 'No signal (w = 0): the tightest prior wins', settings: { trueWeight1: 0, trueWeight2: 0 },
      note: 'Labels are coin flips: there is nothing worth describing, so every bit spent on the weights is wasted and the tightest prior gives the shortest code. The counterpoint: “matched to the solution” here means η → 0.' },
    { name: 'more-points', label: 'N = 200 (bits small beside ln(N/δ))', settings: { dataPoints: 200 },
      note: 'The old default: the bound is tighter (about 0.43), but a 2-D weight vector costs a few bits against ln(N/δ) ≈ 8 nats, so the bound hardly moves with η (0.43–0.46); the code length still has its minimum at the matched prior.' },
  ];

  renderFigure() {
    return `
      <div class="section-head"><strong>Prior-variance sweep</strong>: each point is q trained to the end with prior N(0, ηI); the dashed line marks the η of the run below.</div>
      <div class="grid4">${panelHtml('sweep')}${panelHtml('sweep-error')}</div>
      <div class="progress" role="status" aria-live="polite">The sweep starts when the widget is on screen.</div>
      <div class="section-head"><strong>Training at the chosen η</strong></div>
      <div class="grid3">${panelHtml('elbo')}${panelHtml('kl')}${panelHtml('bounds')}</div>`;
  }

  async onApplied(changed, initial) {
    await super.onApplied(changed, initial);
    // The sweep belongs to the other settings: any change but the prior variance invalidates it.
    // It runs by itself (not awaited: the run above is drawn at once, the sweep fills in) unless
    // it is large: a sweep of 11 runs of N = 5000 × 20000 steps would keep the worker busy for
    // minutes (in slices, so the widget's own run still answers); that one waits for the button.
    if (initial || changed.some((n) => n !== 'priorVariance')) {
      const v = this.valid, cost = v.dataPoints * v.steps * v.samplesPerStep;
      if (cost <= AUTO_SWEEP_COST) this.runSweep().catch((err) => this.fail(err));
      else {
        this.sweepToken = (this.sweepToken ?? 0) + 1;
        this.sweepData = [];
        this.sweepDone = false;
        this.setVerdict('');
        this.setProgress(`This sweep is large (${SWEEP.count} runs of N × steps × S = ${cost.toLocaleString('en')} likelihood terms each): press “Re-run the η sweep” to start it.`);
      }
    }
  }

  /** Resolves once the widget is on screen (the sweep waits off screen, as a playing run does). */
  async whenVisible() {
    while (!this.visible && this.isConnected) await new Promise((r) => setTimeout(r, 250));
  }

  setProgress(text) {
    const el = this.$('.progress');
    if (el) el.textContent = text;
  }

  async onButton(name) {
    if (name === 'sweep') await this.runSweep();
  }

  /** Train to the end at every η of the sweep, drawing as it goes; a newer sweep (or a change of
      the data) cancels this one. Each point is a side run of the settings with priorVariance = η,
      advanced in 25 ms slices (the same steps as the core's sweep_point, which trains in one
      call: the same numbers), so a change of settings meanwhile is not kept waiting behind a
      whole training run (issue 22, W5: 227 ms at p95 with one call per point). */
  async runSweep() {
    const token = (this.sweepToken ?? 0) + 1;
    this.sweepToken = token;
    this.sweepData = [];
    this.sweepDone = false;
    this.setVerdict('');
    this.draw();
    const settings = this.modelSettings();
    if (this.buttons?.sweep) this.buttons.sweep.disabled = true;
    try {
      const grid = await this.call('sweepGrid', { ...SWEEP });
      const points = [];
      for (let k = 0; k < grid.length; k++) {
        await this.whenVisible();
        if (this.sweepToken !== token || !this.isConnected) return;
        this.setProgress(`Sweep: training at η = ${grid[k].toPrecision(3)} (${k + 1} of ${grid.length})…`);
        // A handle per sweep: a cancelled sweep's side run is disposed of while the next one runs.
        const r = await this.sideRun(`sweep${token}`, { ...settings, priorVariance: grid[k] }, () => {}, 25, () => this.sweepToken !== token);
        if (this.sweepToken !== token) return;
        points.push({ priorVariance: grid[k], evaluation: r.snapshot.evaluation, diverged: r.snapshot.stopReason === 'diverged' });
        this.sweepData = points.slice();
        this.draw();
      }
      this.sweepDone = true;
      const best = points.reduce((a, p) => (p.evaluation.langfordSeegerBound < a.evaluation.langfordSeegerBound ? p : a));
      this.setProgress(`Sweep done (${grid.length} values of η). Each bound holds at confidence δ for its own η; choosing the best η (here ${best.priorVariance.toPrecision(3)}, bound ${fmt(best.evaluation.langfordSeegerBound)}) after seeing the data makes it a bound at confidence ${grid.length}δ, not δ.`);
      this.setVerdict(this.verdict(points));
      // Text alternatives of the two sweep panels: every point's numbers.
      const e3 = (p) => Number(p.priorVariance.toPrecision(3));
      this.setLive(this.$('canvas.sweep'), `Description length against the prior variance, bits (total = weights + labels): ${points.map((p) => `η ${e3(p)}: ${fmt(p.evaluation.descriptionLengthBits, 1)} = ${fmt(p.evaluation.klBits, 1)} + ${fmt(p.evaluation.dataBits, 1)}`).join('; ')}.`, 'aria-label');
      this.setLive(this.$('canvas.sweep-error'), `Test error and Langford–Seeger bound against the prior variance: ${points.map((p) => `η ${e3(p)}: ${fmt(p.evaluation.testError)}, ${fmt(p.evaluation.langfordSeegerBound)}`).join('; ')}.`, 'aria-label');
      this.draw();
    } finally {
      if (this.sweepToken === token && this.buttons?.sweep) this.buttons.sweep.disabled = false;
    }
  }

  /** One sentence from the sweep's numbers: where the description length −F/ln 2 is shortest,
      what the tightest and broadest priors cost instead, and where the bound is lowest. It says
      so when the shortest code is at an end of the sweep (no trade-off: e.g. no signal). */
  verdict(points) {
    const eta = (p) => Number(p.priorVariance.toPrecision(3));
    const at = (f) => points.reduce((a, p, i) => (f(p.evaluation) < f(points[a].evaluation) ? i : a), 0);
    const iBest = at((e) => e.descriptionLengthBits);
    const iLs = at((e) => e.langfordSeegerBound);
    const last = points.length - 1;
    const b = points[iBest].evaluation, t = points[0].evaluation, w = points[last].evaluation;
    const lsMin = points[iLs].evaluation.langfordSeegerBound;
    // The bound is flat near its minimum (within 0.003 over η = 0.1 … 3 at seed 2): "near it"
    // means within 0.01 of its lowest value, not the same grid point.
    const ls = b.langfordSeegerBound - lsMin < 0.01
      ? `the Langford–Seeger bound there, ${fmt(b.langfordSeegerBound)}, is within 0.01 of its lowest (${fmt(lsMin)}) and higher at both ends (${fmt(t.langfordSeegerBound)} at η = ${eta(points[0])}, ${fmt(w.langfordSeegerBound)} at η = ${eta(points[last])})`
      : `the Langford–Seeger bound is lowest elsewhere, ${fmt(lsMin)} at η = ${eta(points[iLs])} (${fmt(b.langfordSeegerBound)} at the shortest code)`;
    const head = `Shortest description length at η = ${eta(points[iBest])}: ${fmt(b.descriptionLengthBits, 1)} bits = ${fmt(b.klBits, 1)} for the weights (KL) + ${fmt(b.dataBits, 1)} for the labels`;
    // A trade-off: both ends of the sweep cost at least a bit more than the shortest code.
    const tightMore = t.descriptionLengthBits - b.descriptionLengthBits, broadMore = w.descriptionLengthBits - b.descriptionLengthBits;
    if (tightMore >= 1 && broadMore >= 1) {
      return `${head}; the tightest prior (η = ${eta(points[0])}) spends ${fmt(t.klBits, 1)} bits on the weights but ${fmt(t.dataBits - b.dataBits, 1)} more on the labels (test error ${fmt(t.testError, 2)} vs ${fmt(b.testError, 2)}), the broadest (η = ${eta(points[last])}) ${fmt(w.klBits - b.klBits, 1)} more on the weights: a prior matched to the weights' scale costs least; ${ls}.`;
    }
    const end = tightMore < 1
      ? `the tightest prior (η = ${eta(points[0])}) is as short (${fmt(tightMore, 2)} bits more): the labels carry too little to be worth any bits for the weights`
      : `the broadest prior (η = ${eta(points[last])}) is as short (${fmt(broadMore, 2)} bits more): the weights are larger than the priors here expect`;
    return `${head}, but ${end}, so there is no trade-off to see; ${ls}.`;
  }

  /**
   * Public API: the figure as data (www/lib/plot.js). The sweep against η on a log axis: the
   * description length and its two parts in bits, the errors and bounds, each point a marker,
   * the η of the run a dashed rule, the shortest code and the lowest bound ringed once the sweep
   * is done. Training at that η: the ELBO and its likelihood term, KL in bits, errors and bounds.
   */
  scene() {
    if (!this.rows) return null;
    const pts = this.sweepData ?? [], eta = this.valid.priorVariance;
    const etas = pts.map((p) => p.priorVariance);
    const sweepPanel = (id, ring, yMax) => {
      const ys = CURVES[id].map(([, f]) => pts.map((p) => p.evaluation[f]));
      const marks = [
        { type: 'rule', x: eta, dash: [3, 3], colour: 'rgba(0,0,0,0.45)' },
        ...CURVES[id].flatMap(([k], c) => [line(k, etas, ys[c]), { type: 'dots', x: etas, y: ys[c], r: 2.5, colour: SERIES[k].colour, label: SERIES[k].label, clip: false }]),
      ];
      if (!pts.length) marks.push({ type: 'text', x: Math.sqrt(SWEEP.lo * SWEEP.hi), y: yMax / 2, align: 'center', size: 13, colour: '#444', text: 'sweeping η…' });
      if (this.sweepDone) {
        const c = CURVES[id].findIndex(([k]) => k === ring), y = ys[c];
        const i = y.indexOf(Math.min(...y)), colour = SERIES[ring].colour;
        marks.push(
          { type: 'dots', open: true, r: 7, width: 2, colour, x: [etas[i]], y: [y[i]], clip: false },
          { type: 'text', x: etas[i], y: 'top', dy: 2, baseline: 'top', plate: true, size: 12, colour: '#000', align: i === 0 ? 'left' : i === etas.length - 1 ? 'right' : 'center',
            text: `${ring === 'ls' ? 'lowest bound' : 'shortest code'}: η = ${Number(etas[i].toPrecision(3))}` });
      }
      return { id, title: PANELS[id].title, key: [pts, this.sweepDone, eta], margin: { right: 20 }, x: ETA_AXIS, y: { label: id === 'sweep' ? 'bits' : 'error rate', domain: [0, pts.length ? null : yMax], clamp: [0, yMax === 1 ? 1 : Infinity] }, marks };
    };
    const steps = this.column('step');
    const trainPanel = (id, y) => ({
      id, title: PANELS[id].title, key: [this.hist, this.rows], margin: { right: 22 }, y,
      x: { label: 'step', domain: [0, Math.max(1, this.snapshot.totalSteps)] },
      marks: [
        ...CURVES[id].map(([k, f]) => line(k, steps, this.column(f))),
        // Before training: say what Play will draw rather than show empty axes.
        ...(this.rows > 1 ? [] : [{ type: 'text', x: this.snapshot.totalSteps / 2, y: id === 'elbo' ? (this.column('elbo')[0] + this.column('expectedLogLikelihood')[0]) / 2 : 0.5, align: 'center', size: 13, colour: '#444', text: `press Play to train q at η = ${eta}` }]),
      ],
    });
    return {
      title: 'Description length and PAC-Bayes bounds of Bayes by Backprop (Hinton & van Camp 1993; Dziugaite & Roy 2017)',
      caption: `Read as a code, the ELBO is a description length: KL(q‖p) bits for the weights plus bits for the labels; a prior matched to the scale of the weights gives the shortest one, and the PAC-Bayes bound is lowest near the same prior. ${this.sweepDone ? this.verdict(pts) : ''}`.trim(),
      panels: [
        sweepPanel('sweep', 'total', 10), sweepPanel('sweep-error', 'ls', 1),
        trainPanel('elbo', { label: 'nats' }),
        trainPanel('kl', { label: 'KL(q‖p) (bits)', domain: [0, this.rows > 1 ? null : 1] }),
        trainPanel('bounds', { label: 'error rate', domain: [0, 1] }),
      ],
    };
  }

  updateReadout() {
    const s = this.snapshot;
    if (!s) return;
    const e = s.evaluation;
    const stop = s.stopReason === 'diverged' ? ' — <b>diverged</b> (the run stopped: non-finite values)' : '';
    this.setReadout(`
      <span>step <b class="r-step">${s.stepsDone}</b> / ${s.totalSteps}${stop}</span>
      <span>F = <b class="r-elbo">${fmt(e.elbo, 2)}</b> = E ln p(D|w) <b class="r-ell">${fmt(e.expectedLogLikelihood, 2)}</b> − KL <b class="r-kl-nats">${fmt(e.klNats, 3)}</b> nats</span>
      <span>description length <b class="r-dl-bits">${fmt(e.descriptionLengthBits, 1)}</b> bits = KL <b class="r-kl-bits">${fmt(e.klBits, 2)}</b> (weights) + <b class="r-data-bits">${fmt(e.dataBits, 1)}</b> (labels)</span>
      <span>error: training <b class="r-train">${fmt(e.trainError)}</b>, test <b class="r-test">${fmt(e.testError)}</b></span>
      <span>bounds (δ = ${this.valid.confidence}): McAllester <b class="r-mcallester">${fmt(e.mcallesterBound)}</b>, Langford–Seeger <b class="r-ls">${fmt(e.langfordSeegerBound)}</b></span>
      <span>q: μ = (${fmt(s.mean[0])}, ${fmt(s.mean[1])}), s = (${fmt(s.std[0])}, ${fmt(s.std[1])})</span>`);
    this.setLive(this.$('canvas.bounds'), `At step ${s.stepsDone}: training error ${fmt(e.trainError)}, test error ${fmt(e.testError)}, McAllester bound ${fmt(e.mcallesterBound)}, Langford–Seeger bound ${fmt(e.langfordSeegerBound)}.`, 'aria-label');
    this.setLive(this.$('canvas.kl'), `KL(q‖p) = ${fmt(e.klBits, 2)} bits at step ${s.stepsDone}.`, 'aria-label');
  }

  /** Public API: the per-step history (and the sweep) for export. */
  exportData() {
    return { ...super.exportData(), sweep: this.sweepData ?? [] };
  }
}

if (!customElements.get('noiselab-description-length')) customElements.define('noiselab-description-length', NoiselabDescriptionLength);
export { NoiselabDescriptionLength };
