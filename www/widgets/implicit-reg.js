// <noiselab-implicit-reg>: "The implicit regularizer of SGD" (Grosse, Lecture 8, last section;
// Smith, Dherin, Barrett & De, ICLR 2021; SCIENCE.md §10). A learning-rate sweep and a
// batch-size sweep of SGD (random shuffling, or i.i.d. batches with sampling = iid) against full-batch GD on J and on the modified loss
// J + R, R = (α/4)‖∇J‖² + ((N−B)/(N−1))(α/(4B)) tr C. The sweeps run in the worker one point at
// a time (each point cached there), so the curves fill in as they go. All numbers come from the
// Rust core; this file only schedules and draws.
//
// The claim at first sight (issue 17, finding 2): with a finite learning rate SGD does not
// follow GD on J; it follows GD on the modified loss J + R. The default plot is the training
// loss J, where at α = 1.5 (B = 8) GD on J + R ends 1.2–3.0× closer to SGD than GD on J at
// seeds 1–8. The verdict under the readout is computed from the rows and says so, or says
// what the numbers show instead (small α: all three agree; α far too large: the expansion
// behind R fails; accuracy at this scale: no SGD advantage, the counterpoint).
//
// Embed: <script type="module" src=".../www/widgets/implicit-regularizer.js"></script>
//        <noiselab-implicit-reg batch-size="8" learning-rate="1"></noiselab-implicit-reg>
import { RunWidget } from '../lib/run-widget.js';
import { OKABE_ITO as C } from '../lib/plot.js';

const CSS = `
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
@media (max-width: 760px) { .pair { grid-template-columns: 1fr; } }
canvas { aspect-ratio: 4 / 3; }
.progress { height: 6px; border-radius: 3px; background: var(--border); overflow: hidden; }
.progress > i { display: block; height: 100%; width: 0; background: var(--accent); transition: width 0.2s; }
@media (prefers-reduced-motion: reduce) { .progress > i { transition: none; } }
details.numbers { font-size: 12px; }
details.numbers summary { cursor: pointer; }
.table-wrap { overflow-x: auto; }
table.points { border-collapse: collapse; font-variant-numeric: tabular-nums; margin-top: 4px; }
table.points th, table.points td { padding: 2px 7px; text-align: right; border-bottom: 1px solid var(--border); white-space: nowrap; }
`;

const METHODS = [
  { key: 'sgd', label: 'SGD (random shuffling)', colour: C.vermillion },
  { key: 'gd', label: 'full-batch GD on J', colour: '#222222' },
  { key: 'reg', label: 'full-batch GD on J + R', colour: C.blue },
];
// What each value of the core's `view` setting plots: lines (solid first) with their column
// suffix and SGD's standard-error column.
const QUANTITIES = {
  trainLoss: { axis: 'training loss J (nats)', lines: [{ part: 'train', col: 'TrainLoss', se: 'sgdTrainLossSe', solid: true }] },
  loss: { axis: 'cross-entropy (nats)', lines: [{ part: 'test', col: 'TestLoss', se: 'sgdTestLossSe', solid: true }, { part: 'train', col: 'TrainLoss', se: 'sgdTrainLossSe' }] },
  accuracy: { axis: 'accuracy (%)', percent: true, lines: [{ part: 'test', col: 'TestAccuracy', se: 'sgdTestAccuracySe', solid: true }, { part: 'train', col: 'TrainAccuracy' }] },
  regularizer: { axis: 'R(w) at the final weights', lines: [{ part: 'R(w)', col: 'Regularizer', se: 'sgdRegularizerSe', solid: true }] },
};
/** ln 2: the cross-entropy of a coin flip; an SGD training loss above it has failed to train. */
const LN2 = Math.LN2;
/** The claim of the figure (index.html's caption), the export's caption before the verdict. */
const CLAIM = 'With a finite learning rate, SGD with random shuffling ends where gradient descent on the modified loss J + R ends, not where gradient descent on J does (Smith, Dherin, Barrett & De, 2021).';

const pct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');
const num = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const alphaText = (a) => (Number.isFinite(a) ? String(Number(a.toPrecision(3))) : '—');

