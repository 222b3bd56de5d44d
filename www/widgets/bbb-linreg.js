// <noiselab-bbb-linreg>: Bayes by Backprop on Bayesian linear regression, where everything has a
// closed form (Blundell et al. 2015; Grosse, Lecture 8, "Posterior Inference: Variational Bayes";
// SCIENCE.md §4). Left: the ELBO's gap below the exact log evidence, ln p(D) − F(q) =
// KL(q‖p(w|D)), on a log scale, falling to the mean-field floor ½(Σ ln P_jj − ln det P) and no
// further. Middle: each weight's std s_j against the mean-field optimum 1/√P_jj and the true
// marginal std √(P⁻¹)_jj, which is larger. Right: q's 2σ ellipse (axis-aligned) and draws from q
// against the exact posterior's (tilted) ellipse and the mean-field optimum's. Optional local
// reparameterization (Kingma, Salimans & Welling 2015). All numbers from the Rust core.
//
// One colour per object in every panel: q (the run) vermillion, the mean-field optimum blue
// (dashed), the exact posterior black.
//
// A new setting computes the whole run at once (a few milliseconds at the defaults), so the
// figure shows the claim without pressing anything; Reset shows step 0 and Play animates (from
// step 0 again once the run has finished).
//
// Embed: <script type="module" src=".../www/widgets/bbb-linreg.js"></script>
//        <noiselab-bbb-linreg feature-correlation="0.8" local-reparam="on"></noiselab-bbb-linreg>
import { NoiselabWidget } from '../lib/widget.js';
import { Surface, scale, drawAxes, polyline, OKABE_ITO as C, ticks } from '../lib/plot.js';

const CSS = `
.trio { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 10px; }
@media (max-width: 900px) { .trio { grid-template-columns: minmax(0, 1fr); } }
canvas { aspect-ratio: 1 / 0.85; }
.plot-note { font-size: 12px; color: #444; margin: 2px 0 0; min-height: 1em; }
`;
let sheet;

const MARGIN = { left: 58, right: 26, top: 12, bottom: 42 };
const Q = C.vermillion; // q, the run
const MF = C.blue; // the mean-field optimum
const EXACT = '#000'; // the exact posterior
const ML = C.purple; // w_ML
const SAMPLES = 200; // draws from q in the weight plane
const fmt = (v, d = 3) => (Number.isFinite(Number(v)) ? Number(v).toFixed(d) : '—');
const num = (v) => (v === null || v === undefined ? NaN : Number(v));
const list = (a, d = 3) => Array.from(a ?? [], (v) => fmt(num(v), d)).join(', ');
const sup = (e) => String(e).replace('-', '⁻').replace(/\d/g, (c) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[c]);
const logLabel = (e) => (e === 0 ? '1' : e === 1 ? '10' : `10${sup(e)}`);

