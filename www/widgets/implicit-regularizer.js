// <noiselab-implicit-reg>: "The implicit regularizer of SGD" (Grosse, Lecture 8, last section;
// Smith, Dherin, Barrett & De, ICLR 2021; SCIENCE.md §10). A learning-rate sweep and a
// batch-size sweep of SGD (random shuffling) against full-batch GD on J and on the modified loss
// J + R, R = (α/4)‖∇J‖² + ((N−B)/(N−1))(α/(4B)) tr C. The sweeps run in the worker one point at
// a time (each point cached there), so the curves fill in as they go. All numbers come from the
// Rust core; this file only schedules and draws.
//
// Embed: <script type="module" src=".../www/widgets/implicit-regularizer.js"></script>
//        <noiselab-implicit-reg batch-size="8" learning-rate="1"></noiselab-implicit-reg>
import { NoiselabWidget } from '../lib/widget.js';
import { Surface, scale, drawAxes, OKABE_ITO as C } from '../lib/plot.js';

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
let sheet;

const METHODS = [
  { key: 'sgd', label: 'SGD (random shuffling)', colour: C.vermillion },
  { key: 'gd', label: 'full-batch GD on J', colour: '#222222' },
  { key: 'reg', label: 'full-batch GD on J + R', colour: C.blue },
];
const QUANTITIES = {
  accuracy: { label: 'accuracy (train and test)', axis: 'accuracy (%)', train: 'TrainAccuracy', test: 'TestAccuracy', se: 'sgdTestAccuracySe', percent: true },
  loss: { label: 'loss J (train and test)', axis: 'cross-entropy (nats)', train: 'TrainLoss', test: 'TestLoss', se: 'sgdTestLossSe' },
  regularizer: { label: 'R(w) at the end of training', axis: 'R(w) at the final weights', test: 'Regularizer' },
};
const MARGIN = { left: 58, right: 14, top: 14, bottom: 42 };

const pct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');
const num = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const alphaText = (a) => (Number.isFinite(a) ? String(Number(a.toPrecision(3))) : '—');

/** A log-scale axis as a drawAxes-compatible scale (ticks and labels stay in data units). */
function logScale(d0, d1, r0, r1) {
  const lin = scale(Math.log(d0), Math.log(d1), r0, r1);
  const f = (v) => lin(Math.log(v));
  f.invert = (p) => Math.exp(lin.invert(p));
  f.domain = [d0, d1];
  f.range = [r0, r1];
  return f;
}

/** 1-2-5 ticks within [lo, hi] on a log axis (at least the two ends). */
function logTicks(lo, hi) {
  const out = [];
  for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) { const v = m * 10 ** e; if (v >= lo * 0.999 && v <= hi * 1.001) out.push(Number(v.toPrecision(3))); }
  }
  return out.length >= 2 ? out : [lo, hi];
}

class NoiselabImplicitReg extends NoiselabWidget {
  static kind = 'implicit-reg';
  quantity = 'accuracy';

  extraSheets() {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    return [sheet];
  }

  renderFigure() {
    const legend = METHODS.map((m) => `<span><i class="swatch" style="border-color:${m.colour}"></i>${m.label}</span>`).join('');
    return `
      <div class="plot-head"><label>Plot: <select class="quantity" aria-label="quantity plotted against the learning rate and the batch size">
        ${Object.entries(QUANTITIES).map(([k, q]) => `<option value="${k}">${q.label}</option>`).join('')}
      </select></label><span class="status-line" aria-hidden="true"></span></div>
      <div class="progress" role="progressbar" aria-label="sweep points computed" aria-valuemin="0" aria-valuemax="1" aria-valuenow="0"><i></i></div>
      <div class="pair">
        <div><div class="plot-head"><strong class="lr-title">Learning-rate sweep</strong></div><canvas class="lr" role="img" aria-label="learning-rate sweep"></canvas></div>
        <div><div class="plot-head"><strong class="b-title">Batch-size sweep</strong></div><canvas class="batch" role="img" aria-label="batch-size sweep"></canvas></div>
      </div>
      <div class="legend" aria-hidden="true">${legend}
        <span><i class="swatch ink"></i>test (● ±1 SE for SGD)</span><span><i class="swatch dashed ink"></i>train (○)</span><span>× diverged</span></div>
      <details class="numbers"><summary>All numbers (table)</summary><div class="table-wrap" tabindex="0" role="group" aria-label="table of sweep points"><table class="points"></table></div></details>`;
  }

