// The dropout widget's "Test time" view: weight scaling vs the K-mask Monte Carlo average (and
// the exact 2^D average when affordable), the MC spread band, the gap between them, and a strip
// of sampled sub-networks (Srivastava et al. 2014; Baldi & Sadowski 2013).
import { scale, drawAxes, polyline, ramp, OKABE_ITO as C } from '../../lib/plot.js';
import { MAP_MARGIN, CURVE_MARGIN, PROB_RAMP, GAP_RAMP, fmt } from './common.js';

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
        <canvas class="wide tt-curve" role="img" aria-label="test-time predictions"></canvas>
        <div class="legend" aria-hidden="true"><span><i class="swatch" style="border-color:#000"></i>weight scaling (×(1 − ρ), no masks)</span><span><i class="swatch" style="border-color:${C.vermillion}"></i>MC average over K masks</span><span><i class="swatch" style="border-color:rgba(213,94,0,0.3);border-top-width:9px"></i>± 1 std of the K sub-networks</span><span class="exact-key"><i class="swatch dashed" style="border-color:${C.green}"></i>exact average over all 2^D masks</span></div>
        <div class="plot-head"><strong class="gap-title">Gap: MC average − weight scaling</strong></div>
        <canvas class="wide tt-gap" role="img" aria-label="gap between Monte Carlo and weight-scaled predictions"></canvas>
        <div class="plot-head"><strong>An ensemble of 2^D sub-networks: a few sampled members</strong><span class="hint members-note"></span></div>
        <canvas class="strip members" role="img" aria-label="predictions of sampled sub-networks"></canvas>`;

export const TestTimeView = (Base) => class extends Base {
  async refreshTestTime() {
    const oneD = this.snapshot.widths[0] === 1;
    const { testK: k, seed } = this.valid;
    const base = { k, seed, members: MEMBERS, exact: true };
    this.tt = await this.method('testTime', oneD
      ? { ...base, nx: TT_N, ny: 2 }
      : { ...base, nx: TT_MAP, ny: TT_MAP, sliceN: TT_N, sliceAt: Number(this.$('.slice').value), memberN: MEMBER_N });
    this.$('.slice-pick').hidden = oneD;
    for (const n of ['ttCurve', 'ttGap', 'members']) this.drawView(n);
    this.updateReadout();
  }

  drawTestCurve() {
    const v = this.surfaces.ttCurve, t = this.tt;
    if (!t) { v.clear('#fff'); return; }
    const oneD = t.data.dim === 1;
    const c = oneD ? t : t.slice;
    const d = t.data.domain, n = c.weightScaled.length;
    const xs = Float64Array.from({ length: n }, (_, i) => d.xMin + (d.xMax - d.xMin) * i / (n - 1));
    const series = [
      { y: c.mcMean, colour: C.vermillion, band: c.mcStd },
      { y: c.weightScaled, colour: '#000', width: 1.8 },
    ];
    if (c.exact.length) series.push({ y: c.exact, colour: C.green, dash: [6, 4], width: 2 });
    const { sx, sy } = this.linePlotX(v, xs, d, series, oneD ? 'x' : `x₁ (slice at x₂ = ${this.$('.slice').value.replace('-', '−')})`, oneD ? 'prediction f(x)' : 'p(class 1 | x)', oneD ? [d.yMin, d.yMax] : [0, 1]);
    if (oneD) this.drawPoints(v.ctx, { x: sx, y: sy }, t.data, 0.6);
    this.$('.exact-key').hidden = !c.exact.length;
    this.$('.tt-title').textContent = oneD ? 'Test-time predictions of the dropout net' : 'Test-time predictions of the dropout net along a slice of the input plane';
  }

  linePlotX(v, xs, d, series, xLabel, yLabel, yRange) {
    const ctx = v.ctx;
    v.clear('#fff');
    const sx = scale(d.xMin, d.xMax, CURVE_MARGIN.left, v.width - CURVE_MARGIN.right);
    const sy = scale(yRange[0], yRange[1], v.height - CURVE_MARGIN.bottom, CURVE_MARGIN.top);
    drawAxes(ctx, { x: sx, y: sy, xLabel, yLabel, grid: true });
    ctx.save();
    ctx.beginPath(); ctx.rect(sx.range[0], sy.range[1], sx.range[1] - sx.range[0], sy.range[0] - sy.range[1]); ctx.clip();
    for (const s of series) {
      if (!s.band) continue;
      ctx.fillStyle = 'rgba(213, 94, 0, 0.2)';
      ctx.beginPath();
      let started = false;
      for (let i = 0; i < xs.length; i++) { const e = Number.isFinite(s.band[i]) ? s.band[i] : 0; const X = sx(xs[i]), Y = sy(s.y[i] + e); started ? ctx.lineTo(X, Y) : ctx.moveTo(X, Y); started = true; }
      for (let i = xs.length - 1; i >= 0; i--) { const e = Number.isFinite(s.band[i]) ? s.band[i] : 0; ctx.lineTo(sx(xs[i]), sy(s.y[i] - e)); }
      ctx.fill();
    }
    for (const s of series) {
      ctx.strokeStyle = s.colour; ctx.lineWidth = s.width ?? 2.2; ctx.setLineDash(s.dash ?? []);
      polyline(ctx, xs.length, (i) => sx(xs[i]), (i) => sy(s.y[i]));
    }
    ctx.setLineDash([]);
    ctx.restore();
    return { sx, sy, x: sx, y: sy };
  }

  drawGap() {
    const v = this.surfaces.ttGap, t = this.tt;
    if (!t) { v.clear('#fff'); return; }
    const d = t.data.domain;
    if (t.data.dim === 1) {
      const n = t.weightScaled.length;
      const xs = Float64Array.from({ length: n }, (_, i) => d.xMin + (d.xMax - d.xMin) * i / (n - 1));
      const gap = t.mcMean.map((m, i) => m - t.weightScaled[i]);
      const se = t.mcStd.map((s) => s / Math.sqrt(t.k));
      const series = [{ y: gap, colour: C.vermillion, band: se }];
      if (t.exact.length) series.push({ y: t.exact.map((m, i) => m - t.weightScaled[i]), colour: C.green, dash: [6, 4] });
      let m = 1e-3;
      for (const s of series) for (let i = 0; i < n; i++) if (Number.isFinite(s.y[i])) m = Math.max(m, Math.abs(s.y[i]) + (s.band && Number.isFinite(s.band[i]) ? s.band[i] : 0));
      this.linePlotX(v, xs, d, series, 'x', 'MC − weight scaling', [-1.08 * m, 1.08 * m]);
      this.$('.gap-title').textContent = `Gap: MC average − weight scaling (band ± 1 SE = std/√K${t.exact.length ? '; dashed: exact − weight scaling' : ''})`;
      return;
    }
    const ctx = v.ctx;
    v.clear('#fff');
    const n = t.mcMean.length;
    const gap = new Float64Array(n);
    let m = 1e-3;
    for (let i = 0; i < n; i++) { gap[i] = t.mcMean[i] - t.weightScaled[i]; m = Math.max(m, Math.abs(gap[i])); }
    const h = v.height - MAP_MARGIN.bottom - MAP_MARGIN.top;
    const w = h * (d.xMax - d.xMin) / (d.yMax - d.yMin);
    const sx = scale(d.xMin, d.xMax, MAP_MARGIN.left, MAP_MARGIN.left + w);
    const sy = scale(d.yMin, d.yMax, v.height - MAP_MARGIN.bottom, MAP_MARGIN.top);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.heatImage(gap, TT_MAP, TT_MAP, GAP_RAMP, -m, m), sx.range[0], sy(d.yMax), w, h);
    drawAxes(ctx, { x: sx, y: sy, xLabel: 'x₁', yLabel: 'x₂', xTicks: [-1, 0, 1], yTicks: [-1, 0, 1] });
    // Colour bar.
    const bx = MAP_MARGIN.left + w + 40, bw = 14;
    for (let i = 0; i < h; i++) { const c = ramp(GAP_RAMP, 1 - i / h); ctx.fillStyle = `rgb(${c})`; ctx.fillRect(bx, MAP_MARGIN.top + i, bw, 1.5); }
    ctx.font = '11px system-ui, sans-serif'; ctx.fillStyle = '#333'; ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    ctx.fillText(`+${fmt(m)} (MC above)`, bx + bw + 6, MAP_MARGIN.top + 4);
    ctx.fillText('0', bx + bw + 6, MAP_MARGIN.top + h / 2);
    ctx.fillText(`−${fmt(m)} (MC below)`, bx + bw + 6, MAP_MARGIN.top + h - 4);
    const slice = Number(this.$('.slice').value);
    ctx.setLineDash([4, 3]); ctx.strokeStyle = '#333'; ctx.beginPath(); ctx.moveTo(sx.range[0], sy(slice)); ctx.lineTo(sx.range[1], sy(slice)); ctx.stroke(); ctx.setLineDash([]);
    this.$('.gap-title').textContent = `Gap over the input plane: MC average (K = ${t.k}) − weight scaling, p(class 1); dashed line: the slice above`;
  }

  drawMembers() {
    const v = this.surfaces.members, ctx = v.ctx, t = this.tt;
    v.clear('#fff');
    if (!t) return;
    const count = MEMBERS, cols = v.width > 640 ? count : count / 2, rowsN = count / cols;
    const pw = v.width / cols, ph = v.height / rowsN;
    const d = t.data.domain, oneD = t.data.dim === 1, n = t.n;
    let minKept = Infinity, maxKept = -Infinity;
    const droppableUnits = t.droppable;
    for (let j = 0; j < count; j++) {
      const x0 = (j % cols) * pw + 4, y0 = Math.floor(j / cols) * ph + 4, w = pw - 8, h = ph - 20;
      const pred = t.memberPredictions.subarray(j * n, (j + 1) * n);
      if (oneD) {
        const sx = scale(d.xMin, d.xMax, x0, x0 + w), sy = scale(d.yMin, d.yMax, y0 + h, y0);
        ctx.strokeStyle = '#ddd'; ctx.strokeRect(x0, y0, w, h);
        ctx.save(); ctx.beginPath(); ctx.rect(x0, y0, w, h); ctx.clip();
        ctx.strokeStyle = C.vermillion; ctx.lineWidth = 1.5;
        polyline(ctx, n, (i) => sx(d.xMin + (d.xMax - d.xMin) * i / (n - 1)), (i) => sy(pred[i]));
        this.drawPoints(ctx, { x: sx, y: sy }, t.data, 0.35);
        ctx.restore();
      } else {
        ctx.imageSmoothingEnabled = true;
        const side = Math.min(w, h);
        ctx.drawImage(this.heatImage(pred, MEMBER_N, MEMBER_N, PROB_RAMP), x0 + (w - side) / 2, y0, side, side);
      }
      // Units kept by this member's mask (over the dropped layers).
      const mask = t.memberMasks.subarray(j * t.units, (j + 1) * t.units);
      let dropped = 0;
      for (let u = 0; u < mask.length; u++) if (mask[u] < 0.5) dropped++;
      const kept = droppableUnits - dropped;
      minKept = Math.min(minKept, kept); maxKept = Math.max(maxKept, kept);
      ctx.font = '11px system-ui, sans-serif'; ctx.fillStyle = '#333'; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
      const labelY = oneD ? y0 + h + 3 : y0 + Math.min(w, h) + 3;
      ctx.fillText(`${kept} of ${droppableUnits} kept`, x0 + w / 2, labelY);
    }
    const D = t.droppable;
    const ens = D > 60 ? `2^${D} ≈ ${Number(2 ** D).toExponential(1)}` : `2^${D} = ${Number(2 ** D).toLocaleString('en')}`;
    this.setLive(this.$('.members-note'), D ? `D = ${D} droppable units, ${ens} sub-networks sharing weights` : 'no droppable units (dropout off for this rule)', 'text');
    this.setLive(this.$('canvas.members'), `${count} sampled sub-networks of ${ens}, each keeping ${minKept} to ${maxKept} of ${D} units; each panel is that member's prediction.`, 'aria-label');
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
