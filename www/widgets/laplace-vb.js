// <noiselab-laplace-vb>: Laplace vs variational Gaussian on a skewed 1-D density (Grosse,
// Lecture 8, "Variational Bayes and Curvature"; Bishop PRML Figs. 4.14 and 10.1; SCIENCE.md §5).
// p(z) ∝ exp(−z²/2)·σ(a·z + b). The Laplace Gaussian sits at the mode with the local curvature;
// the Gaussian minimizing KL(q‖p) moves toward the mass and is narrower than p; the moment-matched
// Gaussian (minimizing KL(p‖q)) is wider. All numbers come from the Rust core (quadrature).
//
// Embed: <script type="module" src=".../www/widgets/laplace-vb.js"></script>
//        <noiselab-laplace-vb slope="20" offset="4"></noiselab-laplace-vb>
import { RunWidget } from '../lib/run-widget.js';
import { swatchSvg, OKABE_ITO as C } from '../lib/plot.js';

const CSS = `
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; }
@media (max-width: 700px) { .pair { grid-template-columns: minmax(0, 1fr); } }
.table-scroll { overflow-x: auto; max-width: 100%; }
canvas { aspect-ratio: 4 / 3; }
table.kl { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; margin-top: 4px; }
table.kl th, table.kl td { padding: 3px 10px; text-align: right; border-bottom: 1px solid var(--border); }
table.kl th:first-child, table.kl td:first-child { text-align: left; white-space: nowrap; }
table.kl td.best { font-weight: 700; }
`;

const Z_MIN = -2, Z_MAX = 4, POINTS = 481;
// Bishop's colours (PRML Fig. 10.1): the true density yellow (filled ochre here, with a dark
// ochre edge for 5:1 contrast on white), Laplace red, variational green. The red (relative
// luminance 0.13) and the green (0.25) also differ in lightness and in dash, so the two stay
// apart for red–green colour-blind readers; the moment-matched Gaussian (not in Bishop's
// figure) is Okabe–Ito blue, dotted.
const CURVES = [
  { key: 'p', label: 'true p(z)', colour: '#8A6A00', fill: 'rgba(240, 196, 25, 0.45)', width: 2, dash: [] },
  { key: 'laplace', label: 'Laplace N(z₀, 1/A)', colour: '#C8102E', width: 2.5, dash: [7, 4] },
  { key: 'variational', label: 'variational argmin KL(q‖p)', colour: '#2E9E3E', width: 3, dash: [] },
  { key: 'momentMatched', label: 'moment matched argmin KL(p‖q)', colour: C.blue, width: 2, dash: [2, 3] },
];
// The y axes: densities from 0 (p is filled down to it), − ln densities capped at 30.
const PANELS = {
  density: { title: 'Densities', y: { label: 'density', domain: [0, null] } },
  neglog: { title: 'Negative log densities', y: { label: '− ln density', clamp: [-Infinity, 30] } },
};
const fmt = (v, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : '—');
// Two KLs (nats) are "equal" when they differ by less than half the last digit shown (4
// decimals): at slope 0 all three Gaussians are p itself and every KL is 0 to rounding.
const KL_TOL = 5e-5;
// Means and standard deviations are compared to 1e-4 (the 3 decimals of the verdict, and far
// above the core's rounding: its quadrature is exact to ~1e-15).
const MOMENT_TOL = 1e-4;
const relation = (a, b, tol) => (Math.abs(a - b) < tol ? '=' : a < b ? '<' : '>');

/**
 * The verdict on Bishop's Fig. 10.1 claim, from the core's numbers: Laplace sits at the mode with
 * its width from the curvature there; the Gaussian minimizing KL(q‖p) moves toward the mass and is
 * narrower than p, and its KL(q‖p) is below Laplace's. When p is Gaussian (slope 0) all three
 * Gaussians coincide and the sentence says so instead.
 */