  async onReady() {
    this.lrView = new Surface(this.$('canvas.lr'), () => this.draw());
    this.bView = new Surface(this.$('canvas.batch'), () => this.draw());
    this.$('select.quantity').addEventListener('change', (e) => { this.quantity = e.target.value; this.draw(); this.updateReadout(); });
    this.draw();
    this.updateReadout();
  }

  modelSettings() {
    return Object.fromEntries(this.fields.map((f) => [f.name, this.valid[f.name]]));
  }

  async onApplied() {
    this.pause();
    const r = await this.worker.request('create', { kind: 'implicit-reg', handle: this.handle, settings: this.modelSettings() });
    this.ingest(r);
    if (!r.snapshot.stopReason) this.play();
  }

  ingest(r) {
    this.rows = r.rows;
    this.snapshot = r.snapshot;
    this.K = this.historyFields.length;
    this.draw();
    this.updateReadout();
    this.dispatchEvent(new CustomEvent('noiselab-frame', { detail: r.snapshot, bubbles: true, composed: true }));
    if (r.snapshot.stopReason) this.onStopped();
  }

  async tick() {
    const r = await this.worker.request('advance', { handle: this.handle, steps: 1, budgetMs: 1 });
    this.ingest(r);
  }

  onStopped() {
    this.pause();
    const s = this.snapshot;
    this.showMessage(`Finished all ${s.totalPoints} sweep points (${this.valid.steps} steps per run, ${s.parameters} parameters, N = ${s.trainPoints}).`, 'info');
  }

  /** Public API: compute one more point. */
  async stepOnce() {
    await this.settled();
    const r = await this.worker.request('advance', { handle: this.handle, steps: 1, budgetMs: 1 });
    this.ingest(r);
  }

  /** Public API: compute every remaining point (the worker keeps the page responsive). */
  async runToEnd() {
    await this.settled();
    this.pause();
    while (!this.snapshot.stopReason) {
      const r = await this.worker.request('advance', { handle: this.handle, steps: 1, budgetMs: 1 });
      this.ingest(r);
    }
    return this.snapshot;
  }

  async onReset() {
    this.showMessage('');
    const r = await this.worker.request('reset', { handle: this.handle });
    this.ingest(r);
    this.play();
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
    if (!this.lrView || !this.rows) return;
    const lr = this.points(0), bs = this.points(1);
    const a = lr.map((k) => this.value(k, 'learningRate'));
    const b = bs.map((k) => this.value(k, 'batchSize'));
    this.plot(this.lrView, lr, 'learningRate', logScale(Math.min(...a) / 1.25, Math.max(...a) * 1.25, MARGIN.left, this.lrView.width - MARGIN.right), logTicks(Math.min(...a), Math.max(...a)), 'learning rate α (log scale)');
    this.plot(this.bView, bs, 'batchSize', logScale(Math.min(...b) / 1.4, Math.max(...b) * 1.4, MARGIN.left, this.bView.width - MARGIN.right), b, 'batch size B (log scale)');
    this.$('.lr-title').textContent = `Learning-rate sweep (B = ${this.valid.batchSize})`;
    this.$('.b-title').textContent = `Batch-size sweep (α = ${this.valid.learningRate})`;
    const s = this.snapshot;
    const bar = this.$('.progress');
    bar.setAttribute('aria-valuenow', String(s.donePoints / s.totalPoints));
    bar.querySelector('i').style.width = `${(100 * s.donePoints) / s.totalPoints}%`;
  }

