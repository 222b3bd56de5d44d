// <noiselab-dropout>: "Dropout" (Grosse, Lecture 8; SCIENCE.md §2). Two MLPs from the same
// initialisation, on the same data and batches, one trained with dropout (h = m ⊙ φ(z),
// m ~ Bernoulli(1 − ρ); Srivastava et al. 2014) and one without. Four views (attribute
// `view="training|test-time|regularizer|wei"`, or tabs in the full widget):
//   training     data, both nets' heat maps / fits and decision boundaries, the network with the
//                current step's dropped units greyed out, train and test loss with vs without;
//   test-time    weight scaling vs the K-mask Monte Carlo average (and the exact 2^D average when
//                affordable), the MC spread band, a strip of sampled sub-networks;
//   regularizer  the MC estimate of R(w) over training; dropout on linear regression against
//                least squares, the closed-form minimizer and uniform ridge (SCIENCE §2.1);
//   wei          Wei, Kakade & Ma (2020): DROP₁, DROP_K, explicit-only, knock-in and no dropout
//                trained on the same data, in the worker, with a progress bar (SCIENCE §2.3), with
//                exactly the settings the controls show (only the training rule varies, and its
//                control is disabled here). The defaults (α = 0.5, ρ = 0.6, 2000 steps, from the
//                core's settings table) are where the effect shows at this scale (12 of 12 seeds;
//                the numbers are in weiFinding and the core's dropout module doc); the preset
//                "small-step" is the counterpoint where it does not.
// Each view ends its readout with one verdict sentence computed from its numbers (setVerdict).
// Every number comes from the Rust core through the worker; this file schedules and draws.
//
// Embed: <script type="module" src=".../www/widgets/dropout.js"></script>
//        <noiselab-dropout view="training" dropout-rate="0.5" controls="dropout-rate"></noiselab-dropout>
import { RunWidget, speedField } from '../lib/run-widget.js';
import { Figure } from '../lib/plot.js';
import { fmt } from './dropout/common.js';
import { TrainingView, trainingPanel } from './dropout/training.js';
import { TestTimeView, testTimePanel } from './dropout/test-time.js';
import { RegularizerView, regularizerPanel } from './dropout/regularizer.js';
import { WeiView, weiPanel } from './dropout/wei.js';

const CSS = `
.tabs { display: flex; flex-wrap: wrap; gap: 4px; border-bottom: 1px solid var(--border); padding-bottom: 6px; }
.tabs button[aria-selected="true"] { background: var(--accent); color: #fff; border-color: var(--accent); }
.view { display: grid; gap: 8px; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 8px; }
canvas.map { aspect-ratio: 1 / 0.92; cursor: crosshair; }
canvas.net { aspect-ratio: 3 / 0.9; }
canvas.curve { aspect-ratio: 2 / 1.15; }
canvas.wide { aspect-ratio: 3 / 1.2; }
canvas.strip { aspect-ratio: 6.4 / 1; }
canvas.tt-gap.square { aspect-ratio: 1.25 / 1; max-width: 460px; }
.note { font-size: 13px; color: var(--muted); margin: 0; }
.note.finding { color: inherit; border-left: 3px solid #E69F00; padding-left: 8px; }
.inline { display: inline-flex; gap: 6px; align-items: center; font-size: 13px; }
progress { width: min(100%, 320px); height: 12px; }
@media (max-width: 600px) { canvas.map { aspect-ratio: 1 / 0.95; } canvas.curve, canvas.wide { aspect-ratio: 3 / 2.2; } canvas.strip { aspect-ratio: 2 / 1.25; } }
`;

