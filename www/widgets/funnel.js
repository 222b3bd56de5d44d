// <noiselab-funnel>: "Gradient noise and flatness" (Grosse, Lecture 8; SCIENCE.md §9).
// Noisy GD w ← w − α(∇J + σξ) on J = ½ h(x) y², sharp on the left and flat on the right. Draws
// the cost surface with a sharp/flat curvature strip, a few single trajectories, the GD path and
// the mean of M trajectories; below, the mean x (or the drift, or E[y²]) over steps, with runs at
// other σ pinned for comparison. All numbers come from the Rust core through the worker.
//
// Embed: <script type="module" src=".../www/widgets/funnel.js"></script>
//        <noiselab-funnel noise-std="2" controls="noise-std"></noiselab-funnel>
import { NoiselabWidget } from '../lib/widget.js';
import { Surface, scale, drawAxes, polyline, ramp, OKABE_ITO as C, formatTick } from '../lib/plot.js';

const CSS = `
/* Two layers: the static surface (contours, axes, curvature strip) is painted once per size or
   cost; only the moving trajectories are repainted each frame. */
.stack { position: relative; }
canvas.surface-bg { position: absolute; inset: 0; height: 100%; }
canvas.surface { aspect-ratio: 2 / 1.08; cursor: crosshair; position: relative; background: transparent; }
canvas.series { aspect-ratio: 3 / 1.1; }
.surface-pins { display: contents; }
@media (max-width: 600px) { canvas.surface { aspect-ratio: 4 / 3; } canvas.series { aspect-ratio: 3 / 2; } }
`;
let sheet;

