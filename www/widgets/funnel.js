// <noiselab-funnel>: "Gradient noise and flatness" (Grosse, Lecture 8; SCIENCE.md §9).
// Noisy GD w ← w − α(∇J + σξ) on J = ½ h(x) y², sharp on the left and flat on the right. Draws
// the cost surface with a sharp/flat curvature strip, a few single trajectories, the GD path, the
// mean of M trajectories, and from the same start the gradient flow dw/dt = −α∇J and Smith et
// al.'s modified flow dw/dt = −α∇(J + (α/4)‖∇J‖²) (SCIENCE.md §9, "Link to §10"); below, the mean
// x (or the drift, or E[y²]) over steps, with the flows and runs at other σ pinned for comparison.
// All numbers come from the Rust core through the worker.
//
// Embed: <script type="module" src=".../www/widgets/funnel.js"></script>
//        <noiselab-funnel noise-std="2" controls="noise-std"></noiselab-funnel>
import { RunWidget, speedField } from '../lib/run-widget.js';
import { polyline, OKABE_ITO as C, formatTick } from '../lib/plot.js';
import { scratchCanvas } from '../lib/support.js';

const CSS = `
/* Two layers (scene panels surface-bg and surface): the static surface is painted once per size
   or cost; only the moving trajectories are repainted each frame. */
.stack { position: relative; }
canvas.surface-bg { position: absolute; inset: 0; height: 100%; }
canvas.surface { aspect-ratio: 2 / 1.08; cursor: crosshair; position: relative; background: transparent; }
canvas.series { aspect-ratio: 3 / 1.1; }
@media (max-width: 600px) { canvas.surface { aspect-ratio: 4 / 3; } canvas.series { aspect-ratio: 3 / 2; } }
`;

// One colour per run across both plots: this run's mean is vermillion, gradient descent black
// (dashed), the compared σ = 0.5 / 1 / 2 runs sky blue / orange / bluish green on the surface
// and in the plot below, other pinned runs the remaining colours. Single noisy paths are greys
// (they are samples of this run, not other methods).
const PATH_COLOURS = ['#3a3a3a', '#6e6e6e', '#9a9a9a', '#525252', '#858585', '#2e2e2e', '#7a7a7a', '#5e5e5e', '#969696', '#444444'];
const SIGMA_COLOURS = { 0.5: C.skyBlue, 1: C.orange, 2: C.green };
const PIN_COLOURS = [C.purple, C.blue, C.yellow, '#7a5c00'];
// The flows (σ-independent, from the run's start): the gradient flow blue dotted, the modified
// flow a wide translucent reddish purple along GD's dashed black (it tracks GD to O(α²)).
const FLOW = { label: 'gradient flow −α∇J', colour: C.blue, dash: [2, 3], width: 2 };
const MODIFIED = { label: 'modified flow −α∇(J + (α/4)‖∇J‖²)', colour: 'rgba(204, 121, 167, 0.6)', width: 6 };
const SURFACE_RAMP = [[0, [255, 255, 255]], [0.35, [226, 233, 241]], [0.7, [176, 193, 212]], [1, [118, 141, 170]]];
const COMPARE_SIGMAS = ['0.5', '1', '2'];
// The settings of this run that "Compare σ" (funnel-compare) shares: all but σ, M and the shown paths.
const COMPARE_BASIS = ['cost', 'learningRate', 'steps', 'startX', 'startY', 'seed'];
// Labels on the curvature strip keep 4.5:1 contrast against the strip behind them (issue 17:
// "flat (h ≈ 0.004945)" was #222 on the blue end, 3.1:1): text marks drawn `on` it (plot.js).
const STRIP_RAMP = [[0, [0, 114, 178]], [0.5, [240, 240, 240]], [1, [213, 94, 0]]];
// SCIENCE.md §9: sd(x_t) ≈ ασ√t, so 100 runs cannot resolve the drift at small σ; the
// comparison uses the maximum number of trajectories.
const COMPARE_TRAJECTORIES = '2000';
const STRIP = { above: 25, height: 16 }; // the curvature strip, above the plot (in its 30-px top margin)
const SURFACE_TITLE = 'Cost surface J(x, y) with trajectories';
const CLAIM = 'On a valley that is sharp on one side and flat on the other, the average of many noisy-gradient runs drifts toward the flat side, more for larger noise σ, while gradient descent goes straight down.';