class NoiselabImplicitReg extends RunWidget {
  static css = CSS;
  // One sweep point per tick and per step; the sweep fills in by itself. The plot menu changes
  // nothing but the plot.
  static tickSteps = 1;
  static tickMs = 1;
  static sliceMs = 1;
  static displayFields = ['view'];
  static playOnCreate = true;
  // The lecture's key contrasts (Grosse, Lecture 8; Smith et al. 2021). Each note says what the
  // preset shows at this scale, measured natively with the CLI at seeds 1–8.
  static presets = [
    {
      name: 'small-lr',
      label: 'Small α (the gradient-flow limit)',
      settings: { learningRateMin: 0.01, learningRateMax: 0.1, learningRate: 0.05 },
      note: 'R is proportional to α: at α ≤ 0.1 SGD, GD on J and GD on J + R end within about 0.001 nats of each other. Only a finite learning rate makes SGD differ from gradient flow on J.',
    },
    {
      name: 'test-loss',
      label: 'Test loss, 800 steps (the learning-rate effect)',
      settings: { view: 'loss', steps: 800 },
      note: 'Trained twice as long, GD on J overfits as α grows (test loss 0.80 at α = 1.5, seed 1) while SGD (0.58 ± 0.01) and GD on J + R (0.60) do not. SGD is below GD on J by at least 2 SE at seeds 1–5, 7 and 8 (1.5 SE at seed 6).',
    },
    {
      name: 'accuracy',
      label: 'Accuracy (counterpoint: too small a scale)',
      settings: { view: 'accuracy' },
      note: 'Smith et al. report higher test accuracy for SGD on CIFAR-10. On 64 two-moons points, at α = 1.5, SGD is within 2 SE of GD on J at seeds 2–5 and 8, 2.3 SE below it at seeds 1 and 6, and above it only at seed 7, where GD on J itself is unstable: accuracy does not show the implicit regularizer at this scale; the training and test losses do.',
    },
    {
      name: 'large-lr',
      label: 'α far too large (the expansion fails)',
      settings: { learningRateMin: 0.5, learningRateMax: 8, learningRate: 2, sweepPoints: 5 },
      note: 'R comes from an expansion in α. At α = 8 SGD no longer trains (its training loss is above ln 2, worse than a coin flip, at seeds 1–8) and GD on J + R does not describe it.',
    },
  ];

  get view() { return this.valid?.view in QUANTITIES ? this.valid.view : 'trainLoss'; }

  renderFigure() {
    return `
      <div class="plot-head"><label>Plot: <select class="quantity" aria-label="quantity plotted against the learning rate and the batch size"></select></label><span class="status-line" aria-hidden="true"></span></div>
      <div class="progress" role="progressbar" aria-label="sweep points computed" aria-valuemin="0" aria-valuemax="1" aria-valuenow="0"><i></i></div>
      <div class="pair">
        <div><div class="plot-head"><strong class="lr-title">Learning-rate sweep</strong></div><canvas data-panel="lr" class="lr" role="img" aria-label="learning-rate sweep"></canvas></div>
        <div><div class="plot-head"><strong class="batch-title">Batch-size sweep</strong></div><canvas data-panel="batch" class="batch" role="img" aria-label="batch-size sweep"></canvas></div>
      </div>
      <div class="legend" aria-hidden="true"></div>
      <details class="numbers"><summary>All numbers (table)</summary><div class="table-wrap" tabindex="0" role="group" aria-label="table of sweep points"><table class="points"></table></div></details>`;
  }

  async onReady() {
    await super.onReady();
    // The plot menu above the figure is the core's `view` setting (display only, so it is in
    // the URL and presets can choose it); its duplicate in the settings list is hidden.
    const f = this.fields.find((x) => x.name === 'view');
    const menu = this.$('select.quantity');
    menu.innerHTML = f.options.map(([v, l]) => `<option value="${v}">${l}</option>`).join('');
    menu.value = this.view;
    menu.addEventListener('change', () => this.applySettings({ view: menu.value }).catch((err) => this.fail(err)));
    if (this.controls?.view) this.controls.view.row.hidden = true;
    this.draw();
    this.updateReadout();
  }

