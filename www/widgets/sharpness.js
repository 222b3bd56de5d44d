// <noiselab-sharpness>: "Sharp and flat minima" (Grosse, Lecture 8, first section; SCIENCE.md §1).
// Top: the same net trained with a small and a large minibatch (Keskar et al. 2017), with
// Shallue et al.'s confounds as settings (same epochs vs same steps; batch-norm statistics);
// λ_max(H), tr H, λ_max(G) or the losses over training, the final points on a sharpness vs
// test-error scatter, and the training loss along each run's top Hessian eigenvector.
// Bottom: Dinh et al.'s rescaling of the 2-3-1 ReLU demo net: the "rescale a" slider changes
// λ_max(H) by orders of magnitude while the function, the loss and a KL stay put.
// All numbers come from the Rust core through the worker (Hessian–vector products in Rust).
//
// The default (same steps, N = 64) is the regime where Keskar et al.'s claim shows: the large
// batch (B = 64 = N, full-batch gradient descent) ends 3-6× sharper and tests worse, at seeds
// 1-10. Preset "same-epochs" is Shallue et al.'s counterpoint (the large batch takes 8× fewer
// steps, ends flatter and undertrained); "more-data" is sharper without a test gap;
// "batch-norm" is Shallue et al.'s second confound; "rescaled" is Dinh et al.'s a = 10.
// The verdict under the readout is written from the core's comparison (BatchComparison).
//
// Embed: <script type="module" src=".../www/widgets/sharpness.js"></script>
//        <noiselab-sharpness budget="steps" controls="budget,batch-norm,rescale"></noiselab-sharpness>
import { RunWidget, speedField } from '../lib/run-widget.js';
import { OKABE_ITO as C } from '../lib/plot.js';

const CSS = `
.panels { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 10px; }
.panel { min-width: 0; }
canvas.curves, canvas.scatter, canvas.slice, canvas.rescale, canvas.func { aspect-ratio: 4 / 2.6; }
.panel-title { margin: 6px 0 2px; font-size: 13px; font-weight: 600; }
.rescale-readout { margin: 8px 2px 2px; font-variant-numeric: tabular-nums; display: flex; flex-wrap: wrap; gap: 4px 16px; }
.rescale-readout b { font-weight: 600; }
.note { font-size: 12px; color: var(--muted); margin: 2px 2px 0; }
.regime { margin: 0 2px 6px; font-size: 13px; padding: 4px 8px; border-left: 3px solid var(--border); }
.regime b { font-weight: 600; }
.part { margin: 14px 2px 2px; font-size: 13px; font-weight: 600; border-top: 1px solid var(--border); padding-top: 8px; }
.legend-line { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 14px; font-size: 12px; color: var(--muted); }
@media (max-width: 600px) { canvas.curves, canvas.scatter, canvas.slice, canvas.rescale, canvas.func { aspect-ratio: 4 / 3; } }
`;

