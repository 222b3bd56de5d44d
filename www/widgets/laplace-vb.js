// <noiselab-laplace-vb>: Laplace vs variational Gaussian on a skewed 1-D density (Grosse,
// Lecture 8, "Variational Bayes and Curvature"; Bishop PRML Figs. 4.14 and 10.1; SCIENCE.md §5).
// p(z) ∝ exp(−z²/2)·σ(a·z + b). The Laplace Gaussian sits at the mode with the local curvature;
// the Gaussian minimizing KL(q‖p) moves toward the mass and is narrower than p; the moment-matched
// Gaussian (minimizing KL(p‖q)) is wider. All numbers come from the Rust core (quadrature).
//
// Embed: <script type="module" src=".../www/widgets/laplace-vb.js"></script>
//        <noiselab-laplace-vb slope="20" offset="4"></noiselab-laplace-vb>
import { NoiselabWidget } from '../lib/widget.js';
import { Surface, scale, drawAxes, polyline, OKABE_ITO as C } from '../lib/plot.js';

const CSS = `
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; }
@media (max-width: 700px) { .pair { grid-template-columns: minmax(0, 1fr); } }
.table-scroll { overflow-x: auto; max-width: 100%; }
canvas { aspect-ratio: 4 / 3; }
table.kl { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; margin-top: 4px; }
table.kl th, table.kl td { padding: 3px 10px; text-align: right; border-bottom: 1px solid var(--border); }
table.kl th:first-child, table.kl td:first-child { text-align: left; }
table.kl td.best { font-weight: 700; }
`;
let sheet;

const Z_MIN = -2, Z_MAX = 4, POINTS = 481;
const CURVES = [
  { key: 'p', label: 'true p(z)', colour: '#111', width: 2.5, dash: [] },
  { key: 'laplace', label: 'Laplace N(z₀, 1/A)', colour: C.orange, width: 2.5, dash: [7, 4] },
  { key: 'variational', label: 'variational argmin KL(q‖p)', colour: C.blue, width: 2.5, dash: [] },
  { key: 'momentMatched', label: 'moment matched argmin KL(p‖q)', colour: C.green, width: 2, dash: [2, 3] },
];
const fmt = (v, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : '—');

class NoiselabLaplaceVb extends NoiselabWidget {
  static kind = 'density1d';
  static runControls = false;

  extraSheets() {
    if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
    return [sheet];
  }

  renderFigure() {
    const legend = CURVES.map((c) => `<span><i class="swatch${c.dash.length ? ' dashed' : ''}" style="border-color:${c.colour}"></i>${c.label}</span>`).join('');
    return `
      <div class="pair">
        <div><div class="plot-head"><strong>Densities</strong></div><canvas class="density" role="img" aria-label="densities"></canvas></div>
        <div><div class="plot-head"><strong>Negative log densities</strong></div><canvas class="neglog" role="img" aria-label="negative log densities"></canvas></div>
      </div>
      <div class="legend" aria-hidden="true">${legend}</div>
      <div class="table-scroll" tabindex="0" role="group" aria-label="KL table of the three Gaussians on Bishop’s density"><table class="kl" aria-label="the three Gaussians and their KL divergences"><thead><tr><th>Gaussian</th><th>mean</th><th>std</th><th>KL(q‖p) nats</th><th>KL(p‖q) nats</th></tr></thead><tbody></tbody></table></div>`;
  }

  async onReady() {
    this.densityView = new Surface(this.$('canvas.density'), () => this.draw());
    this.neglogView = new Surface(this.$('canvas.neglog'), () => this.draw());
    this.draw();
  }

  async onApplied() {
    const settings = Object.fromEntries(this.fields.map((f) => [f.name, this.valid[f.name]]));
    this.result = await this.worker.request('compute', { kind: 'density1d', settings, zMin: Z_MIN, zMax: Z_MAX, n: POINTS });
    this.draw();
    this.updateReadout();
    this.dispatchEvent(new CustomEvent('noiselab-frame', { detail: this.result.analysis, bubbles: true, composed: true }));
  }

  draw() {
    if (!this.densityView || !this.result) return;
    const { z, density, negLogDensity } = this.result;
    this.plot(this.densityView, z, density, { yLabel: 'density', floor: 0 });
    this.plot(this.neglogView, z, negLogDensity, { yLabel: '− ln density', cap: 30 });
  }