export function verdictOf(a, slope) {
  const L = a.laplace, V = a.variational, M = a.momentMatched; // M: p's own mean and std
  const klL = a.laplaceKl.klQP, klV = a.variationalKl.klQP;
  const same = (q) => Math.abs(q.mean - M.mean) < MOMENT_TOL && Math.abs(q.std - M.std) < MOMENT_TOL;
  if (same(L) && same(V) && Math.abs(klL) < KL_TOL && Math.abs(klV) < KL_TOL) {
    return `${Number(slope) === 0 ? 'At slope a = 0 p is Gaussian' : 'Here p is Gaussian to 4 decimals'}: the Laplace, variational and moment-matched Gaussians coincide (mean ${fmt(M.mean, 3)}, std ${fmt(M.std, 3)}) and every KL is ${fmt(0)}: there is nothing to approximate.`;
  }
  const shift = V.mean - a.mode, toMass = M.mean - a.mode;
  const moves = Math.abs(shift) >= MOMENT_TOL && Math.sign(shift) === Math.sign(toMass);
  const narrower = relation(V.std, M.std, MOMENT_TOL) === '<';
  const better = relation(klV, klL, KL_TOL) === '<';
  const parts = [
    `Laplace sits at the mode z₀ = ${fmt(a.mode, 3)} with std ${fmt(L.std, 3)} from the curvature there`,
    `the variational Gaussian ${moves ? 'moves toward the mass' : 'does not move toward the mass'} (mean ${fmt(V.mean, 3)}, p's mean ${fmt(M.mean, 3)})`
      + ` and is ${narrower ? 'narrower than' : 'not narrower than'} p (std ${fmt(V.std, 3)} vs ${fmt(M.std, 3)})`,
    `its KL(q‖p) is ${fmt(klV, 3)} nats vs Laplace's ${fmt(klL, 3)}${better ? '' : relation(klV, klL, KL_TOL) === '=' ? ' (equal)' : ' (higher)'}`,
  ];
  const holds = moves && narrower && better;
  return `${parts[0]}; ${parts[1]}; ${parts[2]}: ${holds ? 'as in' : 'unlike'} Bishop's Fig. 10.1.`;
}

class NoiselabLaplaceVb extends RunWidget {
  static css = CSS;
  static runControls = false;
  // The default is Bishop's figure itself (a = 20, b = 4, from the core's field table).
  static presets = [
    { name: 'symmetric', label: 'Symmetric (slope 0): all three coincide', settings: { slope: 0 },
      note: 'At slope a = 0, p̃(z) = exp(−z²/2)σ(b) is a Gaussian: Laplace, variational and moment matched are all N(0, 1) and every KL is 0.' },
    { name: 'mild-skew', label: 'Mild skew (a = 3, b = 1): Laplace nearly right', settings: { slope: 3, offset: 1 },
      note: 'A gentle sigmoid leaves p close to Gaussian: the three Gaussians nearly agree (KL(q‖p) 0.043 nats for Laplace, 0.011 variational).' },
    { name: 'cliff', label: 'Mode at the cliff (a = 20, b = −4): Laplace too narrow', settings: { slope: 20, offset: -4 },
      note: 'The sigmoid cuts p off just left of its mode, where the curvature is large: Laplace (std 0.34) is narrower than p (0.57) and even than the variational Gaussian (0.43); KL(q‖p) 1.12 vs 0.18.' },
    { name: 'steep', label: 'Steeper sigmoid (a = 50): Laplace far off', settings: { slope: 50 },
      note: 'A steeper sigmoid makes p more skewed: Laplace stays at the mode (0.056) while the mass is at 0.75; KL(q‖p) 6.9 nats for Laplace vs 0.28 variational.' },
  ];

  renderFigure() {
    return `
      <div class="pair">
        <div><div class="plot-head"><strong>${PANELS.density.title}</strong></div><canvas data-panel="density" class="density" role="img" aria-label="densities"></canvas></div>
        <div><div class="plot-head"><strong>${PANELS.neglog.title}</strong></div><canvas data-panel="neglog" class="neglog" role="img" aria-label="negative log densities"></canvas></div>
      </div>
      <div class="legend" aria-hidden="true"></div>
      <div class="table-scroll" tabindex="0" role="group" aria-label="KL table of the three Gaussians on Bishop’s density"><table class="kl" aria-label="the three Gaussians and their KL divergences"><thead><tr><th>Gaussian</th><th>mean</th><th>std</th><th>KL(q‖p) nats</th><th>KL(p‖q) nats</th></tr></thead><tbody></tbody></table></div>`;
  }

  /** p and the Gaussians are tabulated on POINTS points of [Z_MIN, Z_MAX]. */
  computeArgs() { return { zMin: Z_MIN, zMax: Z_MAX, n: POINTS }; }

  async onApplied() {
    // At slope 0, σ(b) is a constant factor of p̃: the offset changes nothing.
    this.setControlDisabled('offset', Number(this.valid.slope) === 0 ? 'No effect at slope a = 0: σ(b) is a constant factor, p is N(0, 1) for every b.' : null);
    await this.compute();
  }

