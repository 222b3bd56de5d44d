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
import { NoiselabWidget } from '../lib/widget.js';
import { Surface, scale, drawAxes, polyline, OKABE_ITO as C, formatTick } from '../lib/plot.js';

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
.lsw { display: inline-block; vertical-align: middle; }
@media (max-width: 600px) { canvas.curves, canvas.scatter, canvas.slice, canvas.rescale, canvas.func { aspect-ratio: 4 / 3; } }
`;
let sheet;

// One colour per batch size in every panel (small: blue, solid; large: vermillion, dashed in the
// curves). The Dinh demo panels use none of these two colours: it is a different net.
const SMALL = C.blue, LARGE = C.vermillion;
const CHOSEN = C.purple; // the chosen rescaling a (demo net)
const SMALL_DASH = [], LARGE_DASH = [6, 4], RANDOM_DASH = [1.5, 3];
const MARGIN = { left: 58, right: 12, top: 12, bottom: 40 };
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
const PREDICTED = { colour: '#555', width: 1, dash: [3, 3] };

/** An inline SVG line drawn exactly like the canvas curve (colour, width, dash). */
const lineSwatch = (colour, width = 2, dash = []) => `<svg class="lsw" width="28" height="10" aria-hidden="true"><line x1="1" y1="5" x2="27" y2="5" stroke="${colour}" stroke-width="${width}"${dash.length ? ` stroke-dasharray="${dash.join(' ')}"` : ''}/></svg>`;

/** Axes for a log–log plot: `x` maps log10(a), `y` maps log10(ratio); ticks labelled as values. */
function logAxes(ctx, x, y, xValues, xLabel, yLabel) {
  const [x0, x1] = x.range, [y0, y1] = y.range;
  ctx.save();
  ctx.strokeStyle = '#333'; ctx.fillStyle = '#333'; ctx.lineWidth = 1;
  ctx.font = '11px system-ui, -apple-system, "Segoe UI", sans-serif';
  const decades = [];
  for (let t = Math.ceil(y.domain[0]); t <= y.domain[1]; t++) decades.push(t);
  ctx.save(); ctx.strokeStyle = 'rgba(0,0,0,0.08)';
  for (const t of decades) { const py = Math.round(y(t)) + 0.5; ctx.beginPath(); ctx.moveTo(x0, py); ctx.lineTo(x1, py); ctx.stroke(); }
  ctx.restore();
  ctx.beginPath(); ctx.moveTo(x0 + 0.5, y1); ctx.lineTo(x0 + 0.5, y0 + 0.5); ctx.lineTo(x1, y0 + 0.5); ctx.stroke();
  ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  for (const a of xValues) { const px = Math.round(x(Math.log10(a))) + 0.5; ctx.beginPath(); ctx.moveTo(px, y0); ctx.lineTo(px, y0 + 4); ctx.stroke(); ctx.fillText(formatTick(a), px, y0 + 6); }
  ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
  for (const t of decades) { const py = Math.round(y(t)) + 0.5; ctx.beginPath(); ctx.moveTo(x0 - 4, py); ctx.lineTo(x0, py); ctx.stroke(); ctx.fillText(formatTick(10 ** t), x0 - 6, py); }
  ctx.font = '12px system-ui, -apple-system, "Segoe UI", sans-serif';
  ctx.textAlign = 'center'; ctx.textBaseline = 'top'; ctx.fillText(xLabel, (x0 + x1) / 2, y0 + 22);
  ctx.translate(x0 - 44, (y0 + y1) / 2); ctx.rotate(-Math.PI / 2); ctx.textBaseline = 'bottom'; ctx.fillText(yLabel, 0, 0);
  ctx.restore();
}

const fmt = (v, d = 3) => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(d)) : '—');
const pct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');
/** A value that is often exactly 0 (a loss at an interpolating minimum, a change of function):
    "0" when it is 0, else 3 significant digits (before issue 17: "0.000000e+0"). */
const fmtZero = (v) => (!Number.isFinite(v) ? '—' : v === 0 ? '0' : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toPrecision(3));
const signed = (v, d) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(d)}`;
const thousands = (n) => Number(n).toLocaleString('en-US');

class NoiselabSharpness extends NoiselabWidget {
  static kind = 'sharpness';
  static uiFields = [
    { name: 'speed', label: 'speed (steps per frame)', min: 1, max: 500, default: 40, help: 'SGD steps per animation frame (work per frame is also capped in time).' },
  ];
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