  async onApplied(changed, initial) {
    const menu = this.$('select.quantity');
    if (menu && menu.value !== this.view) menu.value = this.view;
    await super.onApplied(changed, initial);
  }

  onFrame(r) {
    this.rows = r.rows;
    this.draw();
    this.updateReadout();
  }

  onStopped() {
    this.pause();
    const s = this.snapshot;
    this.showMessage(`Finished all ${s.totalPoints} sweep points (${this.valid.steps} steps per run, ${s.parameters} parameters, N = ${s.trainPoints}).`, 'info');
  }

  // ---- data ---------------------------------------------------------------------------------

  value(k, name) { return this.rows[k * this.K + this.col[name]]; }

  /** Points of one sweep (0: learning rate, 1: batch size), in order. */
  points(sweep) {
    const out = [];
    const n = this.rows ? this.rows.length / this.K : 0;
    for (let k = 0; k < n; k++) if (this.value(k, 'sweep') === sweep) out.push(k);
    return out;
  }

  done(k) { return Number.isFinite(this.value(k, 'steps')); }

  // ---- drawing ------------------------------------------------------------------------------

  draw() {
    if (!this.figure || !this.rows) return;
    this.figure.draw();
    for (const [id, title] of Object.entries(this.titles())) this.$(`.${id}-title`).textContent = title;
    const s = this.snapshot;
    const bar = this.$('.progress');
    bar.setAttribute('aria-valuenow', String(s.donePoints / s.totalPoints));
    bar.querySelector('i').style.width = `${(100 * s.donePoints) / s.totalPoints}%`;
  }

  titles() { return { lr: `Learning-rate sweep (B = ${this.valid.batchSize})`, batch: `Batch-size sweep (α = ${this.valid.learningRate})` }; }

  /** Public API: the figure as data (www/lib/plot.js): one log-x panel per sweep. */
  scene() {
    if (!this.rows || !this.snapshot) return null;
    return {
      title: 'SGD vs gradient descent on J and on the modified loss J + R (Smith, Dherin, Barrett & De, ICLR 2021)',
      caption: `${CLAIM} ${this.verdictText() ?? ''}`.trim(),
      panels: [this.panel('lr', 0, 'learningRate', 1.25, 'learning rate α (log scale)'), this.panel('batch', 1, 'batchSize', 1.4, 'batch size B (log scale)')],
    };
  }

  /**
   * The panel of sweep `sweep` (0: learning rate, 1: batch size) against column `xName`: every
   * method's line(s) of the chosen view with SGD's ±1 SE bars, × at the top for a diverged run,
   * and a tick on the x axis at each point still to compute (the one being computed in orange).
   */
  panel(id, sweep, xName, widen, label) {
    const ks = this.points(sweep), q = QUANTITIES[this.view], unit = q.percent ? 100 : 1, next = this.snapshot.next;
    const xs = ks.map((k) => this.value(k, xName));
    const column = (name) => ks.map((k) => unit * this.value(k, name));
    const pending = ks.filter((k) => !this.done(k)).map((k) => ({
      x: this.value(k, xName),
      current: next && next.learningRate === this.value(k, 'learningRate') && next.batchSize === this.value(k, 'batchSize') && (next.sweep === 'batchSize') === (sweep === 1),
    }));
    const runs = Number(this.valid.sgdRuns);
    const marks = [
      ...METHODS.map((m) => ({ type: 'key', label: this.methodLabel(m), colour: m.colour, width: 2.5 })),
      // Line styles in words and glyphs, not in a dark swatch that could pass for GD on J's.
      ...(q.lines.length > 1 ? q.lines.map((l) => ({ type: 'key', label: `${l.solid ? 'solid line, ●' : 'dashed line, ○'}: ${l.part}` })) : []),
      { type: 'key', label: `bars: ±1 SE of SGD's mean over ${runs} run${runs === 1 ? '' : 's'}` },
      { type: 'key', label: 'diverged', shape: 'cross', colour: '#444' },
      ...[false, true].map((now) => ({ type: 'rule', x: pending.filter((p) => p.current === now).map((p) => p.x), length: now ? 14 : 8, colour: now ? C.orange : 'rgba(0,0,0,0.25)', width: now ? 3 : 1.5, extent: false })),
    ];
    // Drawn GD on J, then GD on J + R (wider), then SGD on top: where SGD and GD on J + R
    // coincide, SGD's vermillion line shows inside a blue edge instead of hiding.
    for (const m of [METHODS[1], METHODS[2], METHODS[0]]) {
      for (const line of q.lines) {
        const y = column(`${m.key}${line.col}`), se = m.key === 'sgd' && line.se ? column(line.se) : [];
        marks.push({
          type: 'line', label: line.solid ? this.methodLabel(m) : undefined, colour: m.colour, x: xs, y, markers: 'circle',
          width: (line.solid ? 2.5 : 1.6) * (m.key === 'reg' ? 1.8 : 1), dash: line.solid ? [] : [6, 4],
        });
        if (!line.solid) marks.push({ type: 'dots', colour: '#fff', r: 2.5, x: xs, y, extent: false });
        if (se.length) marks.push({ type: 'bars', colour: m.colour, x: xs, lo: y.map((v, i) => (se[i] > 0 ? v - se[i] : NaN)), hi: y.map((v, i) => v + se[i]) });
        if (line.solid) {
          ks.forEach((k, i) => {
            if (this.done(k) && this.value(k, `${m.key}Diverged`) > 0) marks.push({ type: 'text', x: xs[i], y: 'top', dy: 8 + 8 * METHODS.indexOf(m), align: 'center', colour: m.colour, size: 13, text: '×' });
          });
        }
      }
    }
    return {
      id, title: this.titles()[id],
      x: { label, scale: 'log', domain: [Math.min(...xs) / widen, Math.max(...xs) * widen], ticks: sweep ? xs : undefined },
      y: { label: q.axis, pad: 0.08, domain: [this.view === 'regularizer' ? 0 : null, null], clamp: q.percent ? [0, 100] : undefined },
      marks,
    };
  }