  plot(view, z, curves, { yLabel, floor, cap }) {
    const ctx = view.ctx;
    view.clear('#fff');
    let lo = Infinity, hi = -Infinity;
    for (const c of curves) for (const v of c) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (floor !== undefined) lo = floor;
    if (cap !== undefined) hi = Math.min(hi, cap);
    if (!(hi > lo)) hi = lo + 1;
    const pad = 0.06 * (hi - lo);
    const x = scale(Z_MIN, Z_MAX, 52, view.width - 12);
    const y = scale(lo - (floor === undefined ? pad : 0), hi + pad, view.height - 40, 12);
    drawAxes(ctx, { x, y, xLabel: 'z', yLabel, grid: true });
    ctx.save();
    ctx.beginPath(); ctx.rect(x.range[0], y.range[1], x.range[1] - x.range[0], y.range[0] - y.range[1]); ctx.clip();
    if (floor === 0) {
      // The true density, shaded.
      ctx.fillStyle = 'rgba(0, 0, 0, 0.08)';
      ctx.beginPath(); ctx.moveTo(x(z[0]), y(0));
      for (let i = 0; i < z.length; i++) ctx.lineTo(x(z[i]), y(curves[0][i]));
      ctx.lineTo(x(z[z.length - 1]), y(0)); ctx.fill();
    }
    // The mode z₀.
    const mode = this.result.analysis.mode;
    ctx.strokeStyle = 'rgba(0,0,0,0.35)'; ctx.lineWidth = 1; ctx.setLineDash([3, 3]);
    ctx.beginPath(); ctx.moveTo(x(mode), y.range[0]); ctx.lineTo(x(mode), y.range[1]); ctx.stroke();
    for (let k = CURVES.length - 1; k >= 0; k--) {
      const c = CURVES[k];
      ctx.strokeStyle = c.colour; ctx.lineWidth = c.width; ctx.setLineDash(c.dash);
      polyline(ctx, z.length, (i) => x(z[i]), (i) => y(curves[k][i]));
    }
    ctx.restore();
  }

  updateReadout() {
    const a = this.result.analysis;
    const rows = [['Laplace', a.laplace, a.laplaceKl], ['variational', a.variational, a.variationalKl], ['moment matched', a.momentMatched, a.momentMatchedKl]];
    const bestQP = Math.min(...rows.map((r) => r[2].klQP));
    const bestPQ = Math.min(...rows.map((r) => r[2].klPQ));
    this.$('table.kl tbody').innerHTML = rows.map(([name, q, kl]) => `<tr><td>${name}</td><td>${fmt(q.mean)}</td><td>${fmt(q.std)}</td>` +
      `<td class="${kl.klQP === bestQP ? 'best' : ''}">${fmt(kl.klQP)}</td><td class="${kl.klPQ === bestPQ ? 'best' : ''}">${fmt(kl.klPQ)}</td></tr>`).join('');
    this.setReadout(`
      <span>mode z₀ = <b class="r-mode">${fmt(a.mode)}</b></span>
      <span>A = −f''(z₀) = <b class="r-precision">${fmt(a.laplacePrecision)}</b></span>
      <span>ln Z = <b class="r-logz">${fmt(a.logNormalizer)}</b> (Laplace: ${fmt(a.laplaceLogNormalizer)})</span>
      <span>KL(q‖p): variational <b class="r-kl-vi">${fmt(a.variationalKl.klQP)}</b> &lt; Laplace <b class="r-kl-laplace">${fmt(a.laplaceKl.klQP)}</b></span>`);
    this.setLive(this.$('canvas.density'), `Densities of p and three Gaussians: Laplace mean ${fmt(a.laplace.mean, 3)} std ${fmt(a.laplace.std, 3)}; variational mean ${fmt(a.variational.mean, 3)} std ${fmt(a.variational.std, 3)}; moment matched mean ${fmt(a.momentMatched.mean, 3)} std ${fmt(a.momentMatched.std, 3)}.`, 'aria-label');
  }

  /** Public API: the curves for export. */
  exportData() {
    if (!this.result) return super.exportData();
    const { z, density, negLogDensity, analysis } = this.result;
    const history = Array.from(z, (v, i) => [v, ...density.map((c) => c[i]), ...negLogDensity.map((c) => c[i])]);
    return {
      experiment: 'density1d', settings: this.settings, analysis,
      historyFields: ['z', 'p', 'qLaplace', 'qVariational', 'qMomentMatched', 'negLogP', 'negLogQLaplace', 'negLogQVariational', 'negLogQMomentMatched'],
      history,
    };
  }
}

if (!customElements.get('noiselab-laplace-vb')) customElements.define('noiselab-laplace-vb', NoiselabLaplaceVb);
export { NoiselabLaplaceVb };