  extraSheets() {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    return [sheet];
  }

  renderFigure() {
    return `
      <p class="regime"></p>
      <div class="legend" aria-hidden="true">
        <span>${lineSwatch(SMALL, 2, SMALL_DASH)}<span class="legend-small">small batch</span></span>
        <span>${lineSwatch(LARGE, 2, LARGE_DASH)}<span class="legend-large">large batch</span></span>
        <span class="legend-note"></span>
      </div>
      <div class="panels">
        <div class="panel">
          <div class="plot-head"><label>Plot: <select class="quantity" aria-label="quantity plotted over training">
            ${Object.entries(QUANTITIES).map(([k, q]) => `<option value="${k}">${q}</option>`).join('')}
          </select></label></div>
          <canvas class="curves" role="img" aria-label="Sharpness over training"></canvas>
        </div>
        <div class="panel">
          <div class="panel-title">Sharpness vs test error (latest point of each run)</div>
          <canvas class="scatter" role="img" aria-label="Sharpness against test error"></canvas>
        </div>
        <div class="panel">
          <div class="panel-title">Training loss through each run's current parameters</div>
          <canvas class="slice" role="img" aria-label="Loss slices"></canvas>
          <div class="legend" aria-hidden="true">
            <span>${lineSwatch('currentColor', 2)}along the top Hessian eigenvector</span>
            <span>${lineSwatch('currentColor', 1.3, RANDOM_DASH)}along a random direction</span>
          </div>
        </div>
      </div>
      <p class="part">Dinh et al.: a separate 2-3-1 ReLU demo net, not the nets trained above. The “rescale a” control acts on it only.</p>
      <div class="panels">
        <div class="panel">
          <div class="panel-title">Demo net rescaled: W₁, b₁ × a and W₂ ÷ a</div>
          <canvas class="rescale" role="img" aria-label="Quantities relative to a = 1 against the rescaling a"></canvas>
          <div class="legend rescale-legend" aria-hidden="true">
            ${RATIOS.map((r) => `<span data-key="${r.key}">${lineSwatch(r.colour, r.width, r.dash ?? [])}${r.label}</span>`).join('')}
            <span data-key="predicted">${lineSwatch(PREDICTED.colour, PREDICTED.width, PREDICTED.dash)}λ_max predicted ∝ a², 1/a²</span>
          </div>
        </div>
        <div class="panel">
          <div class="panel-title">The demo net's function f(x₁, 0.3) at a = 1 and at the chosen a</div>
          <canvas class="func" role="img" aria-label="The function before and after rescaling"></canvas>
          <div class="legend" aria-hidden="true">
            <span>${lineSwatch('#999', 6)}a = 1</span>
            <span>${lineSwatch(CHOSEN, 2, [6, 4])}chosen a</span>
          </div>
        </div>
      </div>
      <div class="rescale-readout" aria-live="polite" role="status"></div>`;
  }