  // ---- readout and verdict ------------------------------------------------------------------

  /** The point of `ks` maximizing column `name` (finite values only). */
  best(ks, name) {
    let bestK = -1;
    for (const k of ks) { const v = this.value(k, name); if (Number.isFinite(v) && (bestK < 0 || v > this.value(bestK, name))) bestK = k; }
    return bestK;
  }

  /** SGD, GD on J and GD on J + R at point k for column suffix `col`, with SGD's SE column. */
  triple(k, col, seCol) {
    return { S: this.value(k, `sgd${col}`), e: seCol ? this.value(k, seCol) : NaN, G: this.value(k, `gd${col}`), R: this.value(k, `reg${col}`) };
  }

  /**
   * Mean over the batch-sweep points with B < N of |SGD − GD on J + R| and |SGD − GD on J| for
   * `col` (at B = N SGD is GD on J exactly, so that point says nothing).
   */
  batchGaps(col) {
    const bs = this.points(1).filter((k) => this.done(k) && this.value(k, 'batchSize') < this.snapshot.trainPoints);
    const gaps = bs.map((k) => this.triple(k, col)).filter((t) => [t.S, t.G, t.R].every(Number.isFinite));
    if (!gaps.length) return null;
    const mean = (f) => gaps.reduce((s, t) => s + f(t), 0) / gaps.length;
    return { reg: mean((t) => Math.abs(t.S - t.R)), gd: mean((t) => Math.abs(t.S - t.G)) };
  }

  /**
   * One sentence from the numbers at the largest α of the learning-rate sweep (and, for the
   * training loss, the batch sweep): Smith et al.'s claim when the rows support it, and what
   * they show instead when they do not. Null until the points it needs are computed.
   */
  /** The legend label of method `m`: SGD's names its sampling (settings: `sampling`). */
  methodLabel(m) {
    return m.key === 'sgd' && this.valid?.sampling === 'iid' ? 'SGD (i.i.d. batches)' : m.label;
  }