  /**
   * Public API: the figure as data (www/lib/plot.js): on each panel p(z) (filled on the density
   * panel) and the three Gaussians over z, and the mode z₀ as a dashed rule.
   */
  scene() {
    if (!this.result) return null;
    const { z, density, negLogDensity, analysis } = this.result;
    const panel = (id, curves) => ({
      id, ...PANELS[id],
      x: { label: 'z', domain: [Z_MIN, Z_MAX] },
      marks: [
        ...CURVES.map((c, k) => ({ type: 'line', label: c.label, colour: c.colour, width: c.width, dash: c.dash, fill: id === 'density' ? c.fill : undefined, x: z, y: curves[k] })),
        { type: 'rule', x: analysis.mode, dash: [3, 3] },
        { type: 'text', x: analysis.mode, y: 'top', dx: -4, dy: 2, align: 'right', baseline: 'top', size: 12, colour: '#444', text: 'mode z₀' },
      ],
    });
    return {
      title: 'Laplace vs variational Gaussian on a skewed density (Bishop, PRML Fig. 10.1)',
      caption: `p(z) ∝ exp(−z²/2)·σ(a·z + b). ${verdictOf(analysis, this.valid.slope)}`,
      panels: [panel('density', density), panel('neglog', negLogDensity)],
    };
  }

  updateReadout() {
    const a = this.result.analysis;
    const rows = [['Laplace', a.laplace, a.laplaceKl], ['variational', a.variational, a.variationalKl], ['moment matched', a.momentMatched, a.momentMatchedKl]];
    const bestQP = Math.min(...rows.map((r) => r[2].klQP));
    const bestPQ = Math.min(...rows.map((r) => r[2].klPQ));
    // Every Gaussian within the tolerance of the smallest KL is marked (all three at slope 0).
    const best = (v, b) => (relation(v, b, KL_TOL) === '=' ? 'best' : '');
    this.$('table.kl tbody').innerHTML = rows.map(([name, q, kl], i) => `<tr><td>${swatchSvg({ ...CURVES[i + 1], line: true })} ${name}</td><td>${fmt(q.mean)}</td><td>${fmt(q.std)}</td>` +
      `<td class="${best(kl.klQP, bestQP)}">${fmt(kl.klQP)}</td><td class="${best(kl.klPQ, bestPQ)}">${fmt(kl.klPQ)}</td></tr>`).join('');
    const rel = relation(a.variationalKl.klQP, a.laplaceKl.klQP, KL_TOL);
    const relText = { '<': '&lt;', '=': '=', '>': '&gt;' }[rel];
    this.setReadout(`
      <span>mode z₀ = <b class="r-mode">${fmt(a.mode)}</b></span>
      <span>A = −f''(z₀) = <b class="r-precision">${fmt(a.laplacePrecision)}</b></span>
      <span>ln Z = <b class="r-logz">${fmt(a.logNormalizer)}</b> (Laplace: ${fmt(a.laplaceLogNormalizer)})</span>
      <span>KL(q‖p): variational <b class="r-kl-vi">${fmt(a.variationalKl.klQP)}</b> <span class="r-kl-relation">${relText}</span> Laplace <b class="r-kl-laplace">${fmt(a.laplaceKl.klQP)}</b>${rel === '=' ? ' (equal)' : ''}</span>`);
    this.setVerdict(verdictOf(a, this.valid.slope));
    this.setLive(this.$('canvas.density'), `Densities of p and three Gaussians: Laplace mean ${fmt(a.laplace.mean, 3)} std ${fmt(a.laplace.std, 3)}; variational mean ${fmt(a.variational.mean, 3)} std ${fmt(a.variational.std, 3)}; moment matched mean ${fmt(a.momentMatched.mean, 3)} std ${fmt(a.momentMatched.std, 3)}.`, 'aria-label');
  }

  /** Public API: the curves for export. */
  exportData() {
    if (!this.result) return super.exportData();
    const { z, density, negLogDensity, analysis } = this.result;
    const history = Array.from(z, (v, i) => [v, ...density.map((c) => c[i]), ...negLogDensity.map((c) => c[i])]);
    return {
      ...this.exportHead(), analysis,
      historyFields: ['z', 'p', 'qLaplace', 'qVariational', 'qMomentMatched', 'negLogP', 'negLogQLaplace', 'negLogQVariational', 'negLogQMomentMatched'],
      history,
    };
  }
}

if (!customElements.get('noiselab-laplace-vb')) customElements.define('noiselab-laplace-vb', NoiselabLaplaceVb);
export { NoiselabLaplaceVb };