  async onReady() {
    this.quantity = 'lambdaMax';
    this.views = {};
    for (const name of ['curves', 'scatter', 'slice', 'rescale', 'func']) {
      this.views[name] = new Surface(this.$(`canvas.${name}`), () => this.draw());
    }
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

  modelSettings() {
    return Object.fromEntries(this.fields.map((f) => [f.name, this.valid[f.name]]));
  }

  async onApplied(changed, initial) {
    this.updateApplicability();
    const model = changed.filter((n) => n !== 'speed');
    if (!model.length) return;
    const demo = ['rescale', 'demoNoise', 'seed'];
    if (initial || model.some((n) => demo.includes(n)) || !this.rescaleData) {
      this.rescaleData = await this.worker.request('call', { kind: 'sharpness', name: 'rescale', settings: this.modelSettings(), points: 41 });
      this.updateRescaleReadout();
    }
    const training = model.filter((n) => n !== 'rescale' && n !== 'demoNoise');
    if (initial || training.length || !this.snapshot) {
      const wasPlaying = this.playing;
      this.pause();
      const result = await this.worker.request('create', { kind: 'sharpness', handle: this.handle, settings: this.modelSettings() });
      this.start(result);
      if (wasPlaying && !initial) this.play();
    }
    this.draw();
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
    const n = Number(v.trainPoints);
    const gd = large.batchSize === n ? ' (= N: full-batch gradient descent)' : '';
    const epochs = (r) => thousands(Math.round((r.totalSteps * r.batchSize) / n));
    const bn = v.batchNorm === 'on' ? ' Batch-norm statistics are on: Shallue et al.’s second confound.' : '';
    const text = v.budget === 'steps'
      ? `<b>Same number of steps</b>: B = ${small.batchSize} and B = ${large.batchSize}${gd} each take ${thousands(small.totalSteps)} updates (${epochs(small)} and ${epochs(large)} epochs), so Shallue et al.’s first confound, fewer steps for the large batch, is removed.${bn}`
      : `<b>Same number of epochs</b> (${v.epochs} passes): B = ${small.batchSize} takes ${thousands(small.totalSteps)} updates, B = ${large.batchSize}${gd} only ${thousands(large.totalSteps)}. Shallue et al.’s first confound: the large batch is also trained for fewer steps.${bn}`;
    this.setLive(this.$('.regime'), text);
    this.setLive(this.$('.legend-small'), `small batch B = ${small.batchSize}`, 'text');
    this.setLive(this.$('.legend-large'), `large batch B = ${large.batchSize}${large.batchSize === n ? ' (= N)' : ''}`, 'text');
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

  start(result) {
    this.K = this.historyFields.length;
    this.rowsData = [];
    this.sliceData = null;
    this.ingest(result);
    this.showMessage('');
  }

  ingest(r) {
    const K = this.K;
    for (let i = 0; i + K <= r.history.length; i += K) this.rowsData.push(Array.from(r.history.subarray(i, i + K)));
    this.snapshot = r.snapshot;
    this.draw();
    this.updateReadout();
    this.dispatchEvent(new CustomEvent('noiselab-frame', { detail: r.snapshot, bubbles: true, composed: true }));
  }

  async tick() {
    const r = await this.worker.request('advance', { handle: this.handle, steps: Number(this.valid.speed), budgetMs: 14 });
    this.ingest(r);
    if (r.snapshot.stopReason) await this.onStopped(r.snapshot);
  }

  async refreshSlice() {
    this.sliceData = await this.worker.request('method', { handle: this.handle, name: 'lossSlice', points: 61 });
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

  /** Public API: one step (every run advances one SGD update). */
  async stepOnce() {
    await this.settled();
    const r = await this.worker.request('advance', { handle: this.handle, steps: 1 });
    this.ingest(r);
    if (r.snapshot.stopReason) await this.onStopped(r.snapshot);
  }

  /** Public API: run to the end (in budgeted slices, the page stays responsive). */
  async runToEnd() {
    await this.settled();
    this.pause();
    for (;;) {
      const r = await this.worker.request('advance', { handle: this.handle, steps: 1e9, budgetMs: 40 });
      this.ingest(r);
      if (r.snapshot.stopReason) { await this.onStopped(r.snapshot); return r.snapshot; }
      await new Promise(requestAnimationFrame);
    }
  }

  async onButton(name) {
    if (name === 'runToEnd') await this.runToEnd();
  }

  async onReset() {
    const r = await this.worker.request('reset', { handle: this.handle });
    this.start(r);
  }

  // ---- drawing ------------------------------------------------------------------------------

  /** Rows of run k, as arrays of the history columns. */
  runRows(k) { return this.rowsData.filter((r) => r[this.col.run] === k); }

  draw() {
    if (!this.views || !this.snapshot) return;
    this.drawCurves();
    this.drawScatter();
    this.drawSlice();
    this.drawRescale();
    this.drawFunction();
  }

  xKey() { return this.valid.budget === 'steps' ? 'step' : 'epoch'; }

  drawCurves() {
    const v = this.views.curves, ctx = v.ctx;
    v.clear('#fff');
    const q = this.quantity, xk = this.xKey(), c = this.col;
    const runs = this.snapshot.runs;
    let lo = Infinity, hi = -Infinity, xmax = 0;
    for (const r of this.rowsData) {
      const y = r[c[q]], e = q === 'trace' && Number.isFinite(r[c.traceSe]) ? r[c.traceSe] : 0;
      if (Number.isFinite(y)) { lo = Math.min(lo, y - e); hi = Math.max(hi, y + e); }
    }
    for (const r of runs) xmax = Math.max(xmax, xk === 'step' ? r.totalSteps : (r.totalSteps * r.batchSize) / Number(this.valid.trainPoints));
    if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
    lo = Math.min(lo, 0);
    if (hi - lo < 1e-9) hi = lo + 1;
    if (lo < 0) lo -= 0.05 * (hi - lo);
    const x = scale(0, xmax || 1, MARGIN.left, v.width - MARGIN.right);
    const y = scale(lo, hi * 1.05, v.height - MARGIN.bottom, MARGIN.top);
    drawAxes(ctx, { x, y, xLabel: xk === 'step' ? 'SGD step (updates)' : 'epoch (passes over the data)', yLabel: QUANTITIES[q], grid: true });
    ctx.save();
    ctx.beginPath(); ctx.rect(x.range[0], y.range[1], x.range[1] - x.range[0], y.range[0] - y.range[1]); ctx.clip();
    runs.forEach((run, k) => {
      const rows = this.runRows(k);
      ctx.strokeStyle = run.large ? LARGE : SMALL;
      ctx.lineWidth = 2;
      ctx.setLineDash(run.large ? LARGE_DASH : SMALL_DASH);
      polyline(ctx, rows.length, (i) => x(rows[i][c[xk]]), (i) => y(rows[i][c[q]]));
      ctx.setLineDash([]);
      ctx.fillStyle = ctx.strokeStyle;
      for (const r of rows) if (Number.isFinite(r[c[q]])) { ctx.beginPath(); ctx.arc(x(r[c[xk]]), y(r[c[q]]), 2.5, 0, 2 * Math.PI); ctx.fill(); }
      if (q === 'trace') {
        // Hutchinson's estimate is Monte Carlo: ± one standard error at every measurement.
        ctx.lineWidth = 1;
        for (const r of rows) {
          const m = r[c.trace], se = r[c.traceSe];
          if (!Number.isFinite(m) || !Number.isFinite(se)) continue;
          const px = x(r[c[xk]]);
          ctx.beginPath(); ctx.moveTo(px, y(m - se)); ctx.lineTo(px, y(m + se));
          ctx.moveTo(px - 3, y(m - se)); ctx.lineTo(px + 3, y(m - se)); ctx.moveTo(px - 3, y(m + se)); ctx.lineTo(px + 3, y(m + se)); ctx.stroke();
        }
      }
    });
    ctx.restore();
    if (lo < 0 && hi > 0) {
      ctx.strokeStyle = '#888'; ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(x.range[0], Math.round(y(0)) + 0.5); ctx.lineTo(x.range[1], Math.round(y(0)) + 0.5); ctx.stroke();
    }
    const alpha = Number(this.valid.learningRate);
    if (q === 'lambdaMax' && 2 / alpha <= hi * 1.05) {
      ctx.strokeStyle = '#666'; ctx.setLineDash([2, 3]); ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(x.range[0], y(2 / alpha)); ctx.lineTo(x.range[1], y(2 / alpha)); ctx.stroke(); ctx.setLineDash([]);
      ctx.fillStyle = '#444'; ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'left'; ctx.textBaseline = 'bottom';
      ctx.fillText('2/α (GD stability limit)', x.range[0] + 4, y(2 / alpha) - 2);
    }
    const last = runs.map((r) => `${r.large ? 'large' : 'small'} B = ${r.batchSize}: ${fmt(r.last[q])}`).join('; ');
    this.setLive(this.$('canvas.curves'), `${QUANTITIES[q]} over training. Latest: ${last}.`, 'aria-label');
    this.setLive(this.$('.legend-note'), `${runs.length / 2} initialization${runs.length > 2 ? 's' : ''}, each trained with both batch sizes`, 'text');
  }

  drawScatter() {
    const v = this.views.scatter, ctx = v.ctx;
    v.clear('#fff');
    const runs = this.snapshot.runs;
    // Large-batch squares first, small-batch circles (smaller) on top: at step 0 the two runs of
    // an initialization are the same point and both stay visible.
    const pts = runs.map((r) => [r.last.lambdaMax, r.last.testError, r.large]).filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1])).sort((a, b) => b[2] - a[2]);
    const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
    const x1 = Math.max(1e-6, ...xs) * 1.15, y0 = Math.min(...ys, Infinity), y1 = Math.max(...ys, -Infinity);
    const yl = Number.isFinite(y0) ? Math.max(0, y0 - 0.1 * (y1 - y0 + 0.01)) : 0;
    const yh = Number.isFinite(y1) ? y1 + 0.1 * (y1 - y0 + 0.01) : 1;
    const x = scale(0, x1, MARGIN.left, v.width - MARGIN.right);
    const y = scale(yl, yh, v.height - MARGIN.bottom, MARGIN.top);
    const classification = this.valid.task !== 'regression';
    drawAxes(ctx, { x, y, xLabel: 'sharpness λ_max(H)', yLabel: classification ? 'test error (fraction misclassified)' : 'test loss', grid: true });
    for (const [px, py, large] of pts) {
      ctx.fillStyle = large ? LARGE : SMALL;
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 1;
      ctx.beginPath();
      if (large) ctx.rect(x(px) - 6, y(py) - 6, 12, 12); else ctx.arc(x(px), y(py), 4.5, 0, 2 * Math.PI);
      ctx.fill(); ctx.stroke();
    }
    ctx.font = '11px system-ui, sans-serif'; ctx.fillStyle = '#444'; ctx.textAlign = 'left'; ctx.textBaseline = 'top';
    ctx.fillText('● small batch   ■ large batch', x.range[0] + 6, MARGIN.top + 2);
    this.setLive(this.$('canvas.scatter'), `Sharpness against test error: ${runs.map((r) => `${r.large ? 'large' : 'small'} batch λ_max ${fmt(r.last.lambdaMax)}, test error ${fmt(r.last.testError)}`).join('; ')}.`, 'aria-label');
  }