const VIEWS = [
  ['training', 'Training', trainingPanel],
  ['test-time', 'Test time', testTimePanel],
  ['regularizer', 'Regularizer', regularizerPanel],
  ['wei', 'Implicit vs explicit (Wei et al.)', weiPanel],
];
// Each view's figure, for the export: its title and its claim in one sentence (the verdict follows).
const FIGURES = {
  training: ['Dropout: the same net trained with and without dropout (Srivastava et al. 2014)', 'Dropout regularizes: from the same initialisation, data and batches, the net trained with dropout ends with a lower test loss than the one trained without, which overfits.'],
  'test-time': ['Dropout at test time: weight scaling vs the average over masks', 'Through nonlinear layers, weight scaling is not the average over dropout masks: the Monte Carlo average converges to the exact mask average, not to weight scaling (Srivastava et al. 2014; Baldi & Sadowski 2013).'],
  regularizer: ['Dropout as an explicit regularizer R(w)', 'Training with dropout minimizes J + R, with R(w) the expected loss increase under masks; for linear regression R is ridge with a per-feature penalty ρ/(1−ρ)·Sⱼ (Srivastava et al. 2014).'],
  wei: ['Implicit vs explicit regularization of dropout (Wei, Kakade & Ma 2020)', 'Averaging K masks per gradient (DROP_K) keeps dropout’s expected gradient but loses part of its benefit, and knocking the removed noise back in restores it: part of dropout’s effect is implicit (Wei, Kakade & Ma 2020).'],
};
// Regression's own training settings. At the defaults (SGD, α = 0.5, ρ = 0.6, tuned for the
// classification tasks) both 1-D regression nets diverge within a few steps at seeds 1–8 (and at
// α ≤ 0.2 with ρ = 0.6 most seeds still do). Adam with α = 0.01 and ρ = 0.3 trains both nets at
// seeds 1–16 on the seeded data and at seeds 1–8 on examples/data/dropout-wave-gap.csv and on
// x in [−3, 3] (`noiselab run dropout --set task=regression --set optimizer=adam --set
// learningRate=0.01 --set dropoutRate=0.3`; SGD at α = 0.02 still diverges on the wide x).
const REGRESSION = { optimizer: 'adam', learningRate: '0.01', dropoutRate: '0.3' };

class NoiselabDropout extends WeiView(RegularizerView(TestTimeView(TrainingView(RunWidget)))) {
  static css = CSS;
  static displayFields = ['speed', 'testK'];
  static uiFields = [
    speedField(500, 20),
    // 128: at the defaults the MC average's SE (≈ 0.010 on the slice) is then a quarter of its
    // gap to weight scaling (≈ 0.037), so the test-time claim reads out at first sight; at 16 the
    // SE was 0.026 and the gap could not be told from noise (about 0.34 s per refresh at 128).
    { name: 'testK', label: 'test-time MC masks K', min: 1, max: 256, default: 128, help: 'Number of dropout masks averaged by the Monte Carlo test-time prediction (Test time view).' },
  ];
  // Named presets (the base class draws the menu, reads preset= and <key>.preset=). Each sets only
  // visible controls, over the defaults. Numbers: `noiselab run dropout-k` / `run dropout`.
  static presets = [
    {
      name: 'small-step',
      label: 'Small step α = 0.1, ρ = 0.5 (Wei et al.: the counterpoint)',
      settings: { learningRate: 0.1, dropoutRate: 0.5, steps: 3000 },
      note: 'Counterpoint: with a small step the dropout noise adds no visible implicit benefit at this scale. Over seeds 1–8 DROP₈ keeps all of dropout’s benefit (test loss 1.04 ± 0.13 vs DROP₁ 1.04 ± 0.14; no dropout 1.82 ± 0.24). The default (α = 0.5, ρ = 0.6) is where Wei et al.’s effect shows.',
    },
    {
      name: 'input-dropout',
      label: 'Dropout on the input layer (a failure mode)',
      settings: { dropLayers: 'input' },
      note: 'ρ = 0.6 on the 2 inputs: one XOR coordinate alone says nothing about the class, so the dropout net underfits (seeds 1–3: training accuracy 0.70–0.78 vs 1.00 without; test loss 0.58–0.69, near the ln 2 = 0.69 of a coin flip). Srivastava et al. keep input dropout small (ρ ≈ 0.2) and on many inputs.',
    },
    {
      name: 'mc-vs-scaling',
      label: 'Test time: MC average vs weight scaling on a small net',
      settings: { task: 'regression', trainPoints: 20, batchSize: 10, hidden: '8', dropLayers: 'inputHidden', dropoutRate: 0.3, learningRate: 0.1 },
      note: 'A 1-D regression net with D = 9 droppable units, so the exact average over all 2^9 masks is drawn (Test time view): the Monte Carlo average converges to it, not to weight scaling, whose error comes from the ReLU after the dropped inputs.',
    },
  ];

