// <noiselab-nng>: noisy natural gradient as variational inference (Zhang, Sun, Duvenaud & Grosse
// 2018; Grosse, Lecture 8, "Noisy Natural Gradient"; SCIENCE.md §6). Full NNG (the lecture's
// update), noisy Adam (diagonal precision) and noisy K-FAC (Kronecker-factored precision) fit a
// Gaussian q to the posterior of a Bayesian linear regression with correlated inputs. Left: the
// exact posterior's 2σ ellipse over two weights with each method's 2σ ellipse and recent weight
// samples; noisy Adam's ellipse is axis-aligned (it cannot represent the correlation), noisy
// K-FAC's is tilted like the posterior's. Right: KL(q‖posterior) over steps, with the fixed
// points' KL as reference lines. All numbers come from the Rust core through the worker.
//
// One colour per method in both panels: full NNG green (dashed), noisy Adam vermillion, noisy
// K-FAC blue, the exact posterior black; a method's fixed point is a dotted line of its colour.
// A new setting computes the whole run at once (a few milliseconds at the defaults), so the
// figure shows the claim without pressing anything; Reset shows step 0 (q = the prior, with 300
// draws from it) and Play animates (from step 0 again once the run has finished).
//
// Embed: <script type="module" src=".../www/widgets/noisy-natural-gradient.js"></script>
//        <noiselab-nng feature-correlation="0.9" kl-weight="1"></noiselab-nng>
import { NoiselabWidget } from '../lib/widget.js';
import { Surface, scale, drawAxes, polyline, OKABE_ITO as C, ticks } from '../lib/plot.js';

const CSS = `
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; }
@media (max-width: 760px) { .pair { grid-template-columns: minmax(0, 1fr); } }
canvas { aspect-ratio: 1 / 0.9; }
canvas.kl { aspect-ratio: 1 / 0.9; }
.plot-note { font-size: 12px; color: #444; margin: 2px 0 0; min-height: 1em; }
`;
let sheet;

// Order of the core's ellipses and samples: target, full, noisy Adam, noisy K-FAC.
const METHODS = [
  { key: 'full', label: 'full NNG', colour: C.green, dash: [6, 4], width: 2 },
  { key: 'noisyAdam', label: 'noisy Adam (diagonal)', colour: C.vermillion, dash: [], width: 2.5 },
  { key: 'noisyKfac', label: 'noisy K-FAC', colour: C.blue, dash: [], width: 2.5 },
];
const KL_COLUMNS = ['klFull', 'klNoisyAdam', 'klNoisyKfac'];
const MARGIN = { left: 56, right: 14, top: 12, bottom: 42 };
const fmt = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const sup = (e) => String(e).replace('-', '⁻').replace(/\d/g, (c) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[c]);
const logLabel = (e) => (e === 0 ? '1' : e === 1 ? '10' : `10${sup(e)}`);
const sci = (v) => (v >= 1e4 ? v.toExponential(1).replace('e+', 'e') : v.toFixed(0));
const num = (v) => (v === null || v === undefined ? NaN : Number(v));

