// The dropout widget's "Test time" view: weight scaling vs the K-mask Monte Carlo average (and
// the exact 2^D average when affordable), the MC spread band, the gap between them, and a strip
// of sampled sub-networks (Srivastava et al. 2014; Baldi & Sadowski 2013).
import { OKABE_ITO as C } from '../../lib/plot.js';
import { PROB_RAMP, GAP_RAMP, fmt, grid, pointMarks, curvePanel } from './common.js';

const TT_N = 121; // points of test-time curves
const TT_MAP = 32; // grid of the test-time gap map
const MEMBER_N = 24; // grid of each sampled sub-network
const MEMBERS = 8;
const SLICES = ['1', '0.5', '-0.5', '-1'];

/** The test-time panel (inside the widget's tab panel). */
export const testTimePanel = (id) => `
        <div class="plot-head"><strong class="tt-title">Test-time predictions of the dropout net</strong>
          <span class="inline slice-pick" hidden><label for="${id('slice')}">slice at x₂ =</label><select id="${id('slice')}" class="slice">${SLICES.map((s) => `<option value="${s}"${s === '0.5' ? ' selected' : ''}>${s.replace('-', '−')}</option>`).join('')}</select></span>
</div>
        <canvas class="wide tt-curve" data-panel="tt-curve" role="img" aria-label="test-time predictions"></canvas>
        <div class="legend" data-panel="tt-curve" aria-hidden="true"></div>
        <div class="plot-head"><strong class="gap-title">Gap: MC average − weight scaling</strong></div>
        <canvas class="wide tt-gap" data-panel="tt-gap" role="img" aria-label="gap between Monte Carlo and weight-scaled predictions"></canvas>
        <div class="legend" data-panel="tt-gap" aria-hidden="true"></div>
        <div class="plot-head"><strong>An ensemble of 2^D sub-networks: a few sampled members</strong><span class="hint members-note"></span></div>
        <canvas class="strip members" data-panel="members" role="img" aria-label="predictions of sampled sub-networks"></canvas>`;