  /**
   * The verdict, and with i.i.d. batches (SCIENCE.md §10, "Pitfall") a second sentence: their
   * mean iterate follows J + (α/4)‖∇J‖² to O(α²), without the tr C term that R (derived for
   * random reshuffling) still carries here, with its coefficient at the verdict's point.
   */
  verdictText() {
    const base = this.baseVerdict();
    if (base === null || this.valid?.sampling !== 'iid') return base;
    const lr = this.points(0), top = lr[lr.length - 1];
    const c = this.value(top, 'traceCoefficient');
    return `${base} SGD here draws i.i.d. batches, whose mean iterate follows J + (α/4)‖∇J‖² to O(α²) with no tr C term; R keeps Smith et al.'s trace term for random reshuffling (coefficient ${Number.isFinite(c) ? c.toPrecision(3) : '—'} at this point), so GD on J + R is not its exact stand-in.`;
  }

  baseVerdict() {
    const lr = this.points(0);
    if (!lr.length || !lr.every((k) => this.done(k))) return null;
    const top = lr[lr.length - 1];
    const a = alphaText(this.value(top, 'learningRate'));
    const B = this.valid.batchSize;
    const view = this.view;
    const f3 = (v) => num(v);
    if (view === 'accuracy') {
      const { S, e, G, R } = this.triple(top, 'TestAccuracy', 'sgdTestAccuracySe');
      const head = `Test accuracy at α = ${a} (B = ${B}): SGD ${pct(S)}${Number.isFinite(e) ? ` ± ${pct(e)}` : ''}, GD on J ${pct(G)}, GD on J + R ${pct(R)}`;
      if (!Number.isFinite(S) || !Number.isFinite(G)) return `${head}: a run diverged, so accuracy says nothing here.`;
      if (!Number.isFinite(e)) return `${head}: with one SGD run there is no standard error; set SGD runs per point to 2 or more to judge the difference.`;
      const z = (S - G) / e;
      if (S - G > 2 * e) return `${head}: SGD is more accurate than GD on J by ${num(z, 1)} SE, the generalization benefit Smith et al. report.`;
      return `${head}: SGD is not more accurate than GD on J (${S >= G ? `+${num(z, 1)} SE, within noise` : `${pct(G - S)} lower`}); at 64 training points accuracy does not show the implicit regularizer (the counterpoint), the training and test losses do.`;
    }
    if (view === 'loss') {
      const { S, e, G, R } = this.triple(top, 'TestLoss', 'sgdTestLossSe');
      const head = `Test loss at α = ${a} (B = ${B}): SGD ${f3(S)}${Number.isFinite(e) ? ` ± ${f3(e)}` : ''}, GD on J + R ${f3(R)}, GD on J ${f3(G)}`;
      if (![S, G, R].every(Number.isFinite)) return `${head}: a run diverged at this α.`;
      if (!Number.isFinite(e)) return `${head}: with one SGD run there is no standard error; set SGD runs per point to 2 or more to judge the difference.`;
      const z = (G - S) / e;
      if (G - S > 2 * e && R < G) return `${head}: GD on J overfits as α grows while SGD, like GD on J + R, does not (SGD lower by ${num(z, 1)} SE), the learning-rate effect Smith et al. attribute to R.`;
      if (R < G) return `${head}: GD on J + R ends below GD on J but SGD is not lower by 2 SE (${num(z, 1)} SE): here the learning-rate effect on the test loss is within noise.`;
      return `${head}: neither SGD nor GD on J + R ends below GD on J, so the test loss shows no learning-rate effect at these settings.`;
    }
    const col = view === 'regularizer' ? 'Regularizer' : 'TrainLoss';
    const what = view === 'regularizer' ? 'R(w) at the final weights' : 'training loss J';
    const { S, e, G, R } = this.triple(top, col, view === 'regularizer' ? 'sgdRegularizerSe' : 'sgdTrainLossSe');
    const head = `${what[0].toUpperCase()}${what.slice(1)} at α = ${a} (B = ${B}): SGD ${f3(S)}${Number.isFinite(e) ? ` ± ${f3(e)}` : ''}, GD on J + R ${f3(R)}, GD on J ${f3(G)}`;
    const sgdLoss = this.value(top, 'sgdTrainLoss');
    if (!Number.isFinite(S) || this.value(top, 'sgdDiverged') >= 1) return `At α = ${a} SGD diverged: far past the small-α expansion that defines R, the modified loss J + R cannot describe it.`;
    if (sgdLoss > LN2) return `${head}: SGD's training loss ${f3(sgdLoss)} is above ln 2 (worse than a coin flip), so α is far past the small-α expansion that defines R and GD on J + R does not describe SGD.`;
    if (!Number.isFinite(G) || !Number.isFinite(R)) return `${head}: a full-batch run diverged at this α.`;
    const dReg = Math.abs(S - R), dGd = Math.abs(S - G);
    if (dGd <= Math.max(2 * (Number.isFinite(e) ? e : 0), 0.005)) return `${head}: all three agree within ${num(Math.max(dGd, dReg), 4)}; at this small α R is negligible and SGD follows gradient flow on J, as the small-learning-rate limit says.`;
    const b = this.batchGaps(col);
    const batch = !b ? '' : b.reg < b.gd
      ? ` (batch sweep at α = ${this.valid.learningRate}: ${num(b.gd / b.reg, 1)}× closer on average over B < N)`
      : ` (but in the batch sweep at α = ${this.valid.learningRate} it is not closer on average: ${num(b.reg)} vs ${num(b.gd)})`;
    if (dReg < dGd) return `${head}: GD on J + R is ${num(dGd / dReg, 1)}× closer to SGD than GD on J is${batch}, as Smith et al.'s modified loss predicts.`;
    return `${head}: GD on J + R is not closer to SGD than GD on J (${num(dReg)} vs ${num(dGd)})${batch}, against Smith et al.'s prediction at this α.`;
  }