const QUANTITIES = {
  meanX: { label: 'mean x over steps', axis: 'x (along the valley; → flat)' },
  drift: { label: 'drift E[xₜ] − xₜ(GD)', axis: 'E[x] − x_GD' },
  meanY2: { label: 'E[y²] (spread across the valley)', axis: 'E[y²]' },
};

const fmt = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const real = (v, d = 2) => (Number.isFinite(v) ? (v < 0 ? '−' : '') + Math.abs(v).toFixed(d) : '—');
const signed = (v, d = 3) => (Number.isFinite(v) ? (v >= 0 ? '+' : '−') + Math.abs(v).toFixed(d) : '—');

class NoiselabFunnel extends RunWidget {
  static css = CSS;
  static uiFields = [speedField(200, 5)];
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

  renderFigure() {
    return `
      <div class="plot-head"><strong>${SURFACE_TITLE}</strong><span class="hint">click the surface (or focus it and use the arrow keys) to move the start point; space plays</span></div>
      <div class="stack"><canvas data-panel="surface-bg" class="surface-bg" aria-hidden="true"></canvas><canvas data-panel="surface" class="surface" role="img" tabindex="0" aria-label="Cost surface with trajectories" aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown Space"></canvas></div>
      <div class="legend" data-panel="surface-bg surface" aria-hidden="true"></div>
      <div class="plot-head"><label>Plot: <select class="quantity" aria-label="quantity plotted over steps">
        ${Object.entries(QUANTITIES).map(([k, q]) => `<option value="${k}">${q.label}</option>`).join('')}
      </select></label></div>
      <canvas data-panel="series" class="series" role="img" aria-label="Mean x over steps"></canvas>
      <div class="legend series-legend" data-panel="series" aria-hidden="true"></div>`;
  }

  async onReady() {
    this.quantity = 'meanX';
    this.pins = [];
    this.rate = 0;
    await super.onReady();
    this.$('select.quantity').addEventListener('change', (e) => { this.quantity = e.target.value; this.draw(); });
    this.$('canvas.surface').addEventListener('click', (e) => this.onSurfaceClick(e).catch((err) => this.fail(err)));
    this.$('canvas.surface').addEventListener('keydown', (e) => this.onSurfaceKey(e));
    this.draw();
  }

  // ---- settings and runs --------------------------------------------------------------------

  async onApplied(changed, initial) {
    if (initial || changed.includes('cost') || !this.surfaceData) {
      this.surfaceData = await this.call('surface', { cost: this.valid.cost, nx: 241, ny: 121, levels: 14 });
    }
    if (this.compared && this.compared.basis !== this.compareBasis()) {
      // A comparison made under other settings no longer speaks for this run.
      this.compared = null;
      this.pins = this.pins.filter((p) => !p.label.includes(`(M = ${COMPARE_TRAJECTORIES})`));
    }
    await super.onApplied(changed, initial);
  }

  onRunStart(r) {
    this.k = r.shownPaths;
    this.pathBuf = new Float64Array((Number(r.snapshot.totalSteps) + 1) * 2 * this.k);
    this.trailsDrawn = null;
    this.run = (this.run ?? 0) + 1;
  }

  onFrame(r) {
    if (r.flows) this.flows = r.flows; // a run's first frame (create, reset)
    if (this.k) this.pathBuf.set(r.paths, r.from * 2 * this.k);
    this.positions = r.positions;
    this.aliveMask = r.alive;
    this.draw();
    this.updateReadout();
  }