  plot(view, ks, xName, x, xTicks, xLabel) {
    const ctx = view.ctx;
    view.clear('#fff');
    const q = QUANTITIES[this.quantity];
    const scaleV = q.percent ? 100 : 1;
    const series = [];
    for (const m of METHODS) {
      for (const part of q.train ? ['test', 'train'] : ['test']) {
        const name = `${m.key}${q[part]}`;
        series.push({ m, part, pts: ks.map((k) => ({ k, x: this.value(k, xName), y: scaleV * this.value(k, name), se: part === 'test' && m.key === 'sgd' && q.se ? scaleV * this.value(k, q.se) : NaN })) });
      }
    }
    let lo = Infinity, hi = -Infinity;
    for (const s of series) for (const p of s.pts) if (Number.isFinite(p.y)) { const e = Number.isFinite(p.se) ? p.se : 0; lo = Math.min(lo, p.y - e); hi = Math.max(hi, p.y + e); }
    if (!Number.isFinite(lo)) { lo = q.percent ? 50 : 0; hi = q.percent ? 100 : 1; }
    if (hi - lo < (q.percent ? 2 : 1e-3)) { const c = (hi + lo) / 2, h = q.percent ? 1 : 5e-4; lo = c - h; hi = c + h; }
    const pad = 0.08 * (hi - lo);
    lo -= pad; hi += pad;
    if (q.percent) { lo = Math.max(0, lo); hi = Math.min(100, hi); }
    if (this.quantity === 'regularizer') lo = Math.min(lo, 0);
    const y = scale(lo, hi, view.height - MARGIN.bottom, MARGIN.top);
    drawAxes(ctx, { x, y, xLabel, yLabel: q.axis, xTicks, grid: true });
    ctx.save();
    ctx.beginPath(); ctx.rect(x.range[0], y.range[1], x.range[1] - x.range[0], y.range[0] - y.range[1]); ctx.clip();
    // Points still to compute: grey ticks on the axis; the one being computed is highlighted.
    const next = this.snapshot.next;
    for (const k of ks) {
      if (this.done(k)) continue;
      const px = x(this.value(k, xName));
      const current = next && next.learningRate === this.value(k, 'learningRate') && next.batchSize === this.value(k, 'batchSize') && (next.sweep === 'batchSize') === (xName === 'batchSize');
      ctx.strokeStyle = current ? C.orange : 'rgba(0,0,0,0.25)';
      ctx.lineWidth = current ? 3 : 1.5;
      ctx.beginPath(); ctx.moveTo(px, y.range[0]); ctx.lineTo(px, y.range[0] - (current ? 14 : 8)); ctx.stroke();
    }
    for (const s of series) {
      const { m, part, pts } = s;
      ctx.strokeStyle = m.colour; ctx.fillStyle = m.colour;
      ctx.lineWidth = part === 'test' ? 2.5 : 1.6;
      ctx.setLineDash(part === 'test' ? [] : [6, 4]);
      ctx.beginPath();
      let open = false;
      for (const p of pts) {
        if (!Number.isFinite(p.y)) { open = false; continue; }
        const X = x(p.x), Y = y(p.y);
        if (open) ctx.lineTo(X, Y); else { ctx.moveTo(X, Y); open = true; }
      }
      ctx.stroke();
      ctx.setLineDash([]);
      for (const p of pts) {
        if (!Number.isFinite(p.y)) continue;
        const X = x(p.x), Y = y(p.y);
        if (Number.isFinite(p.se) && p.se > 0) {
          ctx.lineWidth = 1.5;
          ctx.beginPath(); ctx.moveTo(X, y(p.y - p.se)); ctx.lineTo(X, y(p.y + p.se)); ctx.stroke();
        }
        ctx.beginPath(); ctx.arc(X, Y, part === 'test' ? 3.6 : 3, 0, 2 * Math.PI);
        if (part === 'test') ctx.fill(); else { ctx.fillStyle = '#fff'; ctx.fill(); ctx.lineWidth = 1.5; ctx.stroke(); ctx.fillStyle = m.colour; }
      }
      // Diverged runs: × at the top of the plot.
      if (part !== 'test') continue;
      ctx.lineWidth = 2;
      for (const p of pts) {
        const k = p.k;
        if (!this.done(k) || !(this.value(k, `${m.key}Diverged`) > 0)) continue;
        const X = x(p.x), Y = y.range[1] + 8 + 8 * METHODS.indexOf(m);
        ctx.beginPath(); ctx.moveTo(X - 4, Y - 4); ctx.lineTo(X + 4, Y + 4); ctx.moveTo(X + 4, Y - 4); ctx.lineTo(X - 4, Y + 4); ctx.stroke();
      }
    }
    ctx.restore();
  }

  // ---- readout ------------------------------------------------------------------------------

  /** The point of `ks` maximizing column `name` (finite values only). */
  best(ks, name) {
    let bestK = -1;
    for (const k of ks) { const v = this.value(k, name); if (Number.isFinite(v) && (bestK < 0 || v > this.value(bestK, name))) bestK = k; }
    return bestK;
  }