  updateReadout() {
    const s = this.snapshot;
    if (!s) return;
    const lr = this.points(0).filter((k) => this.done(k));
    const bs = this.points(1).filter((k) => this.done(k));
    const status = s.next ? `computing α = ${alphaText(s.next.learningRate)}, B = ${s.next.batchSize}${this.playing ? '' : ' (paused)'}` : 'done';
    const bestAcc = (m, part) => { const k = this.best(lr, `${m}${part}Accuracy`); return k < 0 ? '—' : `${pct(this.value(k, `${m}${part}Accuracy`))} at α = ${alphaText(this.value(k, 'learningRate'))}`; };
    const ends = (m, col) => (bs.length ? `${num(this.value(bs[0], `${m}${col}`))} → ${num(this.value(bs[bs.length - 1], `${m}${col}`))}` : '—');
    const last = lr.length ? lr[lr.length - 1] : -1;
    const at = (m, col) => (last < 0 ? '—' : num(this.value(last, `${m}${col}`)));
    const pm = (col) => (last < 0 || !Number.isFinite(this.value(last, col)) ? '' : ` ± ${num(this.value(last, col))}`);
    const aLast = last < 0 ? '—' : alphaText(this.value(last, 'learningRate'));
    const bRange = `B = ${bs.length ? this.value(bs[0], 'batchSize') : '—'} → ${bs.length ? this.value(bs[bs.length - 1], 'batchSize') : '—'}`;
    this.setReadout(`
      <span>points <b class="r-done">${s.donePoints}</b> / <span class="r-total">${s.totalPoints}</span> (${status})</span>
      <span>SGD batches: <b class="r-sampling">${this.valid.sampling === 'iid' ? 'i.i.d. (a fresh uniform batch each step)' : 'random reshuffling (epochs of N/B disjoint batches)'}</b></span>
      <span>training loss J at α = ${aLast}: SGD <b class="r-train-sgd">${at('sgd', 'TrainLoss')}</b>${pm('sgdTrainLossSe')}, GD on J + R <b class="r-train-reg">${at('reg', 'TrainLoss')}</b>, GD on J <b class="r-train-gd">${at('gd', 'TrainLoss')}</b></span>
      <span>test loss at α = ${aLast}: SGD <b class="r-loss-sgd">${at('sgd', 'TestLoss')}</b>${pm('sgdTestLossSe')}, GD on J + R <b class="r-loss-reg">${at('reg', 'TestLoss')}</b>, GD on J <b class="r-loss-gd">${at('gd', 'TestLoss')}</b></span>
      <span>training loss ${bRange}: SGD <b class="r-bt-sgd">${ends('sgd', 'TrainLoss')}</b>, GD on J + R <b class="r-bt-reg">${ends('reg', 'TrainLoss')}</b>, GD on J <b class="r-bt-gd">${ends('gd', 'TrainLoss')}</b></span>
      <span>test loss ${bRange}: SGD <b class="r-b-sgd">${ends('sgd', 'TestLoss')}</b>, GD on J + R <b class="r-b-reg">${ends('reg', 'TestLoss')}</b>, GD on J <b class="r-b-gd">${ends('gd', 'TestLoss')}</b></span>
      <span>best test accuracy (α sweep): SGD <b class="r-best-sgd">${bestAcc('sgd', 'Test')}</b>; GD on J <b class="r-best-gd">${bestAcc('gd', 'Test')}</b>; GD on J + R <b class="r-best-reg">${bestAcc('reg', 'Test')}</b></span>
      <span>best train accuracy (α sweep): SGD <b class="r-best-train-sgd">${bestAcc('sgd', 'Train')}</b>; GD on J <b class="r-best-train-gd">${bestAcc('gd', 'Train')}</b></span>`);
    this.setVerdict(this.verdictText() ?? `The verdict follows once the learning-rate sweep is computed (${lr.length} of ${this.points(0).length} points).`);
    this.setLive(this.$('.status-line'), status, 'text');
    const q = QUANTITIES[this.view];
    const main = q.lines[0];
    const summary = (ks, xName, label) => ks.map((k) => `${label} ${alphaText(this.value(k, xName))}: ${METHODS.map((m) => `${m.key === 'sgd' ? 'SGD' : m.key === 'gd' ? 'GD' : 'GD+R'} ${q.percent ? pct(this.value(k, `${m.key}${main.col}`)) : num(this.value(k, `${m.key}${main.col}`))}`).join(', ')}`).join('; ');
    const label = this.fields.find((f) => f.name === 'view')?.options.find(([v]) => v === this.view)?.[1] ?? this.view;
    this.setLive(this.$('canvas.lr'), `Learning-rate sweep at B = ${this.valid.batchSize}, ${label}, ${main.part} values: ${summary(lr, 'learningRate', 'α') || 'no points yet'}`, 'aria-label');
    this.setLive(this.$('canvas.batch'), `Batch-size sweep at α = ${this.valid.learningRate}, ${label}, ${main.part} values: ${summary(bs, 'batchSize', 'B') || 'no points yet'}`, 'aria-label');
    this.updateTable();
  }