  drawSlice() {
    const v = this.views.slice, ctx = v.ctx;
    if (!v.stale(this.sliceData, this.snapshot?.runs.length)) return;
    v.clear('#fff');
    const d = this.sliceData;
    const s = d?.s ?? [-1, 1];
    let lo = Infinity, hi = -Infinity;
    for (const line of [...(d?.alongTop ?? []), ...(d?.alongRandom ?? [])]) for (const val of line) if (Number.isFinite(val)) { lo = Math.min(lo, val); hi = Math.max(hi, val); }
    if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
    const x = scale(s[0], s[s.length - 1], MARGIN.left, v.width - MARGIN.right);
    const y = scale(lo, hi + 0.05 * (hi - lo + 1e-9), v.height - MARGIN.bottom, MARGIN.top);
    drawAxes(ctx, { x, y, xLabel: 'distance s along the direction (parameter units)', yLabel: 'training loss J(θ + s·u)', grid: true });
    if (!d) {
      ctx.font = '12px system-ui, sans-serif'; ctx.fillStyle = '#444'; ctx.textAlign = 'center';
      ctx.fillText('pause or finish a run to draw the slices', (x.range[0] + x.range[1]) / 2, (y.range[0] + y.range[1]) / 2);
      this.setLive(this.$('canvas.slice'), 'Loss slices: pause or finish a run to draw them.', 'aria-label');
      return;
    }
    ctx.save();
    ctx.beginPath(); ctx.rect(x.range[0], y.range[1], x.range[1] - x.range[0], y.range[0] - y.range[1]); ctx.clip();
    this.snapshot.runs.forEach((run, k) => {
      ctx.strokeStyle = run.large ? LARGE : SMALL;
      ctx.lineWidth = 2;
      polyline(ctx, s.length, (i) => x(s[i]), (i) => y(d.alongTop[k][i]));
      ctx.setLineDash(RANDOM_DASH);
      ctx.lineWidth = 1.3;
      polyline(ctx, s.length, (i) => x(s[i]), (i) => y(d.alongRandom[k][i]));
      ctx.setLineDash([]);
    });
    ctx.restore();
    const mid = Math.floor(s.length / 2), edge = s.length - 1;
    this.setLive(this.$('canvas.slice'), `Training loss along the top eigenvector, from s = ${fmt(s[0])} to ${fmt(s[edge])}: ${this.snapshot.runs.map((r, k) => `${r.large ? 'large' : 'small'} batch rises from ${fmt(d.alongTop[k][mid])} to ${fmt(d.alongTop[k][edge])}`).join('; ')}.`, 'aria-label');
  }