  updateReadout() {
    const s = this.snapshot;
    if (!s) return;
    const lr = this.points(0).filter((k) => this.done(k));
    const bs = this.points(1).filter((k) => this.done(k));
    const status = s.next ? `computing α = ${alphaText(s.next.learningRate)}, B = ${s.next.batchSize}${this.playing ? '' : ' (paused)'}` : 'done';
    const bestTest = (m) => { const k = this.best(lr, `${m}TestAccuracy`); return k < 0 ? '—' : `${pct(this.value(k, `${m}TestAccuracy`))} at α = ${alphaText(this.value(k, 'learningRate'))}`; };
    const bestTrain = (m) => { const k = this.best(lr, `${m}TrainAccuracy`); return k < 0 ? '—' : alphaText(this.value(k, 'learningRate')); };
    const ends = (m, col) => (bs.length ? `${num(this.value(bs[0], `${m}${col}`))} → ${num(this.value(bs[bs.length - 1], `${m}${col}`))}` : '—');
    const last = lr.length ? lr[lr.length - 1] : -1;
    this.setReadout(`
      <span>points <b class="r-done">${s.donePoints}</b> / <span class="r-total">${s.totalPoints}</span> (${status})</span>
      <span>best test accuracy (α sweep): SGD <b class="r-best-sgd">${bestTest('sgd')}</b>; GD on J <b class="r-best-gd">${bestTest('gd')}</b>; GD on J + R <b class="r-best-reg">${bestTest('reg')}</b></span>
      <span>best train accuracy at α = SGD <b class="r-train-sgd">${bestTrain('sgd')}</b>, GD on J <b class="r-train-gd">${bestTrain('gd')}</b></span>
      <span>test loss at α = ${last < 0 ? '—' : alphaText(this.value(last, 'learningRate'))}: SGD <b class="r-loss-sgd">${last < 0 ? '—' : num(this.value(last, 'sgdTestLoss'))}</b>, GD on J <b class="r-loss-gd">${last < 0 ? '—' : num(this.value(last, 'gdTestLoss'))}</b>, GD on J + R <b class="r-loss-reg">${last < 0 ? '—' : num(this.value(last, 'regTestLoss'))}</b></span>
      <span>test loss B = ${bs.length ? this.value(bs[0], 'batchSize') : '—'} → ${bs.length ? this.value(bs[bs.length - 1], 'batchSize') : '—'}: SGD <b class="r-b-sgd">${ends('sgd', 'TestLoss')}</b>, GD on J + R <b class="r-b-reg">${ends('reg', 'TestLoss')}</b>, GD on J <b class="r-b-gd">${ends('gd', 'TestLoss')}</b></span>`);
    this.setLive(this.$('.status-line'), status, 'text');
    const q = QUANTITIES[this.quantity];
    const summary = (ks, xName, label) => ks.map((k) => `${label} ${alphaText(this.value(k, xName))}: ${METHODS.map((m) => `${m.key === 'sgd' ? 'SGD' : m.key === 'gd' ? 'GD' : 'GD+R'} ${q.percent ? pct(this.value(k, `${m.key}${q.test}`)) : num(this.value(k, `${m.key}${q.test}`))}`).join(', ')}`).join('; ');
    this.setLive(this.$('canvas.lr'), `Learning-rate sweep at B = ${this.valid.batchSize}, ${q.label}, test values: ${summary(lr, 'learningRate', 'α') || 'no points yet'}`, 'aria-label');
    this.setLive(this.$('canvas.batch'), `Batch-size sweep at α = ${this.valid.learningRate}, ${q.label}, test values: ${summary(bs, 'batchSize', 'B') || 'no points yet'}`, 'aria-label');
    this.updateTable();
  }

  updateTable() {
    const cols = [
      ['sweep', (k) => (this.value(k, 'sweep') ? 'B' : 'α')], ['α', (k) => alphaText(this.value(k, 'learningRate'))], ['B', (k) => this.value(k, 'batchSize')],
      ...METHODS.flatMap((m) => {
        const short = m.key === 'sgd' ? 'SGD' : m.key === 'gd' ? 'GD' : 'GD+R';
        return [[`${short} train acc`, (k) => pct(this.value(k, `${m.key}TrainAccuracy`))], [`${short} test acc`, (k) => pct(this.value(k, `${m.key}TestAccuracy`))], [`${short} test loss`, (k) => num(this.value(k, `${m.key}TestLoss`))], [`${short} R(w)`, (k) => num(this.value(k, `${m.key}Regularizer`), 4)]];
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
    return { experiment: 'implicit-reg', settings: this.settings, historyFields: this.historyFields, history: rows, snapshot: this.snapshot };
  }
}

if (!customElements.get('noiselab-implicit-reg')) customElements.define('noiselab-implicit-reg', NoiselabImplicitReg);
export { NoiselabImplicitReg };