// One colour per batch size in every panel (small: blue, solid; large: vermillion, dashed in the
// curves). The Dinh demo panels use none of these two colours: it is a different net.
const SMALL = C.blue, LARGE = C.vermillion;
const CHOSEN = C.purple; // the chosen rescaling a (demo net)
const SMALL_DASH = [], LARGE_DASH = [6, 4], RANDOM_DASH = [1.5, 3];
const QUANTITIES = {
  lambdaMax: 'λ_max(H), sharpness',
  trace: 'tr H (Hutchinson estimate ± SE; can be < 0)',
  lambdaMaxGaussNewton: 'λ_max(G), Gauss–Newton',
  testLoss: 'test loss',
  trainLoss: 'training loss J',
  testError: 'test error',
  inputJacobianNorm: 'mean ‖∂f/∂x‖ (input sensitivity)',
};
// Curvature measures in purple/orange, the two KLs in green (solid: fixed prior, dashed:
// carried along), the invariants loss J (thick black) and ‖∂f/∂x‖ (sky blue, inside it).
// Before issue 17 ‖∂f/∂x‖ (sky blue, dotted) and the carried-prior KL (blue, dashed) had
// near-identical legend entries, and λ_max used the large batch's vermillion.
const RATIOS = [
  { key: 'loss', label: 'loss J', colour: '#000', width: 4.5 },
  { key: 'inputGradientNorm', label: 'mean ‖∂f/∂x‖', colour: C.skyBlue, width: 2 },
  { key: 'lambdaMax', label: 'λ_max(H)', colour: C.purple, width: 2.5 },
  { key: 'trace', label: 'tr H', colour: C.purple, width: 1.5, dash: [1.5, 2.5] },
  { key: 'lambdaMaxGaussNewton', label: 'λ_max(G)', colour: C.orange, width: 2, dash: [6, 3] },
  { key: 'klFixedPrior', label: 'KL, fixed prior N(0, I)', colour: C.green, width: 1.5 },
  { key: 'klCarriedPrior', label: 'KL, prior carried along', colour: C.green, width: 2, dash: [9, 3, 2, 3] },
];
const PREDICTED = { label: 'λ_max predicted ∝ a², 1/a²', colour: '#555', width: 1, dash: [3, 3] };
const TITLES = {
  scatter: 'Sharpness vs test error (latest point of each run)',
  slice: "Training loss through each run's current parameters",
  rescale: 'Demo net rescaled: W₁, b₁ × a and W₂ ÷ a',
  func: "The demo net's function f(x₁, 0.3) at a = 1 and at the chosen a",
};
/** The claim of the figure (index.html's caption), the export's caption before the verdict. */
const CLAIM = 'Large batches reach sharper minima (larger λ_max(H)) that generalize worse (Keskar et al., 2017) at the same number of steps; at equal epochs the comparison is confounded (Shallue et al., 2018), and rescaling changes the sharpness without changing the function (Dinh et al., 2017).';

const fmt = (v, d = 3) => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(d)) : '—');
const pct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');
/** A value that is often exactly 0 (a loss at an interpolating minimum, a change of function):
    "0" when it is 0, else 3 significant digits (before issue 17: "0.000000e+0"). */