  onStopped(s) {
    this.pause();
    const st = s.stats;
    if (s.stopReason === 'diverged') {
      this.showMessage(`Stopped at step ${st.step}: every trajectory diverged (the iterates exploded). Try a smaller learning rate α or noise σ, or the bounded funnel cost.`, 'error');
    } else {
      this.showMessage(`Finished ${st.step} steps: drift E[x] − x_GD = ${signed(s.drift)} ± ${fmt(s.seDrift)} (1 SE)${s.diverged ? `; ${s.diverged} of ${this.valid.trajectories} trajectories diverged` : ''}.`, 'info');
    }
  }

  async onSurfaceClick(e) {
    const s = this.figure.scales['surface-bg'];
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
    const x = clamp(this.valid.startX + d[0] * step, dom.xMin, dom.xMax);
    const y = clamp(this.valid.startY + d[1] * step, dom.yMin, dom.yMax);
    this.applySettings({ startX: x.toFixed(2), startY: y.toFixed(2) }).catch((err) => this.fail(err));
  }

  async onButton(name) {
    if (name === 'pin') this.pinCurrent();
    else if (name === 'clearPins') { this.pins = []; this.compared = null; this.draw(); this.updateReadout(); }
    else if (name === 'compare') await this.compareSigmas();
  }

  /** Keep a run's curves (mean x and y with SE, GD, E[y²]) under `label`, in `colour` (a free
      pin colour if none): drawn in the plot below and, as a mean path, on the surface.
      `pick(name)` is the run's history column `name` (of this kind's columns). */
  pinFrom(label, pick, colour = null) {
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
    this.pinFrom(`σ = ${this.valid.noiseStd}, α = ${this.valid.learningRate}, M = ${this.valid.trajectories}`, (n) => this.column(n));
    this.draw();
  }

  /**
   * "Compare σ": one side run of the experiment funnel-compare (`noiselab run funnel-compare`:
   * σ = 0.5, 1 and 2 with M = 2000, this run's other settings and seed, stepped together) on a
   * handle of its own; pins its three runs' curves, whose mean paths are drawn on the surface
   * too. This run is left as it was (its step, its paths, its mean) and resumes if it was
   * playing. (Issue 17, finding 10: the surface showed nothing of the comparison.)
   */
  async compareSigmas() {
    const wasPlaying = this.playing;
    this.pause();
    const button = this.buttons.compare;
    button.disabled = true;
    const basis = this.compareBasis();
    try {
      this.compareFields ??= (await this.worker.request('hello', { kind: 'funnel-compare' })).historyFields;
      const fields = this.compareFields, K = fields.length;
      const settings = { ...Object.fromEntries(COMPARE_BASIS.map((n) => [n, this.valid[n]])), trajectories: COMPARE_TRAJECTORIES };
      COMPARE_SIGMAS.forEach((sigma, k) => { settings[`noiseStd${k + 1}`] = sigma; });
      let hist;
      const r = await this.sideRun('compare', settings, (f) => {
        hist ??= new Float64Array((Number(f.snapshot.totalSteps) + 1) * K);
        hist.set(f.history, f.from * K);
        this.showMessage(`Comparing: σ = ${COMPARE_SIGMAS.join(', ')} with M = ${COMPARE_TRAJECTORIES} (step ${f.snapshot.step} of ${f.snapshot.totalSteps})…`, 'info');
      }, 25, () => false, 'funnel-compare');
      const s = r.snapshot, rows = s.step + 1;
      const column = (name) => { const c = fields.indexOf(name); return Float64Array.from({ length: rows }, (_, i) => hist[i * K + c]); };
      // Run k's columns under the names of this run's (the funnel's) history.
      const own = { meanX: 'MeanX', meanY: 'MeanY', seMeanX: 'SeDrift', meanY2: 'MeanY2', seMeanY2: 'SeMeanY2' };
      const results = s.runs.map((run, k) => {
        const sigma = s.noiseStds[k];
        this.pinFrom(`σ = ${sigma} (M = ${s.trajectories})`, (n) => column(n in own ? `sigma${k + 1}${own[n]}` : n), SIGMA_COLOURS[sigma]);
        return { sigma, drift: run.drift, se: run.seDrift, step: run.stats.step };
      });
      this.compared = { basis, results, grows: s.grows };
      this.draw();
      this.showMessage(`Drift E[x] − x_GD at the last step (± 1 SE, M = ${COMPARE_TRAJECTORIES}, same seed): ${results.map((c) => `σ = ${c.sigma}: ${signed(c.drift)} ± ${fmt(c.se)}`).join('; ')}.`, 'info');
      this.updateReadout();
    } finally {
      button.disabled = false;
    }
    if (wasPlaying) this.play();
  }

