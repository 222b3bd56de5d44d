// Shared by the dropout widget's views (www/widgets/dropout.js): margins, colour ramps, number
// format, and the drawing helpers every view uses (heat images, data points, line plots).
import { scale, drawAxes, polyline, ramp, OKABE_ITO as C } from '../../lib/plot.js';

export const MAP_MARGIN = { left: 56, right: 10, top: 10, bottom: 40 };
export const CURVE_MARGIN = { left: 58, right: 12, top: 12, bottom: 40 };
// Blue (class 0 / low) – white – vermillion (class 1 / high): Okabe–Ito, colour-blind safe.
export const PROB_RAMP = [[0, [0, 114, 178]], [0.5, [255, 255, 255]], [1, [213, 94, 0]]];
export const GAP_RAMP = [[0, [0, 158, 115]], [0.5, [255, 255, 255]], [1, [204, 121, 167]]];

export const fmt = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');

export const DropoutPlots = (Base) => class extends Base {
  heatImage(values, nx, ny, stops, lo = 0, hi = 1) {
    const canvas = new OffscreenCanvas(nx, ny);
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(nx, ny);
    for (let i = 0; i < nx * ny; i++) {
      const c = ramp(stops, (values[i] - lo) / (hi - lo || 1));
      img.data.set([c[0], c[1], c[2], 255], 4 * i);
    }
    ctx.putImageData(img, 0, 0);
    return canvas;
  }

  drawPoints(ctx, s, data, alpha = 1) {
    const { dim, trainX, trainT, classification } = data;
    ctx.save();
    ctx.globalAlpha = alpha;
    ctx.lineWidth = 1.2;
    ctx.strokeStyle = '#000';
    for (let i = 0; i < trainT.length; i++) {
      const X = s.x(trainX[i * dim]), Y = s.y(dim === 2 ? trainX[i * dim + 1] : trainT[i]);
      ctx.beginPath();
      if (!classification) { ctx.fillStyle = '#222'; ctx.arc(X, Y, 3.5, 0, 2 * Math.PI); ctx.fill(); continue; }
      if (trainT[i] > 0.5) { ctx.fillStyle = C.vermillion; ctx.arc(X, Y, 4.2, 0, 2 * Math.PI); }
      else { ctx.fillStyle = C.blue; ctx.rect(X - 3.6, Y - 3.6, 7.2, 7.2); }
      ctx.fill(); ctx.stroke();
    }
    ctx.restore();
  }

  /** A line plot of series `[{y, colour, dash, band}]` over `x`. */
  linePlot(v, { x, series, xLabel, yLabel, xMax, logY = false, yMin }) {
    const ctx = v.ctx;
    v.clear('#fff');
    let lo = Infinity, hi = -Infinity;
    for (const s of series) for (let i = 0; i < s.y.length; i++) {
      const e = s.band ? s.band[i] : 0;
      if (Number.isFinite(s.y[i])) { lo = Math.min(lo, s.y[i] - (Number.isFinite(e) ? e : 0)); hi = Math.max(hi, s.y[i] + (Number.isFinite(e) ? e : 0)); }
    }
    if (yMin !== undefined) lo = Math.min(lo, yMin);
    if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
    if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
    const pad = 0.06 * (hi - lo);
    void logY;
    const sx = scale(0, xMax || 1, CURVE_MARGIN.left, v.width - CURVE_MARGIN.right);
    const sy = scale(lo - pad, hi + pad, v.height - CURVE_MARGIN.bottom, CURVE_MARGIN.top);
    drawAxes(ctx, { x: sx, y: sy, xLabel, yLabel, grid: true });
    ctx.save();
    ctx.beginPath(); ctx.rect(sx.range[0], sy.range[1], sx.range[1] - sx.range[0], sy.range[0] - sy.range[1]); ctx.clip();
    for (const s of series) {
      if (!s.band) continue;
      ctx.fillStyle = s.bandColour ?? 'rgba(213, 94, 0, 0.2)';
      ctx.beginPath();
      const n = s.y.length;
      let started = false;
      for (let i = 0; i < n; i++) { const e = s.band[i]; if (!Number.isFinite(e) || !Number.isFinite(s.y[i])) continue; const X = sx(x[i]), Y = sy(s.y[i] + e); started ? ctx.lineTo(X, Y) : ctx.moveTo(X, Y); started = true; }
      for (let i = n - 1; i >= 0; i--) { const e = s.band[i]; if (!Number.isFinite(e) || !Number.isFinite(s.y[i])) continue; ctx.lineTo(sx(x[i]), sy(s.y[i] - e)); }
      ctx.fill();
    }
    for (const s of series) {
      ctx.strokeStyle = s.colour; ctx.lineWidth = s.width ?? 2.2; ctx.setLineDash(s.dash ?? []);
      polyline(ctx, s.y.length, (i) => sx(x[i]), (i) => sy(s.y[i]), 1200);
    }
    ctx.restore();
    return { sx, sy };
  }
};
