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
import { NoiselabWidget } from '../lib/widget.js';
import { Surface, scale, drawAxes, polyline, ramp, OKABE_ITO as C } from '../lib/plot.js';

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
.note { font-size: 13px; color: var(--muted); margin: 0; }
.note.finding { color: inherit; border-left: 3px solid #E69F00; padding-left: 8px; }
.inline { display: inline-flex; gap: 6px; align-items: center; font-size: 13px; }
progress { width: min(100%, 320px); height: 12px; }
@media (max-width: 600px) { canvas.map { aspect-ratio: 1 / 0.95; } canvas.curve, canvas.wide { aspect-ratio: 3 / 2.2; } canvas.strip { aspect-ratio: 2 / 1.25; } }
`;
let sheet;

const VIEWS = [
  ['training', 'Training'],
  ['test-time', 'Test time'],
  ['regularizer', 'Regularizer'],
  ['wei', 'Implicit vs explicit (Wei et al.)'],
];
const MAP_MARGIN = { left: 56, right: 10, top: 10, bottom: 40 };
const CURVE_MARGIN = { left: 58, right: 12, top: 12, bottom: 40 };
// Blue (class 0 / low) – white – vermillion (class 1 / high): Okabe–Ito, colour-blind safe.
const PROB_RAMP = [[0, [0, 114, 178]], [0.5, [255, 255, 255]], [1, [213, 94, 0]]];
const GAP_RAMP = [[0, [0, 158, 115]], [0.5, [255, 255, 255]], [1, [204, 121, 167]]];
const MAP_N = 48; // heat-map grid of the training view
const TT_N = 121; // points of test-time curves
const TT_MAP = 32; // grid of the test-time gap map
const MEMBER_N = 24; // grid of each sampled sub-network
const MEMBERS = 8;
const SLICES = ['1', '0.5', '-0.5', '-1'];
// Wei et al.'s variants: the dropout net of each run; "no dropout" is the plain net of DROP₁.
// One colour per method across the widget's panels: dropout (DROP₁) vermillion and no dropout
// blue as in the training view, the explicit regularizer purple as R̂ in the regularizer view.
const WEI = [
  { key: 'dropout', label: 'DROP₁ (ordinary dropout)', colour: C.vermillion },
  { key: 'dropK', label: 'DROP_K (K masks averaged)', colour: C.green },
  { key: 'knockIn', label: 'DROP_K + knock-in noise', colour: C.orange, dash: [7, 4] },
  { key: 'explicitOnly', label: 'explicit regularizer only', colour: C.purple },
];
const NONE_COLOUR = C.blue;
// What the lab measured at this scale (`noiselab run dropout-k`; the core's dropout module doc).
const WEI_MEASURED = 'Mean ± SE of the final test loss; XOR, 40 points, 64–64 ReLU, B = 10, K = 8. '
  + 'At the defaults (α = 0.5, ρ = 0.6, 2000 steps; seeds 1–12): no dropout 2.67 ± 0.22, DROP₁ 1.45 ± 0.19, DROP₈ 2.08 ± 0.25, knock-in 1.43 ± 0.16, explicit only 2.56 ± 0.31; '
  + 'DROP₈ is worse than DROP₁ in 12 of 12 seeds (by 0.63 ± 0.13, about half of the benefit) and knock-in is better than DROP₈ in 12 of 12 (by 0.65 ± 0.14); the gap is there by step 1000 (0.30 ± 0.06). '
  + 'Not every seed is clean: at seed 7 dropout itself does not beat no dropout, at seed 3 DROP₈ ends worse than no dropout. '
  + 'With a small step (preset “small-step”: α = 0.1, ρ = 0.5, 3000 steps; seeds 1–8) the effect is absent: DROP₁ 1.04 ± 0.14, DROP₈ 1.04 ± 0.13, DROP₃₂ 1.03 ± 0.13, knock-in 1.04 ± 0.14; '
  + 'with α = 0.3, ρ = 0.7 it appears only late (DROP₈ − DROP₁ +0.02 ± 0.02 at step 1000, +0.50 ± 0.16 at 3000; seeds 1–6). '
  + 'So at this small scale the implicit part of dropout grows with the step size, as the noise term in Wei et al.’s analysis does. '
  + 'Test accuracy hardly separates the rules here (200 test points, SE ≈ 0.03); the test loss (cross-entropy) does. '
  + 'The second-order explicit regularizer alone is weaker than dropout, because for cross-entropy ℓ″(z) = σ(1 − σ) vanishes once predictions are confident.';
// Linear regression for the regularizer view (SCIENCE §2.1: D ≲ 10): features of scales 0.5 … 2.
const LINEAR = { n: 30, d: 5, noise: 1, learningRate: 0.02, batchSize: 4, steps: 60000, records: 300 };

const fmt = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');

class NoiselabDropout extends NoiselabWidget {
  static kind = 'dropout';
  static uiFields = [
    { name: 'speed', label: 'speed (steps per frame)', min: 1, max: 500, default: 20, help: 'Training steps computed per animation frame (work per frame is also capped in time).' },
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

  extraSheets() {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    return [sheet];
  }

  get fixedView() {
    const v = this.getAttribute('view');
    return VIEWS.some(([k]) => k === v) ? v : null;
  }

  renderFigure() {
    const fixed = this.fixedView;
    const id = (s) => `${this.handle}-${s}`;
    const tabs = fixed ? '' : `<div class="tabs" role="tablist" aria-label="dropout views">${VIEWS.map(([k, l]) =>
      `<button type="button" role="tab" id="${id(`tab-${k}`)}" data-view="${k}" aria-controls="${id(`panel-${k}`)}" aria-selected="false" tabindex="-1">${l}</button>`).join('')}</div>`;
    const panel = (k, html) => `<div class="view" data-view="${k}" id="${id(`panel-${k}`)}" ${fixed ? '' : `role="tabpanel" aria-labelledby="${id(`tab-${k}`)}"`} hidden>${html}</div>`;
    return `${tabs}
      ${panel('training', `
        <div class="plot-head"><strong>Data and each net’s prediction</strong>
          <span class="inline"><label for="${id('cls')}">click adds</label><select id="${id('cls')}" class="click-class"><option value="1">class 1 (●)</option><option value="0">class 0 (■)</option></select><span class="hint">shift-click removes the nearest point; with the keyboard: arrows move the cross, Enter adds, Delete removes</span></span></div>
        <div class="pair">
          <canvas class="map map-dropout" role="img" tabindex="0" aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown Enter Delete" aria-label="prediction of the net trained with dropout"></canvas>
          <canvas class="map map-plain" role="img" tabindex="0" aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown Enter Delete" aria-label="prediction of the net trained without dropout"></canvas>
        </div>
        <div class="legend legend-map" aria-hidden="true"></div>
        <div class="plot-head"><strong>The network at the current step</strong><span class="hint net-note"></span></div>
        <canvas class="net" role="img" aria-label="network diagram"></canvas>
        <div class="legend" aria-hidden="true"><span><i class="swatch dot" style="background:${C.blue}"></i>kept unit</span><span><i class="swatch dot" style="background:#c8c8c8"></i>dropped this step (m = 0)</span></div>
        <div class="pair">
          <canvas class="curve loss-train" role="img" aria-label="training loss over steps"></canvas>
          <canvas class="curve loss-test" role="img" aria-label="test loss over steps"></canvas>
        </div>
        <div class="legend" aria-hidden="true"><span><i class="swatch" style="border-color:${C.vermillion}"></i>with dropout (the configured rule)</span><span><i class="swatch" style="border-color:${C.blue}"></i>without dropout</span><span>same seed, data, initialisation and batches</span></div>`)}
      ${panel('test-time', `
        <div class="plot-head"><strong class="tt-title">Test-time predictions of the dropout net</strong>
          <span class="inline slice-pick" hidden><label for="${id('slice')}">slice at x₂ =</label><select id="${id('slice')}" class="slice">${SLICES.map((s) => `<option value="${s}"${s === '0.5' ? ' selected' : ''}>${s.replace('-', '−')}</option>`).join('')}</select></span>
</div>
        <canvas class="wide tt-curve" role="img" aria-label="test-time predictions"></canvas>
        <div class="legend" aria-hidden="true"><span><i class="swatch" style="border-color:#000"></i>weight scaling (×(1 − ρ), no masks)</span><span><i class="swatch" style="border-color:${C.vermillion}"></i>MC average over K masks</span><span><i class="swatch" style="border-color:rgba(213,94,0,0.3);border-top-width:9px"></i>± 1 std of the K sub-networks</span><span class="exact-key"><i class="swatch dashed" style="border-color:${C.green}"></i>exact average over all 2^D masks</span></div>
        <div class="plot-head"><strong class="gap-title">Gap: MC average − weight scaling</strong></div>
        <canvas class="wide tt-gap" role="img" aria-label="gap between Monte Carlo and weight-scaled predictions"></canvas>
        <div class="plot-head"><strong>An ensemble of 2^D sub-networks: a few sampled members</strong><span class="hint members-note"></span></div>
        <canvas class="strip members" role="img" aria-label="predictions of sampled sub-networks"></canvas>`)}
      ${panel('regularizer', `
        <div class="plot-head"><strong>R(w) = E[loss with masks] − loss at the test-time weights, on the training set</strong></div>
        <canvas class="wide reg-curve" role="img" aria-label="explicit regularizer over training"></canvas>
        <div class="legend" aria-hidden="true"><span><i class="swatch" style="border-color:${C.vermillion}"></i>dropout net: MC estimate ± 1 SE</span><span><i class="swatch dashed" style="border-color:${C.purple}"></i>its second-order R̂</span><span><i class="swatch" style="border-color:${C.blue}"></i>plain net’s weights under the same dropout</span></div>
        <div class="plot-head"><strong>Linear regression with input dropout (ρ from the settings): where each solution puts the weights</strong></div>
        <canvas class="wide lin-bars" role="img" aria-label="weights of least squares, dropout SGD, the closed-form minimizer and uniform ridge"></canvas>
        <div class="legend legend-lin" aria-hidden="true"></div>
        <p class="note lin-note"></p>`)}
      ${panel('wei', `
        <div class="plot-head"><strong>Test loss over training: which part of dropout’s benefit is implicit?</strong>
          <span class="inline"><progress class="wei-progress" max="1" value="0" aria-label="progress of the comparison runs"></progress><span class="wei-status"></span></span></div>
        <canvas class="wide wei-curve" role="img" aria-label="test loss of the Wei et al. variants"></canvas>
        <div class="legend legend-wei" aria-hidden="true"></div>
        <p class="note finding wei-finding"></p>
        <details class="note wei-measured"><summary>Measured over 8–12 seeds with the CLI</summary><p class="note">${WEI_MEASURED}</p></details>`)}`;
  }

  async onReady() {
    this.view = this.fixedView ?? 'training';
    this.surfaces = {};
    const surf = (name, sel) => { this.surfaces[name] = new Surface(this.$(sel), () => this.drawView(name)); };
    surf('mapDropout', 'canvas.map-dropout');
    surf('mapPlain', 'canvas.map-plain');
    surf('net', 'canvas.net');
    surf('lossTrain', 'canvas.loss-train');
    surf('lossTest', 'canvas.loss-test');
    surf('ttCurve', 'canvas.tt-curve');
    surf('ttGap', 'canvas.tt-gap');
    surf('members', 'canvas.members');
    surf('reg', 'canvas.reg-curve');
    surf('lin', 'canvas.lin-bars');
    surf('wei', 'canvas.wei-curve');
    for (const b of this.root.querySelectorAll('.tabs button')) {
      b.addEventListener('click', () => this.showView(b.dataset.view));
      b.addEventListener('keydown', (e) => this.onTabKey(e));
    }
    for (const c of this.root.querySelectorAll('canvas.map')) {
      c.addEventListener('click', (e) => this.onMapClick(e).catch((err) => this.fail(err)));
      c.addEventListener('keydown', (e) => this.onMapKey(e));
      c.addEventListener('focus', () => {
        const d = this.picture?.data.domain;
        if (!this.cross && d) this.cross = { x: (d.xMin + d.xMax) / 2, y: (d.yMin + d.yMax) / 2 };
        this.drawTraining();
      });
      c.addEventListener('blur', () => this.drawTraining());
    }
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
    for (const s of Object.values(this.surfaces)) s.fit();
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
    if (!this.hist || !this.surfaces) return;
    if (this.view === 'training') await this.refreshPicture();
    else if (this.view === 'test-time') await this.refreshTestTime();
    else if (this.view === 'regularizer') { await this.refreshLinear(); this.drawView('reg'); }
    else if (this.view === 'wei') { this.drawView('wei'); if (!this.wei && !this.weiRunning) await this.runWei(); }
    this.updateReadout();
  }

  drawView(name) {
    if (!this.hist || !this.surfaces) return;
    const d = {
      mapDropout: () => this.drawMap('mapDropout', 'dropout'),
      mapPlain: () => this.drawMap('mapPlain', 'plain'),
      net: () => this.drawNet(),
      lossTrain: () => this.drawLoss('lossTrain', 'train'),
      lossTest: () => this.drawLoss('lossTest', 'test'),
      ttCurve: () => this.drawTestCurve(),
      ttGap: () => this.drawGap(),
      members: () => this.drawMembers(),
      reg: () => this.drawRegularizer(),
      lin: () => this.drawLinear(),
      wei: () => this.drawWei(),
    }[name];
    d?.();
  }

  drawTraining() {
    for (const n of ['mapDropout', 'mapPlain', 'net', 'lossTrain', 'lossTest']) this.drawView(n);
  }

  // ---- settings and runs ----------------------------------------------------------------------

  modelSettings() {
    return Object.fromEntries(this.fields.map((f) => [f.name, this.valid[f.name]]));
  }

  async onApplied(changed, initial) {
    this.updateControlStates();
    const model = changed.filter((n) => !['speed', 'testK'].includes(n));
    if (!model.length) {
      if (changed.includes('testK') && this.hist) await this.refreshTestTime();
      return;
    }
    const wasPlaying = this.playing;
    this.pause();
    const result = await this.worker.request('create', { kind: 'dropout', handle: this.handle, settings: this.modelSettings() });
    this.startBuffers(result);
    this.linear = null;
    this.wei = null;
    this.weiToken = (this.weiToken ?? 0) + 1;
    this.weiRunning = false;
    this.showMessage('');
    await this.refreshView();
    if (wasPlaying && !initial) this.play();
  }

  startBuffers(result) {
    this.K = this.historyFields.length;
    const total = Number(result.snapshot.totalSteps);
    const every = Number(this.valid.recordEvery);
    this.hist = new Float64Array((Math.ceil(total / every) + 3) * this.K);
    this.rows = 0;
    this.ingest(result);
  }

  ingest(r) {
    const need = (r.from * this.K) + r.history.length;
    if (need > this.hist.length) { const h = new Float64Array(need * 2); h.set(this.hist); this.hist = h; }
    this.hist.set(r.history, r.from * this.K);
    this.rows = r.from + r.history.length / this.K;
    this.snapshot = r.snapshot;
    this.dispatchEvent(new CustomEvent('noiselab-frame', { detail: r.snapshot, bubbles: true, composed: true }));
  }

  async advance(steps, budgetMs) {
    const r = await this.worker.request('advance', { handle: this.handle, steps, budgetMs });
    this.ingest(r);
    return r;
  }

  async tick() {
    const r = await this.advance(Number(this.valid.speed), 12);
    const now = performance.now();
    if (this.view === 'training') {
      this.drawView('net');
      if (!(now - this.curvesAt < 100)) { this.drawView('lossTrain'); this.drawView('lossTest'); this.curvesAt = now; }
      if (!(now - this.pictureAt < 250)) { this.pictureAt = now; await this.refreshPicture(); }
    } else if (this.view === 'regularizer') {
      if (!(now - this.curvesAt < 100)) { this.drawView('reg'); this.curvesAt = now; }
    } else if (this.view === 'test-time' && !(now - this.ttAt < 1000)) {
      this.ttAt = now;
      await this.refreshTestTime();
    }
    this.updateReadout();
    if (r.snapshot.stopReason) this.onStopped(r.snapshot);
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
    await this.settled();
    const r = await this.advance(1, 12);
    await this.refreshView();
    if (r.snapshot.stopReason) this.onStopped(r.snapshot);
  }

  /** Public API: train to the end in budgeted slices (the page stays responsive). */
  async runToEnd() {
    await this.settled();
    this.pause();
    for (;;) {
      const r = await this.advance(1e9, 30);
      if (r.snapshot.stopReason) { this.onStopped(r.snapshot); await this.refreshView(); return r.snapshot; }
      await new Promise(requestAnimationFrame);
    }
  }

  async onReset() {
    const r = await this.worker.request('reset', { handle: this.handle });
    this.startBuffers(r);
    await this.refreshView();
  }

  async onButton(name) {
    if (name === 'restoreData') {
      await this.worker.request('method', { handle: this.handle, name: 'resetData' });
      const r = await this.worker.request('reset', { handle: this.handle });
      this.startBuffers(r);
      await this.refreshView();
    } else if (name === 'runWei') {
      this.wei = null;
      await this.runWei();
    }
  }

  // ---- training view --------------------------------------------------------------------------

  async refreshPicture() {
    const n = this.snapshot?.widths?.[0] === 1 ? 200 : MAP_N;
    this.picture = await this.worker.request('method', { handle: this.handle, name: 'picture', nx: n, ny: n });
    this.$('.click-class').parentElement.querySelector('label').hidden = !this.picture.data.classification;
    this.$('.click-class').hidden = !this.picture.data.classification;
    this.snapshot = this.picture.snapshot;
    this.drawTraining();
    this.updateReadout();
  }

  mapScales(v, domain) {
    return {
      x: scale(domain.xMin, domain.xMax, MAP_MARGIN.left, v.width - MAP_MARGIN.right),
      y: scale(domain.yMin, domain.yMax, v.height - MAP_MARGIN.bottom, MAP_MARGIN.top),
    };
  }

  heatImage(values, nx, ny, stops, lo = 0, hi = 1) {
    const canvas = new OffscreenCanvas(nx, ny);
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(nx, ny);
    for (let i = 0; i < nx * ny; i++) {
      const c = ramp(stops, (values[i] - lo) / (hi - lo || 1));
      img.data.set([c[0], c[1], c[2], 255], 4 * i);
    }
    ctx.putImageData(img, 0, 0);
    return canvas;
  }

  drawPoints(ctx, s, data, alpha = 1) {
    const { dim, trainX, trainT, classification } = data;
    ctx.save();
    ctx.globalAlpha = alpha;
    ctx.lineWidth = 1.2;
    ctx.strokeStyle = '#000';
    for (let i = 0; i < trainT.length; i++) {
      const X = s.x(trainX[i * dim]), Y = s.y(dim === 2 ? trainX[i * dim + 1] : trainT[i]);
      ctx.beginPath();
      if (!classification) { ctx.fillStyle = '#222'; ctx.arc(X, Y, 3.5, 0, 2 * Math.PI); ctx.fill(); continue; }
      if (trainT[i] > 0.5) { ctx.fillStyle = C.vermillion; ctx.arc(X, Y, 4.2, 0, 2 * Math.PI); }
      else { ctx.fillStyle = C.blue; ctx.rect(X - 3.6, Y - 3.6, 7.2, 7.2); }
      ctx.fill(); ctx.stroke();
    }
    ctx.restore();
  }

  drawMap(name, which) {
    const v = this.surfaces[name], ctx = v.ctx, p = this.picture;
    v.clear('#fff');
    if (!p) return;
    const { domain, classification } = p.data;
    const s = this.mapScales(v, domain);
    const [px0, px1] = s.x.range, py0 = s.y(domain.yMax), py1 = s.y(domain.yMin);
    const title = which === 'dropout' ? `with ${this.ruleName()}` : 'without dropout';
    if (classification) {
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(this.heatImage(p[which], p.nx, p.ny, PROB_RAMP), px0, py0, px1 - px0, py1 - py0);
      const seg = which === 'dropout' ? p.boundaryDropout : p.boundaryPlain;
      ctx.strokeStyle = '#000'; ctx.lineWidth = 2;
      ctx.beginPath();
      for (let i = 0; i < seg.length; i += 4) { ctx.moveTo(s.x(seg[i]), s.y(seg[i + 1])); ctx.lineTo(s.x(seg[i + 2]), s.y(seg[i + 3])); }
      ctx.stroke();
      drawAxes(ctx, { x: s.x, y: s.y, xLabel: 'x₁', yLabel: 'x₂' });
    } else {
      drawAxes(ctx, { x: s.x, y: s.y, xLabel: 'x', yLabel: 'target t', grid: true });
      ctx.save(); ctx.beginPath(); ctx.rect(px0, py0, px1 - px0, py1 - py0); ctx.clip();
      const n = p.nx, xs = (i) => s.x(domain.xMin + (domain.xMax - domain.xMin) * i / (n - 1));
      ctx.setLineDash([6, 4]); ctx.strokeStyle = '#555'; ctx.lineWidth = 1.5;
      polyline(ctx, n, xs, (i) => s.y(p.truth[i]));
      ctx.setLineDash([]); ctx.strokeStyle = which === 'dropout' ? C.vermillion : C.blue; ctx.lineWidth = 2.5;
      polyline(ctx, n, xs, (i) => s.y(p[which][i]));
      ctx.restore();
    }
    this.drawPoints(ctx, s, p.data);
    const canvas = this.$(`canvas.map-${which}`);
    if (this.cross && this.root.activeElement === canvas) {
      const X = s.x(this.cross.x), Y = s.y(this.cross.y);
      ctx.strokeStyle = '#000'; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(X - 9, Y); ctx.lineTo(X + 9, Y); ctx.moveTo(X, Y - 9); ctx.lineTo(X, Y + 9); ctx.stroke();
    }
    ctx.font = '600 12px system-ui, sans-serif'; ctx.fillStyle = '#111'; ctx.textAlign = 'left'; ctx.textBaseline = 'top';
    ctx.fillText(title, px0 + 6, py0 + 4);
    const l = this.snapshot.last;
    const loss = which === 'dropout' ? l.testLoss : l.plainTestLoss;
    this.setLive(this.$(`canvas.map-${which}`), `${classification ? 'Heat map of p(class 1) and decision boundary' : 'Fitted curve'} of the net trained ${title}, step ${this.snapshot.stepsDone}: test loss ${fmt(loss)}; ${p.data.trainT.length} training points.`, 'aria-label');
    const legend = this.$('.legend-map');
    const html = classification
      ? `<span><i class="swatch dot" style="background:${C.vermillion}"></i>class 1</span><span>■ class 0</span><span><i class="swatch ink"></i>decision boundary p = ½</span><span>shading: p(class 1 | x) from blue (0) to vermillion (1), weight-scaled</span>`
      : `<span><i class="swatch dot ink"></i>training points</span><span><i class="swatch dashed" style="border-color:#555"></i>true sin(πx)</span><span><i class="swatch" style="border-color:${C.vermillion}"></i>fit with dropout</span><span><i class="swatch" style="border-color:${C.blue}"></i>fit without</span>`;
    if (legend.innerHTML !== html) legend.innerHTML = html;
  }

  drawNet() {
    const v = this.surfaces.net, ctx = v.ctx, snap = this.snapshot;
    v.clear('#fff');
    if (!snap) return;
    const widths = snap.widths, mask = snap.mask;
    const L = widths.length;
    const colX = (l) => 40 + (v.width - 80) * l / (L - 1);
    const top = 14, bottom = v.height - 20;
    const unitY = (l, j) => (widths[l] === 1 ? (top + bottom) / 2 : top + (bottom - top) * j / (widths[l] - 1));
    let offset = 0;
    const offsets = widths.slice(0, L - 1).map((w) => { const o = offset; offset += w; return o; });
    const kept = (l, j) => (l === L - 1 ? true : mask[offsets[l] + j] > 0.5);
    // Edges between kept units (subsampled so a frame stays cheap).
    ctx.lineWidth = 0.5;
    ctx.strokeStyle = 'rgba(0, 114, 178, 0.12)';
    ctx.beginPath();
    for (let l = 0; l < L - 1; l++) {
      const a = widths[l], b = widths[l + 1];
      const stride = Math.max(1, Math.ceil((a * b) / 900));
      for (let e = 0; e < a * b; e += stride) {
        const i = e % a, o = Math.floor(e / a);
        if (!kept(l, i) || !kept(l + 1, o)) continue;
        ctx.moveTo(colX(l), unitY(l, i)); ctx.lineTo(colX(l + 1), unitY(l + 1, o));
      }
    }
    ctx.stroke();
    let dropped = 0, droppable = 0;
    for (let l = 0; l < L; l++) {
      const r = Math.max(1.6, Math.min(6, (bottom - top) / widths[l] / 2.4));
      for (let j = 0; j < widths[l]; j++) {
        const k = kept(l, j);
        if (l < L - 1) { droppable++; if (!k) dropped++; }
        ctx.beginPath(); ctx.arc(colX(l), unitY(l, j), r, 0, 2 * Math.PI);
        ctx.fillStyle = k ? C.blue : '#c8c8c8';
        ctx.fill();
      }
    }
    ctx.font = '11px system-ui, sans-serif'; ctx.fillStyle = '#333'; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    for (let l = 0; l < L; l++) ctx.fillText(l === 0 ? `input (${widths[l]})` : l === L - 1 ? 'output' : `hidden ${l} (${widths[l]})`, colX(l), bottom + 5);
    const note = snap.stepsDone === 0 ? 'before the first step: nothing dropped yet'
      : ['dropout', 'dropK', 'knockIn'].includes(this.valid.variant) ? `step ${snap.stepsDone}: ${dropped} units dropped (the mask of the batch’s first example)` : 'this training rule draws no masks';
    this.setLive(this.$('.net-note'), note, 'text');
    this.setLive(this.$('canvas.net'), `Network ${widths.join('–')}; ${note}.`, 'aria-label');
  }

  column(name, rows = this.rows, buf = this.hist, K = this.K) {
    const c = this.col[name];
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) out[i] = buf[i * K + c];
    return out;
  }

  /** A line plot of series `[{y, colour, dash, band}]` over `x`. */
  linePlot(v, { x, series, xLabel, yLabel, xMax, logY = false, yMin }) {
    const ctx = v.ctx;
    v.clear('#fff');
    let lo = Infinity, hi = -Infinity;
    for (const s of series) for (let i = 0; i < s.y.length; i++) {
      const e = s.band ? s.band[i] : 0;
      if (Number.isFinite(s.y[i])) { lo = Math.min(lo, s.y[i] - (Number.isFinite(e) ? e : 0)); hi = Math.max(hi, s.y[i] + (Number.isFinite(e) ? e : 0)); }
    }
    if (yMin !== undefined) lo = Math.min(lo, yMin);
    if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
    if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
    const pad = 0.06 * (hi - lo);
    void logY;
    const sx = scale(0, xMax || 1, CURVE_MARGIN.left, v.width - CURVE_MARGIN.right);
    const sy = scale(lo - pad, hi + pad, v.height - CURVE_MARGIN.bottom, CURVE_MARGIN.top);
    drawAxes(ctx, { x: sx, y: sy, xLabel, yLabel, grid: true });
    ctx.save();
    ctx.beginPath(); ctx.rect(sx.range[0], sy.range[1], sx.range[1] - sx.range[0], sy.range[0] - sy.range[1]); ctx.clip();
    for (const s of series) {
      if (!s.band) continue;
      ctx.fillStyle = s.bandColour ?? 'rgba(213, 94, 0, 0.2)';
      ctx.beginPath();
      const n = s.y.length;
      let started = false;
      for (let i = 0; i < n; i++) { const e = s.band[i]; if (!Number.isFinite(e) || !Number.isFinite(s.y[i])) continue; const X = sx(x[i]), Y = sy(s.y[i] + e); started ? ctx.lineTo(X, Y) : ctx.moveTo(X, Y); started = true; }
      for (let i = n - 1; i >= 0; i--) { const e = s.band[i]; if (!Number.isFinite(e) || !Number.isFinite(s.y[i])) continue; ctx.lineTo(sx(x[i]), sy(s.y[i] - e)); }
      ctx.fill();
    }
    for (const s of series) {
      ctx.strokeStyle = s.colour; ctx.lineWidth = s.width ?? 2.2; ctx.setLineDash(s.dash ?? []);
      polyline(ctx, s.y.length, (i) => sx(x[i]), (i) => sy(s.y[i]), 1200);
    }
    ctx.restore();
    return { sx, sy };
  }

  drawLoss(name, which) {
    const v = this.surfaces[name];
    const steps = this.column('step');
    const a = this.column(which === 'train' ? 'trainLoss' : 'testLoss');
    const b = this.column(which === 'train' ? 'plainTrainLoss' : 'plainTestLoss');
    this.linePlot(v, {
      x: steps, xMax: Number(this.snapshot.totalSteps), xLabel: 'step (iterations)',
      yLabel: `${which === 'train' ? 'training' : 'test'} loss${this.picture?.data.classification === false ? ' (½ squared error)' : ' (cross-entropy, nats)'}`,
      series: [{ y: b, colour: C.blue }, { y: a, colour: C.vermillion }],
      yMin: 0,
    });
    const l = this.snapshot.last;
    this.setLive(this.$(`canvas.loss-${which}`), `${which === 'train' ? 'Training' : 'Test'} loss over ${this.snapshot.stepsDone} steps: ${fmt(which === 'train' ? l.trainLoss : l.testLoss)} with dropout, ${fmt(which === 'train' ? l.plainTrainLoss : l.plainTestLoss)} without.`, 'aria-label');
  }

  /** Keyboard alternative to clicking: arrows move a cross (5% of the plot, 20% with Shift),
   *  Enter or space adds a point there, Delete or Backspace removes the nearest point. */
  onMapKey(e) {
    const p = this.picture;
    if (!p) return;
    const d = p.data.domain;
    const c = this.cross ?? { x: (d.xMin + d.xMax) / 2, y: (d.yMin + d.yMax) / 2 };
    const move = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    const f = e.shiftKey ? 0.2 : 0.05;
    if (move) {
      c.x = Math.min(d.xMax, Math.max(d.xMin, c.x + move[0] * f * (d.xMax - d.xMin)));
      c.y = Math.min(d.yMax, Math.max(d.yMin, c.y + move[1] * f * (d.yMax - d.yMin)));
      this.cross = c;
      this.drawTraining();
    } else if (['Enter', ' ', 'Delete', 'Backspace'].includes(e.key)) {
      this.cross = c;
      this.editPoint(c.x, c.y, e.key === 'Delete' || e.key === 'Backspace').catch((err) => this.fail(err));
    } else return;
    e.preventDefault();
  }

  async editPoint(X, Y, remove) {
    const p = this.picture;
    const oneD = p.data.dim === 1;
    if (remove) {
      await this.worker.request('method', { handle: this.handle, name: 'removeNearest', x: oneD ? [X] : [X, Y], t: oneD ? Y : NaN });
    } else {
      const t = oneD ? Y : Number(this.$('.click-class').value);
      await this.worker.request('method', { handle: this.handle, name: 'addPoint', x: oneD ? [X] : [X, Y], t });
    }
    await this.refreshPicture();
  }

  async onMapClick(e) {
    const p = this.picture;
    if (!p) return;
    const v = this.surfaces[e.target.classList.contains('map-plain') ? 'mapPlain' : 'mapDropout'];
    const s = this.mapScales(v, p.data.domain);
    const rect = e.target.getBoundingClientRect();
    const X = s.x.invert(e.clientX - rect.left), Y = s.y.invert(e.clientY - rect.top);
    const d = p.data.domain;
    if (X < d.xMin || X > d.xMax || Y < d.yMin || Y > d.yMax) return;
    await this.editPoint(X, Y, e.shiftKey);
  }

  // ---- test-time view -------------------------------------------------------------------------

  async refreshTestTime() {
    const oneD = this.snapshot.widths[0] === 1;
    const k = Number(this.valid.testK);
    const seed = Number(this.valid.seed);
    const base = { handle: this.handle, name: 'testTime', k, seed, members: MEMBERS, exact: true };
    const tt = await this.worker.request('method', oneD
      ? { ...base, nx: TT_N, ny: 2 }
      : { ...base, nx: TT_MAP, ny: TT_MAP, sliceN: TT_N, sliceAt: Number(this.$('.slice').value), memberN: MEMBER_N });
    this.tt = tt;
    this.$('.slice-pick').hidden = oneD;
    for (const n of ['ttCurve', 'ttGap', 'members']) this.drawView(n);
    this.updateReadout();
  }

  drawTestCurve() {
    const v = this.surfaces.ttCurve, t = this.tt;
    if (!t) { v.clear('#fff'); return; }
    const oneD = t.data.dim === 1;
    const c = oneD ? t : t.slice;
    const d = t.data.domain, n = c.weightScaled.length;
    const xs = Float64Array.from({ length: n }, (_, i) => d.xMin + (d.xMax - d.xMin) * i / (n - 1));
    const series = [
      { y: c.mcMean, colour: C.vermillion, band: c.mcStd },
      { y: c.weightScaled, colour: '#000', width: 1.8 },
    ];
    if (c.exact.length) series.push({ y: c.exact, colour: C.green, dash: [6, 4], width: 2 });
    const { sx, sy } = this.linePlotX(v, xs, d, series, oneD ? 'x' : `x₁ (slice at x₂ = ${this.$('.slice').value.replace('-', '−')})`, oneD ? 'prediction f(x)' : 'p(class 1 | x)', oneD ? [d.yMin, d.yMax] : [0, 1]);
    if (oneD) this.drawPoints(v.ctx, { x: sx, y: sy }, t.data, 0.6);
    this.$('.exact-key').hidden = !c.exact.length;
    this.$('.tt-title').textContent = oneD ? 'Test-time predictions of the dropout net' : 'Test-time predictions of the dropout net along a slice of the input plane';
  }

  linePlotX(v, xs, d, series, xLabel, yLabel, yRange) {
    const ctx = v.ctx;
    v.clear('#fff');
    const sx = scale(d.xMin, d.xMax, CURVE_MARGIN.left, v.width - CURVE_MARGIN.right);
    const sy = scale(yRange[0], yRange[1], v.height - CURVE_MARGIN.bottom, CURVE_MARGIN.top);
    drawAxes(ctx, { x: sx, y: sy, xLabel, yLabel, grid: true });
    ctx.save();
    ctx.beginPath(); ctx.rect(sx.range[0], sy.range[1], sx.range[1] - sx.range[0], sy.range[0] - sy.range[1]); ctx.clip();
    for (const s of series) {
      if (!s.band) continue;
      ctx.fillStyle = 'rgba(213, 94, 0, 0.2)';
      ctx.beginPath();
      let started = false;
      for (let i = 0; i < xs.length; i++) { const e = Number.isFinite(s.band[i]) ? s.band[i] : 0; const X = sx(xs[i]), Y = sy(s.y[i] + e); started ? ctx.lineTo(X, Y) : ctx.moveTo(X, Y); started = true; }
      for (let i = xs.length - 1; i >= 0; i--) { const e = Number.isFinite(s.band[i]) ? s.band[i] : 0; ctx.lineTo(sx(xs[i]), sy(s.y[i] - e)); }
      ctx.fill();
    }
    for (const s of series) {
      ctx.strokeStyle = s.colour; ctx.lineWidth = s.width ?? 2.2; ctx.setLineDash(s.dash ?? []);
      polyline(ctx, xs.length, (i) => sx(xs[i]), (i) => sy(s.y[i]));
    }
    ctx.setLineDash([]);
    ctx.restore();
    return { sx, sy, x: sx, y: sy };
  }

  drawGap() {
    const v = this.surfaces.ttGap, t = this.tt;
    if (!t) { v.clear('#fff'); return; }
    const d = t.data.domain;
    if (t.data.dim === 1) {
      const n = t.weightScaled.length;
      const xs = Float64Array.from({ length: n }, (_, i) => d.xMin + (d.xMax - d.xMin) * i / (n - 1));
      const gap = t.mcMean.map((m, i) => m - t.weightScaled[i]);
      const se = t.mcStd.map((s) => s / Math.sqrt(t.k));
      const series = [{ y: gap, colour: C.vermillion, band: se }];
      if (t.exact.length) series.push({ y: t.exact.map((m, i) => m - t.weightScaled[i]), colour: C.green, dash: [6, 4] });
      let m = 1e-3;
      for (const s of series) for (let i = 0; i < n; i++) if (Number.isFinite(s.y[i])) m = Math.max(m, Math.abs(s.y[i]) + (s.band && Number.isFinite(s.band[i]) ? s.band[i] : 0));
      this.linePlotX(v, xs, d, series, 'x', 'MC − weight scaling', [-1.08 * m, 1.08 * m]);
      this.$('.gap-title').textContent = `Gap: MC average − weight scaling (band ± 1 SE = std/√K${t.exact.length ? '; dashed: exact − weight scaling' : ''})`;
      return;
    }
    const ctx = v.ctx;
    v.clear('#fff');
    const n = t.mcMean.length;
    const gap = new Float64Array(n);
    let m = 1e-3;
    for (let i = 0; i < n; i++) { gap[i] = t.mcMean[i] - t.weightScaled[i]; m = Math.max(m, Math.abs(gap[i])); }
    const h = v.height - MAP_MARGIN.bottom - MAP_MARGIN.top;
    const w = h * (d.xMax - d.xMin) / (d.yMax - d.yMin);
    const sx = scale(d.xMin, d.xMax, MAP_MARGIN.left, MAP_MARGIN.left + w);
    const sy = scale(d.yMin, d.yMax, v.height - MAP_MARGIN.bottom, MAP_MARGIN.top);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.heatImage(gap, TT_MAP, TT_MAP, GAP_RAMP, -m, m), sx.range[0], sy(d.yMax), w, h);
    drawAxes(ctx, { x: sx, y: sy, xLabel: 'x₁', yLabel: 'x₂', xTicks: [-1, 0, 1], yTicks: [-1, 0, 1] });
    // Colour bar.
    const bx = MAP_MARGIN.left + w + 40, bw = 14;
    for (let i = 0; i < h; i++) { const c = ramp(GAP_RAMP, 1 - i / h); ctx.fillStyle = `rgb(${c})`; ctx.fillRect(bx, MAP_MARGIN.top + i, bw, 1.5); }
    ctx.font = '11px system-ui, sans-serif'; ctx.fillStyle = '#333'; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    ctx.fillText(`+${fmt(m)} (MC above)`, bx + bw + 6, MAP_MARGIN.top + 4);
    ctx.fillText('0', bx + bw + 6, MAP_MARGIN.top + h / 2);
    ctx.fillText(`−${fmt(m)} (MC below)`, bx + bw + 6, MAP_MARGIN.top + h - 4);
    const slice = Number(this.$('.slice').value);
    ctx.setLineDash([4, 3]); ctx.strokeStyle = '#333'; ctx.beginPath(); ctx.moveTo(sx.range[0], sy(slice)); ctx.lineTo(sx.range[1], sy(slice)); ctx.stroke(); ctx.setLineDash([]);
    this.$('.gap-title').textContent = `Gap over the input plane: MC average (K = ${t.k}) − weight scaling, p(class 1); dashed line: the slice above`;
  }

  drawMembers() {
    const v = this.surfaces.members, ctx = v.ctx, t = this.tt;
    v.clear('#fff');
    if (!t) return;
    const count = MEMBERS, cols = v.width > 640 ? count : count / 2, rowsN = count / cols;
    const pw = v.width / cols, ph = v.height / rowsN;
    const d = t.data.domain, oneD = t.data.dim === 1, n = t.n;
    let minKept = Infinity, maxKept = -Infinity;
    const droppableUnits = t.droppable;
    for (let j = 0; j < count; j++) {
      const x0 = (j % cols) * pw + 4, y0 = Math.floor(j / cols) * ph + 4, w = pw - 8, h = ph - 20;
      const pred = t.memberPredictions.subarray(j * n, (j + 1) * n);
      if (oneD) {
        const sx = scale(d.xMin, d.xMax, x0, x0 + w), sy = scale(d.yMin, d.yMax, y0 + h, y0);
        ctx.strokeStyle = '#ddd'; ctx.strokeRect(x0, y0, w, h);
        ctx.save(); ctx.beginPath(); ctx.rect(x0, y0, w, h); ctx.clip();
        ctx.strokeStyle = C.vermillion; ctx.lineWidth = 1.5;
        polyline(ctx, n, (i) => sx(d.xMin + (d.xMax - d.xMin) * i / (n - 1)), (i) => sy(pred[i]));
        this.drawPoints(ctx, { x: sx, y: sy }, t.data, 0.35);
        ctx.restore();
      } else {
        ctx.imageSmoothingEnabled = true;
        const side = Math.min(w, h);
        ctx.drawImage(this.heatImage(pred, MEMBER_N, MEMBER_N, PROB_RAMP), x0 + (w - side) / 2, y0, side, side);
      }
      // Units kept by this member's mask (over the dropped layers).
      const mask = t.memberMasks.subarray(j * t.units, (j + 1) * t.units);
      let dropped = 0;
      for (let u = 0; u < mask.length; u++) if (mask[u] < 0.5) dropped++;
      const kept = droppableUnits - dropped;
      minKept = Math.min(minKept, kept); maxKept = Math.max(maxKept, kept);
      ctx.font = '11px system-ui, sans-serif'; ctx.fillStyle = '#333'; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
      const labelY = oneD ? y0 + h + 3 : y0 + Math.min(w, h) + 3;
      ctx.fillText(`${kept} of ${droppableUnits} kept`, x0 + w / 2, labelY);
    }
    const D = t.droppable;
    const ens = D > 60 ? `2^${D} ≈ ${Number(2 ** D).toExponential(1)}` : `2^${D} = ${Number(2 ** D).toLocaleString('en')}`;
    this.setLive(this.$('.members-note'), D ? `D = ${D} droppable units, ${ens} sub-networks sharing weights` : 'no droppable units (dropout off for this rule)', 'text');
    this.setLive(this.$('canvas.members'), `${count} sampled sub-networks of ${ens}, each keeping ${minKept} to ${maxKept} of ${D} units; each panel is that member's prediction.`, 'aria-label');
  }

  // ---- regularizer view -----------------------------------------------------------------------

  drawRegularizer() {
    const v = this.surfaces.reg;
    const steps = this.column('step');
    this.linePlot(v, {
      x: steps, xMax: Number(this.snapshot.totalSteps), xLabel: 'step (iterations)', yLabel: 'R(w) (nats or ½ squared error)',
      series: [
        { y: this.column('plainRegularizer'), colour: C.blue, band: this.column('sePlainRegularizer'), bandColour: 'rgba(0, 114, 178, 0.18)' },
        { y: this.column('taylorRegularizer'), colour: C.purple, dash: [6, 4], width: 1.8 },
        { y: this.column('regularizer'), colour: C.vermillion, band: this.column('seRegularizer') },
      ],
      yMin: 0,
    });
    const l = this.snapshot.last;
    this.setLive(this.$('canvas.reg-curve'), `Explicit regularizer over training: R = ${fmt(l.regularizer)} ± ${fmt(l.seRegularizer)} for the dropout net, ${fmt(l.plainRegularizer)} ± ${fmt(l.sePlainRegularizer)} for the plain net's weights.`, 'aria-label');
  }

  async refreshLinear() {
    const rho = Number(this.valid.dropoutRate), seed = Number(this.valid.seed);
    const key = `${rho}/${seed}`;
    if (this.linear?.key === key) { this.drawView('lin'); return; }
    const r = await this.worker.request('call', { kind: 'dropout', name: 'linear', ...LINEAR, rho, seed });
    this.linear = { key, r };
    this.drawView('lin');
  }

  drawLinear() {
    const v = this.surfaces.lin, ctx = v.ctx;
    v.clear('#fff');
    if (!this.linear) return;
    const r = this.linear.r, D = r.d;
    const groups = [
      { key: 'leastSquares', label: 'least squares (ρ = 0)', colour: '#888888' },
      { key: 'finalAverage', label: 'dropout SGD (average of the iterates after burn-in)', colour: C.vermillion },
      { key: 'minimizer', label: 'closed-form minimizer w* of J + R', colour: C.green },
      { key: 'uniformRidge', label: 'ridge with one uniform penalty of the same mean strength', colour: C.skyBlue },
    ];
    let hi = 0;
    for (const g of groups) for (const w of r[g.key]) hi = Math.max(hi, w);
    const sx = scale(0, D, CURVE_MARGIN.left, v.width - CURVE_MARGIN.right);
    const sy = scale(0, hi * 1.1, v.height - CURVE_MARGIN.bottom, CURVE_MARGIN.top);
    drawAxes(ctx, { x: sx, y: sy, xLabel: 'feature j (scale sⱼ from 0.5 to 2; true weight 1 each)', yLabel: 'weight wⱼ', xTicks: [], grid: true });
    const bw = (sx(1) - sx(0)) / (groups.length + 1.5);
    ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    for (let j = 0; j < D; j++) {
      groups.forEach((g, i) => {
        const w = r[g.key][j];
        const X = sx(j) + bw * (0.75 + i);
        ctx.fillStyle = g.colour;
        ctx.fillRect(X, sy(Math.max(0, w)), bw * 0.9, Math.abs(sy(0) - sy(w)));
      });
      ctx.fillStyle = '#333';
      ctx.fillText(`${j + 1}: S = ${r.secondMoments[j].toFixed(2)}`, sx(j + 0.5), sy.range[0] + 6);
    }
    ctx.strokeStyle = '#444'; ctx.setLineDash([4, 3]); ctx.beginPath(); ctx.moveTo(sx.range[0], sy(1)); ctx.lineTo(sx.range[1], sy(1)); ctx.stroke(); ctx.setLineDash([]);
    const legend = this.$('.legend-lin');
    const html = groups.map((g) => `<span><i class="swatch" style="border-color:${g.colour};border-top-width:8px"></i>${g.label}</span>`).join('') + '<span><i class="swatch dashed" style="border-color:#444"></i>true weights</span>';
    if (legend.innerHTML !== html) legend.innerHTML = html;
    const note = `N = ${r.n} points, D = ${D} features, ρ = ${r.rho}: R(w*) = ${fmt(r.regularizerAtMinimizer, 4)} in closed form, ${fmt(r.enumerated, 4)} by enumerating all 2^${D} masks, ${fmt(r.mc, 4)} ± ${fmt(r.seMc, 4)} by Monte Carlo (40 passes). `
      + `Dropout SGD (α = ${LINEAR.learningRate}, B = ${LINEAR.batchSize}, ${LINEAR.steps.toLocaleString('en')} steps) ends ${fmt(r.distance, 4)} from w* (its iterates keep fluctuating; the average converges). `
      + 'Dropout shrinks each weight by its own feature’s second moment Sⱼ: ridge with penalty λⱼ = ρ/(1−ρ)·Sⱼ, not one uniform penalty.';
    this.$('.lin-note').textContent = r.rho === 0 ? `ρ = 0: no dropout, so all solutions equal least squares. ${note}` : note;
    this.setLive(this.$('canvas.lin-bars'), `Weights per feature: least squares ${Array.from(r.leastSquares, (w) => w.toFixed(2)).join(', ')}; dropout SGD ${Array.from(r.finalAverage, (w) => w.toFixed(2)).join(', ')}; closed form ${Array.from(r.minimizer, (w) => w.toFixed(2)).join(', ')}.`, 'aria-label');
  }

  // ---- Wei et al. view ------------------------------------------------------------------------

  /** Train the four rules (same seed and data) in the worker, round robin, in budgeted slices. */
  async runWei() {
    if (this.weiRunning) return;
    const token = this.weiToken;
    this.weiRunning = true;
    const button = this.buttons.runWei;
    button.disabled = true;
    const total = Number(this.valid.steps) * WEI.length;
    const runs = WEI.map((w) => ({ ...w, handle: `${this.handle}-wei${token}-${w.key}`, hist: [], rows: 0, done: false }));
    const progress = this.$('.wei-progress');
    progress.value = 0;
    this.$('.wei-status').textContent = 'starting…';
    this.wei = { runs, complete: false };
    try {
      for (const r of runs) {
        const res = await this.worker.request('create', { kind: 'dropout', handle: r.handle, settings: { ...this.weiSettings(), variant: r.key } });
        this.weiIngest(r, res);
      }
      for (;;) {
        if (token !== this.weiToken) return;
        let stepsDone = 0, pending = 0;
        for (const r of runs) {
          if (!r.done) {
            const res = await this.worker.request('advance', { handle: r.handle, steps: 1e9, budgetMs: 15 });
            this.weiIngest(r, res);
            if (res.snapshot.stopReason) r.done = true;
          }
          stepsDone += r.snapshot.stepsDone;
          if (!r.done) pending++;
        }
        progress.value = stepsDone / total;
        this.$('.wei-status').textContent = pending ? `training ${pending} of ${runs.length} rules… ${Math.round(100 * stepsDone / total)}%` : 'done';
        this.drawView('wei');
        if (!pending) break;
        await new Promise(requestAnimationFrame);
      }
      this.wei.complete = true;
      this.drawView('wei');
      this.updateReadout();
    } finally {
      if (token === this.weiToken) {
        this.weiRunning = false;
        button.disabled = false;
      }
      for (const r of runs) await this.worker.request('dispose', { handle: r.handle }).catch(() => {});
    }
  }

  /** The settings of the Wei comparison: exactly the widget's (the controls), rule by rule. */
  weiSettings() {
    return this.modelSettings();
  }

  weiIngest(r, res) {
    const K = this.K;
    for (let i = 0; i < res.history.length / K; i++) r.hist[res.from + i] = res.history.subarray(i * K, (i + 1) * K);
    r.rows = r.hist.length;
    r.snapshot = res.snapshot;
  }

  drawWei() {
    const v = this.surfaces.wei;
    if (!this.wei) { v.clear('#fff'); return; }
    const runs = this.wei.runs, c = this.col;
    const base = runs[0];
    const longest = runs.reduce((a, r) => (r.hist.length > a.hist.length ? r : a));
    const steps = Float64Array.from(longest.hist, (row) => row[c.step]);
    const series = [{ y: Float64Array.from(base.hist, (row) => row[c.plainTestLoss]), colour: NONE_COLOUR, width: 1.8 }];
    for (const r of runs) series.push({ y: Float64Array.from(r.hist, (row) => row[c.testLoss]), colour: r.colour, dash: r.dash });
    const { sx, sy } = this.linePlot(v, { x: steps, xMax: Number(this.valid.steps), xLabel: 'step (iterations)', yLabel: 'test loss', series, yMin: 0 });
    // Where the explicit-only rule's training loss jumped (its step-size instability): ▼ marks.
    const jumps = this.weiJumps(runs[3]);
    const ctx = v.ctx;
    ctx.fillStyle = C.purple; ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'center'; ctx.textBaseline = 'bottom';
    for (const j of jumps) {
      const X = sx(j.step), Y = sy.range[1] + 12;
      ctx.beginPath(); ctx.moveTo(X - 5, Y - 8); ctx.lineTo(X + 5, Y - 8); ctx.lineTo(X, Y); ctx.closePath(); ctx.fill();
    }
    const legend = this.$('.legend-wei');
    const K = this.valid.dropK;
    const labels = { dropout: 'DROP₁ (ordinary dropout)', dropK: `DROP_${K} (${K} masks averaged per gradient)`, knockIn: `DROP_${K} + knock-in noise`, explicitOnly: 'explicit regularizer only (no masks)' };
    const html = [`<span><i class="swatch" style="border-color:${NONE_COLOUR}"></i>no dropout</span>`, ...runs.map((r) => `<span><i class="swatch${r.dash ? ' dashed' : ''}" style="border-color:${r.colour}"></i>${labels[r.key]}</span>`)].join('')
      + (jumps.length ? `<span><b style="color:${C.purple}">▼</b> explicit-only training loss jumped (step-size instability of R̂, see below)</span>` : '');
    if (legend.innerHTML !== html) legend.innerHTML = html;
    const last = (r, col) => r.snapshot?.last?.[col];
    const finals = runs.map((r) => `${r.label.split(' (')[0]} ${fmt(last(r, 'testLoss'))}`).join(', ');
    this.setLive(this.$('canvas.wei-curve'), `Test loss of the training rules over ${this.valid.steps} steps: ${finals}, no dropout ${fmt(last(base, 'plainTestLoss'))}.`, 'aria-label');
    this.$('.wei-finding').textContent = this.weiFinding();
  }

  /** Steps where a rule's training loss jumped (> 3× the previous record and > 0.4): the
   *  explicit-only rule's step-size instability (see the core's dropout module doc). */
  weiJumps(r) {
    const c = this.col, out = [];
    for (let i = 1; i < r.hist.length; i++) {
      const a = r.hist[i - 1][c.trainLoss], b = r.hist[i][c.trainLoss];
      if (b > 0.4 && b > 3 * a) out.push({ step: r.hist[i][c.step], from: a, to: b });
    }
    return out;
  }

  /** The Wei comparison's numbers: final test losses and the split of dropout's benefit. */
  weiNumbers() {
    const runs = this.wei?.runs;
    if (!runs || !this.wei.complete) return null;
    const [d1, dk, ki, ex] = runs.map((r) => r.snapshot.last.testLoss);
    const none = runs[0].snapshot.last.plainTestLoss;
    return { d1, dk, ki, ex, none, benefit: none - d1, lost: dk - d1, back: dk - ki, K: this.valid.dropK };
  }

  /** One sentence: does this run show Wei et al.'s pattern? Computed from the final test losses. */
  weiVerdict() {
    const n = this.weiNumbers();
    if (!n) return '';
    const pct = (v) => `${Math.round(100 * v)}%`;
    const { d1, dk, ki, none, benefit, lost, back, K } = n;
    if (!(benefit > 0)) return `Dropout itself did not lower the test loss here (DROP₁ ${fmt(d1)} vs ${fmt(none)} without), so there is no benefit to split into explicit and implicit parts.`;
    if (!(lost > 0.1 * benefit)) return `DROP_${K} keeps dropout’s benefit here (test loss ${fmt(dk)} vs DROP₁ ${fmt(d1)}; no dropout ${fmt(none)}): no implicit effect is visible at these settings.`;
    const restored = back > 0.5 * lost;
    return `DROP_${K} loses ${pct(lost / benefit)} of dropout’s benefit (test loss ${fmt(dk)} vs DROP₁ ${fmt(d1)}; no dropout ${fmt(none)}) with the same expected gradient, `
      + (restored ? `and knocking the removed noise back in restores it (${fmt(ki)}): the implicit effect Wei et al. report.` : `but knock-in does not restore it here (${fmt(ki)}), so the loss is not the noise alone.`);
  }

  /** What this run shows, in numbers, and what the lab measured at this scale. */
  weiFinding() {
    const runs = this.wei?.runs;
    if (!runs || !this.wei.complete) return 'The four rules train on the same data, initialisation, batches and seed; DROP_K and knock-in share the same K masks per example.';
    const { d1, dk, ki, ex, none, K } = this.weiNumbers();
    const jumps = this.weiJumps(runs[3]);
    const jumpText = jumps.length
      ? ` The explicit-only rule’s training loss jumped at step ${jumps.map((j) => `${j.step} (${fmt(j.from, 2)} → ${fmt(j.to, 2)})`).join(', ')}: its second-order regularizer R̂ = ½·ρ/(1−ρ)·ℓ″(z)·Σ(∂z/∂h)²h² is stiff once the weights are large (a confident training point whose margin shrinks moves ℓ″ from ≈ 0 to ¼ and its R̂ jumps), and a step of size α = ${this.valid.learningRate} overshoots; the net then relearns. A step-size instability of gradient descent on R̂, not a divergence (at α ≤ 0.25 it did not occur in the seeds checked); dropout’s own mask loss has no such term.`
      : '';
    return `Final test loss (seed ${this.valid.seed}, α = ${this.valid.learningRate}, ρ = ${this.valid.dropoutRate}, K = ${K}): no dropout ${fmt(none)}, DROP₁ ${fmt(d1)}, DROP_${K} ${fmt(dk)}, knock-in ${fmt(ki)}, explicit only ${fmt(ex)}.${jumpText}`;
  }

  // ---- controls that do not apply, and verdicts -----------------------------------------------

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

  trainingVerdict() {
    const s = this.snapshot, l = s.last;
    if (this.valid.variant === 'none') return `Control: the “dropout” net trains without dropout, so both nets are the same (test loss ${fmt(l.testLoss)} vs ${fmt(l.plainTestLoss)}).`;
    if (!s.stepsDone) return 'Step 0: both nets start from the same weights. Press Play: within a few hundred steps the net without dropout fits the training set and its test loss rises.';
    const rule = this.ruleName();
    const cls = Number.isFinite(l.trainAccuracy);
    const inputs = ['input', 'inputHidden'].includes(this.valid.dropLayers);
    if (cls && inputs && l.trainAccuracy < l.plainTrainAccuracy - 0.15) {
      return `Dropout on the inputs makes the net underfit: training accuracy ${fmt(l.trainAccuracy, 2)} vs ${fmt(l.plainTrainAccuracy, 2)} without, test loss ${fmt(l.testLoss)} (a coin flip scores ln 2 = 0.693): with 2 inputs, one coordinate alone says little about the class.`;
    }
    const acc = cls ? `; test accuracy ${fmt(l.testAccuracy, 2)} vs ${fmt(l.plainTestAccuracy, 2)}` : '';
    if (l.testLoss < 0.9 * l.plainTestLoss) {
      return `With ${rule}: test loss ${fmt(l.testLoss)} vs ${fmt(l.plainTestLoss)} without, lower: the plain net overfits (training loss ${fmt(l.plainTrainLoss)}), dropout regularizes, as Srivastava et al. report${acc}.`;
    }
    return `With ${rule}: test loss ${fmt(l.testLoss)} vs ${fmt(l.plainTestLoss)} without: dropout has not lowered the test loss here${acc}.`;
  }

  testTimeVerdict() {
    const t = this.tt;
    if (!t) return '';
    const c = t.data.dim === 1 ? t : t.slice;
    const n = c.weightScaled.length;
    // gap: mean |MC − weight scaling|; g2: the same squared minus the MC variance std²/K (an
    // unbiased estimate of the true squared gap, so K = 2 cannot pass noise off as a gap).
    let gap = 0, se2 = 0, g2 = 0, eg = 0, me = 0;
    for (let i = 0; i < n; i++) {
      const d = c.mcMean[i] - c.weightScaled[i], v = Number.isFinite(c.mcStd[i]) ? c.mcStd[i] ** 2 / t.k : 0;
      gap += Math.abs(d) / n; se2 += v / n; g2 += (d * d - v) / n;
      if (c.exact.length) { eg += Math.abs(c.exact[i] - c.weightScaled[i]) / n; me += Math.abs(c.mcMean[i] - c.exact[i]) / n; }
    }
    if (!t.droppable) return 'This training rule drops nothing, so all three predictions agree.';
    if (c.exact.length) {
      // The exact 2^D average has no MC noise: its gap to weight scaling is a fact of the net.
      if (!(eg > 5e-3)) {
        return this.snapshot.stepsDone === 0
          ? `Before training: exact average over all 2^${t.droppable} masks vs weight scaling: mean gap ${fmt(eg, 4)}, because the biases start at 0 and relu(a·z) = a·relu(z) for a ≥ 0, so the masks act linearly on a 1-D input. Press Play: once the biases move, the two part.`
          : `Exact average over all 2^${t.droppable} masks vs weight scaling: mean gap ${fmt(eg, 4)}: here weight scaling is the mask average (as for a linear output).`;
      }
      const head = `Exact average over all 2^${t.droppable} masks vs weight scaling: mean gap ${fmt(eg, 4)} (no MC noise), so weight scaling is not the mask average through the ReLU; the MC average (K = ${t.k}) is ${fmt(me, 4)} from the exact one and ${fmt(gap, 4)} from weight scaling`;
      return me < gap ? `${head}: it converges to the mask average, not to weight scaling (Srivastava et al.; Baldi & Sadowski).` : `${head}: at this K it is not yet closer to the exact average; raise K.`;
    }
    const se = Math.sqrt(se2), g = Math.sqrt(Math.max(0, g2));
    if (g > 2 * se) return `MC average over K = ${t.k} masks vs weight scaling: mean gap ${fmt(gap, 4)} (${fmt(g, 4)} net of MC noise), ${fmt(g / se, 1)}× its standard error ${fmt(se, 4)}: through the nonlinear layers weight scaling is not the average over masks (Srivastava et al.; Baldi & Sadowski).`;
    return `MC average over K = ${t.k} masks vs weight scaling: mean gap ${fmt(gap, 4)} (${fmt(g, 4)} net of MC noise), within 2 standard errors (${fmt(se, 4)}): too few masks to tell weight scaling’s error from noise (needs K ≫ Var/gap²).`;
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

  updateVerdict() {
    if (!this.snapshot) return;
    const text = this.view === 'training' ? this.trainingVerdict()
      : this.view === 'test-time' ? this.testTimeVerdict()
        : this.view === 'regularizer' ? this.regularizerVerdict()
          : this.wei?.complete ? this.weiVerdict() : 'Training DROP₁, DROP_K, knock-in and the explicit rule on the same data…';
    this.setVerdict(text);
  }

  // ---- readout and export ---------------------------------------------------------------------

  updateReadout() {
    const s = this.snapshot;
    if (!s) return;
    const l = s.last;
    const acc = Number.isFinite(l.testAccuracy) ? `<span>test accuracy <b class="r-acc">${fmt(l.testAccuracy, 3)}</b> vs <b class="r-plain-acc">${fmt(l.plainTestAccuracy, 3)}</b></span>` : '';
    let extra = '';
    if (this.view === 'test-time' && this.tt) {
      const c = this.tt.data.dim === 1 ? this.tt : this.tt.slice;
      let gap = 0, sd = 0, eg = 0;
      const n = c.weightScaled.length;
      for (let i = 0; i < n; i++) { gap += Math.abs(c.mcMean[i] - c.weightScaled[i]) / n; sd += (Number.isFinite(c.mcStd[i]) ? c.mcStd[i] : 0) / n; if (c.exact.length) eg += Math.abs(c.exact[i] - c.weightScaled[i]) / n; }
      extra = `<span>K = <b class="r-k">${this.tt.k}</b></span><span>mean |MC − weight scaling| <b class="r-gap">${fmt(gap, 4)}</b></span><span>mean MC std <b class="r-mcstd">${fmt(sd, 4)}</b></span>`
        + (c.exact.length ? `<span>mean |exact − weight scaling| <b class="r-exact-gap">${fmt(eg, 4)}</b></span>` : `<span>exact 2^D average: ${this.tt.droppable > 16 ? `not computed (D = ${this.tt.droppable} > 16)` : 'too costly at this grid'}</span>`);
    } else if (this.view === 'regularizer') {
      extra = `<span>R(w) = <b class="r-reg">${fmt(l.regularizer, 4)}</b> ± ${fmt(l.seRegularizer, 4)}</span><span>R̂ (2nd order) <b>${fmt(l.taylorRegularizer, 4)}</b></span><span>plain net’s R = <b class="r-plain-reg">${fmt(l.plainRegularizer, 4)}</b> ± ${fmt(l.sePlainRegularizer, 4)}</span>`
        + (this.linear ? `<span>linear: ‖SGD average − w*‖ = <b class="r-lin-dist">${fmt(this.linear.r.distance, 4)}</b></span>` : '');
    } else if (this.view === 'wei' && this.wei?.complete) {
      const [d1, dk, ki, ex] = this.wei.runs.map((r) => r.snapshot.last.testLoss);
      extra = `<span>DROP₁ <b class="r-wei-drop1">${fmt(d1)}</b></span><span>DROP_${this.valid.dropK} <b class="r-wei-dropk">${fmt(dk)}</b></span><span>knock-in <b class="r-wei-knock">${fmt(ki)}</b></span><span>explicit <b class="r-wei-explicit">${fmt(ex)}</b></span><span>no dropout <b class="r-wei-none">${fmt(this.wei.runs[0].snapshot.last.plainTestLoss)}</b></span>`;
    }
    this.setReadout(`
      <span>step <b class="r-step">${s.stepsDone}</b> / ${s.totalSteps}</span>
      <span>test loss <b class="r-test">${fmt(l.testLoss)}</b> with vs <b class="r-plain-test">${fmt(l.plainTestLoss)}</b> without dropout</span>
      <span>train loss <b class="r-train">${fmt(l.trainLoss)}</b> vs <b class="r-plain-train">${fmt(l.plainTrainLoss)}</b></span>
      ${acc}
      <span>training points <b class="r-points">${s.trainPoints}</b></span>
      ${extra}`);
    this.updateVerdict();
  }

  exportData() {
    const rows = [];
    for (let i = 0; i < this.rows; i++) rows.push(Array.from(this.hist.subarray(i * this.K, (i + 1) * this.K)));
    return { experiment: 'dropout', settings: this.settings, historyFields: this.historyFields, history: rows, snapshot: this.snapshot };
  }
}

if (!customElements.get('noiselab-dropout')) customElements.define('noiselab-dropout', NoiselabDropout);
export { NoiselabDropout };