  /** The settings a comparison depends on (all but σ, M and the display ones). */
  compareBasis() {
    return COMPARE_BASIS.map((n) => this.valid[n]).join('|');
  }

  // ---- drawing: the scene (www/lib/plot.js) -------------------------------------------------

  draw() {
    if (!this.figure || !this.hist) return;
    this.figure.draw();
    this.setLive(this.$('canvas.series'), `${QUANTITIES[this.quantity].label}: ${this.rows - 1} of ${this.snapshot.totalSteps} steps`, 'aria-label');
  }

  /**
   * Public API: the figure as data (www/lib/plot.js). The surface is two layers: `surface-bg`
   * (filled contour bands, contour lines, axes, the curvature strip), redrawn only when the cost
   * or the size changes, and `surface` over it (the trails, the iterates, the mean paths, the
   * start point), redrawn every frame. Below, `series`: the quantity over steps, with pins.
   */
  scene() {
    const sd = this.surfaceData, d = sd?.domain;
    if (!d || !this.hist || !this.snapshot) return null;
    const v = this.valid, pos = this.positions, alive = this.aliveMask;
    // Diverged trajectories: × at their last finite position, clamped 4 px into view.
    const s = this.figure?.scales['surface-bg'];
    const ix = s ? Math.abs(s.x.invert(4) - s.x.invert(0)) : 0, iy = s ? Math.abs(s.y.invert(4) - s.y.invert(0)) : 0;
    const clamp = (u, lo, hi) => Math.min(hi, Math.max(lo, u));
    const dots = { x: [], y: [] }, dead = { x: [], y: [] };
    for (let i = 0; i < alive.length; i++) {
      if (alive[i]) { dots.x.push(pos[2 * i]); dots.y.push(pos[2 * i + 1]); continue; }
      dead.x.push(clamp(pos[2 * i], d.xMin + ix, d.xMax - ix) || d.xMax - ix);
      dead.y.push(clamp(pos[2 * i + 1], d.yMin + iy, d.yMax - iy) || 0);
    }
    const path = (label, colour, x, y, rest) => ({ type: 'line', label, colour, x, y, maxPoints: 400, ...rest });
    const gd = { label: 'gradient descent (σ = 0)', colour: '#000', dash: [6, 4], width: 2 };
    const mean = { label: 'mean of M noisy runs', colour: C.vermillion, width: 3.5 };
    const pinLabel = (p) => `mean, ${p.label}`;
    const flows = this.flowPaths();
    return {
      title: 'Gradient noise and flatness: noisy gradient descent on the funnel (Grosse, Lecture 8)',
      caption: `${CLAIM} ${this.verdict()}`,
      panels: [
        {
          id: 'surface-bg', title: SURFACE_TITLE, key: [sd], margin: { top: 30, right: 14 },
          x: { label: 'x  (along the valley floor)', domain: [d.xMin, d.xMax], ticks: [-6, -4, -2, 0, 2, 4, 6] },
          y: { label: 'y  (across)', domain: [d.yMin, d.yMax], ticks: [-3, -2, -1, 0, 1, 2, 3], grid: false },
          marks: [
            { type: 'heat', values: sd.bands, nx: sd.nx, ny: sd.ny, x: [d.xMin, d.xMax], y: [d.yMin, d.yMax], ramp: SURFACE_RAMP, domain: [0, sd.levels.length] },
            { type: 'contour', lines: sd.contours, segments: true, colour: 'rgba(40, 60, 90, 0.35)', width: 0.75 },
            ...this.curvatureStrip(sd),
          ],
        },
        {
          id: 'surface', over: 'surface-bg',
          marks: [
            // Legend order: the mean, GD and the pinned runs first.
            { type: 'key', ...mean }, { type: 'key', ...gd }, ...this.pins.map((p) => ({ type: 'key', label: pinLabel(p), colour: p.colour, width: 2.5 })),
            ...(flows ? [{ type: 'key', ...MODIFIED }, { type: 'key', ...FLOW }] : []),
            { type: 'draw', draw: (ctx, p) => this.drawTrails(ctx, p) },
            { type: 'key', label: 'single noisy runs (greys)', colour: PATH_COLOURS[1], width: 1.2 },
            // Current iterates, lighter when there are many, so the paths stay readable over 2,000.
            { type: 'dots', label: 'current iterates', shape: 'square', r: 1.43, colour: alive.length > 500 ? 'rgba(58, 58, 58, 0.45)' : '#3a3a3a', ...dots },
            // Compared and pinned runs in the colours of the plot below; σ = 2's first and
            // σ = 0.5's (the shortest) last, so each shows where it went beyond the others.
            ...[...this.pins].reverse().map((p) => path(pinLabel(p), p.colour, p.meanX, p.meanY, { width: 2.5 })),
            path(gd.label, gd.colour, this.column('gdX'), this.column('gdY'), gd),
            path(mean.label, mean.colour, this.column('meanX'), this.column('meanY'), mean),
            // The flows up to this step, over GD and the mean (which start down the same line):
            // the modified flow translucent, the gradient flow dotted.
            ...(flows ? [path(MODIFIED.label, MODIFIED.colour, flows.modifiedX, flows.modifiedY, MODIFIED), path(FLOW.label, FLOW.colour, flows.flowX, flows.flowY, FLOW)] : []),
            { type: 'dots', label: 'diverged', shape: 'cross', r: 4, colour: '#000', ...dead },
            { type: 'dots', x: [v.startX], y: [v.startY], r: 5, colour: '#fff', rim: '#000', rimWidth: 2 }, // the start point
          ],
        },
        this.seriesPanel(),
      ],
    };
  }