  static buttons = [
    { name: 'restoreData', label: 'Restore data', title: 'Remove added points and restore the seeded data (restarts training)' },
    { name: 'runWei', label: 'Run Wei comparison', title: 'Train DROP₁, DROP_K, explicit-only and knock-in on the same data and seed (in the worker)' },
  ];

  get fixedView() {
    const v = this.getAttribute('view');
    return VIEWS.some(([k]) => k === v) ? v : null;
  }

  renderFigure() {
    const fixed = this.fixedView;
    const id = (s) => `${this.handle}-${s}`;
    const tabs = fixed ? '' : `<div class="tabs" role="tablist" aria-label="dropout views">${VIEWS.map(([k, l]) =>
      `<button type="button" role="tab" id="${id(`tab-${k}`)}" data-view="${k}" aria-controls="${id(`panel-${k}`)}" aria-selected="false" tabindex="-1">${l}</button>`).join('')}</div>`;
    const panel = ([k, , html]) => `<div class="view" data-view="${k}" id="${id(`panel-${k}`)}" ${fixed ? '' : `role="tabpanel" aria-labelledby="${id(`tab-${k}`)}"`} hidden>${html(id)}</div>`;
    return `${tabs}${VIEWS.map(panel).join('')}`;
  }

  async onReady() {
    this.view = this.fixedView ?? 'training';
    this.figure = new Figure(this);
    for (const b of this.root.querySelectorAll('.tabs button')) {
      b.addEventListener('click', () => this.showView(b.dataset.view));
      b.addEventListener('keydown', (e) => this.onTabKey(e));
    }
    this.attachTraining();
    this.$('.slice').addEventListener('change', () => this.refreshTestTime().catch((err) => this.fail(err)));
    // `ready` means drawn, readout included (a page script reading it at once, as the tests
    // do, must not race the first picture's worker request); a first Wei run is not waited for.
    const first = this.showView(this.view);
    if (this.view !== 'wei') await first;
  }

  // ---- views ----------------------------------------------------------------------------------

  showView(view) {
    this.view = view;
    for (const p of this.root.querySelectorAll('.view')) p.hidden = p.dataset.view !== view;
    for (const b of this.root.querySelectorAll('.tabs button')) {
      const on = b.dataset.view === view;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    if (this.buttons?.runWei) this.buttons.runWei.hidden = view !== 'wei' || !this.shownButton('runWei');
    if (this.buttons?.restoreData) this.buttons.restoreData.hidden = view !== 'training' || !this.shownButton('restoreData');
    for (const s of this.figure.surfaces.values()) s?.fit();
    this.updateControlStates();
    return this.refreshView().catch((err) => this.fail(err));
  }

  onTabKey(e) {
    const order = VIEWS.map(([k]) => k);
    const i = order.indexOf(this.view);
    const j = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: order.length - 1 }[e.key];
    if (j === undefined) return;
    e.preventDefault();
    const next = order[(j + order.length) % order.length];
    this.showView(next);
    this.root.querySelector(`.tabs button[data-view="${next}"]`).focus();
  }

  async refreshView() {
    if (!this.hist || !this.figure) return;
    if (this.view === 'training') await this.refreshPicture();
    else if (this.view === 'test-time') await this.refreshTestTime();
    else if (this.view === 'regularizer') { await this.refreshLinear(); this.curvesAt = performance.now(); this.figure.draw(); }
    else if (this.view === 'wei') { this.drawWei(); if (!this.wei && !this.weiRunning) await this.runWei(); }
    this.updateReadout();
  }