const fmtZero = (v) => (!Number.isFinite(v) ? '—' : v === 0 ? '0' : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toPrecision(3));
const signed = (v, d) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(d)}`;
const thousands = (n) => Number(n).toLocaleString('en-US');

class NoiselabSharpness extends RunWidget {
  static css = CSS;
  // The demo net's settings (and speed) do not restart the trained runs.
  static displayFields = ['speed', 'rescale', 'demoNoise'];
  static tickMs = 14;
  static sliceMs = 40;
  static uiFields = [speedField(500, 40)];
  static buttons = [
    { name: 'runToEnd', label: 'Run to end', title: 'Train every run to the end of its budget' },
  ];
  // The default is Keskar et al.'s regime (same steps, N = 64); these are the lecture's
  // counterpoints. Each note states only what tests/sharpness.spec.mjs checks from the numbers.
  static presets = [
    {
      name: 'same-epochs',
      label: 'Same epochs (Shallue et al.: the counterpoint)',
      settings: { budget: 'epochs' },
      note: 'Shallue et al.’s first confound: at the same 40 epochs the large batch takes 40 steps to the small batch’s 320. It ends flatter and less trained, yet tests worse: the gap comes from fewer updates, not from a sharper minimum.',
    },
    {
      name: 'more-data',
      label: 'More data, N = 256 (sharper, no test gap)',
      settings: { trainPoints: 256, largeBatch: 256, steps: 1000 },
      note: 'With 256 training points and the same 1,000 steps the large batch still ends sharper, but it no longer tests worse: sharpness alone does not decide the test error (Dinh et al.; Shallue et al. saw no large-batch degradation at equal steps).',
    },
    {
      name: 'batch-norm',
      label: 'Batch-norm statistics (Shallue et al.’s second confound)',
      settings: { batchNorm: 'on' },
      note: 'Every hidden unit is normalized with its minibatch’s mean and std: noise that shrinks as B grows, an explicit regularizer stronger for small batches. The large batch still ends sharper; whether it tests worse now varies from seed to seed.',
    },
    {
      name: 'rescaled',
      label: 'Dinh et al.: demo net rescaled by a = 10',
      settings: { rescale: 10 },
      note: 'Only the separate 2-3-1 ReLU demo net (bottom) changes: λ_max(H) grows about 100-fold while its function, loss and input sensitivity stay exactly the same. The trained nets are the default run.',
    },
  ];

  renderFigure() {
    return `
      <p class="regime"></p>
      <div class="legend-line"><div class="legend" data-panel="curves scatter" aria-hidden="true"></div><span class="legend-note"></span></div>
      <div class="panels">
        <div class="panel">
          <div class="plot-head"><label>Plot: <select class="quantity" aria-label="quantity plotted over training">
            ${Object.entries(QUANTITIES).map(([k, q]) => `<option value="${k}">${q}</option>`).join('')}
          </select></label></div>
          <canvas data-panel="curves" class="curves" role="img" aria-label="Sharpness over training"></canvas>
        </div>
        <div class="panel">
          <div class="panel-title">${TITLES.scatter}</div>
          <canvas data-panel="scatter" class="scatter" role="img" aria-label="Sharpness against test error"></canvas>
        </div>
        <div class="panel">
          <div class="panel-title">${TITLES.slice}</div>
          <canvas data-panel="slice" class="slice" role="img" aria-label="Loss slices"></canvas>
          <div class="legend" data-panel="slice" aria-hidden="true"></div>
        </div>
      </div>
      <p class="part">Dinh et al.: a separate 2-3-1 ReLU demo net, not the nets trained above. The “rescale a” control acts on it only.</p>
      <div class="panels">
        <div class="panel">
          <div class="panel-title">${TITLES.rescale}</div>
          <canvas data-panel="rescale" class="rescale" role="img" aria-label="Quantities relative to a = 1 against the rescaling a"></canvas>
          <div class="legend rescale-legend" data-panel="rescale" aria-hidden="true"></div>
        </div>
        <div class="panel">
          <div class="panel-title">${TITLES.func}</div>
          <canvas data-panel="func" class="func" role="img" aria-label="The function before and after rescaling"></canvas>
          <div class="legend" data-panel="func" aria-hidden="true"></div>
        </div>
      </div>
      <div class="rescale-readout" aria-live="polite" role="status"></div>`;
  }

  /** The quantity plotted over training (the Plot select): set before anything can ask for the scene. */
  quantity = 'lambdaMax';

  async onReady() {
    await super.onReady();
    this.$('select.quantity').addEventListener('change', (e) => { this.quantity = e.target.value; this.draw(); });
    // The rescale slider recomputes while it is dragged (the demo is a few ms of work).
    const slider = this.controls.rescale?.slider;
    slider?.addEventListener('input', () => {
      if (this.rescaleBusy) return;
      this.rescaleBusy = true;
      this.applySettings({ rescale: slider.value }).catch((err) => this.fail(err)).finally(() => { this.rescaleBusy = false; });
    });
    this.draw();
  }

  async onApplied(changed, initial) {
    this.updateApplicability();
    if (initial || changed.some((n) => ['rescale', 'demoNoise', 'seed'].includes(n)) || !this.rescaleData) {
      this.rescaleData = await this.call('rescale', { settings: this.modelSettings(), points: 41 });
      this.updateRescaleReadout();
    }
    await super.onApplied(changed, initial);
  }

  /** Controls that do not apply in the current mode are disabled with the reason. */
  updateApplicability() {
    const v = this.valid;
    this.setControlDisabled('epochs', v.budget === 'epochs' ? null : 'not used: the budget is the same number of steps');
    this.setControlDisabled('steps', v.budget === 'steps' ? null : 'not used: the budget is the same number of epochs');
    this.setControlDisabled('labelNoise', v.task === 'regression' ? 'classification only' : null);
  }

  /** Which comparison is shown (issue 17: nothing on screen said so). */
  updateRegime() {
    const v = this.valid, s = this.snapshot;
    if (!s) return;
    const small = s.runs.find((r) => !r.large), large = s.runs.find((r) => r.large);
    if (!small || !large) return;
    const n = this.trainingRows(); // your data's training rows, or trainPoints
    const gd = large.batchSize === n ? ' (= N: full-batch gradient descent)' : '';
    const epochs = (r) => thousands(Math.round((r.totalSteps * r.batchSize) / n));
    const bn = v.batchNorm === 'on' ? ' Batch-norm statistics are on: Shallue et al.’s second confound.' : '';
    const text = v.budget === 'steps'
      ? `<b>Same number of steps</b>: B = ${small.batchSize} and B = ${large.batchSize}${gd} each take ${thousands(small.totalSteps)} updates (${epochs(small)} and ${epochs(large)} epochs), so Shallue et al.’s first confound, fewer steps for the large batch, is removed.${bn}`
      : `<b>Same number of epochs</b> (${v.epochs} passes): B = ${small.batchSize} takes ${thousands(small.totalSteps)} updates, B = ${large.batchSize}${gd} only ${thousands(large.totalSteps)}. Shallue et al.’s first confound: the large batch is also trained for fewer steps.${bn}`;
    this.setLive(this.$('.regime'), text);
  }

  /**
   * One sentence from the core's comparison (BatchComparison): Keskar et al.'s two claims,
   * each judged by the numbers (sharper: mean λ_max ≥ 1.25× and in most pairs; worse: a test
   * difference beyond 2 standard errors, paired over the test points).
   */
  verdictText() {
    const s = this.snapshot, c = s?.comparison;
    if (!s) return '';
    if (!c) return 'No comparison: every run diverged (the loss became non-finite). Gradient descent needs λ_max < 2/α: try a smaller learning rate α.';
    if (c.smallSteps === 0 && c.largeSteps === 0) {
      return `Not trained yet: each initialization starts both batch sizes from the same weights (λ_max ${fmt(c.smallLambdaMax, 2)}). Press Play or Run to end.`;
    }
    const done = Boolean(s.stopReason);
    const prefix = done ? '' : `So far (step ${thousands(s.stepsDone)} of ${thousands(s.totalSteps)}): `;
    const lam = `λ_max ${fmt(c.largeLambdaMax, 2)} vs ${fmt(c.smallLambdaMax, 2)}`;
    const head = `${prefix}${prefix ? 'large' : 'Large'} batch (B = ${c.largeBatch}) vs small (B = ${c.smallBatch}): ${lam}`;
    let sharp;
    if (c.sharpness === 'sharper') sharp = `, sharper at ${c.sharperPairs} of ${c.pairs} initialization${c.pairs > 1 ? 's' : ''}, as Keskar et al. report`;
    else if (c.sharpness === 'flatter') sharp = ', flatter, not sharper: against Keskar et al.’s first claim';
    else sharp = ', about as sharp (within 25%): Keskar et al.’s sharper minimum does not show';
    const word = (g) => ({ worse: 'worse', better: 'better', similar: 'within noise' }[g]);
    const loss = `test loss ${fmt(c.largeTestLoss, 3)} vs ${fmt(c.smallTestLoss, 3)} (${signed(c.testLossDifference, 3)} ± ${fmt(c.testLossDifferenceSe, 3)}, ${word(c.testLoss)})`;
    const classification = this.valid.task !== 'regression';
    const err = classification ? `, test error ${pct(c.largeTestError)} vs ${pct(c.smallTestError)} (${signed(100 * c.testErrorDifference, 1)} ± ${(100 * c.testErrorDifferenceSe).toFixed(1)} points, ${word(c.testError)})` : '';
    let gen;
    if (c.testLoss === 'worse') gen = c.sharpness === 'sharper' ? 'It also tests worse, their second claim' : 'It tests worse';
    else if (c.testLoss === 'better') gen = c.sharpness === 'sharper' ? 'Yet it tests better, against Keskar et al.’s second claim' : 'It tests better';
    else gen = c.sharpness === 'sharper' ? 'Yet it does not test worse: a sharper minimum without a generalization gap' : 'It does not test worse';
    let steps = '';
    if (c.largeTotalSteps < c.smallTotalSteps) {
      steps = ` It took ${thousands(c.largeTotalSteps)} steps to the small batch’s ${thousands(c.smallTotalSteps)} (same epochs, Shallue et al.’s confound): training loss ${fmt(c.largeTrainLoss, 3)} vs ${fmt(c.smallTrainLoss, 3)}${c.largeTrainLoss > c.smallTrainLoss ? ', less trained' : ''}.`;
    }
    return `${head}${sharp}. ${gen}: ${loss}${err}.${steps}`;
  }

  onRunStart() {
    this.rowsData = [];
    this.sliceData = null;
  }

  onFrame(r) {
    const K = this.K;
    for (let i = 0; i + K <= r.history.length; i += K) this.rowsData.push(Array.from(r.history.subarray(i, i + K)));
    this.draw();
    this.updateReadout();
  }

  async refreshSlice() {
    this.sliceData = await this.method('lossSlice', { points: 61 });
    this.draw();
  }

  async onStopped(s) {
    this.pause();
    await this.refreshSlice();
    if (s.stopReason === 'diverged') {
      this.showMessage('Stopped: every run diverged (the loss became non-finite or exploded). Gradient descent needs λ_max < 2/α: try a smaller learning rate α.', 'error');
      return;
    }
    // The verdict under the readout states the comparison; only divergence needs a message.
    const diverged = s.runs.filter((r) => r.diverged).length;
    this.showMessage(diverged ? `Finished; ${diverged} of ${s.runs.length} runs diverged and are left out of the comparison (gradient descent needs λ_max < 2/α).` : '', 'warn');
  }

  onPaused() {
    if (this.snapshot && !this.snapshot.stopReason) this.refreshSlice().catch((err) => this.fail(err));
    this.updateReadout();
  }

  async onButton(name) {
    if (name === 'runToEnd') await this.runToEnd();
  }

  // ---- drawing ------------------------------------------------------------------------------

  /** Rows of run k, as arrays of the history columns. */
  runRows(k) { return this.rowsData.filter((r) => r[this.col.run] === k); }

  /** A run's legend label, colour and dash: one per batch size in every panel. */
  look(run) {
    const n = this.trainingRows();
    return run.large
      ? { label: `large batch B = ${run.batchSize}${run.batchSize === n ? ' (= N)' : ''}`, colour: LARGE, dash: LARGE_DASH }
      : { label: `small batch B = ${run.batchSize}`, colour: SMALL, dash: SMALL_DASH };
  }

  draw() {
    if (!this.figure || !this.snapshot) return;
    this.figure.draw();
    this.describe();
  }

  xKey() { return this.valid.budget === 'steps' ? 'step' : 'epoch'; }

  /**
   * Public API: the figure as data (www/lib/plot.js). Trained nets: the chosen quantity over
   * training per run (tr H with ±1 SE bars; λ_max with gradient descent's stability limit 2/α),
   * each run's latest (λ_max, test error), and the loss along each run's top Hessian eigenvector
   * and a random direction. Dinh et al.'s demo net: each quantity ÷ its value at a = 1 against
   * a (log–log, with the predicted a², 1/a² asymptotes of λ_max), and its function at a = 1
   * and at the chosen a.
   */
  scene() {
    const s = this.snapshot, r = this.rescaleData;
    if (!s || !r) return null;
    const q = this.quantity, xk = this.xKey(), c = this.col, rows = this.rowsData ?? [], d = this.sliceData;
    const below = rows.some((row) => row[c[q]] - (q === 'trace' ? row[c.traceSe] || 0 : 0) < 0);
    const curves = s.runs.flatMap((run, k) => {
      const own = this.runRows(k), x = own.map((row) => row[c[xk]]), y = own.map((row) => row[c[q]]), { colour } = this.look(run);
      // Hutchinson's estimate is Monte Carlo: ± one standard error at every measurement.
      const bars = q !== 'trace' ? [] : [{ type: 'bars', colour, width: 1, x, lo: own.map((row) => row[c.trace] - row[c.traceSe]), hi: own.map((row) => row[c.trace] + row[c.traceSe]) }];
      return [{ type: 'line', ...this.look(run), x, y }, { type: 'dots', colour, r: 2.5, x, y }, ...bars];
    });
    const xmax = Math.max(0, ...s.runs.map((run) => (xk === 'step' ? run.totalSteps : (run.totalSteps * run.batchSize) / this.trainingRows())));
    const limit = 2 / this.valid.learningRate;
    // Large-batch squares first, small-batch circles (smaller) on top: at step 0 the two runs of
    // an initialization are the same point and both stay visible.
    const scatter = [true, false].map((large) => {
      const runs = s.runs.filter((run) => run.large === large);
      return { type: 'dots', ...this.look(runs[0]), shape: large ? 'square' : 'circle', r: large ? 6.9 : 4.5, x: runs.map((run) => run.last.lambdaMax), y: runs.map((run) => run.last.testError) };
    });
    const one = r.atOne, as = r.sweep.map((p) => p.a);
    const ratios = RATIOS.map((m) => r.sweep.map((p) => p[m.key] / one[m.key]));
    const logs = ratios.flat().map(Math.log10).filter(Number.isFinite);
    const lo = Math.floor(Math.min(0, ...logs)), hi = Math.max(lo + 1, Math.ceil(Math.max(0, ...logs)));
    const grid = Array.from({ length: 60 }, (_, i) => 0.25 * 40 ** (i / 59));
    return {
      title: 'Sharp and flat minima: small vs large batches, and a rescaled ReLU net (Keskar et al. 2017; Shallue et al. 2018; Dinh et al. 2017)',
      caption: `${CLAIM} ${this.verdictText()}`,
      panels: [{
        id: 'curves', title: `${QUANTITIES[q]} over training`, margin: { right: 18 }, // room for the last x tick label
        x: { label: xk === 'step' ? 'SGD step (updates)' : 'epoch (passes over the data)', domain: [0, xmax || 1] },
        y: { label: QUANTITIES[q], short: QUANTITIES[q].replace(/ \(.*\)$/, ''), domain: [below ? null : 0, null], pad: 0.05 },
        marks: [
          ...curves,
          ...(below ? [{ type: 'rule', y: 0, colour: '#888' }] : []),
          ...(q !== 'lambdaMax' ? [] : [
            { type: 'rule', y: limit, colour: '#666', dash: [2, 3], extent: false },
            { type: 'text', x: 'left', y: limit, dx: 4, dy: -2, baseline: 'bottom', colour: '#444', text: '2/α (GD stability limit)', clip: true },
          ]),
        ],
      }, {
        id: 'scatter', title: TITLES.scatter,
        x: { label: 'sharpness λ_max(H)', domain: [0, null], pad: 0.15 },
        y: { label: this.valid.task !== 'regression' ? 'test error (fraction misclassified)' : 'test loss', short: this.valid.task !== 'regression' ? 'test error' : 'test loss', pad: 0.15 },
        marks: scatter,
      }, {
        id: 'slice', title: TITLES.slice, key: [d, s.runs.length],
        x: { label: 'distance s along the direction (parameter units)', domain: d ? [d.s[0], d.s.at(-1)] : [-1, 1] },
        y: { label: 'training loss J(θ + s·u)', domain: d ? undefined : [0, 1] },
        marks: [
          ...(d ? s.runs.flatMap((run, k) => [
            { type: 'line', colour: this.look(run).colour, x: d.s, y: d.alongTop[k] },
            { type: 'line', colour: this.look(run).colour, width: 1.3, dash: RANDOM_DASH, x: d.s, y: d.alongRandom[k] },
          ]) : [{ type: 'text', x: 0, y: 0.5, align: 'center', size: 12, colour: '#444', text: 'pause or finish a run to draw the slices' }]),
          { type: 'key', label: 'along the top Hessian eigenvector', colour: '#666' },
          { type: 'key', label: 'along a random direction', colour: '#666', width: 1.3, dash: RANDOM_DASH },
        ],
      }, {
        id: 'rescale', title: TITLES.rescale, key: [r],
        x: { label: 'rescaling a (log scale)', scale: 'log', domain: [0.25, 10], ticks: [0.25, 0.5, 1, 2, 5, 10] },
        y: { label: 'value ÷ value at a = 1 (log scale)', short: 'value ÷ value at a = 1', scale: 'log', domain: [10 ** lo, 10 ** hi] },
        marks: [
          // Predicted asymptotes: λ_max ≈ c_large·a² for large a and c_small/a² for small a.
          ...[(t) => r.largeACoefficient * t ** 2, (t) => r.smallACoefficient / t ** 2].map((f) => ({ type: 'line', ...PREDICTED, x: grid, y: grid.map((t) => f(t) / one.lambdaMax) })),
          ...RATIOS.map((m, i) => ({ type: 'line', label: m.label, colour: m.colour, width: m.width, dash: m.dash, x: as, y: ratios[i] })),
          { type: 'rule', x: r.current.a, colour: '#000' },
          { type: 'dots', colour: CHOSEN, r: 5, x: [r.current.a], y: [r.current.lambdaMax / one.lambdaMax] },
        ],
      }, {
        id: 'func', title: TITLES.func, key: [r],
        x: { label: 'input x₁ (with x₂ = 0.3)', domain: [r.lineS[0], r.lineS.at(-1)] },
        y: { label: 'network output f(x)', pad: 0.08 },
        marks: [
          { type: 'line', label: 'a = 1', colour: '#999', width: 6, x: r.lineS, y: r.lineF1 },
          { type: 'line', label: 'chosen a', colour: CHOSEN, dash: [6, 4], x: r.lineS, y: r.lineFa },
        ],
      }],
    };
  }

  /** The panels' aria-labels: what each one shows, in numbers. */
  describe() {
    const s = this.snapshot, q = this.quantity, d = this.sliceData, r = this.rescaleData;
    const name = (run) => (run.large ? 'large' : 'small');
    this.setLive(this.$('canvas.curves'), `${QUANTITIES[q]} over training. Latest: ${s.runs.map((run) => `${name(run)} B = ${run.batchSize}: ${fmt(run.last[q])}`).join('; ')}.`, 'aria-label');
    this.setLive(this.$('.legend-note'), `${s.runs.length / 2} initialization${s.runs.length > 2 ? 's' : ''}, each trained with both batch sizes`, 'text');
    this.setLive(this.$('canvas.scatter'), `Sharpness against test error: ${s.runs.map((run) => `${name(run)} batch λ_max ${fmt(run.last.lambdaMax)}, test error ${fmt(run.last.testError)}`).join('; ')}.`, 'aria-label');
    const mid = d && Math.floor(d.s.length / 2), edge = d && d.s.length - 1;
    this.setLive(this.$('canvas.slice'), !d ? 'Loss slices: pause or finish a run to draw them.'
      : `Training loss along the top eigenvector, from s = ${fmt(d.s[0])} to ${fmt(d.s[edge])}: ${s.runs.map((run, k) => `${name(run)} batch rises from ${fmt(d.alongTop[k][mid])} to ${fmt(d.alongTop[k][edge])}`).join('; ')}.`, 'aria-label');
    if (!r) return;
    const n = r.sweep.length - 1, a = r.current.a;
    this.setLive(this.$('canvas.rescale'), `The separate 2-3-1 ReLU demo net, rescaled by a from 0.25 to 10: λ_max(H) goes from ${fmt(r.sweep[0].lambdaMax)} to ${fmt(r.sweep[n].lambdaMax)} (${fmt(r.atOne.lambdaMax)} at a = 1); the loss, the input sensitivity and the KL with the prior carried along stay constant. Chosen a = ${fmt(a, 2)}.`, 'aria-label');
    const worst = Math.max(...r.lineFa.map((f, i) => Math.abs(f - r.lineF1[i])));
    this.setLive(this.$('canvas.func'), `The demo net's output along x₁ at a = 1 and at a = ${fmt(a, 2)}: the largest difference is ${worst.toExponential(1)}, i.e. the same function.`, 'aria-label');
  }

  updateReadout() {
    const s = this.snapshot;
    if (!s) return;
    const runs = s.runs.map((r) => `<span>${r.large ? 'large' : 'small'} B = ${r.batchSize} (#${r.repeat + 1}): step <b>${r.step}</b>/${r.totalSteps}, λ_max <b class="r-lambda">${fmt(r.last.lambdaMax)}</b>, tr H ≈ <span class="r-trace">${fmt(r.last.trace, 2)} ± ${fmt(r.last.traceSe, 2)}</span>, test ${this.valid.task === 'regression' ? 'loss' : 'error'} <b>${this.valid.task === 'regression' ? fmt(r.last.testError) : pct(r.last.testError)}</b>${r.diverged ? ' (diverged)' : ''}</span>`);
    const negative = s.runs.some((r) => r.last.trace < 0);
    // Issue 17: "tr H −1.65" at initialization was shown without a word about why.
    const note = `tr H is Hutchinson’s estimate (random ±1 probes, shown ± its standard error). Away from a minimum H is indefinite (it has negative eigenvalues too), so tr H can be negative${negative ? ', as it is here' : ''}; λ_max is the top eigenvalue (Lanczos).`;
    this.setReadout(`<span><b>Trained nets</b>: step <b class="r-step">${s.stepsDone}</b> / ${s.totalSteps}</span>${runs.join('')}<span class="note trace-note" style="flex-basis:100%">${note}</span>`);
    this.setVerdict(this.verdictText());
    this.updateRegime();
  }

  updateRescaleReadout() {
    const r = this.rescaleData;
    if (!r) return;
    const c = r.current;
    const el = this.$('.rescale-readout');
    el.innerHTML = `<span><b>Demo net</b> (2-3-1 ReLU, not the trained nets): a = <b class="r-a">${fmt(c.a, 2)}</b></span>
      <span>λ_max(H) = <b class="r-rescale-lambda">${fmt(c.lambdaMax)}</b></span>
      <span>λ_max(G) = ${fmt(c.lambdaMaxGaussNewton)}</span>
      <span>tr H = ${fmt(c.trace)}</span>
      <span>loss J = <b class="r-loss">${fmtZero(c.loss)}</b></span>
      <span>max |f<sub>a</sub> − f<sub>1</sub>| = <b class="r-change">${fmtZero(c.maxOutputChange)}</b></span>
      <span>mean ‖∂f/∂x‖ = ${fmt(c.inputGradientNorm, 6)}</span>
      <span>KL (prior carried along) = <b class="r-kl">${fmt(c.klCarriedPrior, 6)}</b> nats</span>
      <span>KL (fixed prior) = ${fmt(c.klFixedPrior, 4)} nats</span>
      <span>${r.interpolating ? 'interpolating minimum: H = G' : 'noisy targets: H ≠ G'}</span>`;
  }

  exportData() {
    return { ...this.exportHead(), historyFields: this.historyFields, history: this.rowsData ?? [], snapshot: this.snapshot, rescale: this.rescaleData, slice: this.sliceData };
  }
}

if (!customElements.get('noiselab-sharpness')) customElements.define('noiselab-sharpness', NoiselabSharpness);
export { NoiselabSharpness };