  updateTable() {
    const cols = [
      ['sweep', (k) => (this.value(k, 'sweep') ? 'B' : 'α')], ['α', (k) => alphaText(this.value(k, 'learningRate'))], ['B', (k) => this.value(k, 'batchSize')],
      ...METHODS.flatMap((m) => {
        const short = m.key === 'sgd' ? 'SGD' : m.key === 'gd' ? 'GD' : 'GD+R';
        return [[`${short} train loss`, (k) => num(this.value(k, `${m.key}TrainLoss`))], [`${short} train acc`, (k) => pct(this.value(k, `${m.key}TrainAccuracy`))], [`${short} test acc`, (k) => pct(this.value(k, `${m.key}TestAccuracy`))], [`${short} test loss`, (k) => num(this.value(k, `${m.key}TestLoss`))], [`${short} R(w)`, (k) => num(this.value(k, `${m.key}Regularizer`), 4)]];
      }),
    ];
    const n = this.rows.length / this.K;
    const body = [];
    for (let k = 0; k < n; k++) if (this.done(k)) body.push(`<tr>${cols.map(([, f]) => `<td>${f(k)}</td>`).join('')}</tr>`);
    this.$('table.points').innerHTML = `<thead><tr>${cols.map(([h]) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody>`;
  }

  /** Public API: the sweep points for export (settings, columns, rows). */
  exportData() {
    const rows = [];
    const n = this.rows ? this.rows.length / this.K : 0;
    for (let k = 0; k < n; k++) rows.push(Array.from(this.rows.subarray(k * this.K, (k + 1) * this.K)));
    return { ...super.exportData(), history: rows };
  }
}

if (!customElements.get('noiselab-implicit-reg')) customElements.define('noiselab-implicit-reg', NoiselabImplicitReg);
export { NoiselabImplicitReg };