function rgba(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

class NoiselabNng extends NoiselabWidget {
  static kind = 'nng';
  static uiFields = [
    { name: 'speed', label: 'speed (steps per frame)', min: 1, max: 200, default: 10, help: 'Steps computed per animation frame when playing.' },
    { name: 'firstWeight', label: 'horizontal axis: weight', min: 1, max: 8, default: 1, help: 'Which weight w_i is on the horizontal axis of the posterior plot (1 to D).' },
    { name: 'secondWeight', label: 'vertical axis: weight', min: 1, max: 8, default: 2, help: 'Which weight w_j is on the vertical axis of the posterior plot (1 to D).' },
  ];

  // The lecture's contrasts (Lecture 8, "Noisy Natural Gradient"; SCIENCE.md §6).
  static presets = [
    {
      name: 'uncorrelated', label: 'Uncorrelated features (all methods agree)', settings: { featureCorrelation: 0 },
      note: 'Independent features give a nearly axis-aligned posterior: a diagonal Gaussian can represent it, so noisy Adam, noisy K-FAC and full NNG all end close to it (KL a few hundredths of a nat).',
    },
    {
      name: 'strong-correlation', label: 'Strongly correlated features (c = 0.99)', settings: { featureCorrelation: 0.99 },
      note: 'A very tilted posterior: noisy Adam\'s axis-aligned q is about 1.6 nats from it, noisy K-FAC\'s tilted q about 0.45 (its damping split keeps it short of exact), full NNG about 0.03.',
    },
    {
      name: 'tempered', label: 'Tempered posterior (KL weight λ = 0.5)', settings: { klWeight: 0.5 },
      note: 'λ < 1 targets the posterior with the likelihood raised to 1/λ (a narrower target); the same ordering holds: full NNG reaches it, noisy K-FAC keeps the correlation, noisy Adam cannot.',
    },
  ];

  extraSheets() {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    return [sheet];
  }

  renderFigure() {
    const legend = [
      '<span><i class="swatch" style="border-color:#000"></i>exact posterior (2σ)</span>',
      ...METHODS.map((m) => `<span><i class="swatch${m.dash.length ? ' dashed' : ''}" style="border-color:${m.colour}"></i>${m.label} q (2σ)</span>`),
      '<span>dots: the last 300 weight samples w ~ q each method drew (at step 0: 300 draws from q₀)</span>',
    ].join('');
    return `
      <div class="pair">
        <div><div class="plot-head"><strong>Posterior and fitted Gaussians</strong><span class="axes-note"></span></div>
          <canvas class="plane" role="img" aria-label="posterior ellipses"></canvas></div>
        <div><div class="plot-head"><strong>KL(q ‖ posterior) over steps</strong><span>log scale, nats</span></div>
          <canvas class="kl" role="img" aria-label="KL divergence over steps"></canvas></div>
      </div>
      <div class="legend" aria-hidden="true">${legend}</div>
      <div class="legend kl-legend" aria-hidden="true">
        <span>KL plot, dotted: <i class="swatch dashed thin" style="border-color:${C.vermillion}"></i>noisy Adam's fixed point (the best diagonal Gaussian)</span>
        <span><i class="swatch dashed thin" style="border-color:${C.blue}"></i>noisy K-FAC's fixed point</span>
        <span>full NNG's fixed point is the posterior (KL 0, off the log scale)</span>
      </div>
      <p class="plot-note kl-note"></p>
      <p class="plot-note run-note"></p>`;
  }

  async onReady() {
    this.planeView = new Surface(this.$('canvas.plane'), () => this.draw());
    this.klView = new Surface(this.$('canvas.kl'), () => this.draw());
    this.draw();
  }

  modelSettings() {
    return Object.fromEntries(this.fields.map((f) => [f.name, this.valid[f.name]]));
  }

  axes() {
    return [Number(this.valid.firstWeight) - 1, Number(this.valid.secondWeight) - 1];
  }

  async onApplied(changed, initial) {
    const model = changed.filter((n) => !['speed', 'firstWeight', 'secondWeight'].includes(n));
    if (!model.length) {
      if (changed.some((n) => n === 'firstWeight' || n === 'secondWeight') && this.hist) {
        const [i, j] = this.axes();
        const r = await this.worker.request('method', { handle: this.handle, name: 'axes', i, j });
        this.box = null;
        this.view = r;
        this.draw();
        this.updateReadout();
      }
      return;
    }
    const wasPlaying = this.playing && !initial;
    this.pause();
    const result = await this.worker.request('create', { kind: 'nng', handle: this.handle, settings: this.modelSettings() });
    const [i, j] = this.axes();
    if (i !== 0 || j !== 1) Object.assign(result, await this.worker.request('method', { handle: this.handle, name: 'axes', i, j }));
    this.startBuffers(result);
    // Watching the animation: the new run plays from step 0. Otherwise it is computed at once.
    if (wasPlaying) this.play(); else await this.computeAhead();
  }

  /** Play; a finished run plays again from step 0 (the figure shows finished runs at first). */
  play() {
    if (this.isReady && !this.playing && !this.broken && this.snapshot?.stopReason === 'done') {
      this.replaying = (async () => { await this.settled(); await this.onReset(); super.play(); })().catch((err) => this.fail(err));
      return;
    }
    super.play();
  }

  startBuffers(result) {
    const K = this.historyFields.length;
    this.K = K;
    this.hist = new Float64Array((Number(result.snapshot.totalSteps) + 1) * K);
    this.rows = 0;
    this.box = null;
    this.showMessage('');
    this.ingest(result);
  }

  ingest(r) {
    this.hist.set(r.history, r.from * this.K);
    this.rows = r.from + r.history.length / this.K;
    this.view = r;
    this.snapshot = r.snapshot;
    this.draw();
    this.updateReadout();
    this.dispatchEvent(new CustomEvent('noiselab-frame', { detail: r.snapshot, bubbles: true, composed: true }));
  }

  async tick() {
    const r = await this.worker.request('advance', { handle: this.handle, steps: Number(this.valid.speed), budgetMs: 12 });
    this.ingest(r);
    if (r.snapshot.stopReason) this.onStopped(r.snapshot);
  }

  onStopped(s, quiet = false) {
    this.pause();
    if (s.stopReason === 'diverged') {
      this.showMessage(`Stopped at step ${s.stepsDone}: every method diverged (the mean exploded). The mean's step contracts by 1 − αλ/N = ${fmt(1 - s.effectiveRate, 2)}; below −1 it oscillates and grows. Lower the learning rate α.`, 'error');
    } else {
      const diverged = s.methods.filter((m) => m.diverged).map((m) => METHODS.find((x) => x.key === m.method)?.label);
      if (diverged.length) this.showMessage(`Finished ${s.stepsDone} steps. Diverged: ${diverged.join(', ')}.`, 'warn');
      else if (!quiet) this.showMessage(`Finished ${s.stepsDone} steps. Play runs it again from step 0.`, 'info');
    }
  }

  onPaused() { this.draw(); this.updateReadout(); }

  /** Public API: one step. */
  async stepOnce() {
    await this.settled();
    const r = await this.worker.request('advance', { handle: this.handle, steps: 1 });
    this.ingest(r);
    if (r.snapshot.stopReason) this.onStopped(r.snapshot);
  }

  /** Public API: run to the end (budgeted slices; the page stays responsive). */
  async runToEnd() {
    await this.settled();
    this.pause();
    for (;;) {
      const r = await this.worker.request('advance', { handle: this.handle, steps: 1e9, budgetMs: 30 });
      this.ingest(r);
      if (r.snapshot.stopReason) { this.onStopped(r.snapshot); return r.snapshot; }
      await new Promise(requestAnimationFrame);
    }
  }

  async onReset() {
    const r = await this.worker.request('reset', { handle: this.handle });
    this.startBuffers(r);
  }

  // ---- drawing ------------------------------------------------------------------------------

  /** What each panel shows (data units), set as it is drawn: `{plane: [x0, x1, y0, y1],
      kl: [lo, hi] nats (log axis)}`. Read by the tests. */
  draw() {
    if (!this.planeView || !this.view) return;
    this.drawPlane();
    this.drawKl();
  }

  /** The plane's box: it holds the exact posterior's ellipse and every method's q, within the
      box of step 0 (q₀ = the prior N(0, ηI) and the posterior), so q at initialization is
      whole on screen, the start-up overshoot does not blow the view up, and the converged fits
      are not dots. It changes only when something leaves it or everything shrinks to under
      60% of it (no jitter while playing). */
  planeBox() {
    const { ellipses: E, ellipsePoints: P } = this.view;
    const hull = (b, px, py) => { if (Number.isFinite(px) && Number.isFinite(py)) { b[0] = Math.min(b[0], px); b[1] = Math.max(b[1], px); b[2] = Math.min(b[2], py); b[3] = Math.max(b[3], py); } };
    const want = [Infinity, -Infinity, Infinity, -Infinity];
    for (let k = 0; k < 4 * P; k++) hull(want, E[2 * k], E[2 * k + 1]);
    const start = [Infinity, -Infinity, Infinity, -Infinity];
    for (let k = 0; k < P; k++) hull(start, E[2 * k], E[2 * k + 1]);
    const r0 = 2 * Math.sqrt(Number(this.valid.priorVariance));
    hull(start, -r0, -r0); hull(start, r0, r0);
    const target = [Math.max(want[0], start[0]), Math.min(want[1], start[1]), Math.max(want[2], start[2]), Math.min(want[3], start[3])];
    if (!(target[1] > target[0]) || !(target[3] > target[2])) return this.box ?? [-1, 1, -1, 1];
    const square = (b) => {
      const cx = (b[0] + b[1]) / 2, cy = (b[2] + b[3]) / 2;
      const h = Math.max(b[1] - b[0], b[3] - b[2], 1e-6) * 0.56;
      return [cx - h, cx + h, cy - h, cy + h];
    };
    const b = this.box;
    const inside = b && target[0] >= b[0] && target[1] <= b[1] && target[2] >= b[2] && target[3] <= b[3];
    const big = b && Math.max(target[1] - target[0], target[3] - target[2]) > 0.6 * (b[1] - b[0]) / 1.12;
    if (!inside || !big) this.box = square(target);
    return this.box;
  }

  drawPlane() {
    const v = this.planeView, ctx = v.ctx;
    v.clear('#fff');
    const [bx0, bx1, by0, by1] = this.planeBox();
    const x = scale(bx0, bx1, MARGIN.left, v.width - MARGIN.right);
    const y = scale(by0, by1, v.height - MARGIN.bottom, MARGIN.top);
    this.ranges = { ...this.ranges, plane: [bx0, bx1, by0, by1] };
    const [i, j] = this.view.axes;
    drawAxes(ctx, { x, y, xLabel: `weight w${i + 1}`, yLabel: `weight w${j + 1}`, xTicks: ticks(bx0, bx1, 5), yTicks: ticks(by0, by1, 5), grid: true });
    ctx.save();
    ctx.beginPath(); ctx.rect(x.range[0], y.range[1], x.range[1] - x.range[0], y.range[0] - y.range[1]); ctx.clip();
    const P = this.view.ellipsePoints, E = this.view.ellipses;
    const ring = (k) => [(n) => x(E[2 * (k * P + n)]), (n) => y(E[2 * (k * P + n) + 1])];
    // Target: filled grey with a black outline.
    const [tx, ty] = ring(0);
    ctx.beginPath();
    for (let n = 0; n < P; n++) (n ? ctx.lineTo : ctx.moveTo).call(ctx, tx(n), ty(n));
    ctx.fillStyle = 'rgba(0, 0, 0, 0.07)';
    ctx.fill();
    // Samples, then ellipses on top.
    const S = this.view.samples, count = this.view.sampleCount;
    METHODS.forEach((m, k) => {
      ctx.fillStyle = rgba(m.colour, 0.35);
      ctx.beginPath();
      for (let s = 0; s < count; s++) {
        const px = x(S[2 * (k * count + s)]), py = y(S[2 * (k * count + s) + 1]);
        if (Number.isFinite(px) && Number.isFinite(py)) ctx.rect(px - 1.5, py - 1.5, 3, 3);
      }
      ctx.fill();
    });
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#000'; ctx.lineWidth = 2.5; ctx.setLineDash([]);
    polyline(ctx, P, tx, ty);
    METHODS.forEach((m, k) => {
      const [ex, ey] = ring(k + 1);
      ctx.strokeStyle = m.colour; ctx.lineWidth = m.width; ctx.setLineDash(m.dash);
      polyline(ctx, P, ex, ey);
    });
    ctx.setLineDash([]);
    // Means: the target's as a cross, each method's as a dot.
    const s = this.snapshot;
    const mark = (mx, my, colour) => { ctx.fillStyle = colour; ctx.beginPath(); ctx.arc(x(mx), y(my), 4, 0, 2 * Math.PI); ctx.fill(); };
    s.methods.forEach((m, k) => { if (!m.diverged) mark(num(m.mean[i]), num(m.mean[j]), METHODS[k].colour); });
    const cx = x(num(s.targetMean[i])), cy = y(num(s.targetMean[j]));
    ctx.strokeStyle = '#000'; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(cx - 6, cy); ctx.lineTo(cx + 6, cy); ctx.moveTo(cx, cy - 6); ctx.lineTo(cx, cy + 6); ctx.stroke();
    ctx.restore();
    this.setLive(this.$('.axes-note'), i === j ? 'choose two different weights' : `w${i + 1} vs w${j + 1} of D = ${s.targetMean.length}`, 'text');
  }

  /** KL over steps on a log axis whose top is set by the first values (step 0: the prior's KL)
      and the fixed points, not by the start-up overshoot: values above it are drawn at the top
      edge with a mark, and the note under the figure says how high and when. */
  drawKl() {
    const v = this.klView, ctx = v.ctx;
    v.clear('#fff');
    const s = this.snapshot, K = this.K, H = this.hist, rows = this.rows;
    const total = Number(s.totalSteps);
    const cols = KL_COLUMNS.map((n) => this.col[n]);
    let lo = Infinity, top = 0;
    const see = (val) => { if (Number.isFinite(val) && val > 0) { lo = Math.min(lo, val); top = Math.max(top, val); } };
    for (const c of cols) see(H[c]); // step 0
    see(num(s.klMeanField)); see(num(s.klKfacFixedPoint));
    const end = s.transientEnd ?? rows;
    for (let r = end; r < rows; r++) for (const c of cols) see(H[r * K + c]);
    for (let r = 0; r < rows; r++) for (const c of cols) { const val = H[r * K + c]; if (val > 0 && val < lo) lo = val; }
    if (!Number.isFinite(lo)) { lo = 1e-3; top = 1; }
    const l0 = Math.floor(Math.log10(Math.max(lo, 1e-3))), l1 = Math.max(Math.ceil(Math.log10(top) + 0.05), l0 + 1);
    const x = scale(0, total, MARGIN.left, v.width - MARGIN.right);
    const ly = scale(l0, l1, v.height - MARGIN.bottom, MARGIN.top);
    this.ranges = { ...this.ranges, kl: [10 ** l0, 10 ** l1] };
    const y = (val) => ly(Math.min(l1, Math.log10(Math.max(val, 10 ** l0))));
    drawAxes(ctx, { x, y: ly, xLabel: 'step k (iterations)', yLabel: 'KL(q‖p(w|D)) (nats)', yTicks: [], grid: false });
    ctx.save();
    ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    for (let e = l0; e <= l1; e++) {
      const py = Math.round(ly(e)) + 0.5;
      ctx.strokeStyle = 'rgba(0,0,0,0.08)';
      ctx.beginPath(); ctx.moveTo(x.range[0], py); ctx.lineTo(x.range[1], py); ctx.stroke();
      ctx.strokeStyle = '#333'; ctx.fillStyle = '#333';
      ctx.beginPath(); ctx.moveTo(x.range[0] - 4, py); ctx.lineTo(x.range[0], py); ctx.stroke();
      ctx.fillText(logLabel(e), x.range[0] - 6, py);
    }
    ctx.restore();
    ctx.save();
    ctx.beginPath(); ctx.rect(x.range[0], ly.range[1] - 1, x.range[1] - x.range[0], ly.range[0] - ly.range[1] + 2); ctx.clip();
    ctx.setLineDash([2, 3]); ctx.lineWidth = 1.6;
    for (const [val, colour] of [[num(s.klMeanField), C.vermillion], [num(s.klKfacFixedPoint), C.blue]]) {
      if (!(val > 0)) continue;
      ctx.strokeStyle = colour;
      ctx.beginPath(); ctx.moveTo(x.range[0], y(val)); ctx.lineTo(x.range[1], y(val)); ctx.stroke();
    }
    ctx.setLineDash([]);
    let over = 0, overMax = 0, overLast = -1;
    METHODS.forEach((m, k) => {
      ctx.strokeStyle = m.colour; ctx.lineWidth = m.width; ctx.setLineDash(m.dash);
      const c = cols[k];
      polyline(ctx, rows, (r) => x(H[r * K]), (r) => { const val = H[r * K + c]; return val > 0 ? y(val) : NaN; }, 800);
      for (let r = 0; r < rows; r++) {
        const val = H[r * K + c];
        if (val > 10 ** l1) { over++; overMax = Math.max(overMax, val); overLast = Math.max(overLast, r); }
      }
    });
    ctx.setLineDash([]);
    // Each method's current KL as a dot (so step 0, a single point, shows too).
    METHODS.forEach((m, k) => {
      const val = H[(rows - 1) * K + cols[k]];
      if (!(val > 0)) return;
      ctx.fillStyle = m.colour; ctx.beginPath(); ctx.arc(x(H[(rows - 1) * K]), y(val), 3.5, 0, 2 * Math.PI); ctx.fill();
    });
    // Off-scale marks: small up-arrows on the top edge over the steps that were clipped.
    if (over) {
      ctx.fillStyle = '#333';
      const px = x(Math.max(1, overLast / 2)), py = ly.range[1] + 1;
      ctx.beginPath(); ctx.moveTo(px, py); ctx.lineTo(px - 5, py + 8); ctx.lineTo(px + 5, py + 8); ctx.closePath(); ctx.fill();
    }
    ctx.restore();
    this.setLive(this.$('.kl-note'), over
      ? `▲ Off the top of the KL plot: up to ${sci(overMax)} nats in steps 1–${overLast}. q starts at the prior, whose precision Λ₀ = I/η is far below the posterior's, so the first stochastic Newton steps overshoot until the precision's moving average has caught up.`
      : '', 'text');
  }

  // ---- readout and verdict --------------------------------------------------------------------

  /** The batch size as the control reads it, and what it means (B ≥ N: the full batch). */
  batchText() {
    const b = Number(this.valid.batchSize), n = Number(this.valid.dataPoints);
    return b >= n ? `B = ${b} ≥ N = ${n}: the full batch` : `B = ${b} of N = ${n} examples per step`;
  }

  /** One sentence from the numbers (never asserted blindly): each method's KL over the second
      half of the run against its fixed point, and the correlation each q keeps. */
  verdict() {
    const s = this.snapshot;
    if (!s) return '';
    const [full, adam, kfac] = s.methods;
    if (s.stopReason === 'diverged') return 'Every method diverged, so the run says nothing about the posterior: lower the learning rate α.';
    const steps = Number(s.stepsDone);
    if (steps === 0) return `Step 0: every q is the prior N(0, ηI), ${fmt(num(full.kl), 0)} nats from the posterior. Press Play to watch the three methods fit it, or pick a preset.`;
    const [kFull, kAdam, kKfac] = s.klTailMean.map(num);
    const settled = s.transientEnd !== null && s.transientEnd !== undefined && steps >= 2 * s.transientEnd + 100;
    if (!settled) return `Still converging (step ${steps}): KL full ${fmt(num(full.kl), 2)}, noisy Adam ${fmt(num(adam.kl), 2)}, noisy K-FAC ${fmt(num(kfac.kl), 2)} nats.`;
    const rho = num(s.targetCorrelation), rK = num(kfac.correlation), rA = num(adam.correlation);
    const out = [full, adam, kfac].filter((m) => m.diverged).map((m) => METHODS.find((x) => x.key === m.method).label);
    const lost = out.length ? ` (${out.join(', ')} diverged)` : '';
    const kls = `KL to the posterior over the second half of the run: full NNG ${fmt(kFull, 3)}, noisy K-FAC ${fmt(kKfac, 3)}, noisy Adam ${fmt(kAdam, 3)} nats`;
    if (Math.abs(rho) < 0.3) {
      const spread = Math.max(kFull, kAdam, kKfac);
      return spread < 0.1
        ? `The posterior is nearly uncorrelated (ρ(w1, w2) = ${fmt(rho, 2)}), so a diagonal q can represent it and all three methods agree: ${kls} (best diagonal ${fmt(num(s.klMeanField), 3)}).${lost}`
        : `The posterior is nearly uncorrelated (ρ = ${fmt(rho, 2)}), yet the methods do not all end close to it: ${kls}.${lost}`;
    }
    const keeps = Math.abs(rK - rho) < 0.25 * Math.abs(rho);
    if (kKfac < kAdam && keeps && kFull < kKfac) {
      return `Noisy K-FAC keeps the posterior's correlation (ρ = ${fmt(rK, 2)} vs ${fmt(rho, 2)}); noisy Adam's diagonal q cannot (ρ = ${fmt(rA, 2)}), so it stays ${fmt(kAdam, 2)} nats away (its fixed point, the best diagonal Gaussian: ${fmt(num(s.klMeanField), 2)}) against K-FAC's ${fmt(kKfac, 2)} (fixed point ${fmt(num(s.klKfacFixedPoint), 2)}), and full NNG reaches the posterior (${fmt(kFull, 3)}), as Zhang et al. (2018) describe.${lost}`;
    }
    return `Here the ordering the lecture describes does not hold: ${kls}; correlation ρ(w1, w2) posterior ${fmt(rho, 2)}, K-FAC ${fmt(rK, 2)}, noisy Adam ${fmt(rA, 2)}.${lost}`;
  }

  updateReadout() {
    const s = this.snapshot;
    if (!s) return;
    const [a, f, k] = s.methods;
    this.setReadout(`
      <span>step <b class="r-step">${s.stepsDone}</b> / ${s.totalSteps}</span>
      <span>KL(q‖p) full <b class="r-kl-full">${fmt(num(a.kl), 4)}</b></span>
      <span>noisy Adam <b class="r-kl-adam">${fmt(num(f.kl), 4)}</b> (best diagonal <b class="r-kl-mf">${fmt(num(s.klMeanField), 4)}</b>)</span>
      <span>noisy K-FAC <b class="r-kl-kfac">${fmt(num(k.kl), 4)}</b> (fixed point <b class="r-kl-kfac-fp">${fmt(num(s.klKfacFixedPoint), 4)}</b>)</span>
      <span>mean KL over the second half: full <b class="r-tail-full">${fmt(num(s.klTailMean[0]), 4)}</b>, noisy Adam <b class="r-tail-adam">${fmt(num(s.klTailMean[1]), 4)}</b>, noisy K-FAC <b class="r-tail-kfac">${fmt(num(s.klTailMean[2]), 4)}</b></span>
      <span>correlation ρ(w1, w2): posterior <b class="r-rho-target">${fmt(num(s.targetCorrelation))}</b>, K-FAC <b class="r-rho-kfac">${fmt(num(k.correlation))}</b>, Adam <b class="r-rho-adam">${fmt(num(f.correlation))}</b></span>
      <span>‖Λ − Λ*‖/‖Λ*‖ <b class="r-precision">${fmt(num(s.precisionErrorFull), 4)}</b></span>
      <span>γ<sub>in</sub> = λ/(Nη) = ${fmt(num(s.intrinsicDamping), 4)}, αλ/N = <b class="r-rate">${fmt(num(s.effectiveRate), 3)}</b>, <span class="r-batch">${this.batchText()}</span></span>`);
    this.setVerdict(this.verdict());
    this.setLive(this.$('.run-note'), s.stepsDone === s.totalSteps && s.stopReason === 'done'
      ? `The whole run (${s.totalSteps} steps) is shown; Reset goes back to step 0 and Play animates it.` : '', 'text');
    const [i, j] = this.view.axes;
    this.setLive(this.$('canvas.plane'), `Weights w${i + 1} and w${j + 1}: the exact posterior's 2σ ellipse (correlation ${fmt(num(s.targetCorrelation), 2)} between w1 and w2) with the fitted Gaussians of full NNG, noisy Adam (correlation ${fmt(num(f.correlation), 2)}) and noisy K-FAC (correlation ${fmt(num(k.correlation), 2)}) at step ${s.stepsDone}.`, 'aria-label');
    this.setLive(this.$('canvas.kl'), `KL(q‖posterior) over ${s.stepsDone} steps on a log scale: full ${fmt(num(a.kl), 3)}, noisy Adam ${fmt(num(f.kl), 3)}, noisy K-FAC ${fmt(num(k.kl), 3)} nats.`, 'aria-label');
  }

  /** Public API: the run's data for export. */
  exportData() {
    const rows = [];
    for (let r = 0; r < this.rows; r++) rows.push(Array.from(this.hist.subarray(r * this.K, (r + 1) * this.K)));
    return { experiment: 'nng', settings: this.settings, historyFields: this.historyFields, history: rows, snapshot: this.snapshot };
  }
}

if (!customElements.get('noiselab-nng')) customElements.define('noiselab-nng', NoiselabNng);
export { NoiselabNng };