  /** The plot below: the quantity over steps, ±1 SE, GD and the pins; rebuilt (and redrawn) at
      most 20 times a second while playing (its band and long lines are the costly part). */
  seriesPanel() {
    const now = performance.now();
    if (this.seriesCache && this.playing && now - this.seriesAt < 50) return this.seriesCache;
    this.seriesAt = now;
    const col = (n) => this.column(n);
    const step = col('step'), main = this.seriesFor({ meanX: col('meanX'), se: col('seMeanX'), gdX: col('gdX'), meanY2: col('meanY2'), seY2: col('seMeanY2') });
    // The flows' x (or x − x_GD for the drift), as far as this run has got.
    const flows = this.quantity === 'meanY2' ? null : this.flowPaths();
    const gdX = this.quantity === 'drift' ? col('gdX') : null;
    const less = (a) => (gdX ? a.map((v, i) => v - gdX[i]) : a);
    const flowLines = flows ? [
      { type: 'line', ...MODIFIED, label: gdX ? 'modified flow − GD' : MODIFIED.label, maxPoints: 600, x: step, y: less(flows.modifiedX) },
      { type: 'line', ...FLOW, label: gdX ? 'gradient flow − GD' : FLOW.label, maxPoints: 600, x: step, y: less(flows.flowX) },
    ] : [];
    const run = `this run (σ = ${this.valid.noiseStd}) ± 1 SE`;
    this.seriesCache = {
      id: 'series', title: QUANTITIES[this.quantity].label, key: [now], margin: { right: 16 },
      x: { label: 'step t (iterations)', domain: [0, Math.max(Number(this.snapshot.totalSteps), ...this.pins.map((p) => p.step.length - 1))] },
      y: { label: QUANTITIES[this.quantity].axis },
      marks: [
        ...(main.zero ? [{ type: 'rule', y: 0, colour: '#888' }] : []),
        { type: 'band', label: run, x: step, lo: main.y.map((m, i) => m - main.se[i]), hi: main.y.map((m, i) => m + main.se[i]), fill: 'rgba(213, 94, 0, 0.18)' },
        ...flowLines,
        ...(main.ref ? [{ type: 'line', label: 'gradient descent', colour: '#000', dash: [6, 4], width: 1.6, maxPoints: 600, x: step, y: main.ref }] : []),
        ...this.pins.map((p) => ({ type: 'line', label: p.label, colour: p.colour, width: 2, maxPoints: 600, x: p.step, y: this.seriesFor(p).y })),
        { type: 'line', label: run, colour: C.vermillion, width: 2.5, maxPoints: 600, x: step, y: main.y },
      ],
    };
    return this.seriesCache;
  }

