// The dropout widget's "Implicit vs explicit" view: Wei, Kakade & Ma (2020): DROP₁, DROP_K,
// explicit-only, knock-in and no dropout trained on the same data, in lockstep in the worker (the
// core's comparison experiment, dropout-k, the one `noiselab run dropout-k` runs), with a
// progress bar (SCIENCE.md §2.3), with exactly the settings the controls show (only the training
// rule varies, and its control is disabled here).
import { OKABE_ITO as C } from '../../lib/plot.js';
import { fmt, curvePanel } from './common.js';

// Wei et al.'s variants, in the order of the core's comparison (dropout/wei.rs, WEI_VARIANTS):
// its dropout nets; "no dropout" is its plain net.
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

/** The wei panel (inside the widget's tab panel). */
export const weiPanel = (id) => `
        <div class="plot-head"><strong>Test loss over training: which part of dropout’s benefit is implicit?</strong>
          <span class="inline"><progress class="wei-progress" max="1" value="0" aria-label="progress of the comparison runs"></progress><span class="wei-status"></span></span></div>
        <canvas class="wide wei-curve" data-panel="wei-curve" role="img" aria-label="test loss of the Wei et al. variants"></canvas>
        <div class="legend legend-wei" data-panel="wei-curve" aria-hidden="true"></div>
        <p class="note finding wei-finding"></p>
        <details class="note wei-measured"><summary>Measured over 8–12 seeds with the CLI</summary><p class="note">${WEI_MEASURED}</p></details>`;

// wasm time per worker slice of the comparison: long enough that the animation-frame gaps
// between slices cost little, short enough for a first partial curve within ~0.1 s and for the
// widget's own requests to wait at most this long.
const WEI_BUDGET_MS = 100;