  drawRescale() {
    const v = this.views.rescale, ctx = v.ctx;
    if (!v.stale(this.rescaleData)) return;
    v.clear('#fff');
    const r = this.rescaleData;
    if (!r) return;
    const one = r.atOne;
    const ratio = (p, key) => Math.log10(p[key] / one[key]);
    let lo = 0, hi = 0;
    for (const p of r.sweep) for (const q of RATIOS) { const t = ratio(p, q.key); if (Number.isFinite(t)) { lo = Math.min(lo, t); hi = Math.max(hi, t); } }
    lo = Math.floor(lo); hi = Math.max(lo + 1, Math.ceil(hi));
    const lx = scale(Math.log10(0.25), 1, MARGIN.left, v.width - MARGIN.right);
    const y = scale(lo, hi, v.height - MARGIN.bottom, MARGIN.top);
    const x = (a) => lx(Math.log10(a));
    logAxes(ctx, lx, y, [0.25, 0.5, 1, 2, 5, 10], 'rescaling a (log scale)', 'value ÷ value at a = 1 (log scale)');
    ctx.save();
    ctx.beginPath(); ctx.rect(lx.range[0], y.range[1], lx.range[1] - lx.range[0], y.range[0] - y.range[1]); ctx.clip();
    // Predicted asymptotes: λ_max ≈ c_large·a² for large a and c_small/a² for small a.
    ctx.strokeStyle = PREDICTED.colour; ctx.lineWidth = PREDICTED.width; ctx.setLineDash(PREDICTED.dash);
    const as = Array.from({ length: 60 }, (_, i) => 0.25 * 40 ** (i / 59));
    polyline(ctx, as.length, (i) => x(as[i]), (i) => y(Math.log10((r.largeACoefficient * as[i] ** 2) / one.lambdaMax)));
    polyline(ctx, as.length, (i) => x(as[i]), (i) => y(Math.log10(r.smallACoefficient / as[i] ** 2 / one.lambdaMax)));
    ctx.setLineDash([]);
    for (const q of RATIOS) {
      ctx.strokeStyle = q.colour; ctx.lineWidth = q.width; ctx.setLineDash(q.dash ?? []);
      polyline(ctx, r.sweep.length, (i) => x(r.sweep[i].a), (i) => y(ratio(r.sweep[i], q.key)));
    }
    ctx.setLineDash([]);
    const a = r.current.a;
    ctx.strokeStyle = '#000'; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(x(a), y.range[0]); ctx.lineTo(x(a), y.range[1]); ctx.stroke();
    ctx.fillStyle = CHOSEN;
    ctx.beginPath(); ctx.arc(x(a), y(ratio(r.current, 'lambdaMax')), 5, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    ctx.restore();
    const n = r.sweep.length - 1;
    this.setLive(this.$('canvas.rescale'), `The separate 2-3-1 ReLU demo net, rescaled by a from 0.25 to 10: λ_max(H) goes from ${fmt(r.sweep[0].lambdaMax)} to ${fmt(r.sweep[n].lambdaMax)} (${fmt(one.lambdaMax)} at a = 1); the loss, the input sensitivity and the KL with the prior carried along stay constant. Chosen a = ${fmt(a, 2)}.`, 'aria-label');
  }

  drawFunction() {
    const v = this.views.func, ctx = v.ctx;
    if (!v.stale(this.rescaleData)) return;
    v.clear('#fff');
    const r = this.rescaleData;
    if (!r) return;
    const s = r.lineS;
    let lo = Infinity, hi = -Infinity;
    for (const f of [r.lineF1, r.lineFa]) for (const val of f) { lo = Math.min(lo, val); hi = Math.max(hi, val); }
    const pad = 0.08 * (hi - lo + 1e-9);
    const x = scale(s[0], s[s.length - 1], MARGIN.left, v.width - MARGIN.right);
    const y = scale(lo - pad, hi + pad, v.height - MARGIN.bottom, MARGIN.top);
    drawAxes(ctx, { x, y, xLabel: 'input x₁ (with x₂ = 0.3)', yLabel: 'network output f(x)', grid: true });
    ctx.strokeStyle = '#999'; ctx.lineWidth = 6;
    polyline(ctx, s.length, (i) => x(s[i]), (i) => y(r.lineF1[i]));
    ctx.strokeStyle = CHOSEN; ctx.lineWidth = 2; ctx.setLineDash([6, 4]);
    polyline(ctx, s.length, (i) => x(s[i]), (i) => y(r.lineFa[i]));
    ctx.setLineDash([]);
    let worst = 0;
    for (let i = 0; i < s.length; i++) worst = Math.max(worst, Math.abs(r.lineFa[i] - r.lineF1[i]));
    this.setLive(this.$('canvas.func'), `The demo net's output along x₁ at a = 1 and at a = ${fmt(r.current.a, 2)}: the largest difference is ${worst.toExponential(1)}, i.e. the same function.`, 'aria-label');
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
    return { experiment: 'sharpness', settings: this.settings, historyFields: this.historyFields, history: this.rowsData ?? [], snapshot: this.snapshot, rescale: this.rescaleData, slice: this.sliceData };
  }
}

if (!customElements.get('noiselab-sharpness')) customElements.define('noiselab-sharpness', NoiselabSharpness);
export { NoiselabSharpness };