  /**
   * Public API: the figure of the view on screen as data (www/lib/plot.js), the network diagram
   * and the strip of sampled sub-networks included (panels without axes).
   */
  scene() {
    if (!this.hist || !this.snapshot) return null;
    const panels = { training: () => this.trainingPanels(), 'test-time': () => this.testTimePanels(), regularizer: () => this.regularizerPanels(), wei: () => this.weiPanels() }[this.view]();
    if (!panels.length) return null;
    const [title, claim] = FIGURES[this.view];
    const verdict = this.verdictEl?.textContent;
    return { title, caption: verdict ? `${claim} This run: ${verdict}` : claim, panels };
  }

  // ---- settings and runs ----------------------------------------------------------------------

  /** A change of task to regression (its control, a file's columns, a link) brings REGRESSION's
      settings, unless it sets one of them itself, and says so; back to a classification task,
      those still at REGRESSION's values return to their defaults. */
  async applyNow(changes, options) {
    const to = 'task' in changes ? String(changes.task).trim() : null, from = this.valid?.task;
    const names = Object.keys(REGRESSION), own = names.some((n) => n in changes);
    let brought = [];
    if (to === 'regression' && from !== 'regression' && !own) {
      brought = names;
      changes = { ...changes, ...REGRESSION };
    } else if (to && to !== 'regression' && from === 'regression' && !own) {
      const back = names.filter((n) => this.valid[n] === this.typed(n, REGRESSION[n]));
      changes = { ...changes, ...Object.fromEntries(back.map((n) => [n, this.defaults()[n]])) };
    }
    const before = this.valid, r = await super.applyNow(changes, options);
    const set = brought.filter((n) => this.valid.task === 'regression' && this.valid[n] !== before?.[n]);
    if (set.length && this.messageEl.hidden) {
      const label = { optimizer: `optimizer ${this.valid.optimizer === 'adam' ? 'Adam' : 'SGD'}`, learningRate: `α = ${this.valid.learningRate}`, dropoutRate: `ρ = ${this.valid.dropoutRate}` };
      this.showMessage(`Regression: ${set.map((n) => label[n]).join(', ')} set with the task. The classification defaults (SGD, α = 0.5, ρ = 0.6) make both regression nets diverge within a few steps.`, 'info');
    }
    return r;
  }

  async onApplied(changed, initial) {
    this.updateControlStates();
    await super.onApplied(changed, initial);
  }

  async onDisplayChange(changed) {
    if (changed.includes('testK') && this.hist) await this.refreshTestTime();
  }

  /** A new run of the current settings: the linear regression and the Wei comparison belong
      to the old one. */
  async createRun() {
    this.linear = null;
    this.wei = null;
    this.weiToken = (this.weiToken ?? 0) + 1;
    this.weiRunning = false;
    const r = await super.createRun();
    await this.refreshView();
    return r;
  }

  onFrame() {} // each view draws what it shows (tick, refreshView)

  async tick() {
    await super.tick();
    const now = performance.now();
    // The curves redraw at most every 100 ms (their panels' key is the time), the maps every 250 ms.
    if (!(now - this.curvesAt < 100)) this.curvesAt = now;
    if (this.view === 'training') {
      if (!(now - this.pictureAt < 250)) { this.pictureAt = now; await this.refreshPicture(); } else this.figure.draw();
    } else if (this.view === 'regularizer') {
      this.figure.draw();
    } else if (this.view === 'test-time' && !(now - this.ttAt < 1000)) {
      this.ttAt = now;
      await this.refreshTestTime();
    }
    this.updateReadout();
  }

  onStopped(s) {
    this.pause();
    if (s.stopReason === 'diverged') {
      const which = s.diverged === 'plain' ? 'the net without dropout' : 'the net with dropout';
      this.showMessage(`Stopped at step ${s.stepsDone}: ${which} diverged (non-finite loss or weights). Try a smaller learning rate α.`, 'error');
    } else {
      const l = s.last;
      this.showMessage(`Finished ${s.stepsDone} steps: test loss ${fmt(l.testLoss)} with ${this.ruleName()} vs ${fmt(l.plainTestLoss)} without dropout.`, 'info');
    }
  }