// One colour per run across both plots: this run's mean is vermillion, gradient descent black
// (dashed), the compared σ = 0.5 / 1 / 2 runs sky blue / orange / bluish green on the surface
// and in the plot below, other pinned runs the remaining colours. Single noisy paths are greys
// (they are samples of this run, not other methods).
const PATH_COLOURS = ['#3a3a3a', '#6e6e6e', '#9a9a9a', '#525252', '#858585', '#2e2e2e', '#7a7a7a', '#5e5e5e', '#969696', '#444444'];
const SIGMA_COLOURS = { 0.5: C.skyBlue, 1: C.orange, 2: C.green };
const PIN_COLOURS = [C.purple, C.blue, C.yellow, '#7a5c00'];
const SURFACE_RAMP = [[0, [255, 255, 255]], [0.35, [226, 233, 241]], [0.7, [176, 193, 212]], [1, [118, 141, 170]]];
const COMPARE_SIGMAS = ['0.5', '1', '2'];
// Labels on the curvature strip need 4.5:1 contrast against every strip colour behind them
// (WCAG 2 AA for text; issue 17: "flat (h ≈ 0.004945)" was #222 on the blue end, 3.1:1).
const MIN_CONTRAST = 4.5;
const STRIP_RAMP = [[0, [0, 114, 178]], [0.5, [240, 240, 240]], [1, [213, 94, 0]]];
// SCIENCE.md §9: sd(x_t) ≈ ασ√t, so 100 runs cannot resolve the drift at small σ; the
// comparison uses the maximum number of trajectories.
const COMPARE_TRAJECTORIES = '2000';
const MARGIN = { left: 50, right: 14, top: 30, bottom: 42 };
const STRIP = { top: 5, height: 16 }; // the curvature strip, above the plot (in MARGIN.top)
const BLACK = [0, 0, 0], WHITE = [255, 255, 255];
/** WCAG 2 relative luminance of an sRGB colour [r, g, b] (0–255). */
const luminance = (rgb) => {
  const [r, g, b] = rgb.map((c) => { const v = c / 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
/** WCAG 2 contrast ratio of two colours (1 to 21). */
const contrast = (a, b) => {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
};
const SERIES_MARGIN = { left: 58, right: 14, top: 12, bottom: 40 };

const QUANTITIES = {
  meanX: { label: 'mean x over steps', axis: 'x (along the valley; → flat)' },
  drift: { label: 'drift E[xₜ] − xₜ(GD)', axis: 'E[x] − x_GD' },
  meanY2: { label: 'E[y²] (spread across the valley)', axis: 'E[y²]' },
};

const fmt = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const real = (v, d = 2) => (Number.isFinite(v) ? (v < 0 ? '−' : '') + Math.abs(v).toFixed(d) : '—');
const signed = (v, d = 3) => (Number.isFinite(v) ? (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(d) : '—');

class NoiselabFunnel extends NoiselabWidget {
  static kind = 'funnel';
  static uiFields = [
    { name: 'speed', label: 'speed (steps per frame)', min: 1, max: 200, default: 5, help: 'Steps computed per animation frame (work per frame is also capped in time).' },
  ];
  // SCIENCE.md §9: σ ∈ {0.5, 1, 2} at α = 0.1 from (−2, 1) for 1000 steps, M = 2000 (the
  // defaults; σ = 1 is the default itself). Drifts at t = 1000, seed 1: +0.09 ± 0.04, +0.58 ±
  // 0.08, +2.45 ± 0.17; the two counterpoints show none.
  static presets = [
    {
      name: 'sigma-0.5',
      label: 'σ = 0.5 (small noise, small drift)',
      settings: { noiseStd: 0.5 },
      note: 'Small gradient noise: the noisy mean still drifts toward the flat side, but only about +0.1 in 1000 steps, 2 to 4 standard errors with M = 2000 (seeds 1–5).',
    },
    {
      name: 'sigma-1',
      label: 'σ = 1 (the default)',
      settings: { noiseStd: 1 },
      note: 'The default: a drift of about +0.6 ± 0.08 toward the flat side in 1000 steps, while gradient descent stays at x ≈ −1.97.',
    },
    {
      name: 'sigma-2',
      label: 'σ = 2 (large noise, large drift)',
      settings: { noiseStd: 2 },
      note: 'The lecture: “larger amounts of noise create a stronger bias towards flatness”: about +2.5 ± 0.17 in 1000 steps, four times σ = 1’s.',
    },
    {
      name: 'gradient-descent',
      label: 'σ = 0: gradient descent (no drift)',
      settings: { noiseStd: 0 },
      note: 'Without noise every trajectory is gradient descent: it goes straight down into the valley and stays at x ≈ −1.97; the drift is exactly 0.',
    },
    {
      name: 'no-flat-side',
      label: 'Quadratic valley ½y² (no flat side: the control)',
      settings: { cost: 'valley', noiseStd: 2 },
      note: 'The same noise (σ = 2) on a valley equally curved everywhere: there is no flat side to drift to, and the drift stays within 2 standard errors of 0.',
    },
  ];

  static buttons = [
    { name: 'compare', label: 'Compare σ', title: 'Run σ = 0.5, 1 and 2 with M = 2000 trajectories (same seed and other settings) and pin their curves' },
    { name: 'pin', label: 'Pin this run', title: 'Keep this run’s curve on the plot' },
    { name: 'clearPins', label: 'Clear pins', title: 'Remove pinned curves' },
  ];

  extraSheets() {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    return [sheet];
  }

  renderFigure() {
    return `
      <div class="plot-head"><strong>Cost surface J(x, y) with trajectories</strong><span class="hint">click the surface (or focus it and use the arrow keys) to move the start point; space plays</span></div>
      <div class="stack"><canvas class="surface-bg" aria-hidden="true"></canvas><canvas class="surface" role="img" tabindex="0" aria-label="Cost surface with trajectories" aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown Space"></canvas></div>
      <div class="legend" aria-hidden="true">
        <span><i class="swatch" style="border-color:${C.vermillion}"></i>mean of M noisy runs</span>
        <span><i class="swatch dashed ink"></i>gradient descent (σ = 0)</span>
        <span><i class="swatch thin" style="border-color:${PATH_COLOURS[1]}"></i>single noisy runs (greys)</span>
        <span><i class="swatch dot ink"></i>current iterates</span>
        <span>× diverged</span>
        <span class="surface-pins"></span>
      </div>
      <div class="plot-head"><label>Plot: <select class="quantity" aria-label="quantity plotted over steps">
        ${Object.entries(QUANTITIES).map(([k, q]) => `<option value="${k}">${q.label}</option>`).join('')}
      </select></label><span class="pin-note"></span></div>
      <canvas class="series" role="img" aria-label="Mean x over steps"></canvas>
      <div class="legend series-legend" aria-hidden="true"></div>`;
  }

  async onReady() {
    this.quantity = 'meanX';
    this.pins = [];
    this.rate = 0;
    this.backgroundView = new Surface(this.$('canvas.surface-bg'), () => { this.backgroundDrawn = null; this.draw(); });
    this.surfaceView = new Surface(this.$('canvas.surface'), () => this.draw());
    this.seriesView = new Surface(this.$('canvas.series'), () => this.draw());
    this.$('select.quantity').addEventListener('change', (e) => { this.quantity = e.target.value; this.draw(); });
    this.$('canvas.surface').addEventListener('click', (e) => this.onSurfaceClick(e).catch((err) => this.fail(err)));
    this.$('canvas.surface').addEventListener('keydown', (e) => this.onSurfaceKey(e));
    this.draw();
  }

  // ---- settings and runs --------------------------------------------------------------------

  modelSettings() {
    return Object.fromEntries(this.fields.map((f) => [f.name, this.valid[f.name]]));
  }

  async onApplied(changed, initial) {
    const model = changed.filter((n) => n !== 'speed');
    if (!model.length) return;
    const wasPlaying = this.playing;
    this.pause();
    if (initial || changed.includes('cost') || !this.surfaceData) {
      this.surfaceData = await this.worker.request('call', { kind: 'funnel', name: 'surface', cost: this.valid.cost, nx: 241, ny: 121, levels: 14 });
      this.surfaceImage = null;
      this.backgroundDrawn = null;
    }
    if (this.compared && this.compared.basis !== this.compareBasis()) {
      // A comparison made under other settings no longer speaks for this run.
      this.compared = null;
      this.pins = this.pins.filter((p) => !p.label.includes(`(M = ${COMPARE_TRAJECTORIES})`));
    }
    const result = await this.worker.request('create', { kind: 'funnel', handle: this.handle, settings: this.modelSettings() });
    this.startBuffers(result);
    if (wasPlaying && !initial) this.play();
  }

  startBuffers(result) {
    const K = this.historyFields.length;
    const steps = Number(result.snapshot.totalSteps);
    this.K = K;
    this.k = result.shownPaths;
    this.hist = new Float64Array((steps + 1) * K);
    this.pathBuf = new Float64Array((steps + 1) * 2 * this.k);
    this.rows = 0;
    this.trailsDrawn = null;
    this.run = (this.run ?? 0) + 1;
    this.rate = 0;
    this.lastTick = 0;
    this.ingest(result);
  }

  ingest(r) {
    this.hist.set(r.history, r.from * this.K);
    if (this.k) this.pathBuf.set(r.paths, r.from * 2 * this.k);
    this.rows = r.from + r.history.length / this.K;
    this.positions = r.positions;
    this.aliveMask = r.alive;
    this.snapshot = r.snapshot;
    this.draw();
    this.updateReadout();
    this.dispatchEvent(new CustomEvent('noiselab-frame', { detail: r.snapshot, bubbles: true, composed: true }));
  }

  async tick() {
    const now = performance.now();
    const r = await this.worker.request('advance', { handle: this.handle, steps: Number(this.valid.speed), budgetMs: 12 });
    if (this.lastTick && r.stepsTaken) {
      const inst = r.stepsTaken / ((now - this.lastTick) / 1000);
      this.rate = this.rate ? 0.9 * this.rate + 0.1 * inst : inst;
    }
    this.lastTick = now;
    this.ingest(r);
    if (r.snapshot.stopReason) this.onStopped(r.snapshot);
  }

  onStopped(s) {
    this.pause();
    const st = s.stats;
    if (s.stopReason === 'diverged') {
      this.showMessage(`Stopped at step ${st.step}: every trajectory diverged (the iterates exploded). Try a smaller learning rate α or noise σ, or the bounded funnel cost.`, 'error');
    } else {
      this.showMessage(`Finished ${st.step} steps: drift E[x] − x_GD = ${signed(s.drift)} ± ${fmt(s.seDrift)} (1 SE)${s.diverged ? `; ${s.diverged} of ${Number(this.valid.trajectories)} trajectories diverged` : ''}.`, 'info');
    }
  }

  onPaused() {
    this.draw();
    this.updateReadout();
  }

  /** Public API: one step. */
  async stepOnce() {
    await this.settled();
    const r = await this.worker.request('advance', { handle: this.handle, steps: 1 });
    this.ingest(r);
    if (r.snapshot.stopReason) this.onStopped(r.snapshot);
  }

  /** Public API: run to the end (in budgeted slices, the page stays responsive). */
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

  async onSurfaceClick(e) {
    const s = this.surfaceScales();
    if (!s) return;
    const rect = e.target.getBoundingClientRect();
    const x = s.x.invert(e.clientX - rect.left);
    const y = s.y.invert(e.clientY - rect.top);
    const d = this.surfaceData.domain;
    if (x < d.xMin || x > d.xMax || y < d.yMin || y > d.yMax) return;
    await this.applySettings({ startX: x.toFixed(2), startY: y.toFixed(2) });
  }

  /** Keyboard alternative to clicking: arrows move the start point by 0.1 (0.5 with Shift). */
  onSurfaceKey(e) {
    if (e.key === ' ') { e.preventDefault(); this.playing ? this.pause() : this.play(); return; }
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    if (!d) return;
    e.preventDefault();
    const step = e.shiftKey ? 0.5 : 0.1;
    const dom = this.surfaceData.domain;
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    const x = clamp(Number(this.valid.startX) + d[0] * step, dom.xMin, dom.xMax);
    const y = clamp(Number(this.valid.startY) + d[1] * step, dom.yMin, dom.yMax);
    this.applySettings({ startX: x.toFixed(2), startY: y.toFixed(2) }).catch((err) => this.fail(err));
  }

  async onButton(name) {
    if (name === 'pin') this.pinCurrent();
    else if (name === 'clearPins') { this.pins = []; this.compared = null; this.draw(); this.updateReadout(); }
    else if (name === 'compare') await this.compareSigmas();
  }

  column(name, rows = this.rows, buf = this.hist) {
    const K = this.K, c = this.col[name];
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) out[i] = buf[i * K + c];
    return out;
  }

  /** Keep a run's curves (mean x and y with SE, GD, E[y²]) under `label`, in `colour` (a free
      pin colour if none): drawn in the plot below and, as a mean path, on the surface. */
  pinFrom(label, hist, rows, colour = null) {
    const pick = (n) => this.column(n, rows, hist);
    this.pins = this.pins.filter((p) => p.label !== label);
    if (!colour) {
      const used = new Set(this.pins.map((p) => p.colour));
      colour = PIN_COLOURS.find((c) => !used.has(c)) ?? PIN_COLOURS[this.pins.length % PIN_COLOURS.length];
      // Manual pins share PIN_COLOURS: the oldest manual pin goes when they run out.
      const manual = this.pins.filter((p) => PIN_COLOURS.includes(p.colour));
      if (manual.length >= PIN_COLOURS.length) this.pins = this.pins.filter((p) => p !== manual[0]);
    }
    this.pins.push({ label, colour, step: pick('step'), meanX: pick('meanX'), meanY: pick('meanY'), se: pick('seMeanX'), gdX: pick('gdX'), gdY: pick('gdY'), meanY2: pick('meanY2'), seY2: pick('seMeanY2') });
  }

  pinCurrent() {
    this.pinFrom(`σ = ${this.valid.noiseStd}, α = ${this.valid.learningRate}, M = ${this.valid.trajectories}`, this.hist, this.rows);
    this.draw();
  }

  /**
   * "Compare σ": runs σ = 0.5, 1 and 2 with M = 2000 (same seed and other settings) on a handle
   * of their own and pins their curves; their mean paths are drawn on the surface too. This
   * run is left as it was (its step, its paths, its mean) and resumes if it was playing.
   * (Issue 17, finding 10: the surface showed nothing of the comparison.)
   */
  async compareSigmas() {
    const wasPlaying = this.playing;
    this.pause();
    const button = this.buttons.compare;
    button.disabled = true;
    const results = [];
    const handle = `${this.handle}-compare`;
    const basis = this.compareBasis();
    try {
      for (const sigma of COMPARE_SIGMAS) {
        const settings = { ...this.modelSettings(), noiseStd: sigma, trajectories: COMPARE_TRAJECTORIES, shownPaths: '0' };
        let r = await this.worker.request('create', { kind: 'funnel', handle, settings });
        const K = this.K;
        const total = Number(r.snapshot.totalSteps);
        const hist = new Float64Array((total + 1) * K);
        hist.set(r.history, 0);
        while (!r.snapshot.stopReason) {
          this.showMessage(`Comparing: σ = ${sigma} with M = ${COMPARE_TRAJECTORIES} (step ${r.snapshot.stats.step} of ${total})…`, 'info');
          r = await this.worker.request('advance', { handle, steps: 1e9, budgetMs: 25 });
          hist.set(r.history, r.from * K);
          await new Promise(requestAnimationFrame);
        }
        this.pinFrom(`σ = ${sigma} (M = ${COMPARE_TRAJECTORIES})`, hist, r.snapshot.stats.step + 1, SIGMA_COLOURS[sigma]);
        results.push({ sigma: Number(sigma), drift: r.snapshot.drift, se: r.snapshot.seDrift, step: r.snapshot.stats.step });
        this.draw();
      }
      this.compared = { basis, results };
      this.showMessage(`Drift E[x] − x_GD at the last step (± 1 SE, M = ${COMPARE_TRAJECTORIES}, same seed): ${results.map((c) => `σ = ${c.sigma}: ${signed(c.drift)} ± ${fmt(c.se)}`).join('; ')}.`, 'info');
      this.updateReadout();
    } finally {
      button.disabled = false;
      await this.worker.request('dispose', { handle }).catch(() => {});
    }
    if (wasPlaying) this.play();
  }

  /** The settings a comparison depends on (all but σ, M and the display ones). */
  compareBasis() {
    const v = this.valid;
    return ['cost', 'learningRate', 'steps', 'startX', 'startY', 'seed'].map((n) => v[n]).join('|');
  }

  // ---- drawing ------------------------------------------------------------------------------

  surfaceScales() {
    const v = this.surfaceView, d = this.surfaceData?.domain;
    if (!v || !d) return null;
    return {
      x: scale(d.xMin, d.xMax, MARGIN.left, v.width - MARGIN.right),
      y: scale(d.yMin, d.yMax, v.height - MARGIN.bottom, MARGIN.top),
    };
  }

  bandImage() {
    if (this.surfaceImage) return this.surfaceImage;
    const { nx, ny, bands, levels } = this.surfaceData;
    const canvas = new OffscreenCanvas(nx, ny);
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(nx, ny);
    const L = levels.length;
    const palette = Array.from({ length: L + 1 }, (_, b) => ramp(SURFACE_RAMP, b / L));
    for (let i = 0; i < nx * ny; i++) {
      const c = palette[bands[i]];
      img.data.set([c[0], c[1], c[2], 255], 4 * i);
    }
    ctx.putImageData(img, 0, 0);
    this.surfaceImage = canvas;
    return canvas;
  }

  draw() {
    if (!this.surfaceView || !this.hist) return;
    this.drawSurface();
    // The series plot refreshes at most 20 times a second while playing (its raster is the costly part).
    const now = performance.now();
    if (!this.playing || !(now - this.seriesDrawnAt < 50)) {
      this.drawSeries();
      this.seriesDrawnAt = now;
    }
  }

  /** The static layer: filled contour bands, contour lines, axes and the curvature strip. */
  drawBackground(s) {
    const v = this.backgroundView, ctx = v.ctx;
    v.clear('#fff');
    const d = this.surfaceData.domain;
    const [px0, px1] = s.x.range, [py0, py1] = [s.y(d.yMax), s.y(d.yMin)];
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.bandImage(), px0, py0, px1 - px0, py1 - py0);
    ctx.save();
    ctx.beginPath(); ctx.rect(px0, py0, px1 - px0, py1 - py0); ctx.clip();
    ctx.strokeStyle = 'rgba(40, 60, 90, 0.35)';
    ctx.lineWidth = 0.75;
    ctx.beginPath();
    for (const seg of this.surfaceData.contours) {
      for (let i = 0; i < seg.length; i += 4) { ctx.moveTo(s.x(seg[i]), s.y(seg[i + 1])); ctx.lineTo(s.x(seg[i + 2]), s.y(seg[i + 3])); }
    }
    ctx.stroke();
    ctx.restore();
    drawAxes(ctx, { x: s.x, y: s.y, xLabel: 'x  (along the valley floor)', yLabel: 'y  (across)', xTicks: [-6, -4, -2, 0, 2, 4, 6], yTicks: [-3, -2, -1, 0, 1, 2, 3] });
    this.drawCurvatureStrip(ctx, s);
  }

  /**
   * The single noisy paths only grow, so they live on an offscreen layer where each frame draws
   * just the new segments (a full redraw happens after a resize, reset or new run); the frame
   * then copies that layer. Repainting long self-crossing polylines every frame costs tens of ms
   * of software rasterization.
   */
  drawTrails(s) {
    const v = this.surfaceView;
    const W = Math.round(v.width * v.dpr), Hpx = Math.round(v.height * v.dpr);
    const key = `${W}x${Hpx}#${this.run}`;
    if (!this.trails || this.trails.width !== W || this.trails.height !== Hpx) {
      this.trails = new OffscreenCanvas(W, Hpx);
      this.trailsDrawn = null;
    }
    const ctx = this.trails.getContext('2d');
    const rows = this.rows, k = this.k, P = this.pathBuf;
    let from = 0;
    if (this.trailsDrawn?.key === key && this.trailsDrawn.rows <= rows) from = Math.max(0, this.trailsDrawn.rows - 1);
    else ctx.clearRect(0, 0, W, Hpx);
    this.trailsDrawn = { key, rows };
    if (!k || rows - from < 2) return;
    const d = this.surfaceData.domain;
    const [px0, px1] = s.x.range, [py0, py1] = [s.y(d.yMax), s.y(d.yMin)];
    ctx.save();
    ctx.setTransform(v.dpr, 0, 0, v.dpr, 0, 0);
    ctx.beginPath(); ctx.rect(px0, py0, px1 - px0, py1 - py0); ctx.clip();
    ctx.lineWidth = 1.2;
    ctx.lineJoin = 'round';
    ctx.lineCap = 'round';
    const n = rows - from;
    for (let j = 0; j < k; j++) {
      ctx.strokeStyle = PATH_COLOURS[j % PATH_COLOURS.length];
      polyline(ctx, n, (i) => s.x(P[((from + i) * k + j) * 2]), (i) => s.y(P[((from + i) * k + j) * 2 + 1]), from ? Infinity : 1500);
    }
    ctx.restore();
  }

  /** The moving layer: iterates, GD, the mean, diverged marks, the start point. */
  drawSurface() {
    const v = this.surfaceView, ctx = v.ctx, s = this.surfaceScales();
    if (!s) return;
    const key = `${v.width}x${v.height}@${v.dpr}`;
    if (this.backgroundDrawn !== key) { this.backgroundView.fit(); this.drawBackground(s); this.backgroundDrawn = key; }
    this.drawTrails(s);
    v.clear();
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.trails, 0, 0);
    ctx.restore();
    const d = this.surfaceData.domain;
    const [px0, px1] = s.x.range, [py0, py1] = [s.y(d.yMax), s.y(d.yMin)];
    ctx.save();
    ctx.beginPath(); ctx.rect(px0, py0, px1 - px0, py1 - py0); ctx.clip();
    // Current iterates, as one path (one draw call); lighter when there are many, so the mean
    // and GD paths stay readable over 2,000 of them.
    const pos = this.positions, alive = this.aliveMask;
    ctx.fillStyle = alive.length > 500 ? 'rgba(58, 58, 58, 0.45)' : '#3a3a3a';
    ctx.beginPath();
    for (let i = 0; i < alive.length; i++) if (alive[i]) ctx.rect(Math.round(s.x(pos[2 * i])) - 1, Math.round(s.y(pos[2 * i + 1])) - 1, 2.5, 2.5);
    ctx.fill();
    // Compared and pinned runs: their mean paths, in the colours of the plot below; σ = 2's
    // first and σ = 0.5's (the shortest) last, so each shows where it went beyond the others.
    ctx.lineJoin = 'round';
    ctx.lineWidth = 2.5;
    for (const p of [...this.pins].reverse()) {
      ctx.strokeStyle = p.colour;
      polyline(ctx, p.step.length, (i) => s.x(p.meanX[i]), (i) => s.y(p.meanY[i]), 400);
    }
    // Gradient descent and the mean.
    const rows = this.rows, H = this.hist, K = this.K, c = this.col;
    ctx.lineJoin = 'round';
    ctx.setLineDash([6, 4]);
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 2;
    polyline(ctx, rows, (i) => s.x(H[i * K + c.gdX]), (i) => s.y(H[i * K + c.gdY]), 400);
    ctx.setLineDash([]);
    ctx.strokeStyle = C.vermillion;
    ctx.lineWidth = 3.5;
    polyline(ctx, rows, (i) => s.x(H[i * K + c.meanX]), (i) => s.y(H[i * K + c.meanY]), 400);
    // Diverged trajectories: × at their last finite position (clamped into view).
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let i = 0; i < alive.length; i++) {
      if (alive[i]) continue;
      const X = Math.min(px1 - 4, Math.max(px0 + 4, s.x(pos[2 * i]))), Y = Math.min(py1 - 4, Math.max(py0 + 4, s.y(pos[2 * i + 1])));
      ctx.moveTo(X - 4, Y - 4); ctx.lineTo(X + 4, Y + 4); ctx.moveTo(X + 4, Y - 4); ctx.lineTo(X - 4, Y + 4);
    }
    ctx.stroke();
    // Start point.
    const sx = s.x(Number(this.valid.startX)), sy = s.y(Number(this.valid.startY));
    ctx.strokeStyle = '#000'; ctx.fillStyle = '#fff'; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.arc(sx, sy, 5, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    ctx.restore();
  }

  /**
   * The valley's curvature h(x) = ∂²J/∂y² as a colour strip above the plot: sharp (vermillion)
   * ↔ flat (blue). Each label takes black or white text, whichever has the larger least contrast
   * against the strip colours behind it (WCAG relative luminance); if even that is under 4.5:1
   * the label gets a white plate. `this.stripLabels` records each label's box, text colour and
   * least contrast (the tests check them against the pixels).
   */
  drawCurvatureStrip(ctx, s) {
    const { curvature, curvatureMin: lo, curvatureMax: hi } = this.surfaceData;
    const [px0, px1] = s.x.range;
    const top = STRIP.top, h = STRIP.height, n = curvature.length;
    const w = (px1 - px0) / n;
    const colours = Array.from(curvature, (c) => ramp(STRIP_RAMP, hi > lo ? (c - lo) / (hi - lo) : 0.5));
    colours.forEach((c, i) => {
      ctx.fillStyle = `rgb(${c})`;
      ctx.fillRect(px0 + i * w, top, w + 0.6, h);
    });
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const yMid = top + h / 2 + 0.5;
    const narrow = px1 - px0 < 560;
    this.stripLabels = [];
    const label = (text, anchor, align) => {
      const width = ctx.measureText(text).width;
      const x0 = align === 'left' ? anchor : align === 'right' ? anchor - width : anchor - width / 2;
      const x1 = x0 + width;
      const behind = colours.filter((_, i) => px0 + (i + 1) * w > x0 && px0 + i * w < x1);
      const least = (fg) => Math.min(...behind.map((bg) => contrast(fg, bg)));
      let fg = least(BLACK) >= least(WHITE) ? BLACK : WHITE;
      let worst = least(fg);
      const plate = worst < MIN_CONTRAST;
      if (plate) {
        ctx.fillStyle = '#fff';
        ctx.fillRect(x0 - 3, top, width + 6, h);
        fg = BLACK;
        worst = contrast(BLACK, [255, 255, 255]);
      }
      ctx.fillStyle = `rgb(${fg})`;
      ctx.textAlign = align;
      ctx.fillText(text, anchor, yMid);
      this.stripLabels.push({ text, x0, x1, top, height: h, fg, minContrast: worst, plate });
    };
    if (!(hi - lo > 1e-9)) {
      label(`valley curvature ∂²J/∂y² = ${formatTick(hi)} everywhere (no flat side)`, (px0 + px1) / 2, 'center');
      return;
    }
    label(narrow ? '◀ sharp' : `◀ sharp (h ≈ ${formatTick(curvature[0])})`, px0 + 4, 'left');
    label(narrow ? 'flat ▶' : `flat (h ≈ ${formatTick(curvature[n - 1])}) ▶`, px1 - 4, 'right');
    label(narrow ? 'curvature h(x)' : 'valley curvature h(x) = ∂²J/∂y² at y = 0', (px0 + px1) / 2, 'center');
  }

  seriesFor(src) {
    // src: {step, meanX, se, gdX, meanY2, seY2} arrays.
    if (this.quantity === 'meanX') return { y: src.meanX, se: src.se, ref: src.gdX };
    if (this.quantity === 'drift') return { y: src.meanX.map((m, i) => m - src.gdX[i]), se: src.se, zero: true };
    return { y: src.meanY2, se: src.seY2 };
  }

  drawSeries() {
    const v = this.seriesView, ctx = v.ctx;
    v.clear('#fff');
    const rows = this.rows;
    const cur = { step: this.column('step'), meanX: this.column('meanX'), se: this.column('seMeanX'), gdX: this.column('gdX'), meanY2: this.column('meanY2'), seY2: this.column('seMeanY2') };
    const main = this.seriesFor(cur);
    const pins = this.pins.map((p) => ({ p, s: this.seriesFor(p) }));
    const total = Number(this.snapshot.totalSteps);
    let lo = Infinity, hi = -Infinity;
    const extend = (arr, se) => { for (let i = 0; i < arr.length; i++) { const a = arr[i], e = se && Number.isFinite(se[i]) ? se[i] : 0; if (Number.isFinite(a)) { lo = Math.min(lo, a - e); hi = Math.max(hi, a + e); } } };
    extend(main.y, main.se);
    if (main.ref) extend(main.ref);
    for (const { s, p } of pins) { extend(s.y); if (s.ref) extend(s.ref); void p; }
    if (main.zero) { lo = Math.min(lo, 0); hi = Math.max(hi, 0); }
    if (!Number.isFinite(lo)) { lo = -1; hi = 1; }
    if (hi - lo < 1e-6) { lo -= 0.5; hi += 0.5; }
    const pad = 0.06 * (hi - lo);
    const maxStep = Math.max(total, ...this.pins.map((p) => p.step.length - 1));
    const x = scale(0, maxStep, SERIES_MARGIN.left, v.width - SERIES_MARGIN.right);
    const y = scale(lo - pad, hi + pad, v.height - SERIES_MARGIN.bottom, SERIES_MARGIN.top);
    drawAxes(ctx, { x, y, xLabel: 'step t (iterations)', yLabel: QUANTITIES[this.quantity].axis, grid: true });
    ctx.save();
    ctx.beginPath(); ctx.rect(x.range[0], y.range[1], x.range[1] - x.range[0], y.range[0] - y.range[1]); ctx.clip();
    if (main.zero) { ctx.strokeStyle = '#888'; ctx.lineWidth = 1; ctx.beginPath(); ctx.moveTo(x.range[0], y(0)); ctx.lineTo(x.range[1], y(0)); ctx.stroke(); }
    // ±1 SE band of the current run.
    ctx.fillStyle = 'rgba(213, 94, 0, 0.18)';
    ctx.beginPath();
    const stride = Math.max(1, Math.ceil(rows / 600));
    let started = false;
    for (let i = 0; i < rows; i += stride) { const e = main.se[i]; if (!Number.isFinite(main.y[i]) || !Number.isFinite(e)) continue; const X = x(i), Y = y(main.y[i] + e); started ? ctx.lineTo(X, Y) : ctx.moveTo(X, Y); started = true; }
    for (let i = rows - 1 - ((rows - 1) % stride); i >= 0; i -= stride) { const e = main.se[i]; if (!Number.isFinite(main.y[i]) || !Number.isFinite(e)) continue; ctx.lineTo(x(i), y(main.y[i] - e)); }
    ctx.fill();
    for (const { p, s } of pins) {
      ctx.strokeStyle = p.colour; ctx.lineWidth = 2;
      polyline(ctx, p.step.length, (i) => x(i), (i) => y(s.y[i]), 600);
    }
    if (main.ref) { ctx.setLineDash([6, 4]); ctx.strokeStyle = '#000'; ctx.lineWidth = 1.6; polyline(ctx, rows, (i) => x(i), (i) => y(main.ref[i]), 600); ctx.setLineDash([]); }
    ctx.strokeStyle = C.vermillion; ctx.lineWidth = 2.5;
    polyline(ctx, rows, (i) => x(i), (i) => y(main.y[i]), 600);
    ctx.restore();
    const legend = this.$('.series-legend');
    const items = [`<span><i class="swatch" style="border-color:${C.vermillion}"></i>this run (σ = ${this.valid.noiseStd}) ± 1 SE</span>`];
    if (main.ref) items.push('<span><i class="swatch dashed ink"></i>gradient descent</span>');
    for (const { p } of pins) items.push(`<span data-pin="${p.label}"><i class="swatch" style="border-color:${p.colour}"></i>${p.label}</span>`);
    const html = items.join('');
    if (legend.innerHTML !== html) legend.innerHTML = html;
    const pinsHtml = this.pins.map((p) => `<span data-pin="${p.label}"><i class="swatch" style="border-color:${p.colour}"></i>mean, ${p.label}</span>`).join('');
    const surfacePins = this.$('.surface-pins');
    if (surfacePins.innerHTML !== pinsHtml) surfacePins.innerHTML = pinsHtml;
    this.setLive(this.$('canvas.series'), `${QUANTITIES[this.quantity].label}: ${rows - 1} of ${total} steps`, 'aria-label');
  }

  updateReadout() {
    const s = this.snapshot, st = s.stats, M = Number(this.valid.trajectories);
    const rate = this.playing && this.rate ? `<span>${Math.round(this.rate).toLocaleString('en')} steps/s (${Math.round(this.rate * st.alive).toLocaleString('en')} trajectory-steps/s)</span>` : '';
    this.setReadout(`
      <span>step <b class="r-step">${st.step}</b> / ${s.totalSteps}</span>
      <span>E[x] = <b class="r-meanx">${fmt(st.meanX)}</b> ± ${fmt(st.seMeanX)}</span>
      <span>x<sub>GD</sub> = <b class="r-gdx">${fmt(st.gdX)}</b></span>
      <span>drift = <b class="r-drift">${signed(s.drift)}</b> ± ${fmt(s.seDrift)} ${s.drift > 2 * s.seDrift ? '(toward flat)' : ''}</span>
      <span>E[y²] = <b class="r-y2">${fmt(st.meanY2, 4)}</b></span>
      <span>diverged <b class="r-diverged">${s.diverged}</b> of ${M}</span>
      ${rate}`);
    this.setVerdict(this.verdict());
    this.setLive(this.$('canvas.surface'), `Cost surface (${this.valid.cost}); step ${st.step}: mean of ${M} noisy runs at x = ${fmt(st.meanX, 2)}, y = ${fmt(st.meanY, 2)}; gradient descent at x = ${fmt(st.gdX, 2)}; drift ${signed(s.drift, 2)}.`, 'aria-label');
  }

  /**
   * One sentence from the numbers (SCIENCE.md §9): where GD went, the drift E[x_t] − x_t(GD)
   * with its standard error and whether it is toward the flat side, and, after "Compare σ",
   * whether the drift grows with σ. Each clause says so when the numbers do not support it.
   */
  verdict() {
    const s = this.snapshot, st = s.stats, v = this.valid;
    const sigma = Number(v.noiseStd), M = Number(v.trajectories);
    const moved = st.gdX - Number(v.startX);
    const gd = `gradient descent moved ${signed(moved, 2)} along the valley (x = ${real(st.gdX)})`;
    const start = `Step 0: the ${M} noisy runs (σ = ${sigma}) and gradient descent start together at (${real(Number(v.startX))}, ${real(Number(v.startY))}); press Play.`;
    const z = s.seDrift > 0 ? s.drift / s.seDrift : s.drift === 0 ? 0 : Infinity * Math.sign(s.drift);
    const drift = `drift E[x] − x_GD = ${signed(s.drift)} ± ${fmt(s.seDrift)} (1 SE)`;
    let main;
    if (st.step === 0) {
      main = start;
    } else if (sigma === 0) {
      main = `σ = 0 is gradient descent: every run follows it and the drift is ${signed(s.drift)}; ${gd}.`;
    } else if (v.cost === 'valley') {
      main = Math.abs(z) <= 2
        ? `Step ${st.step}: on the quadratic valley (no flat side) the ${drift} is within 2 SE of 0, as expected: noise alone does not push the mean along a valley of constant curvature.`
        : `Step ${st.step}: on the quadratic valley (no flat side) the ${drift} is ${fmt(Math.abs(z), 1)} SE from 0, which the constant curvature does not explain.`;
    } else if (z > 2) {
      main = `Step ${st.step}: ${gd}, while the mean of ${M} noisy runs (σ = ${sigma}) is at x = ${real(st.meanX)}: ${drift}, ${fmt(z, 1)} SE toward the flat side, as the lecture says.`;
    } else if (z < -2) {
      main = `Step ${st.step}: ${gd}; the mean of ${M} noisy runs has ${drift}, ${fmt(-z, 1)} SE toward the sharp side, against the lecture’s claim.`;
    } else {
      main = `Step ${st.step}: ${gd}; ${drift} is within 2 SE of 0: no drift resolved yet (sd(x_t) ≈ ασ√t grows with t; more trajectories or steps shrink the SE).`;
    }
    const c = this.compared;
    if (!c || c.basis !== this.compareBasis()) return main;
    const parts = c.results.map((r) => `${signed(r.drift, 2)} ± ${fmt(r.se, 2)} at σ = ${r.sigma}`).join(', ');
    const grows = c.results.every((r, i) => i === 0 || r.drift - c.results[i - 1].drift > 2 * Math.hypot(r.se, c.results[i - 1].se));
    return `${main} Compare σ (M = ${COMPARE_TRAJECTORIES}, step ${c.results[0].step}): ${parts}: ${grows ? 'larger σ drifts further toward the flat side' : 'the drift does not grow with σ by more than 2 SE here'}.`;
  }

  /** Public API: the run's data for export (settings, columns, rows). */
  exportData() {
    const rows = [];
    for (let i = 0; i < this.rows; i++) rows.push(Array.from(this.hist.subarray(i * this.K, (i + 1) * this.K)));
    return { experiment: 'funnel', settings: this.settings, historyFields: this.historyFields, history: rows, snapshot: this.snapshot };
  }
}

if (!customElements.get('noiselab-funnel')) customElements.define('noiselab-funnel', NoiselabFunnel);
export { NoiselabFunnel };