export const WeiView = (Base) => class extends Base {
  /** Train the four rules and no dropout (same seed, data, initialisation and batches) in
      lockstep: one run of the core's comparison (dropout-k, as `noiselab run dropout-k`) on a
      side handle of the worker, in budgeted slices with progress. */
  async runWei() {
    if (this.weiRunning) return;
    const token = this.weiToken;
    this.weiRunning = true;
    const button = this.buttons.runWei;
    button.disabled = true;
    const progress = this.$('.wei-progress');
    progress.value = 0;
    this.$('.wei-status').textContent = 'starting…';
    try {
      this.weiCol ??= await this.weiColumns();
      if (token !== this.weiToken) return;
      const runs = WEI.map((w) => ({ ...w, hist: [], snapshot: null }));
      this.wei = { runs, complete: false };
      const cancelled = () => token !== this.weiToken;
      await this.sideRun(`wei${token}`, this.weiSettings(), (f) => {
        if (cancelled()) return;
        this.weiIngest(f);
        const s = f.snapshot, done = Boolean(s.stopReason);
        progress.value = s.stepsDone / s.totalSteps;
        const pct = Math.round(100 * s.stepsDone / s.totalSteps);
        this.$('.wei-status').textContent = done ? 'done' : `training ${runs.length} of ${runs.length} rules… ${pct}%`;
        this.drawWei();
      }, WEI_BUDGET_MS, cancelled, 'dropout-k');
      if (cancelled()) return;
      this.wei.complete = true;
      this.drawWei();
      this.updateReadout();
    } finally {
      if (token === this.weiToken) {
        this.weiRunning = false;
        button.disabled = false;
      }
    }
  }

  /** The settings of the Wei comparison: exactly the widget's (the controls) but the training
      rule, which the comparison varies. */
  weiSettings() {
    const { variant: _rule, ...settings } = this.modelSettings();
    return settings;
  }

  /** Column name → index of the comparison's rows (the core's WEI_HISTORY_FIELDS). */
  async weiColumns() {
    const hello = await this.worker.request('hello', { kind: 'dropout-k' });
    return Object.fromEntries(hello.historyFields.map((n, i) => [n, i]));
  }

  /** A frame of the comparison: each rule's rows as its own `dropout` run records them (the
      columns of this.col), and its last row. */
  weiIngest(f) {
    const W = Object.keys(this.weiCol).length, c = this.weiCol, K = this.K, col = this.col;
    const plain = ['plainTrainLoss', 'plainTestLoss', 'plainTrainAccuracy', 'plainTestAccuracy', 'plainRegularizer', 'sePlainRegularizer'];
    const own = ['trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy', 'regularizer', 'seRegularizer', 'taylorRegularizer'];
    for (let i = 0; i < f.history.length / W; i++) {
      const row = f.history.subarray(i * W, (i + 1) * W);
      for (const r of this.wei.runs) {
        const out = new Float64Array(K);
        out[col.step] = row[c.step];
        for (const n of own) out[col[n]] = row[c[r.key + n[0].toUpperCase() + n.slice(1)]];
        for (const n of plain) out[col[n]] = row[c[n]];
        r.hist[f.from + i] = out;
      }
    }
    f.snapshot.last.forEach((last, i) => { this.wei.runs[i].snapshot = { ...f.snapshot, last }; });
  }

  /** Redraw the comparison (its panel's key is the time of the call). */
  drawWei() {
    this.weiAt = performance.now();
    this.figure.draw();
  }

  /** The Wei view's panel: the test loss of no dropout and the four rules over the steps. */
  weiPanels() {
    if (!this.wei) return [];
    const runs = this.wei.runs, c = this.col, base = runs[0], K = this.valid.dropK;
    const longest = runs.reduce((a, r) => (r.hist.length > a.hist.length ? r : a));
    const col = (r, k) => Float64Array.from(r.hist, (row) => row[k]);
    const labels = { dropout: 'DROP₁ (ordinary dropout)', dropK: `DROP_${K} (${K} masks averaged per gradient)`, knockIn: `DROP_${K} + knock-in noise`, explicitOnly: 'explicit regularizer only (no masks)' };
    const panel = curvePanel('wei-curve', 'Test loss over training: which part of dropout’s benefit is implicit?', {
      x: col(longest, c.step), xMax: this.valid.steps, xLabel: 'step (iterations)', yLabel: 'test loss', yMin: 0, key: [this.weiAt],
      series: [{ label: 'no dropout', y: col(base, c.plainTestLoss), colour: NONE_COLOUR, width: 1.8 }, ...runs.map((r) => ({ label: labels[r.key], y: col(r, c.testLoss), colour: r.colour, dash: r.dash }))],
    });
    // Where the explicit-only rule's training loss jumped (its step-size instability): ▼ marks.
    const jumps = this.weiJumps(runs[3]);
    for (const j of jumps) panel.marks.push({ type: 'text', x: j.step, y: 'top', dy: 2, align: 'center', baseline: 'top', colour: C.purple, text: '▼' });
    if (jumps.length) panel.marks.push({ type: 'key', label: '▼ explicit-only training loss jumped (step-size instability of R̂, see below)' });
    const last = (r, k) => r.snapshot?.last?.[k];
    const finals = runs.map((r) => `${r.label.split(' (')[0]} ${fmt(last(r, 'testLoss'))}`).join(', ');
    this.setLive(this.$('canvas.wei-curve'), `Test loss of the training rules over ${this.valid.steps} steps: ${finals}, no dropout ${fmt(last(base, 'plainTestLoss'))}.`, 'aria-label');
    this.$('.wei-finding').textContent = this.weiFinding();
    return [panel];
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

  /** The readout's final test losses of the comparison. */
  weiReadout() {
    if (!this.wei?.complete) return '';
    const [d1, dk, ki, ex] = this.wei.runs.map((r) => r.snapshot.last.testLoss);
    return `<span>DROP₁ <b class="r-wei-drop1">${fmt(d1)}</b></span><span>DROP_${this.valid.dropK} <b class="r-wei-dropk">${fmt(dk)}</b></span><span>knock-in <b class="r-wei-knock">${fmt(ki)}</b></span><span>explicit <b class="r-wei-explicit">${fmt(ex)}</b></span><span>no dropout <b class="r-wei-none">${fmt(this.wei.runs[0].snapshot.last.plainTestLoss)}</b></span>`;
  }
};