  onPaused() { this.refreshView().catch((err) => this.fail(err)); }

  ruleName() {
    return { dropout: 'dropout', dropK: `DROP_K (K = ${this.valid.dropK})`, explicitOnly: 'the explicit regularizer', knockIn: `knock-in (K = ${this.valid.dropK})`, none: 'no dropout (control)' }[this.valid.variant];
  }

  /** Public API: one step. */
  async stepOnce() {
    const r = await super.stepOnce();
    await this.refreshView();
    return r;
  }

  /** Public API: train to the end in budgeted slices (the page stays responsive). */
  async runToEnd() {
    const s = await super.runToEnd();
    await this.refreshView();
    return s;
  }

  async onReset() {
    await super.onReset();
    await this.refreshView();
  }

  async onButton(name) {
    if (name === 'restoreData') {
      await this.method('resetData');
      await this.onReset();
    } else if (name === 'runWei') {
      this.wei = null;
      await this.runWei();
    }
  }

  // ---- controls that do not apply, verdicts and readout ---------------------------------------

  /** Disable (with a reason) the controls the current view and training rule do not use. */
  updateControlStates() {
    if (!this.valid || !this.controls) return;
    const v = this.valid, wei = this.view === 'wei';
    const usesK = wei || ['dropK', 'knockIn'].includes(v.variant);
    const rule = { dropout: 'DROP₁ draws one mask per example', explicitOnly: 'the explicit rule draws no masks', none: 'no dropout draws no masks' }[v.variant] ?? '';
    this.setControlDisabled('dropK', usesK ? null : `used by DROP_K, knock-in and the Wei view; ${rule}`);
    this.setControlDisabled('variant', wei ? 'the Wei view trains all four rules side by side' : null);
    this.setControlDisabled('testK', this.view === 'test-time' ? null : 'used by the Test time view');
  }

  updateVerdict() {
    const s = this.snapshot;
    if (!s) return;
    const text = s.stopReason === 'diverged' ? `Diverged at step ${s.stepsDone}: ${s.diverged === 'plain' ? 'the net without dropout' : 'the net with dropout'} has a non-finite loss or weights, so nothing can be compared. Try a smaller learning rate α.`
      : this.view === 'training' ? this.trainingVerdict()
      : this.view === 'test-time' ? this.testTimeVerdict()
        : this.view === 'regularizer' ? this.regularizerVerdict()
          : this.wei?.complete ? this.weiVerdict() : 'Training DROP₁, DROP_K, knock-in and the explicit rule on the same data…';
    this.setVerdict(text);
  }

  updateReadout() {
    const s = this.snapshot;
    if (!s) return;
    const l = s.last;
    const acc = Number.isFinite(l.testAccuracy) ? `<span>test accuracy <b class="r-acc">${fmt(l.testAccuracy, 3)}</b> vs <b class="r-plain-acc">${fmt(l.plainTestAccuracy, 3)}</b></span>` : '';
    const extra = { 'test-time': () => this.testTimeReadout(), regularizer: () => this.regularizerReadout(), wei: () => this.weiReadout() }[this.view]?.() ?? '';
    this.setReadout(`
      <span>step <b class="r-step">${s.stepsDone}</b> / ${s.totalSteps}</span>
      <span>test loss <b class="r-test">${fmt(l.testLoss)}</b> with vs <b class="r-plain-test">${fmt(l.plainTestLoss)}</b> without dropout</span>
      <span>train loss <b class="r-train">${fmt(l.trainLoss)}</b> vs <b class="r-plain-train">${fmt(l.plainTrainLoss)}</b></span>
      ${acc}
      <span>training points <b class="r-points">${s.trainPoints}</b></span>
      ${extra}`);
    this.updateVerdict();
  }
}

if (!customElements.get('noiselab-dropout')) customElements.define('noiselab-dropout', NoiselabDropout);
export { NoiselabDropout };