  /** The two flows at steps 0 … rows − 1 as `{flowX, flowY, modifiedX, modifiedY}` (null before
      the worker sent them). */
  flowPaths(rows = this.rows) {
    const f = this.flows;
    if (!f) return null;
    const n = Math.min(rows, f.gradientFlow.length / 2);
    const split = (flat, j) => Float64Array.from({ length: n }, (_, i) => flat[2 * i + j]);
    return { flowX: split(f.gradientFlow, 0), flowY: split(f.gradientFlow, 1), modifiedX: split(f.modifiedFlow, 0), modifiedY: split(f.modifiedFlow, 1) };
  }

  /** The flows' x at step `t` (NaN where not computed). */
  flowsAt(t) {
    const f = this.flows;
    return { flow: f?.gradientFlow[2 * t] ?? NaN, modified: f?.modifiedFlow[2 * t] ?? NaN };
  }

  /**
   * The single noisy paths only grow, so on screen they live on an offscreen layer where each
   * frame draws just the new segments (a full redraw after a resize, reset or new run); the frame
   * then copies that layer. Repainting long self-crossing polylines every frame costs tens of ms
   * of software rasterization. An export draws them whole.
   */
  drawTrails(ctx, { x, y, exporting }) {
    const rows = this.rows, k = this.k, P = this.pathBuf;
    const paths = (g, from) => {
      Object.assign(g, { lineWidth: 1.2, lineJoin: 'round', lineCap: 'round' });
      g.setLineDash([]);
      for (let j = 0; j < k; j++) {
        g.strokeStyle = PATH_COLOURS[j % PATH_COLOURS.length];
        polyline(g, rows - from, (i) => x(P[((from + i) * k + j) * 2]), (i) => y(P[((from + i) * k + j) * 2 + 1]), from ? Infinity : 1500);
      }
    };
    if (exporting) { if (k && rows > 1) paths(ctx, 0); return; }
    const { width: W, height: H } = ctx.canvas, key = `${W}x${H}#${this.run}`;
    if (this.trails?.width !== W || this.trails.height !== H) { this.trails = scratchCanvas(W, H); this.trailsDrawn = null; }
    const g = this.trails.getContext('2d');
    let from = 0;
    if (this.trailsDrawn?.key === key && this.trailsDrawn.rows <= rows) from = Math.max(0, this.trailsDrawn.rows - 1);
    else g.clearRect(0, 0, W, H);
    this.trailsDrawn = { key, rows };
    if (k && rows - from >= 2) { g.setTransform(ctx.getTransform()); paths(g, from); }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.trails, 0, 0);
  }

  /**
   * The valley's curvature h(x) = ∂²J/∂y² as a colour strip above the plot (a heat mark in the
   * top margin): sharp (vermillion) ↔ flat (blue), with its labels as text marks drawn `on` it
   * (plot.js picks black or white text, or a white plate, for 4.5:1 contrast). On screen
   * `this.stripLabels` records each label's box, text colour and least contrast as drawn (the
   * tests check them against the pixels).
   */
  curvatureStrip(sd) {
    const { curvature, curvatureMin: lo, curvatureMax: hi, domain: d } = sd, n = curvature.length;
    const strip = {
      type: 'heat', values: curvature, nx: n, ny: 1, x: [d.xMin, d.xMax], strip: { top: -STRIP.above, height: STRIP.height },
      ramp: STRIP_RAMP, domain: hi > lo ? [lo, hi] : [lo - 1, lo + 1], smooth: false, clip: false,
    };
    const labels = [];
    const report = (l) => { if (!l.exporting) { labels.push(l); Object.assign(this, { stripLabels: labels, stripFor: sd }); } };
    // Long labels need a plot 560 px wide.
    const label = (text, short, x, dx, align) => ({ type: 'text', text, short, shortBelow: 560, x, dx, align, y: 'top', dy: STRIP.height / 2 + 0.5 - STRIP.above, on: strip, report });
    if (!(hi - lo > 1e-9)) return [strip, label(`valley curvature ∂²J/∂y² = ${formatTick(hi)} everywhere (no flat side)`, null, 'center', 0, 'center')];
    return [
      strip,
      label(`◀ sharp (h ≈ ${formatTick(curvature[0])})`, '◀ sharp', 'left', 4, 'left'),
      label(`flat (h ≈ ${formatTick(curvature[n - 1])}) ▶`, 'flat ▶', 'right', -4, 'right'),
      label('valley curvature h(x) = ∂²J/∂y² at y = 0', 'curvature h(x)', 'center', 0, 'center'),
    ];
  }

  seriesFor(src) {
    // src: {step, meanX, se, gdX, meanY2, seY2} arrays.
    if (this.quantity === 'meanX') return { y: src.meanX, se: src.se, ref: src.gdX };
    if (this.quantity === 'drift') return { y: src.meanX.map((m, i) => m - src.gdX[i]), se: src.se, zero: true };
    return { y: src.meanY2, se: src.seY2 };
  }

  updateReadout() {
    const s = this.snapshot, st = s.stats, M = this.valid.trajectories;
    const fl = this.flowsAt(st.step);
    const rate = this.playing && this.rate ? `<span>${Math.round(this.rate).toLocaleString('en')} steps/s (${Math.round(this.rate * st.alive).toLocaleString('en')} trajectory-steps/s)</span>` : '';
    this.setReadout(`
      <span>step <b class="r-step">${st.step}</b> / ${s.totalSteps}</span>
      <span>E[x] = <b class="r-meanx">${fmt(st.meanX)}</b> ± ${fmt(st.seMeanX)}</span>
      <span>x<sub>GD</sub> = <b class="r-gdx">${fmt(st.gdX)}</b></span>
      <span>gradient flow x = <b class="r-flowx">${fmt(fl.flow)}</b></span>
      <span>modified flow x = <b class="r-modx">${fmt(fl.modified)}</b></span>
      <span>drift = <b class="r-drift">${signed(s.drift)}</b> ± ${fmt(s.seDrift)} ${s.drift > 2 * s.seDrift ? '(toward flat)' : ''}</span>
      <span>E[y²] = <b class="r-y2">${fmt(st.meanY2, 4)}</b></span>
      <span>diverged <b class="r-diverged">${s.diverged}</b> of ${M}</span>
      ${rate}`);
    this.setVerdict(this.verdict());
    this.setLive(this.$('canvas.surface'), `Cost surface (${this.valid.cost}); step ${st.step}: mean of ${M} noisy runs at x = ${fmt(st.meanX, 2)}, y = ${fmt(st.meanY, 2)}; gradient descent at x = ${fmt(st.gdX, 2)}; gradient flow at x = ${fmt(fl.flow, 2)}, modified flow at x = ${fmt(fl.modified, 2)}; drift ${signed(s.drift, 2)}.`, 'aria-label');
  }

  /**
   * One sentence from the numbers (SCIENCE.md §9): where GD went, the drift E[x_t] − x_t(GD)
   * with its standard error and whether it is toward the flat side, and, after "Compare σ",
   * whether the drift grows with σ. Each clause says so when the numbers do not support it.
   */
  verdict() {
    const s = this.snapshot, st = s.stats, v = this.valid;
    const sigma = v.noiseStd, M = v.trajectories;
    const moved = st.gdX - v.startX;
    const gd = `gradient descent moved ${signed(moved, 2)} along the valley (x = ${real(st.gdX)})`;
    const start = `Step 0: the ${M} noisy runs (σ = ${sigma}) and gradient descent start together at (${real(v.startX)}, ${real(v.startY)}); press Play.`;
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
    main = `${main}${this.flowClause(z)}`;
    const c = this.compared;
    if (!c || c.basis !== this.compareBasis()) return main;
    const parts = c.results.map((r) => `${signed(r.drift, 2)} ± ${fmt(r.se, 2)} at σ = ${r.sigma}`).join(', ');
    return `${main} Compare σ (M = ${COMPARE_TRAJECTORIES}, step ${c.results[0].step}): ${parts}: ${c.grows ? 'larger σ drifts further toward the flat side' : 'the drift does not grow with σ by more than 2 SE here'}.`;
  }

  /**
   * The flows' sentence (SCIENCE.md §9, "Link to §10"): where the gradient flow and the modified
   * flow are at this step against GD, and, when the drift is resolved (`z` SEs), whether the
   * modified flow's gap to GD is far smaller than the drift, i.e. whether the finite-step
   * correction R = (α/4)‖∇J‖² (no σ in it) could explain the drift. Empty at step 0.
   */
  flowClause(z) {
    const s = this.snapshot, st = s.stats, v = this.valid;
    const fl = this.flowsAt(st.step);
    if (st.step === 0 || !Number.isFinite(fl.modified) || !Number.isFinite(st.gdX)) return '';
    const dm = fl.modified - st.gdX, df = fl.flow - st.gdX;
    const where = ` The gradient flow is at x = ${real(fl.flow, 3)} (${signed(df, 4)} from GD) and the modified flow (Smith et al.’s finite-step correction (α/4)‖∇J‖²) at x = ${real(fl.modified, 3)} (${signed(dm, 4)})`;
    if (v.noiseStd > 0 && z > 2 && Math.abs(dm) < 0.1 * s.drift) {
      return `${where}: it tracks gradient descent and has no σ in it, so it does not explain the drift of ${signed(s.drift, 2)} toward the flat side.`;
    }
    return `${where}.`;
  }

  /** Public API: the run's data for export (settings, columns, rows), with the two flows over
      all steps as `noiselab run funnel` writes them (`gradientFlow`, `modifiedFlow`: {t, x, y}). */
  exportData() {
    const f = this.flowPaths(Infinity);
    const points = (x, y) => Array.from(x, (v, t) => ({ t, x: v, y: y[t] }));
    return { ...super.exportData(), ...(f ? { gradientFlow: points(f.flowX, f.flowY), modifiedFlow: points(f.modifiedX, f.modifiedY) } : {}) };
  }
}

if (!customElements.get('noiselab-funnel')) customElements.define('noiselab-funnel', NoiselabFunnel);
export { NoiselabFunnel };