function rgba(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

/** Axes with a log-10 y axis: `ly` maps log10(value) to pixels, ticks at whole decades. */
function logAxes(ctx, x, ly, xLabel, yLabel) {
  const [e0, e1] = ly.domain;
  const decades = [];
  for (let e = Math.ceil(e0); e <= Math.floor(e1); e++) decades.push(e);
  drawAxes(ctx, { x, y: ly, xLabel, yLabel, yTicks: [], grid: false });
  ctx.save();
  ctx.font = '11px system-ui, -apple-system, "Segoe UI", sans-serif';
  ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
  for (const e of decades) {
    const py = Math.round(ly(e)) + 0.5;
    ctx.strokeStyle = 'rgba(0,0,0,0.08)';
    ctx.beginPath(); ctx.moveTo(x.range[0], py); ctx.lineTo(x.range[1], py); ctx.stroke();
    ctx.strokeStyle = '#333'; ctx.fillStyle = '#333';
    ctx.beginPath(); ctx.moveTo(x.range[0] - 4, py); ctx.lineTo(x.range[0], py); ctx.stroke();
    ctx.fillText(logLabel(e), x.range[0] - 6, py);
  }
  ctx.restore();
}

class NoiselabBbbLinreg extends NoiselabWidget {
  static kind = 'bbbLinreg';
  static uiFields = [
    { name: 'speed', label: 'speed (steps per frame)', min: 1, max: 500, default: 10, help: 'Steps computed per animation frame when playing.' },
    { name: 'firstWeight', label: 'horizontal axis: weight', min: 1, max: 10, default: 1, help: 'Which weight w_i is on the horizontal axis of the weight-space plot (1 to D).' },
    { name: 'secondWeight', label: 'vertical axis: weight', min: 1, max: 10, default: 2, help: 'Which weight w_j is on the vertical axis of the weight-space plot (1 to D).' },
  ];

  // The lecture's contrasts (Lecture 8, "Posterior Inference: Variational Bayes"; SCIENCE.md §4).
  static presets = [
    {
      name: 'no-kl', label: 'Without the KL term (q collapses)', settings: { objective: 'likelihood' },
      note: 'The likelihood term alone: nothing keeps q spread out, so its stds shrink far below 1/√P_jj toward a point mass on w_ML (purple ×), and the gap to ln p(D) grows instead of reaching the mean-field floor.',
    },
    {
      name: 'local-reparam', label: 'Local reparameterization on', settings: { localReparam: 'on' },
      note: 'Each example draws its own activation a_i ~ N(x_iᵀμ, Σ_j x_ij² s_j²) (Kingma, Salimans & Welling 2015): the same expected gradient with less noise, so the ELBO settles closer to the mean-field floor; the fixed point is the same.',
    },
    {
      name: 'uncorrelated', label: 'Uncorrelated features (mean field is exact)', settings: { featureCorrelation: 0 },
      note: 'With independent features the posterior is nearly axis-aligned: the mean-field floor is close to 0 and the learned stds match the true marginals. The mean-field error comes from correlation.',
    },
    {
      name: 'strong-correlation', label: 'Strongly correlated features (c = 0.95)', settings: { featureCorrelation: 0.95 },
      note: 'A strongly tilted posterior: the mean-field floor is about 1 nat and the learned stds are less than half the true marginal stds.',
    },
  ];

  extraSheets() {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    return [sheet];
  }

  renderFigure() {
    return `
      <div class="trio">
        <div><div class="plot-head"><strong>ELBO gap ln p(D) − F(q) = KL(q‖p(w|D))</strong><span>nats, log scale</span></div>
          <canvas class="elbo" role="img" aria-label="ELBO gap over training"></canvas>
          <div class="legend" aria-hidden="true">
            <span><i class="swatch" style="border-color:${Q}"></i>q: ln p(D) − F(q), exact at μ, s</span>
            <span><i class="swatch dashed" style="border-color:${MF}"></i>mean-field floor ½(Σ ln P<sub>jj</sub> − ln det P)</span>
            <span>0 (off the log scale) = the exact posterior</span>
          </div></div>
        <div><div class="plot-head"><strong>Learned stds s<sub>j</sub> of q</strong><span>weight units</span></div>
          <canvas class="std" role="img" aria-label="learned standard deviations over training"></canvas>
          <div class="legend" aria-hidden="true">
            <span><i class="swatch" style="border-color:${Q}"></i>q: s<sub>j</sub> (labelled s1, s2, …)</span>
            <span><i class="swatch dashed" style="border-color:${MF}"></i>mean-field optimum 1/√P<sub>jj</sub></span>
            <span><i class="swatch dashed thin" style="border-color:${EXACT}"></i>exact posterior: true marginal √(P⁻¹)<sub>jj</sub></span>
          </div></div>
        <div><div class="plot-head"><strong>Weight space (2σ ellipses)</strong><span class="axes-note"></span></div>
          <canvas class="plane" role="img" aria-label="posterior and q ellipses"></canvas>
          <div class="legend" aria-hidden="true">
            <span><i class="swatch" style="border-color:${EXACT}"></i>exact posterior N(m, P⁻¹) (+ its mean)</span>
            <span><i class="swatch dashed" style="border-color:${MF}"></i>mean-field optimum</span>
            <span><i class="swatch" style="border-color:${Q}"></i>q = N(μ, diag s²); dots: ${SAMPLES} draws w = μ + s⊙ε (the same ε at every step)</span>
            <span><b style="color:${ML}">×</b> w<sub>ML</sub></span>
          </div></div>
      </div>
      <p class="plot-note run-note"></p>`;
  }

  async onReady() {
    this.views = ['elbo', 'std', 'plane'].map((c) => new Surface(this.$(`canvas.${c}`), () => this.draw()));
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
        Object.assign(this.view, await this.worker.request('method', { handle: this.handle, name: 'axes', i, j, count: SAMPLES }));
        this.box = null;
        this.draw();
        this.updateReadout();
      }
      return;
    }
    const wasPlaying = this.playing && !initial;
    this.pause();
    const result = await this.worker.request('create', { kind: 'bbbLinreg', handle: this.handle, settings: this.modelSettings() });
    const [i, j] = this.axes();
    Object.assign(result, await this.worker.request('method', { handle: this.handle, name: 'axes', i, j, count: SAMPLES }));
    this.startBuffers(result);
    // Watching the animation: the new run plays from step 0. Otherwise it is computed at once.
    if (wasPlaying) this.play(); else await this.computeAhead();
  }

  startBuffers(result) {
    this.K = this.historyFields.length;
    this.D = result.snapshot.mean.length;
    const rows = Number(result.snapshot.totalSteps) + 1;
    this.hist = new Float64Array(rows * this.K);
    this.params = new Float64Array(rows * 2 * this.D);
    this.rows = 0;
    this.box = null;
    this.showMessage('');
    this.ingest(result);
  }

  ingest(r) {
    this.hist.set(r.history, r.from * this.K);
    this.params.set(r.parameters, r.from * 2 * this.D);
    this.rows = r.from + r.history.length / this.K;
    this.view = r;
    this.snapshot = r.snapshot;
    this.draw();
    this.updateReadout();
    this.dispatchEvent(new CustomEvent('noiselab-frame', { detail: r.snapshot, bubbles: true, composed: true }));
  }

  /** Play; a finished run plays again from step 0 (the figure shows finished runs at first). */
  play() {
    if (this.isReady && !this.playing && !this.broken && this.snapshot?.stopReason === 'done') {
      this.replaying = (async () => { await this.settled(); await this.onReset(); super.play(); })().catch((err) => this.fail(err));
      return;
    }
    super.play();
  }

  async tick() {
    const r = await this.worker.request('advance', { handle: this.handle, steps: Number(this.valid.speed), budgetMs: 12 });
    this.ingest(r);
    if (r.snapshot.stopReason) this.onStopped(r.snapshot);
  }

  onStopped(s, quiet = false) {
    this.pause();
    if (s.stopReason === 'diverged') {
      this.showMessage(`Stopped at step ${s.stepsDone}: the run diverged (non-finite μ or s). Lower the learning rate α.`, 'error');
    } else if (!quiet) {
      this.showMessage(`Finished ${s.stepsDone} steps. Play runs it again from step 0.`, 'info');
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
    // The worker keeps the axes and the number of draws from q across a reset.
    this.startBuffers(await this.worker.request('reset', { handle: this.handle }));
  }

  // ---- drawing ------------------------------------------------------------------------------

  /** What each panel shows (data units), set as it is drawn: `{gap: [lo, hi] nats (log
      axis), std: [0, hi], plane: [x0, x1, y0, y1]}`. Read by the tests. */
  draw() {
    if (!this.views || !this.view || !this.rows) return;
    this.drawGap();
    this.drawStd();
    this.drawPlane();
  }

  clipTo(ctx, x, y) {
    ctx.save();
    ctx.beginPath(); ctx.rect(x.range[0], y.range[1], x.range[1] - x.range[0], y.range[0] - y.range[1]); ctx.clip();
  }

  hline(ctx, x, yv, colour, dash, width = 1.6) {
    if (!Number.isFinite(yv)) return;
    ctx.strokeStyle = colour; ctx.lineWidth = width; ctx.setLineDash(dash);
    ctx.beginPath(); ctx.moveTo(x.range[0], yv); ctx.lineTo(x.range[1], yv); ctx.stroke();
    ctx.setLineDash([]);
  }

  /** ln p(D) − F over the steps on a log axis: from the first value (step 0) down to below the
      mean-field floor, so the whole descent and the floor are on screen from the first frame. */
  drawGap() {
    const v = this.views[0], ctx = v.ctx;
    v.clear('#fff');
    const ref = this.view.reference, K = this.K, H = this.hist, c = this.col.elbo;
    const logZ = num(ref.logEvidence), floor = num(ref.meanFieldGap);
    let lo = Infinity, hi = -Infinity;
    for (let r = 0; r < this.rows; r++) {
      const g = logZ - H[r * K + c];
      if (Number.isFinite(g) && g > 0) { lo = Math.min(lo, g); hi = Math.max(hi, g); }
    }
    if (floor > 0) { lo = Math.min(lo, floor); hi = Math.max(hi, floor); }
    if (!Number.isFinite(lo)) { lo = 0.01; hi = 100; }
    const e0 = Math.floor(Math.log10(Math.max(lo, 1e-4)) - 0.05);
    const e1 = Math.max(Math.ceil(Math.log10(hi) + 0.05), e0 + 1);
    const x = scale(0, Math.max(1, Number(this.snapshot.totalSteps)), MARGIN.left, v.width - MARGIN.right);
    const ly = scale(e0, e1, v.height - MARGIN.bottom, MARGIN.top);
    this.ranges = { ...this.ranges, gap: [10 ** e0, 10 ** e1] };
    const y = (g) => (g > 0 ? ly(Math.max(Math.log10(g), e0)) : NaN);
    logAxes(ctx, x, ly, 'step (iterations)', 'ln p(D) − F(q)  (nats)');
    this.clipTo(ctx, x, ly);
    this.hline(ctx, x, y(floor), MF, [7, 4], 2);
    ctx.strokeStyle = Q; ctx.lineWidth = 2.2;
    polyline(ctx, this.rows, (r) => x(H[r * K]), (r) => y(logZ - H[r * K + c]), 800);
    // The current step as a dot, so step 0 (a single point) shows too.
    const g = logZ - num(this.snapshot.elbo);
    if (g > 0) { ctx.fillStyle = Q; ctx.beginPath(); ctx.arc(x(Number(this.snapshot.stepsDone)), y(g), 3.5, 0, 2 * Math.PI); ctx.fill(); }
    ctx.restore();
  }

  drawStd() {
    const v = this.views[1], ctx = v.ctx;
    v.clear('#fff');
    const ref = this.view.reference, D = this.D, P = this.params;
    let hi = 0;
    for (let j = 0; j < D; j++) hi = Math.max(hi, num(ref.marginalStd[j]), num(ref.meanFieldStd[j]));
    for (let r = 0; r < this.rows; r++) for (let j = 0; j < D; j++) { const s = P[r * 2 * D + D + j]; if (Number.isFinite(s)) hi = Math.max(hi, s); }
    hi = hi * 1.08 || 1;
    const x = scale(0, Math.max(1, Number(this.snapshot.totalSteps)), MARGIN.left, v.width - MARGIN.right);
    const y = scale(0, hi, v.height - MARGIN.bottom, MARGIN.top);
    this.ranges = { ...this.ranges, std: [0, hi] };
    drawAxes(ctx, { x, y, xLabel: 'step (iterations)', yLabel: 'std of q (weight units)', yTicks: ticks(0, hi, 5), grid: true });
    this.clipTo(ctx, x, y);
    for (let j = 0; j < D; j++) {
      this.hline(ctx, x, y(num(ref.meanFieldStd[j])), MF, [7, 4], 1.8);
      this.hline(ctx, x, y(num(ref.marginalStd[j])), EXACT, [2, 3], 1.4);
      ctx.strokeStyle = Q; ctx.lineWidth = 2;
      polyline(ctx, this.rows, (r) => x(r), (r) => y(P[r * 2 * D + D + j]), 800);
    }
    ctx.restore();
    // Each s_j's current value as a dot (so step 0 shows too), labelled at the right, so the
    // weights can be told apart.
    ctx.save();
    ctx.fillStyle = Q; ctx.font = '11px system-ui, sans-serif'; ctx.textBaseline = 'middle';
    const last = this.rows - 1;
    for (let j = 0; j < Math.min(D, 10); j++) {
      const s = P[last * 2 * D + D + j];
      if (!Number.isFinite(s) || s > hi) continue;
      ctx.beginPath(); ctx.arc(x(last), y(s), 3, 0, 2 * Math.PI); ctx.fill();
      ctx.fillText(`s${j + 1}`, Math.min(x(last) + 5, v.width - MARGIN.right + 2), y(s) + (j % 2 ? 6 : -6));
    }
    ctx.restore();
  }

  /** The plane's box: it holds the exact posterior's and the mean-field ellipses, q's ellipse
      and w_ML, within the box of step 0 (q₀ = N(0, s₀²I) and the posterior), so q at
      initialization is whole on screen and the converged q is not a dot. It changes only when
      something leaves it or everything shrinks to under 60% of it (no jitter while playing). */
  planeBox() {
    const E = this.view.ellipses, n = this.view.ellipsePoints;
    const [i, j] = this.view.axes;
    const hull = (b, px, py) => { if (Number.isFinite(px) && Number.isFinite(py)) { b[0] = Math.min(b[0], px); b[1] = Math.max(b[1], px); b[2] = Math.min(b[2], py); b[3] = Math.max(b[3], py); } };
    const want = [Infinity, -Infinity, Infinity, -Infinity];
    for (let k = 0; k < 3 * n; k++) hull(want, E[2 * k], E[2 * k + 1]);
    const ml = this.view.reference.maxLikelihood;
    if (ml) hull(want, num(ml[i]), num(ml[j]));
    const start = [Infinity, -Infinity, Infinity, -Infinity];
    for (let k = 0; k < 2 * n; k++) hull(start, E[2 * k], E[2 * k + 1]);
    const r0 = 2 * Number(this.valid.initStd);
    hull(start, -r0, -r0); hull(start, r0, r0);
    if (ml) hull(start, num(ml[i]), num(ml[j]));
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
    const v = this.views[2], ctx = v.ctx;
    v.clear('#fff');
    const [i, j] = this.view.axes;
    const E = this.view.ellipses, n = this.view.ellipsePoints;
    this.setLive(this.$('.axes-note'), E.length ? `w${i + 1} vs w${j + 1} of D = ${this.D}` : 'choose two different weights (1 to D)', 'text');
    const [bx0, bx1, by0, by1] = E.length ? this.planeBox() : [-1, 1, -1, 1];
    const x = scale(bx0, bx1, MARGIN.left, v.width - MARGIN.right);
    const y = scale(by0, by1, v.height - MARGIN.bottom, MARGIN.top);
    this.ranges = { ...this.ranges, plane: [bx0, bx1, by0, by1] };
    drawAxes(ctx, { x, y, xLabel: `weight w${i + 1}`, yLabel: `weight w${j + 1}`, xTicks: ticks(bx0, bx1, 5), yTicks: ticks(by0, by1, 5), grid: true });
    if (!E.length) return;
    this.clipTo(ctx, x, y);
    const ring = (k) => [(p) => x(E[2 * (k * n + p)]), (p) => y(E[2 * (k * n + p) + 1])];
    const [tx, ty] = ring(0);
    ctx.beginPath();
    for (let p = 0; p < n; p++) (p ? ctx.lineTo : ctx.moveTo).call(ctx, tx(p), ty(p));
    ctx.fillStyle = 'rgba(0, 0, 0, 0.07)'; ctx.fill();
    // Draws from q under the ellipses.
    const S = this.view.samples ?? [];
    ctx.fillStyle = rgba(Q, 0.35);
    ctx.beginPath();
    for (let k = 0; k + 1 < S.length; k += 2) {
      const px = x(S[k]), py = y(S[k + 1]);
      if (Number.isFinite(px) && Number.isFinite(py)) ctx.rect(px - 1.5, py - 1.5, 3, 3);
    }
    ctx.fill();
    ctx.lineJoin = 'round';
    ctx.strokeStyle = EXACT; ctx.lineWidth = 2.5; polyline(ctx, n, tx, ty);
    const [mx, my] = ring(1);
    ctx.strokeStyle = MF; ctx.lineWidth = 2; ctx.setLineDash([7, 4]); polyline(ctx, n, mx, my);
    const [qx, qy] = ring(2);
    ctx.strokeStyle = Q; ctx.lineWidth = 2.5; ctx.setLineDash([]); polyline(ctx, n, qx, qy);
    const s = this.snapshot, ref = this.view.reference, m = ref.posteriorMean;
    ctx.fillStyle = Q; ctx.beginPath(); ctx.arc(x(num(s.mean[i])), y(num(s.mean[j])), 4, 0, 2 * Math.PI); ctx.fill();
    const cx = x(num(m[i])), cy = y(num(m[j]));
    ctx.strokeStyle = EXACT; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(cx - 6, cy); ctx.lineTo(cx + 6, cy); ctx.moveTo(cx, cy - 6); ctx.lineTo(cx, cy + 6); ctx.stroke();
    if (ref.maxLikelihood) {
      const ux = x(num(ref.maxLikelihood[i])), uy = y(num(ref.maxLikelihood[j]));
      ctx.strokeStyle = ML; ctx.lineWidth = 2.2;
      ctx.beginPath(); ctx.moveTo(ux - 5, uy - 5); ctx.lineTo(ux + 5, uy + 5); ctx.moveTo(ux - 5, uy + 5); ctx.lineTo(ux + 5, uy - 5); ctx.stroke();
    }
    ctx.restore();
  }

  // ---- readout and verdict --------------------------------------------------------------------

  /** One sentence from the numbers (never asserted blindly): where the ELBO settles against the
      mean-field floor, and the learned stds against 1/√P_jj and the true marginals. */
  verdict() {
    const s = this.snapshot, ref = this.view?.reference;
    if (!s || !ref) return '';
    if (s.stopReason === 'diverged') return 'The run diverged, so it says nothing about the posterior: lower the learning rate α.';
    const steps = Number(s.stepsDone), total = Number(s.totalSteps);
    if (steps === 0) return `Step 0: q = N(0, s₀²I) is the starting guess, ${fmt(num(s.gap), 1)} nats below ln p(D). Press Play to watch BBB fit it, or pick a preset.`;
    const mfGap = num(ref.meanFieldGap), gapTail = num(ref.gapTailMean);
    const sAvg = s.averagedStd.map(num), mfStd = ref.meanFieldStd.map(num), marg = ref.marginalStd.map(num);
    const toMf = ref.averagedStdOverMeanField.map(num), toMarg = ref.averagedStdOverMarginal.map(num);
    const likelihoodOnly = this.valid.objective === 'likelihood';
    if (likelihoodOnly) {
      const worst = Math.max(...toMf);
      if (worst < 0.8) {
        const ratio = Math.max(...s.std.map((v, j) => num(v) / mfStd[j]));
        return `Without the KL term q collapses toward a point mass on w_ML: its stds (${list(s.std)}) are ${fmt(1 / ratio, 1)}× or more below the mean-field optimum 1/√P_jj (${list(mfStd)}) and still shrinking, and the ELBO is ${fmt(num(s.gap), 2)} nats below ln p(D), far above the mean-field floor ${fmt(mfGap, 2)}.`;
      }
      return `Without the KL term q should collapse onto w_ML, but after ${steps} steps its stds (${list(s.std)}) are still near 1/√P_jj (${list(mfStd)}): run longer to see it.`;
    }
    const settled = steps >= Math.min(total, 400) && gapTail - mfGap < 0.25 && toMf.every((r) => Math.abs(r - 1) < 0.15);
    const noise = ref.gradientNoise.map(num);
    const local = this.valid.localReparam === 'on'
      ? ` Local reparameterization: the μ-gradient's spread is ${fmt(noise[1], 2)} against ${fmt(noise[0], 2)} with one shared weight sample${noise[1] < noise[0] ? ', lower, as Kingma, Salimans & Welling (2015) report' : ' — not lower here'}.`
      : '';
    if (!settled) {
      return `Still converging (step ${steps} of ${total}): the ELBO is ${fmt(gapTail, 2)} nats below ln p(D), above the mean-field floor ${fmt(mfGap, 2)}; the stds over 1/√P_jj are ${list(toMf, 2)}.${local}`;
    }
    const correlated = mfStd.some((m, j) => m / marg[j] < 0.9);
    if (!correlated) {
      return `The posterior is nearly uncorrelated here: the mean-field floor is only ${fmt(mfGap, 3)} nats, and the learned stds (${list(sAvg)}) match both 1/√P_jj (${list(mfStd)}) and the true marginal stds (${list(marg)}) — mean field is (almost) exact.${local}`;
    }
    const under = toMarg.every((r) => r < 0.95);
    return `The ELBO settles ${fmt(gapTail, 2)} nats below ln p(D) (mean over the second half of the run), ${fmt(Math.max(0, gapTail - mfGap), 2)} above the mean-field floor ${fmt(mfGap, 2)}, the closest a factorized q like Blundell et al.'s can get. The learned stds (${list(sAvg)}) match 1/√P_jj (${list(mfStd)})${under
      ? ` and are below the true marginal stds (${list(marg)}), ${list(toMarg, 2)} of them: mean field underestimates the variance of correlated weights.`
      : `, but they are not below the true marginal stds (${list(marg)}) here.`}${local}`;
  }

  updateReadout() {
    const s = this.snapshot, ref = this.view?.reference;
    if (!s || !ref) return;
    const stop = s.stopReason === 'diverged' ? ' — <b>diverged</b> (the run stopped: non-finite values)' : '';
    const noise = ref.gradientNoise ?? [];
    this.setReadout(`
      <span>step <b class="r-step">${s.stepsDone}</b> / ${s.totalSteps}${stop}</span>
      <span>ELBO F = <b class="r-elbo">${fmt(num(s.elbo), 4)}</b>, ln p(D) = <b class="r-log-evidence">${fmt(num(ref.logEvidence), 4)}</b> nats</span>
      <span>gap ln p(D) − F = <b class="r-gap">${fmt(num(s.gap), 4)}</b> nats (mean over the last half of the steps <b class="r-gap-tail">${fmt(num(ref.gapTailMean), 4)}</b>; mean-field floor <b class="r-mf-gap">${fmt(num(ref.meanFieldGap), 4)}</b>)</span>
      <span>s<sub>j</sub> = <b class="r-std">${list(s.std)}</b>; 1/√P<sub>jj</sub> = <b class="r-mf-std">${list(ref.meanFieldStd)}</b>; √(P⁻¹)<sub>jj</sub> = <b class="r-marginal-std">${list(ref.marginalStd)}</b></span>
      <span>s²·P<sub>jj</sub> (→ 1) = <b class="r-ratio-mf">${list(ref.varianceRatioMeanField)}</b></span>
      <span>s²/(P⁻¹)<sub>jj</sub> (true marginal) = <b class="r-ratio-marginal">${list(ref.varianceRatioMarginal)}</b></span>
      <span>KL(q‖p) = ${fmt(num(s.klNats), 3)} nats = <b class="r-kl-bits">${fmt(num(s.klBits), 2)}</b> bits</span>
      <span>gradient: ${this.valid.localReparam === 'on' ? 'local reparameterization' : 'one weight sample'}, S = ${this.valid.samplesPerStep}; μ-gradient spread now: one weight sample <b class="r-noise-plain">${fmt(num(noise[0]), 3)}</b>, local <b class="r-noise-local">${fmt(num(noise[1]), 3)}</b></span>`);
    this.setVerdict(this.verdict());
    this.setLive(this.$('.run-note'), s.stepsDone === s.totalSteps && s.stopReason === 'done'
      ? `The whole run (${s.totalSteps} steps) is shown; Reset goes back to step 0 and Play animates it.` : '', 'text');
    this.setLive(this.$('canvas.elbo'), `ELBO gap ln p(D) − F on a log scale: ${fmt(num(s.gap), 3)} nats at step ${s.stepsDone}; mean-field floor ${fmt(num(ref.meanFieldGap), 3)} nats; ln p(D) = ${fmt(num(ref.logEvidence), 3)}.`, 'aria-label');
    this.setLive(this.$('canvas.std'), `Stds of q: ${list(s.std)}; mean-field optimum ${list(ref.meanFieldStd)}; true marginals ${list(ref.marginalStd)}.`, 'aria-label');
    const [i, j] = this.view.axes;
    this.setLive(this.$('canvas.plane'), `Weights w${i + 1} and w${j + 1}: the exact posterior's 2σ ellipse, the mean-field optimum's and q's (axis-aligned) with ${SAMPLES} draws from q at step ${s.stepsDone}.`, 'aria-label');
  }

  /** Public API: the run's history for export. */
  exportData() {
    const rows = [];
    for (let r = 0; r < (this.rows ?? 0); r++) rows.push(Array.from(this.hist.subarray(r * this.K, (r + 1) * this.K)));
    return { experiment: 'bbbLinreg', settings: this.settings, historyFields: this.historyFields, history: rows, snapshot: this.snapshot, reference: this.view?.reference };
  }
}

if (!customElements.get('noiselab-bbb-linreg')) customElements.define('noiselab-bbb-linreg', NoiselabBbbLinreg);
export { NoiselabBbbLinreg };