export const TestTimeView = (Base) => class extends Base {
  async refreshTestTime() {
    const oneD = this.snapshot.widths[0] === 1;
    const { testK: k, seed } = this.valid;
    const base = { k, seed, members: MEMBERS, exact: true };
    this.tt = await this.method('testTime', oneD
      ? { ...base, nx: TT_N, ny: 2 }
      : { ...base, nx: TT_MAP, ny: TT_MAP, sliceN: TT_N, sliceAt: Number(this.$('.slice').value), memberN: MEMBER_N });
    this.$('.slice-pick').hidden = oneD;
    this.$('canvas.tt-gap').classList.toggle('square', !oneD); // the input plane at about 1:1
    this.figure.draw();
    this.updateReadout();
  }

  /** The test-time view's panels: the three predictions along x (or a slice), and their gap. */
  testTimePanels() {
    const t = this.tt;
    if (!t) return [];
    const oneD = t.data.dim === 1, c = oneD ? t : t.slice, d = t.data.domain, k = [t, this.$('.slice').value];
    const xs = grid(d.xMin, d.xMax, c.weightScaled.length);
    const slice = this.$('.slice').value.replace('-', '−');
    this.$('.tt-title').textContent = oneD ? 'Test-time predictions of the dropout net' : 'Test-time predictions of the dropout net along a slice of the input plane';
    const curve = curvePanel('tt-curve', this.$('.tt-title').textContent, {
      x: xs, domain: [d.xMin, d.xMax], key: k, xLabel: oneD ? 'x' : `x₁ (slice at x₂ = ${slice})`, yLabel: oneD ? 'prediction f(x)' : 'p(class 1 | x)',
      y: { domain: oneD ? [d.yMin, d.yMax] : [0, 1] },
      series: [
        { label: 'MC average over K masks', seLabel: '± 1 std of the K sub-networks', y: c.mcMean, se: c.mcStd.map((v) => (Number.isFinite(v) ? v : 0)), colour: C.vermillion },
        { label: 'weight scaling (×(1 − ρ), no masks)', y: c.weightScaled, colour: '#000', width: 1.8 },
        ...(c.exact.length ? [{ label: 'exact average over all 2^D masks', y: c.exact, colour: C.green, dash: [6, 4], width: 2 }] : []),
      ],
    });
    if (oneD) curve.marks.push(...pointMarks(t.data, 0.6, false));
    return [curve, this.gapPanel(k), this.membersPanel()];
  }

  /** MC average − weight scaling: along x with ±1 SE (1-D), or as heat over the input plane. */
  gapPanel(key) {
    const t = this.tt, d = t.data.domain;
    if (t.data.dim === 1) {
      const xs = grid(d.xMin, d.xMax, t.weightScaled.length);
      const gap = t.mcMean.map((m, i) => m - t.weightScaled[i]);
      const series = [{ label: 'MC average − weight scaling, ± 1 SE (std/√K)', y: gap, se: t.mcStd.map((s) => (Number.isFinite(s) ? s / Math.sqrt(t.k) : 0)), colour: C.vermillion }];
      if (t.exact.length) series.push({ label: 'exact − weight scaling', y: t.exact.map((m, i) => m - t.weightScaled[i]), colour: C.green, dash: [6, 4] });
      let m = 1e-3;
      for (const s of series) for (let i = 0; i < gap.length; i++) if (Number.isFinite(s.y[i])) m = Math.max(m, Math.abs(s.y[i]) + (s.se?.[i] ?? 0));
      this.$('.gap-title').textContent = `Gap: MC average − weight scaling (band ± 1 SE = std/√K${t.exact.length ? '; dashed: exact − weight scaling' : ''})`;
      return curvePanel('tt-gap', this.$('.gap-title').textContent, { x: xs, domain: [d.xMin, d.xMax], key, xLabel: 'x', yLabel: 'MC − weight scaling', y: { domain: [-1.08 * m, 1.08 * m] }, series });
    }
    const gap = t.mcMean.map((v, i) => v - t.weightScaled[i]);
    const m = Math.max(1e-3, ...gap.map(Math.abs));
    this.$('.gap-title').textContent = `Gap over the input plane: MC average (K = ${t.k}) − weight scaling, p(class 1); dashed line: the slice above`;
    return {
      id: 'tt-gap', title: this.$('.gap-title').textContent, key, aspect: 'equal',
      x: { label: 'x₁', domain: [d.xMin, d.xMax], ticks: [-1, 0, 1] }, y: { label: 'x₂', domain: [d.yMin, d.yMax], ticks: [-1, 0, 1], grid: false },
      marks: [
        { type: 'heat', values: gap, nx: TT_MAP, ny: TT_MAP, x: [d.xMin, d.xMax], y: [d.yMin, d.yMax], ramp: GAP_RAMP, domain: [-m, m] },
        { type: 'rule', label: 'the slice shown above', y: Number(this.$('.slice').value), colour: '#333', dash: [4, 3] },
        { type: 'key', label: `shading: MC − weight scaling from −${fmt(m)} (MC below) to +${fmt(m)} (MC above)`, ramp: GAP_RAMP },
      ],
    };
  }

  /** A strip of sampled sub-networks without axes: each one's prediction (a curve in a box or a
      heat map) and how many units its mask keeps. One cell is 1 wide (u: one screen pixel). */
  membersPanel() {
    const t = this.tt, count = MEMBERS, c = this.$('canvas.members'), d = t.data.domain, oneD = t.data.dim === 1, n = t.n;
    const cols = c.clientWidth > 640 ? count : count / 2, rows = count / cols, u = cols / (c.clientWidth || 800);
    const ph = ((c.clientHeight || 125) / rows) * u, w = 1 - 8 * u, h = ph - 20 * u, side = oneD ? h : Math.min(w, h);
    const marks = [], kept = [];
    for (let j = 0; j < count; j++) {
      const x0 = (j % cols) + 4 * u + (oneD ? 0 : (w - side) / 2), x1 = x0 + (oneD ? w : side), y1 = (rows - Math.floor(j / cols)) * ph - 4 * u, y0 = y1 - side;
      const sx = (v) => x0 + ((v - d.xMin) / (d.xMax - d.xMin)) * (x1 - x0), sy = (v) => (v >= d.yMin && v <= d.yMax ? y0 + ((v - d.yMin) / (d.yMax - d.yMin)) * side : NaN);
      const pred = t.memberPredictions.subarray(j * n, (j + 1) * n);
      if (oneD) {
        marks.push({ type: 'contour', lines: [[x0, y0, x1, y0, x1, y1, x0, y1]], closed: true, colour: '#ddd' },
          { type: 'line', x: grid(d.xMin, d.xMax, n).map(sx), y: pred.map(sy), colour: C.vermillion, width: 1.5 },
          ...pointMarks(t.data, 0.35, false).map((m) => ({ ...m, x: m.x.map(sx), y: m.y.map(sy) })));
      } else marks.push({ type: 'heat', values: pred, nx: MEMBER_N, ny: MEMBER_N, x: [x0, x1], y: [y0, y1], ramp: PROB_RAMP, domain: [0, 1] });
      kept[j] = t.droppable - t.memberMasks.subarray(j * t.units, (j + 1) * t.units).filter((m) => m < 0.5).length;
      marks.push({ type: 'text', x: (x0 + x1) / 2, y: y0, dy: 3, align: 'center', baseline: 'top', text: `${kept[j]}${u > 1 / 110 ? '/' : ' of '}${t.droppable} kept` }); // narrow cells: 49/128
    }
    const D = t.droppable;
    const ens = D > 60 ? `2^${D} ≈ ${Number(2 ** D).toExponential(1)}` : `2^${D} = ${Number(2 ** D).toLocaleString('en')}`;
    this.setLive(this.$('.members-note'), D ? `D = ${D} droppable units, ${ens} sub-networks sharing weights` : 'no droppable units (dropout off for this rule)', 'text');
    this.setLive(c, `${count} sampled sub-networks of ${ens}, each keeping ${Math.min(...kept)} to ${Math.max(...kept)} of ${D} units; each panel is that member's prediction.`, 'aria-label');
    return { id: 'members', title: 'An ensemble of 2^D sub-networks: a few sampled members', axes: false, wide: true, aspect: 'equal', key: [t], margin: { left: 0, right: 0, top: 0, bottom: 0 }, x: { domain: [0, cols] }, y: { domain: [0, rows * ph] }, marks };
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

  /** The readout's test-time numbers. */
  testTimeReadout() {
    if (!this.tt) return '';
    const c = this.tt.data.dim === 1 ? this.tt : this.tt.slice;
    let gap = 0, sd = 0, eg = 0;
    const n = c.weightScaled.length;
    for (let i = 0; i < n; i++) { gap += Math.abs(c.mcMean[i] - c.weightScaled[i]) / n; sd += (Number.isFinite(c.mcStd[i]) ? c.mcStd[i] : 0) / n; if (c.exact.length) eg += Math.abs(c.exact[i] - c.weightScaled[i]) / n; }
    return `<span>K = <b class="r-k">${this.tt.k}</b></span><span>mean |MC − weight scaling| <b class="r-gap">${fmt(gap, 4)}</b></span><span>mean MC std <b class="r-mcstd">${fmt(sd, 4)}</b></span>`
      + (c.exact.length ? `<span>mean |exact − weight scaling| <b class="r-exact-gap">${fmt(eg, 4)}</b></span>` : `<span>exact 2^D average: ${this.tt.droppable > 16 ? `not computed (D = ${this.tt.droppable} > 16)` : 'too costly at this grid'}</span>`);
  }
};
